// 1337MKT edges (docs/dialects/1337mkt.md): the creation and proof guards on jobs as any API
// could make them, tx hashes in either case, criteria text bounds, escrow of paused leads and
// of live contracts, production deposits confirmed by the chain, proofs by tx hash and CPV
// video, the completion webhook on CPR / CPD and on a disputed contract, a doer's payout after
// a verdict in its favour, judges who are parties, and referral clicks past completion.
#include <doctest/doctest.h>

#include "marketcore/webhook_signatures.h"
#include "mkt1337_market.h"

using namespace mkt1337_test;

namespace {

class FixedChain final : public mk::ChainConfirmer {
 public:
  mc::Result<int64_t> confirmed_amount_minor(std::string_view) override { return 3 * kUsdc; }
};

std::string check_lead(std::string category, int32_t slots, int64_t amount,
                       std::string payload = "{}") {
  mc::Job job;
  job.category = std::move(category);
  job.contracts_max = slots;
  job.amount_minor = amount;
  job.payload_json = std::move(payload);
  const mc::Status status = mk::check_lead(job, std::nullopt, {});
  return status.ok() ? "ok" : status.detail();
}

// Signs `body` with the lead's secret and sends it as the completion webhook.
mc::Result<mk::Service::Completion> signal(Market& m, mc::PartyId leader, const mc::Job& lead,
                                           const mc::Job& contract) {
  const std::string body = R"({"lead_id":")" + mk::lead_id(lead.id) + R"(","contract_id":")" +
                           mk::contract_id(contract.id) + R"("})";
  const std::string secret = m.service->webhook_secret(leader, mk::lead_id(lead.id)).value();
  return m.service->completion_signal(body, mc::auth::sign_body_hex(secret, body));
}

}  // namespace

TEST_CASE("mkt1337 edges: the lead and proof guards, ids and criteria as pure functions") {
  CHECK(check_lead("CPX", 1, 10) == "unknown_lead_type");
  CHECK(check_lead("CPA", 0, 10) == "invalid_value");
  CHECK(check_lead("CPA", 3, 10) == "invalid_value");  // not payout × slots
  CHECK(check_lead("CPA", 20, 0) == "invalid_value");
  CHECK(check_lead("CPA", 2, 10) == "ok");
  CHECK(check_lead("CPA", 2, 10, R"({"success_criteria":{"action":""}})") ==
        "invalid_success_criteria");
  CHECK(check_lead("CPA", 2, 10, R"({"success_criteria":{"action":"a"}})") == "ok");
  mc::FireTransition proof;
  proof.proof_json = R"({"video_url":"https://v"})";
  CHECK(mk::check_proof({}, std::nullopt, proof).ok());
  proof.proof_json = R"({"url":""})";
  CHECK(mk::check_proof({}, std::nullopt, proof).detail() == "proof_required");
  proof.proof_json = "not json";
  CHECK(mk::check_proof({}, std::nullopt, proof).detail() == "proof_required");

  CHECK(mk::check_success_criteria("CPA", "not json").detail() == "invalid_success_criteria");
  CHECK(mk::check_success_criteria("CPA", R"({"action":")" + std::string(2049, 'a') + "\"}")
            .detail() == "invalid_success_criteria");
  CHECK(mk::check_success_criteria("CPA", R"({"action":"\u00e9"})").ok());
  CHECK(mk::check_success_criteria("CPC", R"({"target_url":"u","clicks":"2"})").detail() ==
        "invalid_success_criteria");

  mc::Job lead;
  lead.amount_minor = 7;
  CHECK(mk::lead_payout_minor(lead) == 7);  // no slots recorded: the whole budget
  CHECK(mk::lead_success_criteria(lead) == "{}");
  for (const std::string& bad : std::vector<std::string>{"lead_1234567890123456789", "lead_1a",
                                                         "lead_-1", "contract_x1", "dispute_"}) {
    CAPTURE(bad);
    CHECK_FALSE(mk::parse_lead_id(bad));
    CHECK_FALSE(mk::parse_contract_id(bad));
    CHECK_FALSE(mk::parse_dispute_id(bad));
  }
  CHECK(mk::parse_dispute_id("dispute_3") == 3);
}

TEST_CASE("mkt1337 edges: hashes, titles, escrow views and production deposits") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  // A hash is 0x + 64 hex digits in either case; anything else is refused.
  for (const std::string& bad : std::vector<std::string>{
           "1x" + std::string(64, 'a'), "0y" + std::string(64, 'a'),
           "0x" + std::string(63, 'a') + "g", "0x" + std::string(63, 'a') + "G"}) {
    CAPTURE(bad);
    CHECK(m.service->bond(leader, kUsdc, bad).status().detail() == "invalid_tx_hash");
  }
  REQUIRE(m.service->bond(leader, kUsdc, "0X" + std::string(64, 'F')).ok());
  m.deposited += kUsdc;
  CHECK(m.service->bond(leader, kUsdc, "0x" + std::string(64, 'f'))->bond_minor == kUsdc);
  // Titles count code points of valid UTF-8.
  std::string title;
  for (int i = 0; i < 50; ++i) title += "\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80x";
  CHECK(m.service
            ->create_lead(leader, {.title = title + "y",
                                   .type = "CPA",
                                   .payout_minor = kUsdc,
                                   .success_criteria_json = R"({"action":"a"})"})
            .status()
            .detail() == "invalid_value");
  for (const std::string& bad :
       std::vector<std::string>{"\xe6\xbc", "\xc3\x28", "\xc0\xaf", "\xf5\x80\x80\x80", "\x80"}) {
    CHECK(m.service
              ->create_lead(leader, {.title = bad,
                                     .type = "CPA",
                                     .payout_minor = kUsdc,
                                     .success_criteria_json = R"({"action":"a"})"})
              .status()
              .param() == "title");
  }
  // A future deadline is kept.
  const int64_t deadline = m.s.clock->now_ms() + mc::kMillisecondsPerDay;
  const mc::Job lead = m.service
                           ->create_lead(leader, {.title = "L",
                                                  .type = "CPA",
                                                  .payout_minor = 3 * kUsdc,
                                                  .slots = 2,
                                                  .success_criteria_json = R"({"action":"a"})",
                                                  .deadline_ms = deadline})
                           .value();
  CHECK(lead.deadline_at_ms == deadline);
  // Production: the chain says how much a hash moved.
  mk::Service live(*m.s.engine, m.s.market,
                   {.test_mode = false, .chain = std::make_shared<FixedChain>()});
  CHECK(live.deposit(leader, mk::lead_id(lead.id), 99, tx(70))->deposited_minor == 3 * kUsdc);
  CHECK(live.bond(doer, 99, tx(71))->bond_minor == 3 * kUsdc);
  m.deposited += 6 * kUsdc;
  m.fund(lead);  // the rest; the lead is funded once 6 are deposited
  const mc::Job contract = m.accept(doer, lead);
  m.prove(doer, contract);
  // One live contract per doer and lead, also once its proof is in.
  CHECK(m.service->accept(doer, mk::lead_id(lead.id)).status().detail() == "already_contracted");
  CHECK(m.service->escrow(mk::lead_id(lead.id))->held_minor == 6 * kUsdc);
  REQUIRE(m.service->set_lead_status(leader, mk::lead_id(lead.id), "paused").ok());
  const mk::EscrowStatus paused = m.service->escrow(mk::lead_id(lead.id)).value();
  CHECK(paused.funded);
  CHECK(paused.held_minor == 6 * kUsdc);
  REQUIRE(m.service->reject(leader, mk::contract_id(contract.id), "no").ok());
  CHECK(m.service->escrow(mk::lead_id(lead.id))->held_minor == 6 * kUsdc);  // disputed is held
  CHECK(m.service->accept(doer, mk::lead_id(lead.id)).status().detail() == "already_contracted");
  m.check();
}

TEST_CASE("mkt1337 edges: proofs by tx hash and video; the webhook on CPR, CPD and disputes") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::Job video = m.lead(leader, 5, 1, "CPV", R"({"min_duration_s":30})");
  m.fund(video);
  const mc::Job clip = m.accept(doer, video);
  CHECK(m.service->submit_cpv_proof(doer, mk::contract_id(clip.id), "https://v", -1)
            .status()
            .param() == "duration_s");
  mc::Result<mc::Job> unmeasured =
      m.service->submit_cpv_proof(doer, mk::contract_id(clip.id), "https://v", std::nullopt);
  REQUIRE(unmeasured.ok());
  CHECK(unmeasured->proof_json == R"({"video_url":"https://v"})");

  const mc::Job page = m.lead(leader, 5, 1, "CPR", R"({"url":"https://x"})");
  m.fund(page);
  const mc::Job visit = m.accept(doer, page);
  const mc::Job hashed =
      m.service->submit_proof(doer, mk::contract_id(visit.id), std::nullopt, std::string("0xfeed"))
          .value();
  CHECK(hashed.proof_json == R"({"tx_hash":"0xfeed"})");
  CHECK(signal(m, leader, page, visit)->contract.state == "approved");

  const mc::Job app = m.lead(leader, 5, 1, "CPD", R"({"download_url":"https://app"})");
  m.fund(app);
  const mc::Job install = m.accept(doer, app);
  // An empty tx_hash beside a URL is left out of the proof.
  CHECK(
      m.service
          ->submit_proof(doer, mk::contract_id(install.id), std::string("https://p"), std::string())
          ->proof_json == R"({"url":"https://p"})");
  CHECK(m.service->contracts(doer, 1)->size() == 1);
  CHECK(m.service->contracts(doer, 10)->size() == 3);
  REQUIRE(m.service->reject(leader, mk::contract_id(install.id), "fake").ok());
  // A disputed contract is not completed by the webhook.
  CHECK(signal(m, leader, app, install).status().detail() == "wrong_state");
  CHECK(m.s.job(install.id).state == "disputed");
  m.check();
}

TEST_CASE("mkt1337 edges: a doer paid by a verdict records its payout; judges who are parties") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account_with_rep(50);  // gold, yet a party of its own dispute
  const mc::Job lead = m.lead(leader, 5, 1);
  m.fund(lead);
  const mc::Job contract = m.accept(doer, lead);
  m.prove(doer, contract);
  const std::string cid = mk::contract_id(contract.id);
  const mc::Dispute filed = m.service->reject(leader, cid, "no").value();
  const std::string id = mk::dispute_id(filed.id);
  CHECK(m.service->eligible_disputes(doer)->empty());
  const mc::PartyId judges[] = {m.account_with_rep(50), m.account_with_rep(50),
                                m.account_with_rep(50)};
  for (const mc::PartyId judge : judges) REQUIRE(m.service->join(judge, id).ok());
  CHECK(m.service->file_dispute(judges[0], cid, "me too").status().detail() == "not_your_contract");
  REQUIRE(m.service->vote(judges[0], id, "doer").ok());
  REQUIRE(m.service->vote(judges[1], id, "doer").ok());
  REQUIRE(m.s.job(contract.id).state == "resolved_doer");
  CHECK(m.service->account(doer)->completions == 1);
  // The verdict's rep events: +1 to the doer, −3 to the leader (clamped at 0).
  const std::vector<mk::RepEvent> lost = m.service->rep_events(leader).value();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].kind == "dispute_lost");
  CHECK(lost[0].delta == -3);
  CHECK(m.service->account(leader)->rep_score == 0);
  CHECK(m.service->rep_events(doer)->back().kind == "dispute_won");
  REQUIRE(m.service->record_payout(leader, cid, tx(90)).ok());
  m.paid_out += 5 * kUsdc;
  // A second dispute the leader wins: −5 to the doer, +1 to the leader.
  const mc::Job second_lead = m.lead(leader, 5, 1);
  m.fund(second_lead);
  const mc::Job second = m.accept(doer, second_lead);
  m.prove(doer, second);
  const std::string second_id =
      mk::dispute_id(m.service->reject(leader, mk::contract_id(second.id), "no")->id);
  for (const mc::PartyId judge : judges) REQUIRE(m.service->join(judge, second_id).ok());
  REQUIRE(m.service->vote(judges[0], second_id, "leader").ok());
  REQUIRE(m.service->vote(judges[1], second_id, "leader").ok());
  CHECK(m.service->rep_events(doer)->back().delta == -5);
  CHECK(m.service->rep_events(leader)->back().kind == "dispute_won");
  CHECK(m.service->account(leader)->rep_score == 0);  // −3 + 1, clamped
  mc::Job no_worker = contract;
  no_worker.worker_id.reset();
  CHECK_FALSE(m.service->payout_tx_hash(no_worker).value().has_value());
  m.check();
}

TEST_CASE("mkt1337 edges: referral codes, clicks past completion and pixels on CPR") {
  Market m;
  const mc::PartyId leader = m.account();
  const mc::PartyId doer = m.account();
  const mc::Job page = m.lead(leader, 5, 1, "CPR", R"({"url":"https://x"})");
  m.fund(page);
  const mc::Job visit = m.accept(doer, page);
  m.prove(doer, visit);  // a link is still offered while the proof waits
  const std::string code =
      m.service->referral_link(doer, mk::contract_id(visit.id), std::nullopt)->code;
  // A click on a CPR link is counted but completes nothing; a pixel completes it.
  const mk::Service::Click click = m.service->click(code, "v1").value();
  CHECK(click.counted);
  CHECK_FALSE(click.completed);
  CHECK(m.service->conversion(code, "pixel", "p1")->contract.state == "approved");
  for (const std::string& bad :
       std::vector<std::string>{"1234567890123456789x00", "0x" + code.substr(code.find('x') + 1),
                                "-1x00", std::to_string(page.id) + "x00"}) {
    CAPTURE(bad);
    CHECK(m.service->click(bad, "v").status().detail() == "referral_not_found");
  }

  const mc::Job cpc = m.lead(leader, 5, 1, "CPC", R"({"target_url":"https://t"})");
  m.fund(cpc);
  const mc::Job clicks = m.accept(doer, cpc);
  const std::string cpc_code =
      m.service->referral_link(doer, mk::contract_id(clicks.id), std::nullopt)->code;
  CHECK(m.service->click(cpc_code, "v1")->completed);
  // Later visitors are counted but the contract is already paid.
  const mk::Service::Click after = m.service->click(cpc_code, "v2").value();
  CHECK(after.counted);
  CHECK_FALSE(after.completed);
  CHECK(m.available(doer) == 10 * kUsdc);
  m.check();
}
