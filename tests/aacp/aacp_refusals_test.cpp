// AACP refusals (docs/dialects/aacp.md, "Decisions"): malformed agent ids, addresses and
// amounts; a wallet that does not hold the agent (403 not_nft_holder) or does not play the
// role (role_not_allowed); the budget guard; offers, snapshots and disputes out of place;
// unknown jobs, agents and disputes; list filters. Each refusal moves no money.
#include <doctest/doctest.h>

#include "aacp_market.h"
#include "lifecycle/refusal_text.h"

using mc::testing::refusal_text;
using namespace aacp_test;

namespace {

aacp::MoneyRequest money(int id, int64_t amount, std::string owner = "") {
  return {.agent_id = std::to_string(id),
          .owner_address = owner.empty() ? wallet(id) : owner,
          .amount_minor = amount};
}

}  // namespace

TEST_CASE("aacp refusals: registration, agent ids and addresses") {
  Market m;
  auto reg = [&](const std::string& caller, aacp::NewAgent agent) {
    return refusal_text(m.service.register_agent(caller, agent));
  };
  const std::string w1 = wallet(1);
  CHECK(reg(w1, {.agent_id = "", .owner_address = w1, .name = "a"}) == "missing_param/agentId");
  CHECK(reg(w1, {.agent_id = "12a", .owner_address = w1, .name = "a"}) == "invalid_value/agentId");
  CHECK(reg(w1, {.agent_id = std::string(79, '1'), .owner_address = w1, .name = "a"}) ==
        "invalid_value/agentId");
  CHECK(reg(w1, {.agent_id = "1", .owner_address = "0x12", .name = "a"}) ==
        "bad_address/ownerAddress");
  CHECK(reg("nobody", {.agent_id = "1", .owner_address = w1, .name = "a"}) ==
        "bad_address/X-Wallet-Address");
  CHECK(reg(w1, {.agent_id = "1", .owner_address = w1, .name = ""}) == "missing_param/name");
  CHECK(reg(w1, {.agent_id = "1", .owner_address = w1, .name = std::string(201, 'n')}) ==
        "invalid_value/name");
  CHECK(reg(wallet(2), {.agent_id = "1", .owner_address = w1, .name = "a"}) == "not_nft_holder/");
  CHECK(reg(w1, {.agent_id = "1", .owner_address = w1, .name = "a", .reputation = 101}) ==
        "invalid_value/reputation");
  CHECK(refusal_text(m.service.agent("1")) == "agent_not_found/");
  CHECK(refusal_text(m.service.agent("x")) == "invalid_value/agentId");

  // A new agent starts at 70; its holder registers it again to rename it and opt in.
  const aacp::AgentView first =
      m.service.register_agent(w1, {.agent_id = "1", .owner_address = w1, .name = "a"}).value();
  CHECK(first.score == 70);
  CHECK_FALSE(first.evaluator);
  const aacp::AgentView again =
      m.service
          .register_agent(w1,
                          {.agent_id = "1", .owner_address = w1, .name = "b", .evaluator = true})
          .value();
  CHECK(again.party.id == first.party.id);
  CHECK(again.party.display_name == "b");
  CHECK(again.evaluator);
  // Another wallet cannot take the agent id.
  const std::string w2 = wallet(2);
  CHECK(reg(w2, {.agent_id = "1", .owner_address = w2, .name = "x"}) == "agent_exists/");
  // The address is stored lower-case and shown with its EIP-55 checksum.
  CHECK(m.service.agent("1")->owner_address.size() == 42);
}

TEST_CASE("aacp refusals: deposits and withdrawals by the holder only, of positive amounts") {
  Market m;
  m.agent(1, 10 * kUsdc, 20 * kUsdc);
  m.agent(2, 0, 0);
  const auto pool = aacp::Purse::pool;
  const auto balance = aacp::Purse::balance;
  CHECK(refusal_text(m.service.deposit(wallet(2), pool, money(1, kUsdc))) == "not_nft_holder/");
  CHECK(refusal_text(m.service.deposit(wallet(1), pool, money(1, kUsdc, wallet(2)))) ==
        "not_nft_holder/");
  CHECK(refusal_text(m.service.deposit(wallet(1), pool, money(1, kUsdc, "0x1"))) ==
        "bad_address/ownerAddress");
  CHECK(refusal_text(m.service.deposit(wallet(1), pool, money(1, 0))) ==
        "amount_not_positive/amount");
  aacp::MoneyRequest long_hash = money(1, kUsdc);
  long_hash.tx_hash = std::string(101, 'h');
  CHECK(refusal_text(m.service.deposit(wallet(1), balance, long_hash)) == "invalid_value/txHash");
  CHECK(refusal_text(m.service.deposit(wallet(1), balance, money(3, kUsdc))) == "agent_not_found/");
  CHECK(refusal_text(m.service.withdraw(wallet(2), balance, money(1, kUsdc))) == "not_nft_holder/");
  CHECK(refusal_text(m.service.withdraw(wallet(1), balance, money(1, kUsdc, wallet(2)))) ==
        "not_nft_holder/");
  CHECK(refusal_text(m.service.withdraw(wallet(1), balance, money(1, -1))) ==
        "amount_not_positive/amount");
  CHECK(m.service.withdraw(wallet(1), balance, money(1, 11 * kUsdc)).status().detail() ==
        "insufficient_funds");
  // Test mode with a txHash records it: the same hash credits once.
  aacp::MoneyRequest hashed = money(1, kUsdc);
  hashed.tx_hash = "0xFEED";
  REQUIRE(m.service.deposit(wallet(1), balance, hashed).ok());
  m.deposited += kUsdc;
  REQUIRE(m.service.deposit(wallet(1), balance, hashed).ok());
  CHECK(m.view("1").balances.available_minor == 11 * kUsdc);
  const mc::Balances b = m.service.withdraw(wallet(1), pool, money(1, 5 * kUsdc))->balances;
  m.withdrawn += 5 * kUsdc;
  CHECK(b.stake_minor == 15 * kUsdc);
  // Production without a chain cannot confirm a deposit.
  aacp::Service live(*m.s.engine, m.s.market, {.test_mode = false});
  CHECK(refusal_text(live.deposit(wallet(1), balance, hashed)) == "chain_unavailable/");
  CHECK(m.house() == 0);
}

TEST_CASE("aacp refusals: job fields, the budget guard and the roles of each call") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  auto create = [&](auto change) {
    aacp::NewJob job{.client_id = client,
                     .evaluator_id = evaluator,
                     .budget_minor = kBudget,
                     .deadline_s = kDeadlineS,
                     .strategy_type = "PROGRAM"};
    change(job);
    return refusal_text(m.service.create_job(wallet(1), job));
  };
  CHECK(create([](aacp::NewJob& j) { j.evaluator_id = "99"; }) == "agent_not_found/");
  CHECK(create([](aacp::NewJob& j) { j.budget_minor = 0; }) == "amount_not_positive/budget");
  CHECK(create([](aacp::NewJob& j) { j.deadline_s = kStartS; }) == "deadline_in_past/deadline");
  CHECK(create([](aacp::NewJob& j) { j.program_hash = std::string(201, 'p'); }) ==
        "invalid_value/programHash");
  CHECK(create([](aacp::NewJob& j) { j.rubric_hash = std::string(201, 'r'); }) ==
        "invalid_value/rubricHash");
  CHECK(create([](aacp::NewJob& j) {
          j.cex_config = aacp::CexConfig{1, 1};
        }) == "invalid_value/cexConfig");
  for (const aacp::CexConfig& bad : {aacp::CexConfig{-1, 0}, aacp::CexConfig{10'001, 0},
                                     aacp::CexConfig{0, -1}, aacp::CexConfig{0, 1'000'001}}) {
    CHECK(create([&](aacp::NewJob& j) {
            j.strategy_type = "CEX_CAPITAL";
            j.cex_config = bad;
          }) == "invalid_value/cexConfig");
  }
  CHECK(create([](aacp::NewJob& j) { j.strategy_type = ""; }) == "missing_param/strategyType");
  CHECK(create([](aacp::NewJob& j) { j.strategy_type = std::string(21, 'S'); }) ==
        "invalid_value/strategyType");

  const int64_t id = m.job(client, evaluator);
  CHECK(refusal_text(m.service.fund(wallet(1), id, kBudget + 1)) == "budget_mismatch/");
  CHECK(refusal_text(m.service.fund(wallet(1), 9999, kBudget)) == "job_not_found/");
  CHECK(refusal_text(m.service.fund(wallet(2), id, std::nullopt)) == "role_not_allowed/");
  CHECK(refusal_text(m.service.fund("0xnope", id, std::nullopt)) == "bad_address/X-Wallet-Address");
  CHECK(refusal_text(m.service.submit(wallet(2), id, "")) == "missing_param/deliverableHash");
  // Nobody is the provider yet: the provider's verbs are nobody's.
  CHECK(refusal_text(m.service.submit(wallet(2), id, "0xd")) == "role_not_allowed/");
  CHECK(refusal_text(m.service.choose_provider(wallet(1), id, "77")) == "agent_not_found/");
  CHECK(refusal_text(m.service.claim_refund(wallet(42), id)) == "wrong_state/");
  m.ok(m.service.fund(wallet(1), id, kBudget));

  // Offers: the holder's address, an existing job; withdrawal while PENDING.
  CHECK(refusal_text(m.service.submit_offer(wallet(2), id, provider, wallet(3))) ==
        "not_nft_holder/");
  CHECK(refusal_text(m.service.submit_offer(wallet(2), 9999, provider, wallet(2))) ==
        "job_not_found/");
  CHECK(refusal_text(m.service.withdraw_offer(wallet(2), id, provider, wallet(3))) ==
        "not_nft_holder/");
  CHECK(refusal_text(m.service.withdraw_offer(wallet(2), 9999, provider, wallet(2))) ==
        "job_not_found/");
  REQUIRE(m.service.submit_offer(wallet(2), id, provider, wallet(2)).ok());
  const aacp::OfferView withdrawn =
      m.service.withdraw_offer(wallet(2), id, provider, wallet(2)).value();
  CHECK(withdrawn.status == "WITHDRAWN");
  const std::vector<aacp::OfferView> offers = m.service.offers(id).value();
  REQUIRE(offers.size() == 1);
  CHECK(offers[0].status == "WITHDRAWN");
  CHECK(refusal_text(m.service.offers(9999)) == "job_not_found/");
  CHECK(m.house() == 0);
}

TEST_CASE("aacp refusals: snapshots only on CEX_CAPITAL jobs, by the provider, while running") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const aacp::Snapshot good{.reported_value_minor = kUsdc, .tx_hash = "0xabc"};
  const int64_t program = m.job(client, evaluator);
  CHECK(refusal_text(m.service.report_snapshot(wallet(2), program, good)) == "not_cex_capital/");
  CHECK(refusal_text(m.service.report_snapshot(wallet(2), 9999, good)) == "job_not_found/");
  CHECK(refusal_text(m.service.report_snapshot("0x", program, good)) ==
        "bad_address/X-Wallet-Address");

  const int64_t id = m.job(client, evaluator, "CEX_CAPITAL");
  CHECK(m.service.snapshots(id)->empty());  // no provider yet
  CHECK(refusal_text(m.service.report_snapshot(wallet(2), id, good)) == "role_not_allowed/");
  m.ok(m.service.fund(wallet(1), id, kBudget));
  REQUIRE(m.service.submit_offer(wallet(2), id, provider, wallet(2)).ok());
  m.ok(m.service.choose_provider(wallet(1), id, provider));
  auto bad = [&](auto change) {
    aacp::Snapshot snapshot = good;
    change(snapshot);
    return refusal_text(m.service.report_snapshot(wallet(2), id, snapshot));
  };
  CHECK(bad([](aacp::Snapshot& s) { s.reported_value_minor = -1; }) ==
        "invalid_value/reportedValue");
  CHECK(bad([](aacp::Snapshot& s) { s.tx_hash = ""; }) == "missing_param/txHash");
  CHECK(bad([](aacp::Snapshot& s) { s.block_number = std::string(201, '1'); }) ==
        "invalid_value/blockNumber");
  CHECK(bad([](aacp::Snapshot& s) { s.attestation = std::string(20'001, 'a'); }) ==
        "invalid_value/attestation");
  CHECK(bad([](aacp::Snapshot& s) {
          s.balance_report_json = R"({"x":")" + std::string(64 * 1024, 'x') + "\"}";
        }) == "invalid_value/balanceReport");
  CHECK(m.service.snapshots(id)->empty());
  m.ok(m.service.submit(wallet(2), id, "0xdeliverable"));
  m.ok(m.service.evaluate(wallet(3), id, false));
  CHECK(refusal_text(m.service.report_snapshot(wallet(2), id, good)) == "wrong_state/");
  const aacp::JobView rejected = m.service.job(id).value();
  CHECK(rejected.status == "REJECTED");
  REQUIRE(rejected.passed);
  CHECK_FALSE(*rejected.passed);
  CHECK_FALSE(rejected.fees_paid);
  CHECK(m.view(provider).score == 95);  // −5 on a rejection
  CHECK(m.house() == 0);
}

TEST_CASE("aacp refusals: disputes — reasons, votes, salts and unknown disputes") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const auto judge = m.agent(11, 0, 20 * kUsdc);
  const int64_t id = m.submitted(client, provider, evaluator);
  CHECK_FALSE(m.service.dispute_of_job(id).value().has_value());
  CHECK(refusal_text(m.service.dispute_of_job(9999)) == "job_not_found/");
  m.ok(m.service.evaluate(wallet(3), id, true));
  CHECK(refusal_text(m.service.open_dispute(wallet(1), id, client, "")) == "missing_param/reason");
  CHECK(refusal_text(m.service.open_dispute(wallet(1), id, client, std::string(2001, 'r'))) ==
        "invalid_value/reason");
  CHECK(refusal_text(m.service.open_dispute(wallet(2), id, client, "x")) == "not_nft_holder/");
  CHECK(refusal_text(m.service.open_dispute(wallet(1), 9999, client, "x")) == "job_not_found/");
  CHECK(refusal_text(m.service.dispute(424242)) == "dispute_not_found/");
  const aacp::DisputeView opened = m.service.open_dispute(wallet(1), id, client, "bad").value();
  const int64_t dispute = opened.dispute.id;
  CHECK(opened.filed_by_agent_id == client);
  CHECK(opened.deposit_minor == 5 * kUsdc);
  CHECK(opened.reveal_deadline_s - opened.commit_deadline_s == 24 * 3600);
  CHECK(refusal_text(m.service.commit_vote(wallet(11), 424242, judge, "0x00")) ==
        "dispute_not_found/");
  CHECK(refusal_text(m.service.commit_vote(wallet(1), dispute, judge, "0x00")) ==
        "not_nft_holder/");
  CHECK(refusal_text(m.service.reveal_vote(wallet(11), dispute, judge, "MAYBE", "s")) ==
        "bad_vote/vote");
  CHECK(refusal_text(m.service.reveal_vote(wallet(11), dispute, judge, "CLIENT", "")) ==
        "missing_param/salt");
  CHECK(refusal_text(m.service.reveal_vote(wallet(11), 424242, judge, "CLIENT", "s")) ==
        "dispute_not_found/");
  REQUIRE(
      m.service.commit_vote(wallet(11), dispute, judge, aacp::Service::commitment("CLIENT", "s"))
          .ok());
  const aacp::DisputeView seen = m.service.dispute(dispute).value();
  REQUIRE(seen.votes.size() == 1);
  CHECK(seen.votes[0].agent_id == judge);
  CHECK(seen.votes[0].committed);
  CHECK(seen.votes[0].vote.empty());
  CHECK(m.house() == 2 * kUsdc + 5 * kUsdc);
}

TEST_CASE("aacp refusals: list filters and pages") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  m.job(client, evaluator);
  m.job(client, evaluator, "RUBRIC");
  CHECK(refusal_text(m.service.jobs({.status = std::string("LOST")})) == "invalid_value/status");
  CHECK(refusal_text(m.service.jobs({.strategy_type = std::string("X")})) ==
        "invalid_value/strategyType");
  CHECK(refusal_text(m.service.jobs({.page = 0})) == "invalid_value/page");
  CHECK(refusal_text(m.service.jobs({.limit = 0})) == "invalid_value/limit");
  CHECK(m.service.jobs({.client_id = std::string("404")})->total == 0);
  CHECK(m.service.jobs({.evaluator_id = evaluator})->total == 2);
  CHECK(m.service.jobs({.evaluator_id = client})->total == 0);
  CHECK(m.service.jobs({.owner_address = std::string("not an address")})->total == 0);
  CHECK(m.service.jobs({.owner_address = wallet(3)})->total == 2);
  CHECK(m.service.jobs({.owner_address = wallet(9)})->total == 0);
  const aacp::JobPage second = m.service.jobs({.page = 2, .limit = 1}).value();
  CHECK(second.total == 2);
  REQUIRE(second.jobs.size() == 1);
  CHECK(m.service.jobs({.page = 3, .limit = 1})->jobs.empty());
  CHECK(m.service.jobs({.status = std::string("OPEN"), .strategy_type = std::string("RUBRIC")})
            ->total == 1);
  CHECK(m.house() == 0);
}
