// HumanOps refusals (docs/dialects/humanops.md): every malformed field of registration,
// deposits, tasks and proofs is refused with its detail and param and changes nothing; the
// production-only paths (admin key, chain confirmation, payment and payout providers) are
// refused without their host interface and honoured with one; not-found and wrong-actor
// answers are the same whatever is missing.
#include <doctest/doctest.h>

#include "humanops_market.h"
#include "lifecycle/refusal_text.h"
#include "marketcore/e2ee.h"

using mc::testing::refusal_text;
using namespace humanops_test;

namespace {

// A chain that confirms every transaction for a fixed amount.
class FixedChain final : public ho::ChainConfirmer {
 public:
  int64_t amount_minor = 0;
  mc::Result<int64_t> confirmed_amount_minor(std::string_view) override { return amount_minor; }
};

// A payment provider that leaves every payment pending (its webhook credits later).
class PendingPayments final : public ho::PaymentProvider {
 public:
  mc::Result<ho::PaymentStarted> start(const ho::PaymentRequest& request) override {
    last = request;
    return ho::PaymentStarted{.completed = false, .redirect_url = "https://pay.example/1"};
  }
  ho::PaymentRequest last;
};

constexpr const char* kHash = "0x1111111111111111111111111111111111111111111111111111111111111111";

}  // namespace

TEST_CASE("humanops refusals: agent registration, keys and USDC deposits") {
  Market m;
  auto reg = [&](ho::NewAgent agent) {
    return refusal_text(m.service->register_agent(agent, false));
  };
  CHECK(reg({.name = "", .email = "a@b.c"}) == "missing_param/name");
  CHECK(reg({.name = "bot", .email = ""}) == "missing_param/email");
  CHECK(reg({.name = "bot", .email = "no-at-sign"}) == "invalid_value/email");
  CHECK(reg({.name = "bot", .email = "a@b.c", .company = std::string(201, 'c')}) ==
        "invalid_value/company");
  CHECK(reg({.name = std::string("\xff"), .email = "a@b.c"}) == "invalid_value/name");
  // Production: registration needs the admin key.
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(refusal_text(live.register_agent({.name = "bot", .email = "a@b.c"}, false)) ==
        "admin_key_required/");
  REQUIRE(live.register_agent({.name = "bot", .email = "a@b.c"}, true).ok());

  const mc::PartyId agent = m.agent();
  // Keys: an empty label is "default"; a long one is refused; an unknown key is not found.
  const ho::NewKey key = m.service->create_key(agent, "").value();
  CHECK(key.record.label == "default");
  CHECK(refusal_text(m.service->create_key(agent, std::string(101, 'k'))) == "invalid_value/name");
  CHECK(m.service->revoke_key(agent, "nope").detail() == "key_not_found");
  CHECK(m.service->revoke_key(agent, key.record.id).ok());
  CHECK(m.service->keys(agent)->size() == 1);  // the registration key only

  // USDC in test mode: any printable hash, within $5–$10,000.
  CHECK(refusal_text(m.service->deposit_usdc(agent, "", 500)) == "missing_param/tx_hash");
  CHECK(refusal_text(m.service->deposit_usdc(agent, "0x ab", 500)) == "invalid_value/tx_hash");
  CHECK(refusal_text(m.service->deposit_usdc(agent, "0xabc", 499)) ==
        "deposit_out_of_range/amount_usdc");
  CHECK(refusal_text(m.service->deposit_usdc(agent, "0xabc", 1'000'001)) ==
        "deposit_out_of_range/amount_usdc");
  const ho::Deposited first = m.service->deposit_usdc(agent, "0xABC", 500).value();
  CHECK(first.status == "confirmed");
  // A retry with the same amount answers the first transaction; another amount or another
  // agent is refused, and nothing more is credited.
  CHECK(m.service->deposit_usdc(agent, "0xabc", 500)->transaction_id == first.transaction_id);
  const mc::PartyId other = m.agent();
  CHECK(refusal_text(m.service->deposit_usdc(agent, "0xabc", 600)) ==
        "external_ref_conflict/external_ref");
  CHECK(refusal_text(m.service->deposit_usdc(other, "0xabc", 500)) == "external_ref_used/");
  CHECK(m.service->balances(agent)->available_minor == 500);
  CHECK(m.service->balances(other)->available_minor == 0);

  // Production: 0x + 64 hex digits, confirmed on the chain for the same amount.
  CHECK(refusal_text(live.deposit_usdc(agent, "0xabc", 500)) == "invalid_value/tx_hash");
  CHECK(refusal_text(live.deposit_usdc(agent, kHash, 500)) == "chain_confirmation_unavailable/");
  auto chain = std::make_shared<FixedChain>();
  chain->amount_minor = 700;
  ho::Service confirmed(*m.s.engine, m.s.market, m.keys, {.test_mode = false, .chain = chain});
  CHECK(refusal_text(confirmed.deposit_usdc(agent, kHash, 500)) == "amount_mismatch/amount_usdc");
  CHECK(confirmed.deposit_usdc(agent, kHash, 700)->amount_minor == 700);
  CHECK(m.service->balances(agent)->available_minor == 1200);
  m.s.verify();
}

TEST_CASE("humanops refusals: fiat deposits, pending payments and the payment webhook") {
  Market m;
  const mc::PartyId agent = m.agent();
  CHECK(refusal_text(m.service->deposit_fiat(agent, 500, "cash", "")) ==
        "invalid_value/payment_method");
  CHECK(refusal_text(m.service->deposit_fiat(agent, 500, "card", std::string(2049, 'u'))) ==
        "invalid_value/return_url");
  CHECK(refusal_text(m.service->deposit_fiat(agent, 499, "card", "")) ==
        "deposit_out_of_range/amount_usd");
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(refusal_text(live.deposit_fiat(agent, 500, "card", "")) == "payments_unavailable/");

  // Test mode completes at once; the payment is found by its id, another is not.
  const ho::Deposited instant = m.service->deposit_fiat(agent, 500, "bank_transfer", "").value();
  CHECK(instant.status == "completed");
  CHECK(m.service->deposit_status(agent, instant.payment_id)->amount_minor == 500);
  CHECK(refusal_text(m.service->deposit_status(agent, "")) == "missing_param/payment_id");
  CHECK(refusal_text(m.service->deposit_status(agent, "agent_1_2")) == "payment_not_found/");

  // A provider that leaves the payment pending: nothing is credited until its webhook.
  auto pending = std::make_shared<PendingPayments>();
  ho::Service later(*m.s.engine, m.s.market, m.keys, {.payments = pending});
  const ho::Deposited started = later.deposit_fiat(agent, 800, "card", "https://back").value();
  CHECK(started.status == "pending");
  CHECK(started.redirect_url == "https://pay.example/1");
  CHECK(pending->last.order_id == started.payment_id);
  CHECK(started.payment_id.rfind(ho::agent_id(agent) + "_", 0) == 0);
  CHECK(m.service->balances(agent)->available_minor == 500);
  CHECK(m.service->deposit_status(agent, started.payment_id).status().detail() ==
        "payment_not_found");

  // The webhook's order id must name an agent of this market.
  const mc::PartyId op = m.op("op_1");
  for (const std::string& bad : std::vector<std::string>{
           "order_1", "agent_", "agent_12", "agent__x", "agent_1x_2", "agent_1234567890123456789_x",
           "agent_999_x", ho::agent_id(op) + "_x"}) {
    CAPTURE(bad);
    CHECK(refusal_text(m.service->credit_payment(bad, 800)) == "invalid_value/order_id");
  }
  CHECK(refusal_text(m.service->credit_payment(started.payment_id, 400)) ==
        "deposit_out_of_range/amount");
  const ho::Deposited credited = m.service->credit_payment(started.payment_id, 800).value();
  CHECK(credited.status == "completed");
  CHECK(m.service->deposit_status(agent, started.payment_id)->transaction_id ==
        credited.transaction_id);
  CHECK(m.service->balances(agent)->available_minor == 1300);
  m.s.verify();
}

TEST_CASE("humanops refusals: every task field, in the service and in the creation guard") {
  Market m;
  const mc::PartyId agent = m.agent(1'000'000);
  auto bad = [&](auto change) {
    ho::NewTask task = m.physical();
    change(task);
    return m.refused(agent, task) + "/" + m.service->create_task(agent, task).status().param();
  };
  CHECK(bad([](ho::NewTask& t) { t.title = ""; }) == "missing_param/title");
  CHECK(bad([](ho::NewTask& t) { t.description = std::string(10'001, 'd'); }) ==
        "invalid_value/description");
  CHECK(bad([](ho::NewTask& t) { t.task_type = "GARDENING"; }) == "unknown_task_type/task_type");
  CHECK(bad([](ho::NewTask& t) { t.reward_minor = 999; }) == "reward_out_of_range/reward_usd");
  CHECK(bad([](ho::NewTask& t) { t.reward_minor = 1'000'001; }) ==
        "reward_out_of_range/reward_usd");
  CHECK(bad([](ho::NewTask& t) { t.deadline_ms.reset(); }) == "missing_param/deadline");
  CHECK(bad([&](ho::NewTask& t) { t.deadline_ms = m.s.clock->now_ms(); }) ==
        "deadline_in_past/deadline");
  CHECK(bad([](ho::NewTask& t) { t.proof_requirements.clear(); }) ==
        "missing_param/proof_requirements");
  CHECK(bad([](ho::NewTask& t) { t.proof_requirements.assign(21, "x"); }) ==
        "invalid_value/proof_requirements");
  CHECK(bad([](ho::NewTask& t) { t.proof_requirements = {std::string(501, 'p')}; }) ==
        "invalid_value/proof_requirements");
  CHECK(bad([](ho::NewTask& t) { t.callback_secret = ""; }) == "missing_param/callback_secret");
  CHECK(bad([](ho::NewTask& t) { t.agent_public_key = ""; }) == "missing_param/agent_public_key");
  CHECK(bad([](ho::NewTask& t) { t.callback_url = ""; }) == "missing_param/callback_url");
  // Test mode's URL policy allows loopback http only.
  const std::string url = bad([](ho::NewTask& t) { t.callback_url = "ftp://127.0.0.1/x"; });
  CHECK(url == "webhook_url_invalid/callback_url");
  // The creation guard (check_task): the type's rules.
  CHECK(bad([](ho::NewTask& t) { t.task_domain = "DIGITAL"; }) ==
        "task_domain_mismatch/task_domain");
  CHECK(bad([](ho::NewTask& t) { t.proof_type = "VIDEO"; }) == "invalid_value/proof_type");
  CHECK(bad([](ho::NewTask& t) { t.digital_instructions = std::string(10'001, 'i'); }) ==
        "digital_instructions_too_long/digital_instructions");
  CHECK(bad([](ho::NewTask& t) { t.location_json.reset(); }) == "missing_param/location");
  CHECK(bad([](ho::NewTask& t) { t.location_json = R"({"lat":"40","lng":1})"; }) ==
        "invalid_value/location");
  CHECK(bad([](ho::NewTask& t) { t.location_json = "[1,2]"; }) == "invalid_value/location");
  CHECK(bad([](ho::NewTask& t) { t.location_json = R"({"lat":91,"lng":1})"; }) ==
        "invalid_value/location");
  CHECK(bad([](ho::NewTask& t) { t.location_json = R"({"lat":1,"lng":-181})"; }) ==
        "invalid_value/location");
  CHECK(bad([](ho::NewTask& t) {
          t.task_type = "CAPTCHA_SOLVING";
          t.reward_minor = 1001;
        }) == "reward_above_category_maximum/reward_usd");
  CHECK(bad([](ho::NewTask& t) { t.task_type = "ACCOUNT_CREATION"; }) ==
        "agent_public_key_required/agent_public_key");
  CHECK(bad([](ho::NewTask& t) {
          t.task_type = "ACCOUNT_CREATION";
          t.agent_public_key = "bm90IGEga2V5";
        }) == "agent_public_key_invalid/agent_public_key");
  CHECK(m.service->balances(agent)->escrow_minor == 0);

  // A digital task without location is Remote/Digital; its instructions are kept.
  ho::NewTask digital = m.physical(1000);
  digital.task_type = "CAPTCHA_SOLVING";
  digital.location_json.reset();
  digital.digital_instructions = "Solve it";
  const mc::Job job = m.create(agent, digital);
  const ho::TaskFields fields = ho::task_fields(job);
  CHECK(fields.location_json == R"({"address":"Remote/Digital"})");
  CHECK(fields.task_domain == "DIGITAL");
  CHECK(fields.proof_type == "SCREENSHOT");
  CHECK(fields.digital_instructions == "Solve it");

  // Idempotency-Key: the same body replays, another body is refused.
  ho::NewTask keyed = m.physical();
  keyed.idempotency_key = "k1";
  const mc::Job once = m.create(agent, keyed);
  CHECK(m.create(agent, keyed).id == once.id);
  keyed.reward_minor += 100;
  CHECK(m.refused(agent, keyed) == "idempotency_key_reused");
  m.check_conservation();
}

TEST_CASE("humanops refusals: lists, not-found ids and the agent's verbs in the wrong state") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::Job job = m.create(agent, m.physical());
  const std::string id = ho::task_id(job.id);
  CHECK(refusal_text(m.service->tasks(agent, {.limit = 0})) == "invalid_value/limit");
  CHECK(refusal_text(m.service->tasks(agent, {.offset = -1})) == "invalid_value/offset");
  CHECK(m.service->tasks(agent, {.status = std::string("PENDING")})->total == 1);
  CHECK(m.service->tasks(agent, {.status = std::string("COMPLETED")})->total == 0);
  const ho::TaskPage skipped = m.service->tasks(agent, {.offset = 1}).value();
  CHECK(skipped.total == 1);
  CHECK(skipped.tasks.empty());
  CHECK(refusal_text(m.service->available_tasks({.offset = -1})) == "invalid_value/offset");
  CHECK(refusal_text(m.service->available_tasks({.task_type = std::string("X")})) ==
        "invalid_value/task_type");
  CHECK(m.service->available_tasks({.task_type = std::string("PHOTO")})->total == 0);
  CHECK(m.service->available_tasks({.task_type = std::string("VERIFICATION")})->total == 1);

  // Ids that name no task answer exactly like another agent's task.
  for (const std::string bad : {"", "task_", "task_0", "task_01", "task_x", "7", "task_9999"}) {
    CAPTURE(bad);
    CHECK(refusal_text(m.service->task(agent, bad)) == "task_not_found/");
    CHECK(refusal_text(m.service->verify(agent, bad, "APPROVE")) == "task_not_found/");
    CHECK(refusal_text(m.service->retrieve_credential(agent, bad)) == "task_not_found/");
  }
  CHECK(refusal_text(m.service->submit(agent, "task_x", {})) == "task_not_found/");
  CHECK(refusal_text(m.service->accept(agent, "task_x")) == "task_not_found/");
  // A task that is not Tier 2 has no credential; PENDING cannot be verified.
  CHECK(refusal_text(m.service->retrieve_credential(agent, id)) == "credential_not_available/");
  CHECK(refusal_text(m.service->verify(agent, id, "APPROVE")) == "wrong_state/");
  CHECK(m.service->cancel(agent, id)->state == "CANCELLED");
  CHECK(refusal_text(m.service->cancel(agent, id)) == "wrong_state/");
  // Past its deadline a task is no longer offered to operators.
  m.create(agent, m.physical());
  CHECK(m.service->available_tasks({})->total == 1);
  m.s.clock->advance_ms(3 * kDay);
  CHECK(m.service->available_tasks({})->total == 0);
  m.check_conservation();
}
