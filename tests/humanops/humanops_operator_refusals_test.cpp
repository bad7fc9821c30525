// HumanOps operator refusals (docs/dialects/humanops.md, "Operators"): registration fields,
// unknown identities, proof by the task's proof type, submitting before accepting or past
// the deadline, payouts in production, the nearby-operator search, and the verifier's
// answers that route to manual review. Each refusal names its detail and param and moves no
// money.
#include <doctest/doctest.h>

#include "humanops_market.h"
#include "lifecycle/refusal_text.h"
#include "marketcore/e2ee.h"

using mc::testing::refusal_text;
using namespace humanops_test;

namespace {

ho::NewTask confirmation_task(Market& m) {
  return {.title = "Review the listing",
          .description = "Check the listing text",
          .reward_minor = 2000,
          .deadline_ms = m.s.clock->now_ms() + kDay,
          .proof_requirements = {"Summary"},
          .task_type = "CONTENT_REVIEW"};
}

}  // namespace

TEST_CASE("humanops operator refusals: registration and identity") {
  Market m;
  auto reg = [&](ho::NewOperator op) { return refusal_text(m.service->register_operator(op)); };
  CHECK(reg({.external_id = "", .name = "J", .email = "j@x.y"}) == "operator_unknown/");
  CHECK(reg({.external_id = std::string(201, 'o'), .name = "J", .email = "j@x.y"}) ==
        "operator_unknown/");
  CHECK(reg({.external_id = "o", .name = "", .email = "j@x.y"}) == "missing_param/name");
  CHECK(reg({.external_id = "o", .name = "J", .email = "jxy"}) == "invalid_value/email");
  CHECK(reg({.external_id = "o", .name = "J", .email = "j@x.y", .phone = std::string(33, '1')}) ==
        "invalid_value/phone");
  CHECK(reg({.external_id = "o",
             .name = "J",
             .email = "j@x.y",
             .skills = std::vector<std::string>(14, "PHOTO")}) == "invalid_value/skills");
  CHECK(reg({.external_id = "o", .name = "J", .email = "j@x.y", .skills = {"JUGGLING"}}) ==
        "invalid_value/skills");
  CHECK(reg({.external_id = "o",
             .name = "J",
             .email = "j@x.y",
             .location_json = "[" + std::string(4096, ' ') + "]"}) == "invalid_value/location");
  CHECK(refusal_text(m.service->operator_by_id("o")) == "operator_unknown/");

  m.op("op_jane");
  // The email is unique among operators: a second operator with it is refused by its param.
  mc::Result<mc::Party> same_email = m.service->register_operator(
      {.external_id = "op_other", .name = "Other", .email = "op_jane@example.com"});
  CHECK(refusal_text(same_email) == "operator_exists/email");
  CHECK(same_email.status().message() == "Email already registered");
  CHECK(m.service->operator_by_id("op_jane")->kind == "operator");
  CHECK(refusal_text(m.service->operator_by_id("op_other")) == "operator_unknown/");

  // Production: KYC is PENDING until the host's provider says otherwise.
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(live.register_operator({.external_id = "op_live", .name = "L", .email = "l@x.y"})
            ->kyc_status == "PENDING");
}

TEST_CASE("humanops operator refusals: proof by proof type; order and deadline of submit") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  const mc::Job photo = m.create(agent, m.physical());
  const std::string id = ho::task_id(photo.id);
  // Before accepting: 409, not 403.
  CHECK(refusal_text(m.service->submit(jane, id, {.photos = {"https://x/1.jpg"}})) ==
        "wrong_state/");
  REQUIRE(m.service->accept(jane, id).ok());
  auto bad = [&](ho::Proof proof) { return refusal_text(m.service->submit(jane, id, proof)); };
  CHECK(bad({.photos = {"https://x/1.jpg"}, .notes = std::string(10'001, 'n')}) ==
        "invalid_value/notes");
  CHECK(bad({.photos = std::vector<std::string>(21, "https://x/1.jpg")}) == "invalid_value/photos");
  CHECK(bad({.photos = {""}}) == "missing_param/photos");
  CHECK(bad({.photos = {"ftp://x/1.jpg"}}) == "invalid_value/photos");
  CHECK(bad({.photos = {"https://x/1.jpg"}, .confirmation_text = ""}) ==
        "missing_param/confirmation_text");
  CHECK(bad({.photos = {"https://x/1.jpg"}, .reference_url = "x"}) ==
        "invalid_value/reference_url");
  CHECK(bad({.photos = {"https://x/1.jpg"}, .encrypted_credential_json = "{}"}) ==
        "invalid_value/encrypted_credential");
  CHECK(m.s.job(photo.id).state == "ACCEPTED");

  // CONFIRMATION needs confirmation_text; a reference URL is optional.
  const mc::Job confirm = m.create(agent, confirmation_task(m));
  const std::string confirm_id = ho::task_id(confirm.id);
  REQUIRE(m.service->accept(jane, confirm_id).ok());
  CHECK(refusal_text(m.service->submit(jane, confirm_id, {.notes = "done"})) ==
        "missing_param/confirmation_text");
  REQUIRE(m.service
              ->submit(jane, confirm_id,
                       {.confirmation_text = "Looks right", .reference_url = "http://ref.example"})
              .ok());
  CHECK(refusal_text(m.service->submit(jane, confirm_id, {.confirmation_text = "again"})) ==
        "wrong_state/");

  // ARTIFACT needs ciphertext, iv and ephemeralPublicKey, within 64 KiB.
  const mc::e2ee::KeyPair keys = mc::e2ee::generate_key_pair().value();
  const mc::Job artifact = m.create(agent, {.title = "Create an account",
                                            .description = "Sign up",
                                            .reward_minor = 5000,
                                            .deadline_ms = m.s.clock->now_ms() + kDay,
                                            .proof_requirements = {"Login"},
                                            .task_type = "ACCOUNT_CREATION",
                                            .agent_public_key = keys.public_key_b64});
  const std::string artifact_id = ho::task_id(artifact.id);
  REQUIRE(m.service->accept(jane, artifact_id).ok());
  CHECK(refusal_text(m.service->submit(
            jane, artifact_id, {.encrypted_credential_json = R"({"ciphertext":"a","iv":"b"})"})) ==
        "invalid_value/encrypted_credential");
  const std::string huge = R"({"ciphertext":")" + std::string(64 * 1024, 'A') +
                           R"(","iv":"b","ephemeralPublicKey":"c"})";
  CHECK(refusal_text(m.service->submit(jane, artifact_id, {.encrypted_credential_json = huge})) ==
        "invalid_value/encrypted_credential");
  CHECK(m.s.job(artifact.id).state == "ACCEPTED");

  // Past the deadline: 410 to the operator who holds the task.
  m.s.clock->advance_ms(kDay);
  CHECK(refusal_text(m.service->submit(
            jane, artifact_id,
            {.encrypted_credential_json =
                 R"({"ciphertext":"a","iv":"b","ephemeralPublicKey":"c"})"})) == "task_expired/");
  m.check_conservation();
}

TEST_CASE("humanops operator refusals: payouts in production; payout status of a failure") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  const mc::Job job = m.submitted(agent, jane);
  REQUIRE(m.service->verify(agent, ho::task_id(job.id), "APPROVE").ok());
  m.s.advance_ms(7 * kDay);
  REQUIRE(m.s.balances(jane).available_minor == 2500);

  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(refusal_text(live.payout(jane, 1000, "")) == "missing_param/payoneer_payee_id");
  CHECK(refusal_text(live.payout(jane, 1000, "payee-1")) == "payouts_unavailable/");
  ho::Service failing(*m.s.engine, m.s.market, m.keys,
                      {.payouts = std::make_shared<FailingPayouts>()});
  CHECK(refusal_text(failing.payout(jane, 1000, "")) == "payout_failed/");
  CHECK(m.s.balances(jane).available_minor == 2500);
  // The failed payout is found by its id with status "failed".
  const std::vector<mc::Transfer> transfers =
      m.s.engine->transfers(m.s.market.id, jane, std::nullopt, 10).value();
  std::string failed_id;
  for (const mc::Transfer& transfer : transfers) {
    const std::string ref = transfer.external_ref.value_or("");
    if (ref.rfind("payout_reversal:", 0) == 0) {
      failed_id = ref.substr(std::string("payout_reversal:").size());
    }
  }
  REQUIRE_FALSE(failed_id.empty());
  const ho::Payout failed = m.service->payout_status(jane, failed_id).value();
  CHECK(failed.status == "failed");
  CHECK(failed.amount_minor == 1000);
  m.check_conservation();
}

TEST_CASE("humanops operator refusals: the nearby search's bounds; nearest first") {
  Market m;
  auto search = [&](double lat, double lng, std::optional<double> radius,
                    std::optional<std::string> type) {
    return refusal_text(m.service->search_operators(lat, lng, radius, type));
  };
  CHECK(search(91, 0, std::nullopt, std::nullopt) == "invalid_value/lat");
  CHECK(search(0, -181, std::nullopt, std::nullopt) == "invalid_value/lat");
  CHECK(search(0, 0, 0.0, std::nullopt) == "invalid_value/radius_km");
  CHECK(search(0, 0, 20'001.0, std::nullopt) == "invalid_value/radius_km");
  CHECK(search(0, 0, std::nullopt, std::string("X")) == "invalid_value/task_type");

  auto add = [&](std::string id, std::string location, std::vector<std::string> skills) {
    REQUIRE(m.service
                ->register_operator({.external_id = id,
                                     .name = id,
                                     .email = id + "@x.y",
                                     .location_json = std::move(location),
                                     .skills = std::move(skills)})
                .ok());
  };
  add("far", R"({"lat":40.80,"lng":-74.0})", {"PHOTO"});
  add("near", R"({"lat":40.72,"lng":-74.0})", {"PHOTO"});
  add("nowhere", "{}", {"PHOTO"});
  add("other_skill", R"({"lat":40.72,"lng":-74.0})", {"DELIVERY"});
  std::vector<ho::Service::NearbyOperator> found =
      m.service->search_operators(40.7128, -74.006, 25.0, std::string("PHOTO")).value();
  REQUIRE(found.size() == 2);
  CHECK(found[0].party.external_id == "near");
  CHECK(found[1].party.external_id == "far");
  CHECK(found[0].distance_km < found[1].distance_km);
  CHECK(m.service->search_operators(40.7128, -74.006, 1.0, std::nullopt)->size() == 2);
}

TEST_CASE("humanops operator refusals: a verifier's confidence out of range is manual review") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  ScriptedVerifier verifier;
  verifier.answer = ho::GuardianResult{"APPROVE", 101, "Sure"};
  const mc::Job job = m.submitted(agent, jane);
  CHECK(m.service->verify_pending(&verifier, 16).value() == 1);
  const mc::Job after = m.s.job(job.id);
  CHECK(after.state == "SUBMITTED");
  CHECK(after.verdict_json.find("confidence out of range") != std::string::npos);
  // The limit bounds one pass; the rest wait for the next.
  m.submitted(agent, jane);
  m.submitted(agent, jane);
  verifier.answer = ho::GuardianResult{"APPROVE", 95, "ok"};
  CHECK(m.service->verify_pending(&verifier, 1).value() == 1);
  CHECK(m.service->verify_pending(&verifier, 1).value() == 1);
  CHECK(m.service->verify_pending(&verifier, 1).value() == 0);
  m.check_conservation();
}

TEST_CASE("humanops operator refusals: KYC answers, the clock past a deadline, pages") {
  Market m;
  const mc::PartyId agent = m.agent(1'000'000);
  const mc::PartyId jane = m.op("op_jane");
  // KYC: a verified operator is not asked again; an answer that is no KYC status is not stored.
  auto kyc = std::make_shared<ScriptedKyc>();
  kyc->answer = "SUSPENDED";
  ho::Service with_kyc(*m.s.engine, m.s.market, m.keys, {.kyc = kyc});
  REQUIRE(m.s.engine->update_party_fields({.id = jane, .kyc_status = std::string("PENDING")}).ok());
  const mc::Job first = m.create(agent, m.physical());
  CHECK(refusal_text(with_kyc.accept(jane, ho::task_id(first.id))) == "kyc_required/");
  CHECK(m.s.engine->party(jane)->kyc_status == "PENDING");
  kyc->answer = "REJECTED";
  CHECK(refusal_text(with_kyc.accept(jane, ho::task_id(first.id))) == "kyc_required/");
  CHECK(m.s.engine->party(jane)->kyc_status == "REJECTED");
  kyc->answer = "VERIFIED";
  REQUIRE(with_kyc.accept(jane, ho::task_id(first.id)).ok());
  const mc::Job second = m.create(agent, m.physical());
  kyc->answer = "PENDING";  // not asked: the operator is VERIFIED now
  REQUIRE(with_kyc.accept(jane, ho::task_id(second.id)).ok());
  CHECK(m.s.engine->party(jane)->kyc_status == "VERIFIED");

  // Browse pages: offset and limit; the clock past a deadline before its timer ran: 410.
  const mc::Job a = m.create(agent, m.physical());
  const mc::Job b = m.create(agent, m.physical());
  ho::TaskPage page = m.service->available_tasks({.limit = 1, .offset = 1}).value();
  CHECK(page.total == 2);
  REQUIRE(page.tasks.size() == 1);
  CHECK(page.tasks[0].id == a.id);  // newest first
  CHECK(m.service->tasks(agent, {.limit = 1})->tasks.size() == 1);
  m.s.clock->advance_ms(3 * kDay);
  CHECK(refusal_text(m.service->accept(jane, ho::task_id(b.id))) == "task_expired/");
  CHECK(m.s.job(b.id).state == "PENDING");  // the timer has not run yet
  m.s.advance_ms(0);
  CHECK(m.s.job(b.id).state == "EXPIRED");
  m.check_conservation();
}

TEST_CASE("humanops operator refusals: ten recent tasks, and search over many operators") {
  Market m;
  const mc::PartyId agent = m.agent(1'000'000);
  const mc::PartyId jane = m.op("op_jane");
  for (int i = 0; i < 11; ++i) {
    const mc::Job job = m.submitted(agent, jane);
    REQUIRE(m.service->verify(agent, ho::task_id(job.id), "APPROVE").ok());
  }
  const ho::Earnings earnings = m.service->earnings(jane).value();
  CHECK(earnings.total_earned_minor == 11 * 2500);
  CHECK(earnings.recent_tasks.size() == 10);

  // At most 50, nearest first; agents and operators without verified KYC are not found.
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  REQUIRE(live.register_operator({.external_id = "pending",
                                  .name = "P",
                                  .email = "p@x.y",
                                  .location_json = R"({"lat":0,"lng":0})"})
              .ok());
  for (int i = 0; i < 51; ++i) {
    const std::string id = "near_" + std::to_string(i);
    const std::string at = R"({"lat":0,"lng":)" + std::to_string(i * 0.001) + "}";
    REQUIRE(m.service
                ->register_operator(
                    {.external_id = id, .name = id, .email = id + "@x.y", .location_json = at})
                .ok());
  }
  const std::vector<ho::Service::NearbyOperator> found =
      m.service->search_operators(0, 0, std::nullopt, std::nullopt).value();
  REQUIRE(found.size() == 50);
  CHECK(found.front().party.external_id == "near_0");
  CHECK(found.back().party.external_id == "near_49");
  CHECK(refusal_text(m.service->search_operators(-91, 0, std::nullopt, std::nullopt)) ==
        "invalid_value/lat");
  CHECK(refusal_text(m.service->search_operators(0, 181, std::nullopt, std::nullopt)) ==
        "invalid_value/lat");
  m.check_conservation();
}
