// HumanOps callbacks and stored fields (docs/dialects/humanops.md, "Verification and
// callbacks"): render_callback renders only the guardian's events of this market's tasks for
// the task's own agent and callback URL (every other delivery is answered with none, so the
// server marks it done without a request); the body's guardian_result follows the stored
// verdict; the signature only when the task has a secret. task_fields and the creation guard
// read a payload that carries less than the dialect writes (a task made through /v1).
#include <doctest/doctest.h>

#include "humanops_market.h"
#include "marketcore/e2ee.h"

using namespace humanops_test;

namespace {

// The delivery of `event_type` for `job` to the agent's hex endpoint at `url`.
mc::DueWebhookDelivery due_for(const Market& m, const mc::Job& job, std::string event_type,
                               std::string transition, std::string url) {
  mc::DueWebhookDelivery due;
  due.endpoint.market_id = m.s.market.id;
  due.endpoint.party_id = job.poster_id;
  due.endpoint.url = std::move(url);
  due.endpoint.scheme = mc::WebhookScheme::hex;
  due.event.market_id = m.s.market.id;
  due.event.type = std::move(event_type);
  due.event.job_id = job.id;
  due.event.payload_json = R"({"transition":")" + transition + R"("})";
  return due;
}

constexpr const char* kUrl = "http://127.0.0.1:9/callback";

}  // namespace

TEST_CASE("humanops callbacks: only the guardian's events for the task's agent and URL") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  ho::NewTask task = m.physical();
  task.callback_url = kUrl;
  const mc::Job job = m.submitted(agent, jane, task);  // no secret
  // A second task with the same URL reuses the agent's endpoint.
  m.create(agent, task);
  CHECK(m.s.engine->webhooks().endpoints(m.s.market.id, agent)->size() == 1);
  ScriptedVerifier verifier;
  verifier.answer = ho::GuardianResult{"APPROVE", 70, "Blurry"};
  REQUIRE(m.service->verify_pending(&verifier, 16).value() == 1);

  const mc::DueWebhookDelivery good =
      due_for(m, job, "task.manual_review", "verify_manual_review", kUrl);
  std::optional<ho::Service::Callback> rendered = m.service->render_callback(good).value();
  REQUIRE(rendered);
  CHECK(rendered->headers.empty());  // the task has no callback secret
  CHECK(rendered->body.find(R"("event":"task.manual_review")") != std::string::npos);
  CHECK(rendered->body.find(R"("confidence":70)") != std::string::npos);

  auto none = [&](auto change) {
    mc::DueWebhookDelivery due = good;
    change(due);
    return !m.service->render_callback(due).value().has_value();
  };
  using Due = mc::DueWebhookDelivery;
  CHECK(none([](Due& d) { d.event.market_id += 1; }));
  CHECK(none([](Due& d) { d.event.job_id.reset(); }));
  CHECK(none([](Due& d) { d.endpoint.party_id.reset(); }));
  CHECK(none([](Due& d) { d.endpoint.scheme = mc::WebhookScheme::sha256; }));
  CHECK(none([](Due& d) { d.event.type = "job.created"; }));
  CHECK(none([](Due& d) { d.event.payload_json = "not json"; }));
  CHECK(none([](Due& d) { d.event.payload_json = R"({"other":1})"; }));
  CHECK(none([](Due& d) { d.event.payload_json = R"({"transition":"approve"})"; }));
  CHECK(none([&](Due& d) { d.endpoint.party_id = jane; }));
  CHECK(none([](Due& d) { d.endpoint.url = "http://127.0.0.1:9/other"; }));
  for (const char* transition : {"verify_complete", "verify_dispute", "manual_review"}) {
    CHECK_FALSE(none([&](Due& d) {
      d.event.payload_json = std::string(R"({"transition":")") + transition + R"("})";
    }));
  }
  for (const char* type : {"task.verified", "task.disputed"}) {
    CHECK_FALSE(none([&](Due& d) { d.event.type = type; }));
  }

  // After a manual decision the guardian's result is the one nested in the verdict.
  REQUIRE(m.service->verify(agent, ho::task_id(job.id), "APPROVE").ok());
  rendered = m.service->render_callback(good).value();
  REQUIRE(rendered);
  CHECK(rendered->body.find(R"("guardian_result":{"decision":"MANUAL_REVIEW","confidence":70)") !=
        std::string::npos);
  m.check_conservation();
}

TEST_CASE("humanops callbacks: guardian_result is null without a guardian's verdict") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  ho::NewTask task = m.physical();
  task.callback_url = kUrl;
  task.callback_secret = "s3cret";
  const mc::Job routed = m.submitted(agent, jane, task);
  const mc::Job decided = m.submitted(agent, jane, task);
  const mc::DueWebhookDelivery before =
      due_for(m, routed, "task.manual_review", "manual_review", kUrl);
  std::optional<ho::Service::Callback> body = m.service->render_callback(before).value();
  REQUIRE(body);
  CHECK(body->body.find(R"("guardian_result":null)") != std::string::npos);
  REQUIRE(body->headers.size() == 1);
  // A manual verdict with no guardian before it (the agent decided first): null too.
  REQUIRE(m.service->verify(agent, ho::task_id(decided.id), "REJECT").ok());
  body = m.service->render_callback(due_for(m, decided, "task.disputed", "manual_review", kUrl))
             .value();
  REQUIRE(body);
  CHECK(body->body.find(R"("guardian_result":null)") != std::string::npos);
  m.check_conservation();
}

TEST_CASE("humanops fields: a payload with less than the dialect writes is read by the type") {
  mc::Job job;
  job.category = "FORM_FILLING";
  job.payload_json = "not json";
  ho::TaskFields fields = ho::task_fields(job);
  CHECK(fields.task_domain == "DIGITAL");
  CHECK(fields.proof_type == "CONFIRMATION");
  CHECK(fields.location_json == R"({"address":"Remote/Digital"})");
  job.payload_json = R"({"location":null,"proof_requirements":["a",1,"b"]})";
  fields = ho::task_fields(job);
  CHECK(fields.proof_requirements == std::vector<std::string>{"a", "b"});
  CHECK(fields.location_json == R"({"address":"Remote/Digital"})");
  job.category = "PHOTO";
  job.payload_json = R"({"location":"somewhere"})";
  fields = ho::task_fields(job);
  CHECK(fields.location_json == "null");
  CHECK(fields.task_domain == "PHYSICAL");
  job.category = "UNKNOWN";
  job.payload_json = "[]";
  fields = ho::task_fields(job);
  CHECK(fields.task_domain.empty());
  CHECK(fields.proof_type.empty());
  CHECK(fields.location_json == "null");

  for (const std::string& bad :
       std::vector<std::string>{"task_1234567890123456789", "task_12a", "task_-5", "task_ 1"}) {
    CAPTURE(bad);
    CHECK_FALSE(ho::parse_task_id(bad));
  }
  CHECK(ho::parse_task_id("task_42") == 42);
}

TEST_CASE("humanops fields: the creation guard on a job as /v1 would make it") {
  auto check = [](std::string category, std::string payload, bool deadline = true) {
    mc::Job job;
    job.category = std::move(category);
    job.payload_json = std::move(payload);
    job.amount_minor = 1000;
    if (deadline) job.deadline_at_ms = 1;
    const mc::Status status = ho::check_task(job, std::nullopt, {});
    return status.ok() ? std::string("ok") : status.detail() + "/" + status.param();
  };
  CHECK(check("GARDENING", "{}") == "unknown_task_type/task_type");
  CHECK(check("PHOTO", "{}", false) == "missing_param/deadline");
  CHECK(check("CAPTCHA_SOLVING", "[]") == "invalid_json/payload");
  CHECK(check("CAPTCHA_SOLVING", "") == "invalid_json/payload");
  CHECK(check("CAPTCHA_SOLVING", "{}") == "ok");
  CHECK(check("PHOTO", R"({"location":null})") == "missing_param/location");
  CHECK(check("PHOTO", R"({"location":{"lat":1}})") == "invalid_value/location");
  CHECK(check("PHOTO", R"({"location":{"lat":1,"lng":true}})") == "invalid_value/location");
  CHECK(check("PHOTO", R"({"location":{"lat":-91,"lng":0}})") == "invalid_value/location");
  CHECK(check("PHOTO", R"({"location":{"lat":0,"lng":181}})") == "invalid_value/location");
  CHECK(check("PHOTO", R"({"location":{"lat":1.5,"lng":2}})") == "ok");
  CHECK(check("PHOTO", R"({"location":{"lat":1,"lng":18446744073709551615}})") ==
        "invalid_value/location");
  CHECK(check("PHONE_VERIFICATION", R"({"agent_public_key":""})") ==
        "agent_public_key_required/agent_public_key");
  CHECK(check("PHONE_VERIFICATION", R"({"agent_public_key":7})") ==
        "agent_public_key_required/agent_public_key");
  const mc::e2ee::KeyPair keys = mc::e2ee::generate_key_pair().value();
  CHECK(check("PHONE_VERIFICATION", R"({"agent_public_key":")" + keys.public_key_b64 + "\"}") ==
        "ok");
  // Multi-byte characters count once in digital_instructions.
  std::string instructions;
  for (int i = 0; i < 10'000; ++i) instructions += "\xc3\xa9";
  CHECK(check("CAPTCHA_SOLVING", R"({"digital_instructions":")" + instructions + "\"}") == "ok");
}

TEST_CASE("humanops fields: text is counted in code points and must be UTF-8") {
  Market m;
  auto named = [&](std::string name) {
    mc::Result<ho::RegisteredAgent> registered =
        m.service->register_agent({.name = std::move(name), .email = "a@b.c"}, false);
    return registered.ok() ? std::string("ok") : registered.status().detail();
  };
  // 100 characters of two, three and four bytes each fit the 100-character name.
  std::string mixed;
  for (int i = 0; i < 33; ++i) mixed += "\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80";
  CHECK(named(mixed + "x") == "ok");
  CHECK(named(mixed + "xy") == "invalid_value");
  CHECK(named("\xe6\xbc") == "invalid_value");          // truncated
  CHECK(named("\xc3\x28") == "invalid_value");          // bad continuation
  CHECK(named("\xf8\x88\x80\x80") == "invalid_value");  // no such lead byte
  CHECK(named("\x80") == "invalid_value");
  // The company is kept in the profile.
  const ho::RegisteredAgent agent =
      m.service->register_agent({.name = "bot", .email = "a@b.c", .company = "Acme"}, false)
          .value();
  CHECK(agent.party.profile_json.find(R"("company":"Acme")") != std::string::npos);
  // Production hashes are 0x + 64 hex digits, either case; test mode takes printable tokens.
  CHECK(m.service->deposit_usdc(agent.party.id, std::string(129, 'a'), 500).status().detail() ==
        "invalid_value");
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(
      live.deposit_usdc(agent.party.id, "0x" + std::string(63, 'a') + "g", 500).status().detail() ==
      "invalid_value");
  CHECK(live.deposit_usdc(agent.party.id, "1x" + std::string(64, 'a'), 500).status().detail() ==
        "invalid_value");
  CHECK(live.deposit_usdc(agent.party.id, "0x" + std::string(64, 'A'), 500).status().detail() ==
        "chain_confirmation_unavailable");
}
