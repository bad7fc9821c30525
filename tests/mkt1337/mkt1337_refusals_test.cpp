// 1337MKT refusals (docs/dialects/1337mkt.md, "Decisions the seed leaves open"): bonds and
// escrow deposits in production without a chain, every typed success criterion, lead bounds and
// filters, pause / resume by the wrong party, contracts read or acted on by the wrong party,
// proofs and payout records out of place, judges below Gold. Each refusal names its detail
// and param and moves no money.
#include <doctest/doctest.h>

#include "lifecycle/refusal_text.h"
#include "mkt1337_market.h"

using mc::testing::refusal_text;
using namespace mkt1337_test;

namespace {

std::vector<mc::JobId> ids(const mc::Result<std::vector<mc::Job>>& jobs) {
  REQUIRE_MESSAGE(jobs.ok(), jobs.status().to_string());
  std::vector<mc::JobId> out;
  for (const mc::Job& job : *jobs) out.push_back(job.id);
  return out;
}

}  // namespace

TEST_CASE("mkt1337 refusals: accounts and bonds; production needs a tx hash and a chain") {
  Market m;
  const mc::PartyId p = m.account();
  CHECK(refusal_text(m.service->account_by_wallet("nope")) == "account_not_found/");
  CHECK(refusal_text(m.service->bond(p, kUsdc, std::string("0x12"))) == "invalid_tx_hash/tx_hash");
  CHECK(refusal_text(m.service->rep_events(987654)) == "account_not_found/");
  // A hash in capitals is the same hash.
  std::string upper = tx(9);
  upper[1] = 'X';
  REQUIRE(m.service->bond(p, 10 * kUsdc, upper).ok());
  m.deposited += 10 * kUsdc;
  CHECK(m.service->bond(p, 10 * kUsdc, tx(9))->bond_minor == 10 * kUsdc);

  mk::Service live(*m.s.engine, m.s.market, {.test_mode = false});
  CHECK(refusal_text(live.bond(p, kUsdc, std::nullopt)) == "missing_param/tx_hash");
  CHECK(refusal_text(live.bond(p, kUsdc, tx(10))) == "chain_unavailable/");
  const mc::Job lead = m.lead(p, 5, 1);
  CHECK(refusal_text(live.deposit(p, mk::lead_id(lead.id), 5 * kUsdc, tx(11))) ==
        "chain_unavailable/");
  CHECK(m.service->account(p)->bond_minor == 10 * kUsdc);
  m.check();
}

TEST_CASE("mkt1337 refusals: every lead bound and typed success criterion") {
  Market m;
  const mc::PartyId leader = m.account();
  auto create = [&](mk::NewLead lead) {
    if (lead.title.empty()) lead.title = "Lead";
    if (lead.type.empty()) lead.type = "CPA";
    if (lead.payout_minor == 0) lead.payout_minor = kUsdc;
    return refusal_text(m.service->create_lead(leader, lead));
  };
  CHECK(create({.title = std::string(201, 't'), .success_criteria_json = R"({"action":"a"})"}) ==
        "invalid_value/title");
  CHECK(create({.payout_minor = -1, .success_criteria_json = R"({"action":"a"})"}) ==
        "amount_not_positive/payout");
  CHECK(create({.slots = 0, .success_criteria_json = R"({"action":"a"})"}) ==
        "invalid_value/slots");
  CHECK(create({.slots = m.s.market.config.limits.contracts_max + 1,
                .success_criteria_json = R"({"action":"a"})"}) == "invalid_value/slots");
  CHECK(create({.payout_minor = m.s.market.config.movement_max_minor,
                .slots = 2,
                .success_criteria_json = R"({"action":"a"})"}) == "amount_too_large/payout");
  CHECK(create({.success_criteria_json = R"({"action":"a"})",
                .deadline_ms = mc::scenario::kStartMs}) == "deadline_in_past/deadline");
  const std::string bad = "invalid_success_criteria/success_criteria";
  CHECK(create({.success_criteria_json = "[]"}) == bad);
  CHECK(create({.success_criteria_json = R"({"action":""})"}) == bad);
  CHECK(create({.success_criteria_json = R"({"action":1})"}) == bad);
  CHECK(create({.type = "CPR", .success_criteria_json = R"({"action":"a"})"}) == bad);
  CHECK(create({.type = "CPV", .success_criteria_json = "{}"}) == bad);
  CHECK(create({.type = "CPV", .success_criteria_json = R"({"min_duration_s":0})"}) == bad);
  CHECK(create({.type = "CPV", .success_criteria_json = R"({"min_duration_s":86401})"}) == bad);
  CHECK(create({.type = "CPC", .success_criteria_json = R"({"clicks":3})"}) == bad);
  CHECK(create({.type = "CPC", .success_criteria_json = R"({"target_url":"u","clicks":0})"}) ==
        bad);
  CHECK(create({.type = "CPD", .success_criteria_json = R"({"url":"u"})"}) == bad);
  CHECK(create({.type = "REVSHARE", .success_criteria_json = R"({"revenue_share_bps":10001})"}) ==
        bad);
  // An unknown type is the market's category refusal (docs/dialects/1337mkt.md).
  CHECK(create({.type = "CPX", .success_criteria_json = "{}"}) == "unknown_category/category");
  CHECK(mk::check_success_criteria("CPX", "{}").detail() == "unknown_lead_type");
  // Every type with its criterion is accepted; extra keys are kept.
  for (const auto& typed : std::vector<std::pair<std::string, std::string>>{
           {"CPR", R"({"url":"https://x"})"},
           {"CPV", R"({"min_duration_s":30})"},
           {"CPC", R"({"target_url":"https://x"})"},
           {"CPD", R"({"download_url":"https://x","extra":1})"},
           {"REVSHARE", R"({"revenue_share_bps":500})"}}) {
    CAPTURE(typed.first);
    mc::Job lead = m.lead(leader, 1, 1, typed.first, typed.second);
    CHECK(mk::lead_success_criteria(lead) == typed.second);
  }
  CHECK(m.s.balances(leader).escrow_minor == 0);
  m.check();
}

TEST_CASE("mkt1337 refusals: lead filters, status changes and ids of the wrong kind") {
  Market m;
  const mc::PartyId leader = m.account_with_rep(30);
  const mc::PartyId other = m.account();
  const mc::Job small = m.lead(leader, 5, 1);
  const mc::Job big = m.lead(leader, 40, 1, "CPR", R"({"url":"https://x"})");
  m.fund(small);
  m.fund(big);
  CHECK(refusal_text(m.service->leads({.type = std::string("CPX")})) == "unknown_lead_type/type");
  CHECK(refusal_text(m.service->leads({.limit = 0})) == "invalid_value/limit");
  CHECK(m.service->leads({})->size() == 2);
  CHECK(m.service->leads({.type = std::string("CPR")})->size() == 1);
  CHECK(ids(m.service->leads({.min_payout_minor = 10 * kUsdc})) == std::vector{big.id});
  CHECK(ids(m.service->leads({.max_payout_minor = 10 * kUsdc})) == std::vector{small.id});
  CHECK(m.service->leads({.min_leader_rep = 30})->size() == 2);
  CHECK(m.service->leads({.min_leader_rep = 31})->empty());
  CHECK(m.service->leads({.limit = 1})->size() == 1);

  const std::string id = mk::lead_id(small.id);
  CHECK(refusal_text(m.service->set_lead_status(other, id, "paused")) == "not_your_lead/");
  CHECK(refusal_text(m.service->set_lead_status(leader, id, "closed")) == "invalid_value/status");
  CHECK(mk::lead_status(m.service->set_lead_status(leader, id, "active").value()) == "active");
  CHECK(mk::lead_status(m.service->set_lead_status(leader, id, "paused").value()) == "paused");
  CHECK(m.service->leads({})->size() == 1);  // a paused lead is not listed
  CHECK(refusal_text(m.service->accept(other, id)) == "parent_wrong_state/");
  CHECK(mk::lead_status(m.service->set_lead_status(leader, id, "active").value()) == "active");
  CHECK(refusal_text(m.service->cancel_lead(other, id)) == "not_your_lead/");

  // Ids: malformed, of another kind, or a contract's id read as a lead.
  for (const std::string bad : {"", "lead_", "lead_0", "lead_007", "lead_x", "contract_1",
                                "lead_99999999999999999999", "lead_424242"}) {
    CAPTURE(bad);
    CHECK(refusal_text(m.service->lead(bad)) == "lead_not_found/");
  }
  const mc::Job contract = m.accept(other, small);
  CHECK(refusal_text(m.service->lead(mk::lead_id(contract.id))) == "lead_not_found/");
  CHECK(refusal_text(m.service->escrow("lead_x")) == "lead_not_found/");
  m.check();
}

TEST_CASE("mkt1337 refusals: escrow deposits and accepting a lead") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::Job lead = m.lead(leader, 5, 2);
  const std::string id = mk::lead_id(lead.id);
  CHECK(refusal_text(m.service->deposit(leader, id, 0, tx(1))) == "amount_not_positive/amount");
  CHECK(refusal_text(m.service->deposit(leader, id, kUsdc, "0xnothex")) ==
        "invalid_tx_hash/tx_hash");
  CHECK(refusal_text(m.service->deposit(doer, id, kUsdc, tx(1))) == "not_your_lead/");
  CHECK(refusal_text(m.service->accept(doer, id)) == "parent_wrong_state/");
  // A partial deposit does not fund the lead; the rest does.
  mk::EscrowStatus part = m.service->deposit(leader, id, 4 * kUsdc, tx(2)).value();
  m.deposited += 4 * kUsdc;
  CHECK_FALSE(part.funded);
  CHECK(part.deposited_minor == 4 * kUsdc);
  CHECK(part.required_minor == 10 * kUsdc);
  CHECK(m.service->deposit(leader, id, 4 * kUsdc, tx(2))->replayed);
  mk::EscrowStatus full = m.service->deposit(leader, id, 6 * kUsdc, tx(3)).value();
  m.deposited += 6 * kUsdc;
  CHECK(full.funded);
  CHECK(full.held_minor == 10 * kUsdc);
  // A deposit to a funded lead credits the leader and funds nothing more.
  CHECK(m.service->deposit(leader, id, kUsdc, tx(4))->deposited_minor == 11 * kUsdc);
  m.deposited += kUsdc;
  CHECK(m.available(leader) == kUsdc);

  CHECK(refusal_text(m.service->accept(leader, id)) == "role_not_allowed/");
  const mc::Job contract = m.accept(doer, lead);
  CHECK(refusal_text(m.service->accept(doer, id)) == "already_contracted/");
  CHECK(refusal_text(m.service->accept_batch(doer, {})) == "missing_param/lead_ids");
  CHECK(m.service->escrow(id)->held_minor == 10 * kUsdc);
  CHECK(ids(m.service->contracts(doer, 10)) == std::vector{contract.id});
  CHECK(m.service->contracts(leader, 10)->size() == 1);
  CHECK(refusal_text(m.service->contracts(doer, 0)) == "invalid_value/limit");
  m.check();
}

TEST_CASE("mkt1337 refusals: contracts by the wrong party, proofs and payout records") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::PartyId stranger = m.account();
  const mc::Job lead = m.lead(leader, 5, 2);
  m.fund(lead);
  const mc::Job contract = m.accept(doer, lead);
  const std::string id = mk::contract_id(contract.id);
  for (const std::string& bad :
       std::vector<std::string>{"contract_x", "contract_424242", mk::contract_id(lead.id)}) {
    CAPTURE(bad);
    CHECK(refusal_text(m.service->contract(doer, bad)) == "contract_not_found/");
  }
  CHECK(refusal_text(m.service->contract(stranger, id)) == "contract_not_found/");
  CHECK(refusal_text(m.service->submit_proof(leader, id, "https://p", std::nullopt)) ==
        "not_your_contract/");
  CHECK(refusal_text(m.service->approve(doer, id)) == "not_your_contract/");
  CHECK(refusal_text(m.service->submit_proof(doer, id, std::string(2049, 'u'), std::nullopt)) ==
        "invalid_value/url");
  CHECK(refusal_text(m.service->submit_proof(doer, id, std::nullopt, std::string(257, 'h'))) ==
        "invalid_value/tx_hash");
  CHECK(refusal_text(m.service->submit_proof(doer, id, std::string(), std::nullopt)) ==
        "proof_required/url");
  CHECK(refusal_text(m.service->submit_cpv_proof(doer, id, "https://v", std::nullopt)) ==
        "wrong_lead_type/");
  CHECK(refusal_text(m.service->submit_cpv_proof(doer, id, "", std::nullopt)) ==
        "missing_param/video_url");
  CHECK(refusal_text(m.service->record_payout(leader, id, tx(7))) == "wrong_state/");
  CHECK(refusal_text(m.service->record_payout(leader, id, "0x1")) == "invalid_tx_hash/tx_hash");
  CHECK(m.service->payout_tx_hash(contract)->has_value() == false);
  CHECK(refusal_text(m.service->file_dispute(doer, id, "")) == "missing_param/reason");
  CHECK(refusal_text(m.service->file_dispute(stranger, id, "r")) == "contract_not_found/");

  m.prove(doer, contract);
  REQUIRE(m.service->approve(leader, id).ok());
  REQUIRE(m.service->record_payout(leader, id, tx(7)).ok());
  m.paid_out += 5 * kUsdc;
  CHECK(m.service->payout_tx_hash(m.s.job(contract.id))->value() == tx(7));
  // Once per contract: the same record again pays nothing more.
  REQUIRE(m.service->record_payout(leader, id, tx(7)).ok());
  CHECK(m.available(doer) == 0);
  m.check();
}

TEST_CASE("mkt1337 refusals: judges below Gold, unknown disputes and votes") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::PartyId silver = m.account_with_rep(30);
  const mc::PartyId gold = m.account_with_rep(50);
  const mc::Job lead = m.lead(leader, 5, 1);
  m.fund(lead);
  const mc::Job contract = m.accept(doer, lead);
  m.prove(doer, contract);
  const mc::Dispute filed = m.service->reject(leader, mk::contract_id(contract.id), "").value();
  CHECK(filed.reason == "proof rejected by the leader");
  const std::string id = mk::dispute_id(filed.id);
  CHECK(refusal_text(m.service->eligible_disputes(silver)) == "judge_not_eligible/");
  CHECK(refusal_text(m.service->join(silver, id)) == "judge_not_eligible/");
  CHECK(m.service->eligible_disputes(gold)->size() == 1);
  for (const std::string bad : {"dispute_x", "dispute_424242", "lead_1"}) {
    CAPTURE(bad);
    CHECK(refusal_text(m.service->dispute(bad)) == "dispute_not_found/");
  }
  CHECK(refusal_text(m.service->vote(gold, id, "abstain")) == "bad_vote/vote");
  REQUIRE(m.service->join(gold, id).ok());
  // A judge reads the contract it judges; its vote adds karma.
  CHECK(m.service->contract(gold, mk::contract_id(contract.id)).ok());
  REQUIRE(m.service->vote(gold, id, "doer").ok());
  CHECK(m.service->account(gold)->karma == 1);
  CHECK(m.service->votes(filed.id)->size() == 1);
  CHECK(m.service->eligible_disputes(gold)->size() == 1);  // still on its panel
  m.check();
}
