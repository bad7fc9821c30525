// AACP edges (docs/dialects/aacp.md, "Deadlines and expiry", "Snapshots", "Lifecycle marks"):
// jobs that expire by the clock show when they settled, a snapshot while SUBMITTED, the
// owner filter matching a job through its provider, the settled-state names, and a reputation
// claimed below zero.
#include <doctest/doctest.h>

#include "aacp_market.h"

using namespace aacp_test;

TEST_CASE("aacp edges: jobs expired by the clock are settled at the expiry") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const int64_t unfunded = m.job(client, evaluator);
  const int64_t funded = m.job(client, evaluator);
  m.ok(m.service.fund(wallet(1), funded, kBudget));
  m.s.advance_ms((kDeadlineS - kStartS) * 1000);
  for (const int64_t id : {unfunded, funded}) {
    const aacp::JobView view = m.service.job(id).value();
    CHECK(view.status == "EXPIRED");
    REQUIRE(view.settled);
    CHECK(view.settled->transition == (id == funded ? "expire" : "expire_unfunded"));
    CHECK(view.settled_at_ms == kDeadlineS * 1000);
    CHECK_FALSE(view.passed);
  }
  CHECK(m.view(client).balances.available_minor == 1000 * kUsdc);
  CHECK(m.house() == 0);
}

TEST_CASE("aacp edges: a snapshot while SUBMITTED; the owner filter through the provider") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const int64_t id = m.job(client, evaluator, "CEX_CAPITAL");
  m.ok(m.service.fund(wallet(1), id, kBudget));
  REQUIRE(m.service.submit_offer(wallet(2), id, provider, wallet(2)).ok());
  m.ok(m.service.choose_provider(wallet(1), id, provider));
  m.ok(m.service.submit(wallet(2), id, "0xdone"));
  REQUIRE(
      m.service.report_snapshot(wallet(2), id, {.reported_value_minor = 7, .tx_hash = "0x1"}).ok());
  const aacp::JobView view = m.service.job(id).value();
  REQUIRE(view.snapshots.size() == 1);
  CHECK(view.snapshots[0].reported_value_minor == 7);
  CHECK(view.deliverable_hash == "0xdone");
  REQUIRE(view.submitted);
  CHECK(view.stake_locks.size() == 3);
  // The provider's wallet finds the job it works on; another wallet does not.
  CHECK(m.service.jobs({.owner_address = wallet(2)})->total == 1);
  CHECK(m.service.jobs({.provider_id = provider})->total == 1);
  CHECK(m.service.jobs({.provider_id = client})->total == 0);
  CHECK(m.house() == 0);
}

TEST_CASE("aacp edges: settled-state names and the reputation a test agent may claim") {
  CHECK(aacp::job_status("SETTLED_COMPLETED") == "COMPLETED");
  CHECK(aacp::job_status("SETTLED_REJECTED") == "REJECTED");
  CHECK(aacp::job_status("FUNDED") == "FUNDED");
  Market m;
  auto registered = m.service.register_agent(
      wallet(5), {.agent_id = "5", .owner_address = wallet(5), .name = "a", .reputation = -1});
  CHECK(registered.status().detail() == "invalid_value");
  CHECK(registered.status().param() == "reputation");
  CHECK(m.service
            .register_agent(
                wallet(5),
                {.agent_id = "5", .owner_address = wallet(5), .name = "a", .reputation = 0})
            ->score == 0);
}

TEST_CASE("aacp edges: offers — one record per offer; withdrawal while PENDING, repeatable") {
  Market m;
  const auto client = m.agent(1, 1000 * kUsdc, 100 * kUsdc);
  const auto provider = m.agent(2, 0, 200 * kUsdc);
  const auto evaluator = m.agent(3, 0, 100 * kUsdc, true);
  const int64_t id = m.job(client, evaluator);
  // The client cannot offer on its own job.
  CHECK_FALSE(m.service.submit_offer(wallet(1), id, client, wallet(1)).ok());
  const aacp::OfferView first = m.service.submit_offer(wallet(2), id, provider, wallet(2)).value();
  m.s.clock->advance_ms(1000);
  const aacp::OfferView again = m.service.submit_offer(wallet(2), id, provider, wallet(2)).value();
  CHECK(again.created_at_ms == first.created_at_ms);
  CHECK(m.service.offers(id)->size() == 1);
  const auto stranger = m.agent(4, 0, 200 * kUsdc);
  CHECK(m.service.withdraw_offer(wallet(4), id, stranger, wallet(4)).status().detail() ==
        "offer_not_found");
  REQUIRE(m.service.withdraw_offer(wallet(2), id, provider, wallet(2)).ok());
  // A repeated withdrawal (a retry) answers the withdrawn offer and changes nothing.
  CHECK(m.service.withdraw_offer(wallet(2), id, provider, wallet(2))->status == "WITHDRAWN");
  CHECK(m.service.offers(id)->size() == 1);
  // A withdrawn agent may offer again: a new PENDING record.
  CHECK(m.service.submit_offer(wallet(2), id, provider, wallet(2))->status == "PENDING");
  CHECK(m.service.offers(id)->size() == 2);
  // Once chosen, the offer is ACCEPTED and can no longer be withdrawn (409).
  m.ok(m.service.fund(wallet(1), id, kBudget));
  m.ok(m.service.choose_provider(wallet(1), id, provider));
  const mc::Status accepted = m.service.withdraw_offer(wallet(2), id, provider, wallet(2)).status();
  CHECK(accepted.detail() == "offer_not_pending");
  CHECK(accepted.code() == mc::Code::failed_precondition);
  CHECK(m.service.job(id)->job.worker_id == m.view(provider).party.id);
  CHECK(m.house() == 0);
}
