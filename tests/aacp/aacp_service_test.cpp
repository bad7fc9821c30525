// The AACP market definition (marketcore/aacp.h) in process, on the manual clock: the agent
// registry and its pools, jobs through every stand-in (create, fund with the expectedBudget
// guard, offers and the provider pick, submit, evaluate), fees on completion only, stake locks
// (the evaluator's only with its consent), claimRefund past the deadline, the evaluator's grace
// period, disputes with commit-reveal (and the default when nobody reveals), CEX_CAPITAL
// snapshots and a race of provider picks. After every scenario the ledger verifies and money is
// conserved: deposits − withdrawals = the agents' balances, pools, locked stakes and escrow +
// dispute deposits held + platform fees.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "aacp_market.h"
#include "marketcore/aacp.h"

using namespace aacp_test;

TEST_CASE("aacp: the full path, fees on completion only, stakes locked and released") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const auto rival = m.agent(4, 0, 200 * kUsdc);
  const auto newcomer = m.agent(5, 0, 200 * kUsdc, false, 69);
  const auto poor = m.agent(6, 0, 99 * kUsdc);
  const int64_t id = m.job(client, evaluator);
  CHECK(m.view(client).balances.available_minor == 1000 * kUsdc);  // nothing held while OPEN

  // Offers: gates, then idempotent.
  CHECK(m.refused(m.service.submit_offer(wallet(5), id, newcomer, wallet(5)).status()) ==
        "reputation_too_low");
  CHECK(m.refused(m.service.submit_offer(wallet(6), id, poor, wallet(6)).status()) ==
        "insufficient_stake");
  CHECK(m.refused(m.service.submit_offer(wallet(9), id, provider, wallet(2)).status()) ==
        "not_nft_holder");
  CHECK(m.refused(m.service.submit_offer(wallet(2), id, provider, wallet(9)).status()) ==
        "not_nft_holder");
  auto first = m.service.submit_offer(wallet(2), id, provider, wallet(2));
  REQUIRE(first.ok());
  auto again = m.service.submit_offer(wallet(2), id, provider, wallet(2));
  REQUIRE(again.ok());
  CHECK(again->created_at_ms == first->created_at_ms);
  REQUIRE(m.service.submit_offer(wallet(4), id, rival, wallet(4)).ok());
  CHECK(m.service.offers(id)->size() == 2);

  // Fund: only the client, with the exact budget.
  CHECK(m.refused(m.service.fund(wallet(2), id, std::nullopt).status()) == "role_not_allowed");
  CHECK(m.refused(m.service.fund(wallet(1), id, kBudget + 1).status()) == "budget_mismatch");
  CHECK(m.refused(m.service.choose_provider(wallet(1), id, provider).status()) == "wrong_state");
  const aacp::JobView funded = m.ok(m.service.fund(wallet(1), id, kBudget));
  CHECK(funded.status == "FUNDED");
  CHECK(funded.escrow_minor == kBudget);
  CHECK(m.view(client).balances.available_minor == 900 * kUsdc);
  CHECK(m.view(client).balances.stake_locked_minor == 5 * kUsdc);
  CHECK(m.view(evaluator).balances.stake_locked_minor == 10 * kUsdc);

  // Pick: one offer accepted, the others rejected.
  CHECK(m.refused(m.service.choose_provider(wallet(2), id, provider).status()) ==
        "role_not_allowed");
  const aacp::JobView picked = m.ok(m.service.choose_provider(wallet(1), id, provider));
  REQUIRE(picked.provider);
  CHECK(picked.provider->agent_id == provider);
  for (const aacp::OfferView& offer : picked.offers) {
    CHECK(offer.status == (offer.agent_id == provider ? "ACCEPTED" : "REJECTED"));
  }
  CHECK(m.refused(m.service.withdraw_offer(wallet(4), id, rival, wallet(4)).status()) ==
        "offer_not_pending");
  CHECK(m.refused(m.service.submit(wallet(4), id, "0xd").status()) == "role_not_allowed");
  const aacp::JobView submitted = m.ok(m.service.submit(wallet(2), id, "0xd"));
  CHECK(submitted.deliverable_hash == "0xd");
  CHECK(submitted.submitted.has_value());
  CHECK(m.view(provider).balances.stake_locked_minor == 10 * kUsdc);
  CHECK(m.house() == 0);  // no fee before completion

  CHECK(m.refused(m.service.evaluate(wallet(1), id, true).status()) == "role_not_allowed");
  const aacp::JobView completed = m.ok(m.service.evaluate(wallet(3), id, true));
  CHECK(completed.status == "COMPLETED");
  CHECK(completed.passed == true);
  CHECK(completed.fees_paid);
  CHECK(completed.job.fees.platform_fee_minor == 2 * kUsdc);
  CHECK(completed.job.fees.evaluator_fee_minor == 3 * kUsdc);
  CHECK(m.view(provider).balances.available_minor == 95 * kUsdc);
  CHECK(m.view(evaluator).balances.available_minor == 3 * kUsdc);
  CHECK(m.view(provider).score == 100);
  CHECK(m.house() == 2 * kUsdc);
  m.s.advance_ms(48 * kMillisecondsPerHour);
  const aacp::JobView settled = m.service.job(id).value();
  CHECK(settled.status == "COMPLETED");
  for (const aacp::StakeLock& lock : settled.stake_locks) {
    CHECK_FALSE(lock.active);
    CHECK(lock.released_at_ms.has_value());
  }
  CHECK(settled.stake_locks.size() == 3);
  CHECK(m.view(provider).completed_jobs == 1);
  CHECK(m.house() == 2 * kUsdc);
}

TEST_CASE("aacp: the evaluator accepts its role before any of its stake is locked") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto bystander = m.agent(2, 0, 100 * kUsdc);  // not an evaluator
  aacp::NewJob job{.client_id = client,
                   .evaluator_id = bystander,
                   .budget_minor = kBudget,
                   .deadline_s = kDeadlineS,
                   .strategy_type = "PROGRAM"};
  CHECK(m.refused(m.service.create_job(wallet(1), job).status()) == "evaluator_not_opted_in");
  CHECK(m.view(bystander).balances.stake_locked_minor == 0);
  // Opting in later (registering again with evaluator) makes it eligible.
  REQUIRE(m.service
              .register_agent(wallet(2), {.agent_id = bystander,
                                          .owner_address = wallet(2),
                                          .name = "agent 2",
                                          .evaluator = true})
              .ok());
  CHECK(m.service.create_job(wallet(1), job).ok());
  // Someone else's wallet cannot register over it.
  CHECK(m.refused(
            m.service
                .register_agent(
                    wallet(7), {.agent_id = bystander, .owner_address = wallet(7), .name = "thief"})
                .status()) == "agent_exists");
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: claimRefund by anyone past the deadline, never before; withdrawals") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  m.agent(8, 0, 0);
  const int64_t id = m.job(client, evaluator);
  m.ok(m.service.fund(wallet(1), id, std::nullopt));
  CHECK(m.refused(m.service.claim_refund(wallet(8), id).status()) == "deadline_not_reached");
  m.s.clock->set_ms(kDeadlineS * 1000);
  const aacp::JobView expired = m.ok(m.service.claim_refund(wallet(42), id));  // a stranger
  CHECK(expired.status == "EXPIRED");
  CHECK(m.view(client).balances.available_minor == 1000 * kUsdc);
  CHECK(m.view(evaluator).balances.stake_locked_minor == 0);
  // Withdraw: available only, by the holder.
  CHECK(m.refused(m.service
                      .withdraw(wallet(8), aacp::Purse::pool,
                                {.agent_id = client, .owner_address = wallet(1), .amount_minor = 1})
                      .status()) == "not_nft_holder");
  CHECK(m.refused(
            m.service
                .withdraw(
                    wallet(1), aacp::Purse::pool,
                    {.agent_id = client, .owner_address = wallet(1), .amount_minor = 101 * kUsdc})
                .status()) == "insufficient_funds");
  REQUIRE(
      m.service
          .withdraw(wallet(1), aacp::Purse::pool,
                    {.agent_id = client, .owner_address = wallet(1), .amount_minor = 100 * kUsdc})
          .ok());
  m.withdrawn += 100 * kUsdc;
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: an evaluator that never decides: refund after the grace, its stake pays") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const int64_t id = m.submitted(client, provider, evaluator);
  m.s.clock->set_ms(kDeadlineS * 1000);
  CHECK(m.refused(m.service.claim_refund(wallet(1), id).status()) == "wrong_state");
  m.s.advance_ms(72 * kMillisecondsPerHour);
  const aacp::JobView expired = m.service.job(id).value();
  CHECK(expired.status == "EXPIRED");
  CHECK(m.view(client).balances.available_minor == 1000 * kUsdc);
  CHECK(m.view(provider).balances.available_minor == 10 * kUsdc);  // the evaluator's stake
  CHECK(m.view(evaluator).balances.stake_minor == 90 * kUsdc);
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: a dispute judged by commit-reveal; mismatches and early reveals refused") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 10 * kUsdc, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const std::string arbitrators[] = {m.agent(11, 0, 20 * kUsdc), m.agent(12, 0, 20 * kUsdc),
                                     m.agent(13, 0, 20 * kUsdc)};
  const auto outsider = m.agent(14, 0, 20 * kUsdc, false, 50);
  const int64_t id = m.submitted(client, provider, evaluator);
  m.ok(m.service.evaluate(wallet(3), id, false));
  CHECK(m.view(provider).score == 95);
  // Only the side the evaluation went against disputes it.
  CHECK(m.refused(m.service.open_dispute(wallet(1), id, client, "no").status()) ==
        "role_not_allowed");
  CHECK(m.refused(m.service.open_dispute(wallet(3), id, evaluator, "no").status()) ==
        "role_not_allowed");
  auto dispute = m.service.open_dispute(wallet(2), id, provider, "the work was fine");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  CHECK(dispute->deposit_minor == 5 * kUsdc);
  CHECK(m.service.job(id)->status == "DISPUTED");
  const int64_t did = dispute->dispute.id;
  const std::string c0 = aacp::Service::commitment("PROVIDER", "salt0");
  CHECK(m.refused(m.service.commit_vote(wallet(14), did, outsider, c0).status()) ==
        "judge_not_eligible");
  CHECK(m.refused(m.service.commit_vote(wallet(1), did, client, c0).status()) ==
        "judge_not_eligible");
  REQUIRE(m.service.commit_vote(wallet(11), did, arbitrators[0], c0).ok());
  CHECK(m.refused(
            m.service.reveal_vote(wallet(11), did, arbitrators[0], "PROVIDER", "salt0").status()) ==
        "reveal_not_open");
  REQUIRE(m.service
              .commit_vote(wallet(12), did, arbitrators[1],
                           aacp::Service::commitment("PROVIDER", "salt1"))
              .ok());
  REQUIRE(m.service
              .commit_vote(wallet(13), did, arbitrators[2],
                           aacp::Service::commitment("CLIENT", "salt2"))
              .ok());
  CHECK(m.view(arbitrators[0]).balances.stake_locked_minor == 10 * kUsdc);
  CHECK(m.refused(
            m.service.reveal_vote(wallet(11), did, arbitrators[0], "CLIENT", "salt0").status()) ==
        "commitment_mismatch");
  REQUIRE(m.service.reveal_vote(wallet(11), did, arbitrators[0], "PROVIDER", "salt0").ok());
  REQUIRE(m.service.reveal_vote(wallet(13), did, arbitrators[2], "CLIENT", "salt2").ok());
  auto decided = m.service.reveal_vote(wallet(12), did, arbitrators[1], "PROVIDER", "salt1");
  REQUIRE_MESSAGE(decided.ok(), decided.status().to_string());
  CHECK(decided->dispute.status == "resolved");
  const aacp::JobView arbitrated = m.service.job(id).value();
  CHECK(arbitrated.status == "ARBITRATED");
  // The client's stake (5) goes to the provider, the deposit back to it; the escrow stays
  // refunded by the rejection.
  CHECK(m.view(provider).balances.available_minor == 15 * kUsdc);
  CHECK(m.view(client).balances.available_minor == 1000 * kUsdc);
  CHECK(m.view(client).balances.stake_minor == 95 * kUsdc);
  CHECK(m.view(client).score == 90);
  for (const auto& arbitrator : arbitrators) {
    CHECK(m.view(arbitrator).balances.stake_locked_minor == 0);
  }
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: arbitrators who do not reveal in time: the default closes the dispute") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const auto arbitrator = m.agent(11, 0, 20 * kUsdc);
  const int64_t id = m.submitted(client, provider, evaluator);
  m.ok(m.service.evaluate(wallet(3), id, true));
  auto dispute = m.service.open_dispute(wallet(1), id, client, "bad work");
  REQUIRE(dispute.ok());
  CHECK(m.house() == 2 * kUsdc + 5 * kUsdc);  // fee + the deposit held
  REQUIRE(m.service
              .commit_vote(wallet(11), dispute->dispute.id, arbitrator,
                           aacp::Service::commitment("CLIENT", "s"))
              .ok());
  m.s.advance_ms(48 * kMillisecondsPerHour);
  CHECK(m.refused(m.service
                      .commit_vote(wallet(11), dispute->dispute.id, arbitrator,
                                   aacp::Service::commitment("CLIENT", "t"))
                      .status()) == "commit_window_closed");
  m.s.advance_ms(24 * kMillisecondsPerHour);
  const aacp::JobView job = m.service.job(id).value();
  CHECK(job.status == "ARBITRATED");
  REQUIRE(job.dispute);
  CHECK(job.dispute->dispute.status == "closed");
  CHECK(job.dispute->dispute.outcome == "arbitration_timeout");
  CHECK(m.view(client).balances.available_minor == 900 * kUsdc);  // the evaluation stands
  CHECK(m.view(provider).balances.available_minor == 95 * kUsdc);
  CHECK(m.view(arbitrator).balances.stake_locked_minor == 0);
  CHECK(m.refused(m.service.reveal_vote(wallet(11), dispute->dispute.id, arbitrator, "CLIENT", "s")
                      .status()) == "dispute_closed");
  CHECK(m.house() == 2 * kUsdc);
}

TEST_CASE("aacp: CEX_CAPITAL snapshots are stored as the provider reports them") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const int64_t id = m.job(client, evaluator, "CEX_CAPITAL");
  CHECK(m.service.job(id)->cex_config->stop_loss_bps == 1000);
  m.ok(m.service.fund(wallet(1), id, std::nullopt));
  REQUIRE(m.service.submit_offer(wallet(2), id, provider, wallet(2)).ok());
  m.ok(m.service.choose_provider(wallet(1), id, provider));
  const aacp::Snapshot snapshot{.reported_value_minor = 1050 * kUsdc,
                                .snapshot_ts_s = kStartS + 4 * 3600,
                                .tx_hash = "0xabc",
                                .block_number = "12345678",
                                .balance_report_json = R"({"USDT":"1050"})",
                                .attestation = "0xatt"};
  CHECK(m.refused(m.service.report_snapshot(wallet(1), id, snapshot).status()) ==
        "role_not_allowed");
  REQUIRE(m.service.report_snapshot(wallet(2), id, snapshot).ok());
  auto stored = m.service.snapshots(id);
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 1);
  CHECK(stored->front().reported_value_minor == 1050 * kUsdc);
  CHECK(stored->front().balance_report_json == R"({"USDT":"1050"})");
  CHECK(m.service.job(id)->snapshots.size() == 1);
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: concurrent provider picks: exactly one wins") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  std::vector<std::string> providers;
  for (int i = 20; i < 28; ++i) providers.push_back(m.agent(i, 0, 200 * kUsdc));
  const int64_t id = m.job(client, evaluator);
  m.ok(m.service.fund(wallet(1), id, std::nullopt));
  for (size_t i = 0; i < providers.size(); ++i) {
    REQUIRE(
        m.service.submit_offer(wallet(20 + int(i)), id, providers[i], wallet(20 + int(i))).ok());
  }
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (const std::string& provider : providers) {
    threads.emplace_back([&, provider] {
      if (m.service.choose_provider(wallet(1), id, provider).ok()) ++wins;
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wins.load() == 1);
  const aacp::JobView job = m.service.job(id).value();
  int accepted = 0;
  for (const aacp::OfferView& offer : job.offers) accepted += offer.status == "ACCEPTED";
  CHECK(accepted == 1);
  CHECK(m.house() == 0);
}

TEST_CASE("aacp: lists filter by status, strategy, role and owner with page and total") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  for (int i = 0; i < 5; ++i) m.job(client, evaluator, i % 2 ? "RUBRIC" : "PROGRAM");
  auto all = m.service.jobs({.page = 1, .limit = 2});
  REQUIRE(all.ok());
  CHECK(all->total == 5);
  CHECK(all->jobs.size() == 2);
  CHECK(m.service.jobs({.strategy_type = "RUBRIC"})->total == 2);
  CHECK(m.service.jobs({.evaluator_id = evaluator})->total == 5);
  CHECK(m.service.jobs({.owner_address = wallet(3)})->total == 5);
  CHECK(m.service.jobs({.owner_address = wallet(99)})->total == 0);
  CHECK(m.service.jobs({.status = "FUNDED"})->total == 0);
  CHECK(m.service.jobs({.client_id = "777"})->total == 0);
  CHECK(m.service.jobs({.status = "BOGUS"}).status().detail() == "invalid_value");
  CHECK(m.service.jobs({.page = 3, .limit = 2})->jobs.size() == 1);
}

namespace {

// The chain as the test sees it: each known transaction moved a fixed amount from its owner.
class ScriptedChain final : public aacp::ChainConfirmer {
 public:
  std::map<std::string, int64_t> moved;
  int calls = 0;
  mc::Result<int64_t> confirmed_amount_minor(std::string_view tx_hash,
                                             std::string_view owner) override {
    ++calls;
    auto found = moved.find(std::string(tx_hash));
    if (found == moved.end() || owner.empty()) {
      return mc::Status(mc::Code::not_found, "transaction_not_found", "no such transaction");
    }
    return found->second;
  }
};

}  // namespace

TEST_CASE("aacp: production deposits are confirmed on the chain, each transaction once") {
  mc::scenario::Scenario s("aacp");
  auto chain = std::make_shared<ScriptedChain>();
  chain->moved["0xaaa"] = 50 * kUsdc;
  aacp::Service service(*s.engine, s.market, {.test_mode = false, .chain = chain});
  auto registered = service.register_agent(
      wallet(1), {.agent_id = "1", .owner_address = wallet(1), .name = "a", .reputation = 10});
  REQUIRE(registered.ok());
  CHECK(registered->score == 70);  // production ignores a claimed reputation
  const aacp::MoneyRequest no_hash{
      .agent_id = "1", .owner_address = wallet(1), .amount_minor = 50 * kUsdc};
  CHECK(service.deposit(wallet(1), aacp::Purse::pool, no_hash).status().detail() ==
        "missing_param");
  aacp::MoneyRequest request = no_hash;
  request.tx_hash = "0xaaa";
  request.amount_minor = 60 * kUsdc;
  CHECK(service.deposit(wallet(1), aacp::Purse::pool, request).status().detail() ==
        "amount_mismatch");
  request.amount_minor = 50 * kUsdc;
  auto credited = service.deposit(wallet(1), aacp::Purse::pool, request);
  REQUIRE_MESSAGE(credited.ok(), credited.status().to_string());
  CHECK(credited->balances.stake_minor == 50 * kUsdc);
  // The same transaction again credits nothing more, into either purse.
  CHECK(service.deposit(wallet(1), aacp::Purse::pool, request).ok());
  CHECK(service.deposit(wallet(1), aacp::Purse::balance, request).status().detail() ==
        "external_ref_conflict");
  const mc::Balances after = service.agent("1")->balances;
  CHECK(after.stake_minor == 50 * kUsdc);
  CHECK(after.available_minor == 0);
  request.tx_hash = "0xunknown";
  CHECK(service.deposit(wallet(1), aacp::Purse::pool, request).status().detail() ==
        "transaction_not_found");
  s.verify();
}
