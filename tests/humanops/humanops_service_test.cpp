// The HumanOps market definition (marketcore/humanops.h) in process, on the manual clock:
// agents, keys and deposits; task rules (types, domains, category maximums, Tier 2 keys,
// bounds), the tier fee escrowed at creation, Idempotency-Key; operators, KYC, accept races and
// deadlines; the verifier's routes (approve, review, reject, failure, none); the 7-day hold;
// cancel refunds; payouts; the E2EE credential; callbacks. After every scenario the ledger
// verifies and the money is conserved: deposits − payouts = agents' balances + escrow +
// operators' earnings + platform fees.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "humanops_market.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/e2ee.h"
#include "marketcore/humanops.h"
#include "marketcore/webhook_signatures.h"

using namespace humanops_test;

TEST_CASE("humanops: registration, API keys by prefix, revocation") {
  Market m;
  mc::Result<ho::RegisteredAgent> agent =
      m.service->register_agent({.name = "my-agent", .email = "agent@example.com"}, false);
  REQUIRE(agent.ok());
  CHECK(agent->api_key.rfind("ho_test_", 0) == 0);
  CHECK(m.service->authenticate_agent(agent->api_key)->id == agent->party.id);
  CHECK(m.service->register_agent({.name = "x", .email = "no-at"}, false).status().detail() ==
        "invalid_value");
  const ho::NewKey second = m.service->create_key(agent->party.id, "ci-pipeline").value();
  std::vector<mc::auth::ApiKeyRecord> keys = m.service->keys(agent->party.id).value();
  REQUIRE(keys.size() == 2);
  CHECK(keys[1].label == "ci-pipeline");
  CHECK(keys[1].display_prefix.rfind("ho_test_", 0) == 0);
  const mc::PartyId other = m.agent();
  CHECK(m.service->revoke_key(other, second.record.id).detail() == "key_not_found");
  REQUIRE(m.service->revoke_key(agent->party.id, second.record.id).ok());
  CHECK(m.service->authenticate_agent(second.api_key).status().detail() == "api_key_invalid");
  CHECK(m.service->keys(agent->party.id)->size() == 1);
  // Production: the admin key is required, and keys are ho_live_.
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(live.register_agent({.name = "a", .email = "a@b.c"}, false).status().detail() ==
        "admin_key_required");
  CHECK(live.register_agent({.name = "a", .email = "a@b.c"}, true)->api_key.rfind("ho_live_", 0) ==
        0);
  CHECK(live.authenticate_agent(agent->api_key).status().detail() == "api_key_invalid");
}

TEST_CASE("humanops: USDC deposits within $5–$10,000, each tx_hash once ever") {
  Market m;
  const mc::PartyId agent = m.agent();
  const mc::PartyId other = m.agent();
  CHECK(m.service->deposit_usdc(agent, "0xaa", 499).status().detail() == "deposit_out_of_range");
  CHECK(m.service->deposit_usdc(agent, "0xaa", 1'000'001).status().detail() ==
        "deposit_out_of_range");
  const ho::Deposited first = m.service->deposit_usdc(agent, "0xAbC", 10'000).value();
  m.deposited += 10'000;
  CHECK(first.status == "confirmed");
  CHECK(m.service->deposit_usdc(agent, "0xabc", 10'000)->transaction_id == first.transaction_id);
  CHECK(m.service->deposit_usdc(agent, "0xabc", 20'000).status().detail() ==
        "external_ref_conflict");
  CHECK(m.service->deposit_usdc(other, "0xabc", 10'000).status().detail() == "external_ref_used");
  CHECK(m.service->balances(agent)->available_minor == 10'000);
  CHECK(m.service->balances(other)->available_minor == 0);
  const ho::Deposited fiat = m.service->deposit_fiat(agent, 500, "card", "").value();
  m.deposited += 500;
  CHECK(fiat.status == "completed");
  CHECK(m.service->deposit_status(agent, fiat.payment_id)->amount_minor == 500);
  CHECK(m.service->deposit_status(other, fiat.payment_id).status().detail() == "payment_not_found");
  CHECK(m.service->deposit_fiat(agent, 500, "cash", "").status().detail() == "invalid_value");
  // The provider's confirmation (dLocal PAID) credits the order's agent once.
  const std::string order = ho::agent_id(other) + "_1700000000000";
  const ho::Deposited paid = m.service->credit_payment(order, 700).value();
  CHECK(m.service->credit_payment(order, 700)->transaction_id == paid.transaction_id);
  m.deposited += 700;
  CHECK(m.service->balances(other)->available_minor == 700);
  CHECK(m.service->credit_payment("agent_999_1", 700).status().detail() == "invalid_value");
  CHECK(m.service->credit_payment("op_1_2", 700).status().detail() == "invalid_value");
  CHECK(m.service->credit_payment(ho::agent_id(other) + "_2", 499).status().detail() ==
        "deposit_out_of_range");
  // Production without a chain confirmer cannot credit.
  ho::Service live(*m.s.engine, m.s.market, m.keys, {.test_mode = false});
  CHECK(
      live.deposit_usdc(agent, std::string("0x") + std::string(64, 'b'), 1000).status().detail() ==
      "chain_confirmation_unavailable");
  CHECK(live.deposit_usdc(agent, "0xabc...def", 1000).status().detail() == "invalid_value");
  m.check_conservation();
}

TEST_CASE("humanops: the task rules — types, domains, maximums, Tier 2 keys, bounds") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::Job job = m.create(agent, m.physical());
  CHECK(job.fees.platform_fee_minor == 450);
  CHECK(job.fees.escrow_minor == 2950);
  CHECK(m.service->balances(agent)->escrow_minor == 2950);
  const ho::TaskFields physical = ho::task_fields(job);
  CHECK(physical.task_domain == "PHYSICAL");
  CHECK(physical.proof_type == "PHOTO");

  // The $2 minimum fee: 18 % of $10 is $1.80.
  CHECK(m.create(agent, m.physical(1000)).fees.platform_fee_minor == 200);

  ho::NewTask captcha{.title = "Solve login CAPTCHA",
                      .description = "Solve it",
                      .reward_minor = 1000,
                      .deadline_ms = m.s.clock->now_ms() + kDay,
                      .proof_requirements = {"Screenshot"},
                      .task_type = "CAPTCHA_SOLVING"};
  const mc::Job digital = m.create(agent, captcha);
  const ho::TaskFields fields = ho::task_fields(digital);
  CHECK(fields.task_domain == "DIGITAL");
  CHECK(fields.proof_type == "SCREENSHOT");
  CHECK(fields.location_json == R"({"address":"Remote/Digital"})");
  for (const ho::TaskType& type : ho::task_types()) {
    if (type.name == "FORM_FILLING" || type.name == "CONTENT_REVIEW" ||
        type.name == "DATA_VALIDATION") {
      CHECK(type.default_proof == "CONFIRMATION");
    }
  }
  CHECK(ho::task_types().size() == 13);

  ho::NewTask task = captcha;
  task.reward_minor = 1001;  // CAPTCHA_SOLVING max $10
  CHECK(m.refused(agent, task) == "reward_above_category_maximum");
  task = captcha;
  task.task_domain = "PHYSICAL";
  CHECK(m.refused(agent, task) == "task_domain_mismatch");
  task = captcha;
  task.proof_type = "VIDEO";
  CHECK(m.refused(agent, task) == "invalid_value");
  task = captcha;
  task.digital_instructions = std::string(10'001, 'x');
  CHECK(m.refused(agent, task) == "digital_instructions_too_long");
  task.digital_instructions = std::string(10'000, 'x');
  m.create(agent, task);
  task = m.physical();
  task.location_json.reset();
  CHECK(m.refused(agent, task) == "missing_param");
  task = m.physical(999);
  CHECK(m.refused(agent, task) == "reward_out_of_range");
  task = m.physical(1'000'001);
  CHECK(m.refused(agent, task) == "reward_out_of_range");
  task = m.physical();
  task.deadline_ms = m.s.clock->now_ms();
  CHECK(m.refused(agent, task) == "deadline_in_past");
  task = m.physical();
  task.task_type = "DANCING";
  CHECK(m.refused(agent, task) == "unknown_task_type");

  ho::NewTask credential{.title = "Create Acme API account",
                         .description = "Sign up at acme.io",
                         .reward_minor = 5000,
                         .deadline_ms = m.s.clock->now_ms() + kDay,
                         .proof_requirements = {"API key via encrypted channel"},
                         .task_type = "API_KEY_PROCUREMENT"};
  CHECK(m.refused(agent, credential) == "agent_public_key_required");
  credential.agent_public_key = "bm90IGEga2V5";
  CHECK(m.refused(agent, credential) == "agent_public_key_invalid");
  credential.agent_public_key = mc::e2ee::generate_key_pair()->public_key_b64;
  CHECK(ho::task_fields(m.create(agent, credential)).proof_type == "ARTIFACT");
  credential.reward_minor = 20'001;
  CHECK(m.refused(agent, credential) == "reward_above_category_maximum");

  // The same rules hold for a task created through the engine (/v1, a C++ host).
  mc::Result<mc::JobOutcome> direct =
      m.s.engine->create_job({.market_id = m.s.market.id,
                              .poster_id = agent,
                              .amount_minor = 1001,
                              .category = "CAPTCHA_SOLVING",
                              .deadline_at_ms = m.s.clock->now_ms() + kDay});
  CHECK(direct.status().detail() == "reward_above_category_maximum");
  m.check_conservation();
}

TEST_CASE("humanops: 402 when short, nothing escrowed; Idempotency-Key replays one escrow") {
  Market m;
  const mc::PartyId agent = m.agent(2949);
  CHECK(m.refused(agent, m.physical()) == "insufficient_funds");
  m.fund(agent, 1000);
  ho::NewTask task = m.physical();
  task.idempotency_key = "retry-1";
  const mc::Job first = m.create(agent, task);
  mc::Result<mc::JobOutcome> again = m.service->create_task(agent, task);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->job.id == first.id);
  CHECK(m.service->balances(agent)->escrow_minor == 2950);
  task.title = "Another title";
  CHECK(m.service->create_task(agent, task).status().detail() == "idempotency_key_reused");
  // Keys are per agent.
  const mc::PartyId other = m.agent(5000);
  task = m.physical();
  task.idempotency_key = "retry-1";
  CHECK(m.create(other, task).id != first.id);
  m.check_conservation();
}

TEST_CASE("humanops: the fee tier follows the trailing 30-day spend of completed tasks") {
  Market m;
  const mc::PartyId agent = m.agent(4'000'000);
  const mc::PartyId jane = m.op("op_jane");
  // $4,237.29 reward + 18 % = $4,999.9998 → escrow $5,000.00 exactly: 15 % from then on.
  const mc::Job big = m.submitted(agent, jane, m.physical(423'729));
  CHECK(big.fees.escrow_minor == 423'729 + 76'271);
  CHECK(m.create(agent, m.physical()).fees.platform_fee_minor == 450);  // not completed yet
  REQUIRE(m.service->verify(agent, ho::task_id(big.id), "APPROVE").ok());
  CHECK(m.create(agent, m.physical()).fees.platform_fee_minor == 375);  // 15 %
  // Past $25,000 of spend: 12 %.
  for (int i = 0; i < 2; ++i) {
    const mc::Job job = m.submitted(agent, jane, m.physical(1'000'000));
    REQUIRE(m.service->verify(agent, ho::task_id(job.id), "APPROVE").ok());
  }
  CHECK(m.create(agent, m.physical()).fees.platform_fee_minor == 300);  // 12 %
  // 30 days later the spend has left the window: 18 % again.
  m.s.advance_ms(31 * kDay);
  CHECK(m.create(agent, m.physical()).fees.platform_fee_minor == 450);
  m.check_conservation();
}

TEST_CASE("humanops: operators — browse, one accept wins, KYC, deadline 410, wrong operator") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  const mc::PartyId joe = m.op("op_joe");
  CHECK(m.service->register_operator({.external_id = "op_jane", .name = "J", .email = "x@y.z"})
            .status()
            .detail() == "operator_exists");
  const mc::Job job = m.create(agent, m.physical());
  const std::string id = ho::task_id(job.id);
  ho::TaskPage page = m.service->available_tasks({}).value();
  REQUIRE(page.total == 1);
  CHECK(page.tasks[0].id == job.id);

  // Two operators race: exactly one wins.
  std::atomic<int> won{0};
  std::atomic<int> taken{0};
  std::thread a([&] { (m.service->accept(jane, id).ok() ? won : taken)++; });
  std::thread b([&] { (m.service->accept(joe, id).ok() ? won : taken)++; });
  a.join();
  b.join();
  CHECK(won == 1);
  CHECK(taken == 1);
  CHECK(m.service->accept(jane, id).status().detail() == "task_taken");
  CHECK(m.service->available_tasks({})->total == 0);
  const mc::PartyId winner = *m.s.job(job.id).worker_id;
  const mc::PartyId loser = winner == jane ? joe : jane;
  CHECK(m.service->submit(loser, id, {.photos = {"https://x/1.jpg"}}).status().detail() ==
        "not_your_task");
  CHECK(m.service->submit(winner, id, {}).status().detail() == "missing_param");

  // KYC pending: 403.
  REQUIRE(m.s.engine->update_party_fields({.id = joe, .kyc_status = std::string("PENDING")}).ok());
  const mc::Job second = m.create(agent, m.physical());
  CHECK(m.service->accept(joe, ho::task_id(second.id)).status().detail() == "kyc_required");

  // A KYC provider that verifies the operator later: the next accept asks it.
  auto kyc = std::make_shared<ScriptedKyc>();
  ho::Service with_kyc(*m.s.engine, m.s.market, m.keys, {.kyc = kyc});
  CHECK(with_kyc.accept(joe, ho::task_id(second.id)).status().detail() == "kyc_required");
  kyc->answer = "VERIFIED";
  const mc::Job third = m.create(agent, m.physical());
  REQUIRE(with_kyc.accept(joe, ho::task_id(third.id)).ok());
  CHECK(m.s.engine->party(joe)->kyc_status == "VERIFIED");

  // Past the deadline: 410, and the escrow went back to the agent.
  m.s.advance_ms(3 * kDay);
  CHECK(m.service->accept(jane, ho::task_id(second.id)).status().detail() == "task_expired");
  CHECK(m.s.job(second.id).state == "EXPIRED");
  CHECK(m.service->accept(jane, "task_999999").status().detail() == "task_not_found");
  // An agent never sees another agent's task.
  const mc::PartyId stranger = m.agent();
  CHECK(m.service->task(stranger, id).status().detail() == "task_not_found");
  CHECK(m.service->cancel(stranger, id).status().detail() == "task_not_found");
  m.check_conservation();
}

TEST_CASE("humanops: verifier routes — ≥ 90 completes, 50–89 review, < 50 disputes, failures") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  ScriptedVerifier verifier;

  const mc::Job approved = m.submitted(agent, jane);
  CHECK(m.service->verify_pending(&verifier, 16).value() == 1);
  CHECK(verifier.last_task_json.find("\"proof\":{\"photos\"") != std::string::npos);
  CHECK(m.s.job(approved.id).state == "COMPLETED");
  CHECK(m.s.balances(jane).pending_minor == 2500);
  CHECK(m.service->verify_pending(&verifier, 16).value() == 0);  // routed once

  verifier.answer = ho::GuardianResult{"APPROVE", 70, "Blurry"};
  const mc::Job review = m.submitted(agent, jane);
  CHECK(m.service->verify_pending(&verifier, 16).value() == 1);
  mc::Job after = m.s.job(review.id);
  CHECK(after.state == "SUBMITTED");
  CHECK(after.verdict_json.find("\"MANUAL_REVIEW\"") != std::string::npos);
  REQUIRE(m.service->verify(agent, ho::task_id(review.id), "APPROVE").ok());
  CHECK(m.s.job(review.id).state == "COMPLETED");

  verifier.answer = ho::GuardianResult{"REJECT", 20, "Wrong building"};
  const mc::Job rejected = m.submitted(agent, jane);
  m.service->verify_pending(&verifier, 16).value();
  CHECK(m.s.job(rejected.id).state == "DISPUTED");
  CHECK(m.service->verify(agent, ho::task_id(rejected.id), "APPROVE").status().detail() ==
        "wrong_state");

  verifier.answer = mc::Status(mc::Code::deadline_exceeded, "agent_timeout", "hung");
  const mc::Job failed = m.submitted(agent, jane);
  m.service->verify_pending(&verifier, 16).value();
  after = m.s.job(failed.id);
  CHECK(after.state == "SUBMITTED");
  CHECK(after.verdict_json.find("\"MANUAL_REVIEW\"") != std::string::npos);
  REQUIRE(m.service->verify(agent, ho::task_id(failed.id), "REJECT").ok());
  CHECK(m.s.job(failed.id).state == "DISPUTED");

  const mc::Job unverified = m.submitted(agent, jane);
  CHECK(m.service->verify_pending(nullptr, 16).value() == 1);
  CHECK(m.s.job(unverified.id).verdict_json.find("MANUAL_REVIEW") != std::string::npos);
  CHECK(m.service->verify(agent, ho::task_id(unverified.id), "MAYBE").status().detail() ==
        "invalid_value");
  m.check_conservation();
}

TEST_CASE("humanops: the 7-day hold, cancel refunds, payouts ≥ $10 from available") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  const mc::Job pending = m.create(agent, m.physical());
  REQUIRE(m.service->cancel(agent, ho::task_id(pending.id))->state == "CANCELLED");
  const mc::Job accepted = m.create(agent, m.physical());
  REQUIRE(m.service->accept(jane, ho::task_id(accepted.id)).ok());
  REQUIRE(m.service->cancel(agent, ho::task_id(accepted.id)).ok());
  CHECK(m.service->balances(agent)->available_minor == 100'000);
  const mc::Job job = m.submitted(agent, jane);
  CHECK(m.service->cancel(agent, ho::task_id(job.id)).status().detail() == "wrong_state");
  REQUIRE(m.service->verify(agent, ho::task_id(job.id), "APPROVE").ok());
  ho::Earnings earnings = m.service->earnings(jane).value();
  CHECK(earnings.pending_minor == 2500);
  CHECK(earnings.available_minor == 0);
  CHECK(earnings.total_earned_minor == 2500);
  REQUIRE(earnings.recent_tasks.size() == 1);
  CHECK(m.service->payout(jane, 1000, "").status().detail() == "insufficient_earnings");
  m.s.advance_ms(7 * kDay - 1);
  CHECK(m.service->earnings(jane)->available_minor == 0);
  m.s.advance_ms(1);
  earnings = m.service->earnings(jane).value();
  CHECK(earnings.pending_minor == 0);
  CHECK(earnings.available_minor == 2500);
  CHECK(m.service->payout(jane, 999, "").status().detail() == "payout_below_minimum");
  CHECK(m.service->payout(jane, 2501, "").status().detail() == "insufficient_earnings");
  const ho::Payout payout = m.service->payout(jane, 1000, "").value();
  m.paid_out += 1000;
  CHECK(payout.status == "completed");
  CHECK(m.service->payout_status(jane, payout.payout_id)->amount_minor == 1000);
  CHECK(m.service->payout_status(jane, "payout_nope").status().detail() == "payout_not_found");
  CHECK(m.service->earnings(jane)->available_minor == 1500);
  // A provider that fails: the debit is reversed.
  ho::Service failing(*m.s.engine, m.s.market, m.keys,
                      {.payouts = std::make_shared<FailingPayouts>()});
  CHECK(failing.payout(jane, 1000, "").status().detail() == "payout_failed");
  CHECK(m.service->earnings(jane)->available_minor == 1500);
  m.check_conservation();
}

TEST_CASE("humanops: the E2EE credential reaches only its agent, byte for byte, once COMPLETED") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  const mc::e2ee::KeyPair keys = mc::e2ee::generate_key_pair().value();
  const mc::Job job = m.create(agent, {.title = "Create Acme API account",
                                       .description = "Sign up at acme.io",
                                       .reward_minor = 5000,
                                       .deadline_ms = m.s.clock->now_ms() + kDay,
                                       .proof_requirements = {"API key"},
                                       .task_type = "API_KEY_PROCUREMENT",
                                       .agent_public_key = keys.public_key_b64});
  const std::string id = ho::task_id(job.id);
  REQUIRE(m.service->accept(jane, id).ok());
  const mc::e2ee::EncryptedCredential blob =
      mc::e2ee::encrypt_credential(keys.public_key_b64, R"({"api_key":"sk_live_123"})").value();
  const std::string blob_json = R"({"ciphertext":")" + blob.ciphertext_b64 + R"(","iv":")" +
                                blob.iv_b64 + R"(","ephemeralPublicKey":")" +
                                blob.ephemeral_public_key_b64 +
                                R"(","algorithm":"ECDH-P256-AES-256-GCM"})";
  CHECK(m.service->submit(jane, id, {.notes = "done"}).status().detail() == "missing_param");
  REQUIRE(
      m.service->submit(jane, id, {.notes = "done", .encrypted_credential_json = blob_json}).ok());
  CHECK(m.service->retrieve_credential(agent, id).status().detail() == "credential_not_available");
  REQUIRE(m.service->verify(agent, id, "APPROVE").ok());
  CHECK(m.service->retrieve_credential(agent, id).value() == blob_json);
  const mc::PartyId other = m.agent();
  CHECK(m.service->retrieve_credential(other, id).status().detail() == "task_not_found");
  CHECK(mc::e2ee::decrypt_credential(keys.private_key_b64, blob).value() ==
        R"({"api_key":"sk_live_123"})");
  m.check_conservation();
}

TEST_CASE("humanops: callbacks are the seed's body, signed with the task's secret") {
  Market m;
  const mc::PartyId agent = m.agent(100'000);
  const mc::PartyId jane = m.op("op_jane");
  ho::NewTask task = m.physical();
  task.callback_url = "http://127.0.0.1:9/webhook";
  task.callback_secret = "your-random-secret";
  const mc::Job job = m.submitted(agent, jane, task);
  ScriptedVerifier verifier;
  m.service->verify_pending(&verifier, 16).value();
  mc::WebhookRegistry webhooks = m.s.engine->webhooks();
  REQUIRE(webhooks.enqueue_new_events(1000).ok());
  std::vector<mc::DueWebhookDelivery> due = webhooks.claim_due(30'000, 100).value();
  int rendered = 0;
  for (const mc::DueWebhookDelivery& one : due) {
    std::optional<ho::Service::Callback> callback = m.service->render_callback(one).value();
    if (!callback) continue;
    ++rendered;
    CHECK(callback->body.find(R"("event":"task.verified")") != std::string::npos);
    CHECK(callback->body.find(R"("task_id":")" + ho::task_id(job.id) + "\"") != std::string::npos);
    CHECK(callback->body.find(R"("confidence":95)") != std::string::npos);
    REQUIRE(callback->headers.size() == 1);
    CHECK(callback->headers[0].first == "X-HumanOps-Signature");
    CHECK(
        mc::auth::verify_body_hex("your-random-secret", callback->body, callback->headers[0].second)
            .ok());
    CHECK(callback->body.find("your-random-secret") == std::string::npos);
  }
  CHECK(rendered == 1);
  m.check_conservation();
}
