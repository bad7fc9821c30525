// The 1337MKT market definition (marketcore/mkt1337.h) in process, on the manual clock:
// accounts and derived reputation (bonds, completions, verdicts), tier gates on posting and
// accepting, leads with typed success criteria, escrow deposits funding a lead (each tx hash
// once), contracts, batch accept with mixed outcomes, proof, approve, the 72 h auto-approval,
// reject → a judge panel voting, the unjudged dispute's default, pause / resume / cancel, the
// signed completion webhook (exactly once) and the recorded payout. After every scenario the
// ledger verifies and money is conserved: deposits − payouts = Σ of every party's balances.
#include <doctest/doctest.h>

#include <algorithm>

#include "marketcore/mkt1337.h"
#include "marketcore/webhook_signatures.h"
#include "mkt1337_market.h"

using namespace mkt1337_test;

TEST_CASE("mkt1337: accounts, bonds raise rep to at most 50, tiers follow") {
  Market m;
  const mc::PartyId p = m.account();
  CHECK(m.service->account_for_wallet(wallet(1))->party.id == p);  // get, not create
  CHECK(detail(m.service->account_by_wallet(wallet(99)).status()) == "account_not_found");
  CHECK(detail(m.service->account_for_wallet("0x12").status()) == "invalid_wallet");
  mc::Result<mk::Account> a = m.service->bond(p, 250 * kUsdc, tx(500));
  REQUIRE(a.ok());
  m.deposited += 250 * kUsdc;
  CHECK(a->rep_score == 25);
  CHECK(a->tier == "silver");
  CHECK(a->bond_minor == 250 * kUsdc);
  // The same tx hash credits once.
  CHECK(m.service->bond(p, 250 * kUsdc, tx(500)).ok());
  CHECK(m.service->account(p)->bond_minor == 250 * kUsdc);
  CHECK(detail(m.service->bond(m.account(), 250 * kUsdc, tx(500)).status()) == "external_ref_used");
  a = m.service->bond(p, 1000 * kUsdc, tx(501));
  REQUIRE(a.ok());
  m.deposited += 1000 * kUsdc;
  CHECK(a->rep_score == 50);  // bonds give at most 50
  CHECK(a->tier == "gold");
  mc::Result<std::vector<mk::RepEvent>> events = m.service->rep_events(p);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].kind == "bond");
  CHECK((*events)[0].delta == 25);
  CHECK((*events)[1].delta == 25);
  CHECK(detail(m.service->bond(p, 0, std::nullopt).status()) == "amount_not_positive");
  m.check();
}

TEST_CASE("mkt1337: lead rules, escrow funding, tier gates, approve and auto-approve") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId bronze = m.account();
  const mc::PartyId silver = m.account_with_rep(25);

  // Typed success criteria and types.
  CHECK(detail(m.service->create_lead(leader, {.title = "x", .type = "CPX", .payout_minor = kUsdc})
                   .status()) == "unknown_category");
  CHECK(detail(m.service
                   ->create_lead(leader, {.title = "x",
                                          .type = "CPV",
                                          .payout_minor = kUsdc,
                                          .success_criteria_json = R"({"min_duration_s":"30"})"})
                   .status()) == "invalid_success_criteria");
  // Bronze posts budgets up to $500.
  CHECK(detail(m.service
                   ->create_lead(leader, {.title = "x",
                                          .type = "CPA",
                                          .payout_minor = 51 * kUsdc,
                                          .slots = 10,
                                          .success_criteria_json = R"({"action":"a"})"})
                   .status()) == "tier_too_low");

  const mc::Job cheap = m.lead(leader, 50, 2);
  const mc::Job dear = m.lead(leader, 100, 2);
  // No contract before the lead is funded.
  CHECK(detail(m.service->accept(bronze, mk::lead_id(cheap.id)).status()) == "parent_wrong_state");
  // A partial deposit does not fund it.
  mc::Result<mk::EscrowStatus> part =
      m.service->deposit(leader, mk::lead_id(cheap.id), 40 * kUsdc, tx(900));
  REQUIRE(part.ok());
  m.deposited += 40 * kUsdc;
  CHECK_FALSE(part->funded);
  CHECK(part->deposited_minor == 40 * kUsdc);
  CHECK(part->held_minor == 0);
  part = m.service->deposit(leader, mk::lead_id(cheap.id), 60 * kUsdc, tx(901));
  REQUIRE(part.ok());
  m.deposited += 60 * kUsdc;
  CHECK(part->funded);
  CHECK(part->held_minor == 100 * kUsdc);
  // The same tx hash again: credited once, answered as a replay.
  part = m.service->deposit(leader, mk::lead_id(cheap.id), 60 * kUsdc, tx(901));
  REQUIRE(part.ok());
  CHECK(part->replayed);
  CHECK(part->deposited_minor == 100 * kUsdc);
  m.fund(dear);
  CHECK(detail(m.service->deposit(bronze, mk::lead_id(dear.id), kUsdc, tx(902)).status()) ==
        "not_your_lead");

  // Tier gates: Bronze takes ≤ $50, Silver ≤ $500.
  CHECK(detail(m.service->accept(bronze, mk::lead_id(dear.id)).status()) == "tier_too_low");
  const mc::Job c1 = m.accept(bronze, cheap);
  CHECK(detail(m.service->accept(bronze, mk::lead_id(cheap.id)).status()) == "already_contracted");
  const mc::Job c2 = m.accept(silver, dear);
  CHECK(detail(m.service->accept(leader, mk::lead_id(cheap.id)).status()) == "role_not_allowed");

  // Proof needs url or tx_hash; only the doer submits.
  CHECK(detail(m.service->submit_proof(bronze, mk::contract_id(c1.id), std::nullopt, std::nullopt)
                   .status()) == "proof_required");
  CHECK(detail(m.service->submit_proof(silver, mk::contract_id(c1.id), "https://x", std::nullopt)
                   .status()) == "contract_not_found");
  m.prove(bronze, c1);
  CHECK(detail(m.service->approve(bronze, mk::contract_id(c1.id)).status()) == "not_your_contract");
  mc::Result<mc::Job> approved = m.service->approve(leader, mk::contract_id(c1.id));
  REQUIRE(approved.ok());
  CHECK(approved->state == "approved");
  CHECK(m.available(bronze) == 50 * kUsdc);
  CHECK(m.service->account(bronze)->rep_score == 2);
  CHECK(m.service->account(bronze)->completions == 1);
  m.check();

  // Auto-approval 72 h after the proof.
  m.prove(silver, c2);
  m.s.advance_ms(72 * kMillisecondsPerHour - 1);
  CHECK(m.service->contract(silver, mk::contract_id(c2.id))->state == "proof_submitted");
  m.s.advance_ms(1);
  CHECK(m.service->contract(silver, mk::contract_id(c2.id))->state == "approved");
  CHECK(m.available(silver) == 100 * kUsdc);
  CHECK(m.service->account(silver)->rep_score == 27);
  m.check();

  // Recording the payout moves it out once.
  CHECK(detail(m.service->record_payout(bronze, mk::contract_id(c2.id), tx(950)).status()) ==
        "contract_not_found");
  REQUIRE(m.service->record_payout(leader, mk::contract_id(c2.id), tx(950)).ok());
  m.paid_out += 100 * kUsdc;
  CHECK(m.available(silver) == 0);
  CHECK(m.service->record_payout(leader, mk::contract_id(c2.id), tx(950)).ok());  // replay
  CHECK(m.service->payout_tx_hash(*m.s.engine->job(c2.id)).value() == tx(950));
  m.check();

  mc::Result<mk::EscrowStatus> escrow = m.service->escrow(mk::lead_id(dear.id));
  REQUIRE(escrow.ok());
  CHECK(escrow->held_minor == 100 * kUsdc);  // one undrawn payout
  // Pause: no new contract; resume; cancel refunds what is left.
  REQUIRE(m.service->set_lead_status(leader, mk::lead_id(dear.id), "paused").ok());
  CHECK(mk::lead_status(*m.service->lead(mk::lead_id(dear.id))) == "paused");
  CHECK(detail(m.service->accept(m.account_with_rep(30), mk::lead_id(dear.id)).status()) ==
        "parent_wrong_state");
  CHECK(m.service->leads({}).value().size() == 1);  // only `cheap` is open
  REQUIRE(m.service->set_lead_status(leader, mk::lead_id(dear.id), "active").ok());
  CHECK(m.service->leads({.min_payout_minor = 60 * kUsdc}).value().size() == 1);
  CHECK(m.service->leads({.type = "CPR"}).value().empty());
  CHECK(detail(m.service->cancel_lead(bronze, mk::lead_id(dear.id)).status()) == "not_your_lead");
  const int64_t before = m.available(leader);
  REQUIRE(m.service->cancel_lead(leader, mk::lead_id(dear.id)).ok());
  CHECK(m.available(leader) == before + 100 * kUsdc);
  m.check();
}

TEST_CASE("mkt1337: batch accept with mixed outcomes; 51 refused whole") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::Job open1 = m.lead(leader, 10, 1);
  const mc::Job open2 = m.lead(leader, 10, 3);
  const mc::Job unfunded = m.lead(leader, 10, 1);
  const mc::Job dear = m.lead(leader, 100, 1);
  m.fund(open1);
  m.fund(open2);
  m.fund(dear);
  std::vector<std::string> ids = {mk::lead_id(open1.id),
                                  mk::lead_id(open2.id),
                                  mk::lead_id(unfunded.id),
                                  mk::lead_id(dear.id),
                                  mk::lead_id(open2.id),
                                  "lead_999999",
                                  "nonsense"};
  mc::Result<mk::BatchResult> batch = m.service->accept_batch(doer, ids);
  REQUIRE(batch.ok());
  CHECK(batch->accepted.size() == 2);
  REQUIRE(batch->rejected.size() == 5);
  CHECK(detail(batch->rejected[0].reason) == "parent_wrong_state");
  CHECK(detail(batch->rejected[1].reason) == "tier_too_low");
  CHECK(detail(batch->rejected[2].reason) == "already_contracted");
  CHECK(detail(batch->rejected[3].reason) == "lead_not_found");
  CHECK(batch->rejected[4].lead_id == "nonsense");
  // A full lead rejects the next doer.
  mc::Result<mk::BatchResult> second =
      m.service->accept_batch(m.account(), {mk::lead_id(open1.id)});
  REQUIRE(second.ok());
  CHECK(detail(second->rejected.at(0).reason) == "no_contracts_available");
  std::vector<std::string> too_many(51, mk::lead_id(open2.id));
  CHECK(detail(m.service->accept_batch(doer, too_many).status()) == "batch_too_large");
  CHECK(m.s.engine->job(open2.id)->contracts_taken == 1);  // nothing of the 51 accepted
  CHECK(detail(m.service->accept_batch(doer, {}).status()) == "missing_param");
  m.check();
}

TEST_CASE("mkt1337: reject files a dispute; a judge panel votes; the default at the deadline") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::PartyId doer2 = m.account();
  const mc::Job lead_job = m.lead(leader, 20, 2);
  m.fund(lead_job);
  const mc::Job c1 = m.prove(doer, m.accept(doer, lead_job));
  const mc::Job c2 = m.prove(doer2, m.accept(doer2, lead_job));
  CHECK(detail(m.service->reject(doer, mk::contract_id(c1.id), "no").status()) ==
        "not_your_contract");
  mc::Result<mc::Dispute> dispute = m.service->reject(leader, mk::contract_id(c1.id), "fake");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  CHECK(m.service->contract(doer, mk::contract_id(c1.id))->state == "disputed");
  const std::string id = mk::dispute_id(dispute->id);
  // Judges: Gold+ and not a party.
  const mc::PartyId silver = m.account_with_rep(30);
  CHECK(detail(m.service->eligible_disputes(silver).status()) == "judge_not_eligible");
  CHECK(detail(m.service->join(silver, id).status()) == "judge_not_eligible");
  const mc::PartyId judges[] = {m.account_with_rep(50), m.account_with_rep(50),
                                m.account_with_rep(50), m.account_with_rep(90)};
  CHECK(m.service->eligible_disputes(judges[0])->size() == 1);
  CHECK(detail(m.service->vote(judges[0], id, "doer").status()) == "not_a_judge");
  for (int i = 0; i < 3; ++i) REQUIRE(m.service->join(judges[i], id).ok());
  CHECK(detail(m.service->join(judges[3], id).status()) == "panel_full");
  CHECK(m.service->eligible_disputes(judges[3])->empty());
  // A judge reads the contract it judges.
  CHECK(m.service->contract(judges[0], mk::contract_id(c1.id)).ok());
  CHECK(detail(m.service->contract(judges[3], mk::contract_id(c1.id)).status()) ==
        "contract_not_found");
  CHECK(detail(m.service->vote(judges[0], id, "maybe").status()) == "bad_vote");
  REQUIRE(m.service->vote(judges[0], id, "doer").ok());
  CHECK(detail(m.service->vote(judges[0], id, "doer").status()) == "already_voted");
  REQUIRE(m.service->vote(judges[1], id, "leader").ok());
  mc::Result<mc::Dispute> decided = m.service->vote(judges[2], id, "doer");
  REQUIRE(decided.ok());
  CHECK(decided->status == "resolved");
  CHECK(m.service->contract(doer, mk::contract_id(c1.id))->state == "resolved_doer");
  CHECK(m.available(doer) == 20 * kUsdc);
  CHECK(m.service->account(doer)->rep_score == 1);
  CHECK(m.service->account(doer)->completions == 1);
  CHECK(m.service->account(judges[0])->karma == 1);
  const mc::Result<std::vector<mk::RepEvent>> leader_events = m.service->rep_events(leader);
  REQUIRE(leader_events.ok());
  REQUIRE(leader_events->size() == 1);
  CHECK((*leader_events)[0].kind == "dispute_lost");
  m.check();

  // The doer files on the second; nobody judges; 14 days later it closes for the leader.
  REQUIRE(m.service->file_dispute(doer2, mk::contract_id(c2.id), "leader silent").ok());
  CHECK(detail(m.service->file_dispute(doer2, mk::contract_id(c2.id), "again").status()) ==
        "dispute_exists");
  m.s.advance_ms(14 * kMillisecondsPerDay);
  CHECK(m.service->contract(doer2, mk::contract_id(c2.id))->state == "resolved_leader");
  mc::Result<std::optional<mc::Dispute>> closed = m.s.engine->dispute_of_job(c2.id);
  REQUIRE(closed.ok());
  REQUIRE(closed->has_value());
  CHECK((*closed)->status == "closed");
  CHECK(m.service->account(doer2)->rep_score == 0);  // no verdict, no rep event
  m.check();
}

TEST_CASE("mkt1337: the signed completion webhook completes a contract exactly once") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::Job lead_job = m.lead(leader, 5, 2);
  m.fund(lead_job);
  const mc::Job c = m.accept(doer, lead_job);
  mc::Result<std::string> secret = m.service->webhook_secret(leader, mk::lead_id(lead_job.id));
  REQUIRE(secret.ok());
  CHECK(secret->rfind("whsec_", 0) == 0);
  CHECK(detail(m.service->webhook_secret(doer, mk::lead_id(lead_job.id)).status()) ==
        "not_your_lead");
  CHECK(m.service->lead(mk::lead_id(lead_job.id))->prompt.empty());  // never public
  const std::string body = R"({"lead_id":")" + mk::lead_id(lead_job.id) + R"(","contract_id":")" +
                           mk::contract_id(c.id) + R"(","conversion_id":"conv_1"})";
  CHECK(
      detail(m.service->completion_signal(body, mc::auth::sign_body_hex("wrong", body)).status()) ==
      "webhook_bad_signature");
  const std::string signature = mc::auth::sign_body_hex(*secret, body);
  mc::Result<mk::Service::Completion> done = m.service->completion_signal(body, signature);
  REQUIRE_MESSAGE(done.ok(), done.status().to_string());
  CHECK_FALSE(done->replayed);
  CHECK(done->contract.state == "approved");
  done = m.service->completion_signal(body, signature);
  REQUIRE(done.ok());
  CHECK(done->replayed);
  CHECK(m.available(doer) == 5 * kUsdc);
  // CPV leads complete by proof, not by the webhook.
  const mc::Job video = m.lead(leader, 5, 1, "CPV", R"({"min_duration_s":30})");
  m.fund(video);
  const mc::Job vc = m.accept(doer, video);
  const std::string vbody = R"({"lead_id":")" + mk::lead_id(video.id) + R"(","contract_id":")" +
                            mk::contract_id(vc.id) + R"("})";
  const std::string vsecret = m.service->webhook_secret(leader, mk::lead_id(video.id)).value();
  CHECK(detail(m.service->completion_signal(vbody, mc::auth::sign_body_hex(vsecret, vbody))
                   .status()) == "wrong_lead_type");
  CHECK(
      detail(m.service->submit_cpv_proof(doer, mk::contract_id(vc.id), "https://v", 10).status()) ==
      "invalid_value");
  mc::Result<mc::Job> proved =
      m.service->submit_cpv_proof(doer, mk::contract_id(vc.id), "https://v", 45);
  REQUIRE(proved.ok());
  CHECK(proved->state == "proof_submitted");
  m.check();
}

TEST_CASE("mkt1337: tier changes open and close the gates") {
  Market m;
  const mc::PartyId leader = m.account_with_rep(50);  // Gold posts any budget
  const mc::PartyId doer = m.account_with_rep(24);    // Bronze, one point short of Silver
  const mc::Job dear = m.lead(leader, 100, 3);
  m.fund(dear);
  CHECK(detail(m.service->accept(doer, mk::lead_id(dear.id)).status()) == "tier_too_low");
  // A completion (+2) lifts the doer to Silver: the $100 payout opens.
  const mc::Job small = m.lead(leader, 10, 1);
  m.fund(small);
  m.prove(doer, m.accept(doer, small));
  REQUIRE(
      m.service->approve(leader, mk::contract_id(m.service->contracts(doer, 10)->at(0).id)).ok());
  CHECK(m.service->account(doer)->tier == "silver");
  const mc::Job taken = m.prove(doer, m.accept(doer, dear));
  // A lost dispute (−5) drops it back to Bronze: the next $100 contract is refused again.
  mc::Result<mc::Dispute> dispute = m.service->reject(leader, mk::contract_id(taken.id), "fake");
  REQUIRE(dispute.ok());
  const std::string id = mk::dispute_id(dispute->id);
  for (int i = 0; i < 2; ++i) {
    const mc::PartyId judge = m.account_with_rep(50);
    REQUIRE(m.service->join(judge, id).ok());
    REQUIRE(m.service->vote(judge, id, "leader").ok());
  }
  CHECK(m.service->contract(doer, mk::contract_id(taken.id))->state == "resolved_leader");
  CHECK(m.service->account(doer)->rep_score == 21);
  CHECK(m.service->account(doer)->tier == "bronze");
  CHECK(detail(m.service->accept(doer, mk::lead_id(dear.id)).status()) == "tier_too_low");
  m.check();
}
