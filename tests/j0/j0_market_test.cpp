// j0 market definition (mc::j0::J0Market) on the manual clock: the seed's bounds ±1 with its
// messages, promo credits first, first accept wins (also under 20 concurrent accepts), prompt
// visibility, the 90 % share, refusals by the wrong party, timeout after acceptance and
// expiry 7 minutes after posting refunded by the clock, and the transaction history. Every
// refusal is checked to change nothing; the ledger is verified after every step.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "marketcore/j0.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::j0::J0Market;
using mc::scenario::Scenario;

struct J0Fixture {
  Scenario s{"j0"};
  J0Market j0 = J0Market::open(*s.engine).value();

  mc::j0::PostJob job(mc::PartyId requester, int64_t credits = 10, int64_t timeout_sec = 30,
                      std::string prompt = "Summarize this article in 3 bullet points.") {
    return {.requester_id = requester,
            .capability = "opus",
            .credits = credits,
            .timeout_sec = timeout_sec,
            .prompt = std::move(prompt)};
  }
  mc::Job post(const mc::j0::PostJob& request) {
    mc::Result<mc::Job> job = j0.post_job(request);
    REQUIRE_MESSAGE(job.ok(), job.status().to_string());
    s.verify();
    return job.value();
  }
  int64_t total(mc::PartyId party) { return j0.balance(party).value().total_cents; }
  size_t job_count() { return j0.jobs({}).value().size(); }
};

void check_refused(const mc::Status& status, std::string_view detail, std::string_view message) {
  CHECK_FALSE(status.ok());
  CHECK(status.detail() == detail);
  CHECK(status.message() == message);
}

}  // namespace

TEST_CASE("j0: post, accept, complete pays floor(credits × 0.9); prompt seen by the parties") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 100});
  const mc::PartyId worker = f.s.party();
  const mc::PartyId other = f.s.party();
  const std::string prompt(150, 'p');
  const mc::Job posted = f.post(f.job(requester, 15, 30, prompt));
  CHECK(posted.state == "posted");
  CHECK(J0Market::expires_at_ms(posted) == mc::scenario::kStartMs + 7 * 60'000);
  CHECK(f.total(requester) == 85);
  CHECK(f.j0.job(posted.id, mc::JobViewer::of_party(requester)).value().prompt == prompt);
  CHECK(f.j0.job(posted.id, mc::JobViewer::of_party(other)).value().prompt ==
        std::string(100, 'p'));

  f.s.advance_ms(10'000);
  const mc::Job accepted = f.j0.accept_job(posted.id, worker).value();
  CHECK(accepted.state == "accepted");
  CHECK(accepted.worker_id == worker);
  CHECK(J0Market::expires_at_ms(accepted) == mc::scenario::kStartMs + 10'000 + 30'000);
  CHECK(f.j0.job(posted.id, mc::JobViewer::of_party(worker)).value().prompt == prompt);
  CHECK(f.j0.job(posted.id, mc::JobViewer::of_party(other)).value().prompt.size() == 100);
  check_refused(f.j0.accept_job(posted.id, other).status(), "job_already_accepted",
                "Job already accepted by another worker");
  check_refused(f.j0.complete_job(posted.id, other, "x").status(), "not_worker",
                "Not the assigned worker");
  check_refused(f.j0.cancel_job(posted.id, requester).status(), "cannot_cancel_accepted",
                "Job already accepted (cannot cancel)");

  f.s.advance_ms(29'999);
  const mc::j0::Completion done = f.j0.complete_job(posted.id, worker, "- a\n- b\n- c").value();
  CHECK(done.job.state == "completed");
  CHECK(done.credits_earned == 13);
  CHECK(f.total(worker) == 13);
  CHECK(f.total(requester) == 85);
  f.s.verify();
  // 100 bought = 85 + 13 + platform 2.
  CHECK(f.j0.balance(worker).value().cash_cents == 13);
  check_refused(f.j0.complete_job(posted.id, worker, "again").status(), "job_already_completed",
                "Job already completed");
}

TEST_CASE("j0: every bound of POST /jobs ±1, with the seed's messages; refusals change nothing") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 1000});
  struct Case {
    mc::j0::PostJob request;
    const char* param;
  };
  const std::vector<Case> refused = {
      {f.job(requester, 4), "credits"},
      {f.job(requester, 101), "credits"},
      {f.job(requester, 10, 9), "timeout_sec"},
      {f.job(requester, 10, 61), "timeout_sec"},
      {f.job(requester, 10, 30, std::string(10'241, 'x')), "prompt"},
      {f.job(requester, 10, 30, ""), "prompt"},
      {f.job(requester, 10, 30, "\xff"), "prompt"},
  };
  for (const Case& c : refused) {
    const mc::Status status = f.j0.post_job(c.request).status();
    CHECK(status.code() == mc::Code::invalid_argument);
    CHECK(status.detail() == "validation_error");
    CHECK(status.param() == c.param);
  }
  mc::j0::PostJob bad_capability = f.job(requester);
  bad_capability.capability = "gpt5";
  check_refused(f.j0.post_job(bad_capability).status(), "validation_error",
                "capability must be one of: opus, sonnet, gpt4, gpt4-turbo, dall-e-3");
  CHECK(f.j0.post_job(f.job(requester, 101)).status().message() ==
        "credits must be between 5 and 100");
  CHECK(f.job_count() == 0);
  CHECK(f.total(requester) == 1000);

  for (const char* capability : {"opus", "sonnet", "gpt4", "gpt4-turbo", "dall-e-3"}) {
    mc::j0::PostJob ok = f.job(requester);
    ok.capability = capability;
    f.post(ok);
  }
  f.post(f.job(requester, 5));
  f.post(f.job(requester, 100));
  f.post(f.job(requester, 10, 10));
  f.post(f.job(requester, 10, 60));
  f.post(f.job(requester, 10, 30, std::string(10'240, 'x')));
  std::string accented;
  for (int i = 0; i < 10'240; ++i) accented += "\xc3\xa9";  // 10,240 characters, 20,480 bytes
  f.post(f.job(requester, 10, 30, accented));
  CHECK(f.j0.post_job(f.job(requester, 10, 30, accented + "\xc3\xa9")).status().param() ==
        "prompt");
  CHECK(f.job_count() == 11);
}

TEST_CASE("j0: promo credits are spent first; insufficient credits names have and need") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 20, .promo_minor = 5});
  f.post(f.job(requester, 10));
  const mc::j0::CreditBalance after = f.j0.balance(requester).value();
  CHECK(after.promo_cents == 0);
  CHECK(after.cash_cents == 15);
  CHECK(after.total_cents == 15);
  check_refused(f.j0.post_job(f.job(requester, 16)).status(), "insufficient_credits",
                "Insufficient credits: have 15, need 16");
  CHECK(f.total(requester) == 15);
  CHECK(f.job_count() == 1);
}

TEST_CASE("j0: wrong party, unknown job, own job") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 50});
  const mc::PartyId worker = f.s.party();
  const mc::Job posted = f.post(f.job(requester));
  check_refused(f.j0.accept_job(posted.id, requester).status(), "own_job",
                "Cannot accept your own job");
  check_refused(f.j0.accept_job(posted.id + 1000, worker).status(), "job_not_found",
                "Job not found");
  check_refused(f.j0.complete_job(posted.id, worker, "r").status(), "not_worker",
                "Not the assigned worker");
  check_refused(f.j0.cancel_job(posted.id, worker).status(), "not_requester", "Not the requester");
  CHECK(f.j0.job(posted.id).value().state == "posted");
  CHECK(f.total(requester) == 40);

  const mc::j0::Cancellation cancelled = f.j0.cancel_job(posted.id, requester).value();
  CHECK(cancelled.job.state == "cancelled");
  CHECK(cancelled.credits_refunded == 10);
  CHECK(f.total(requester) == 50);
  check_refused(f.j0.accept_job(posted.id, worker).status(), "job_not_open", "Job was cancelled");
  f.s.verify();
}

TEST_CASE("j0: timeout_sec counts from acceptance; the clock times out and refunds") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 30, .promo_minor = 4});
  const mc::PartyId worker = f.s.party();
  const mc::Job posted = f.post(f.job(requester, 10, 10));
  f.s.advance_ms(6 * 60'000);  // still open 6 minutes later
  REQUIRE(f.j0.accept_job(posted.id, worker).ok());
  f.s.advance_ms(9'999);
  CHECK(f.j0.job(posted.id).value().state == "accepted");
  f.s.advance_ms(1);  // no request needed: the timer fires
  CHECK(f.j0.job(posted.id).value().state == "timeout");
  CHECK(f.j0.balance(requester).value().promo_cents == 4);
  CHECK(f.j0.balance(requester).value().cash_cents == 30);
  check_refused(f.j0.complete_job(posted.id, worker, "late").status(), "job_timeout_expired",
                "Job timeout expired");
  CHECK(f.total(worker) == 0);
  const std::vector<mc::j0::CreditTransaction> history = f.j0.transactions(requester, 50).value();
  int64_t refunded = 0;
  for (const auto& item : history) {
    if (item.type == "job_refund") refunded += item.amount_cents;
  }
  CHECK(refunded == 10);
}

TEST_CASE("j0: an unaccepted job expires 7 minutes after posting and is refunded") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 10});
  const mc::PartyId worker = f.s.party();
  const mc::Job posted = f.post(f.job(requester, 10));
  f.s.advance_ms(7 * 60'000 - 1);
  CHECK(f.j0.job(posted.id).value().state == "posted");
  f.s.advance_ms(1);
  CHECK(f.j0.job(posted.id).value().state == "timeout");
  CHECK(f.total(requester) == 10);
  check_refused(f.j0.accept_job(posted.id, worker).status(), "job_timeout_expired",
                "Job timeout expired");
  check_refused(f.j0.cancel_job(posted.id, requester).status(), "job_not_open",
                "Job is no longer open (status: timeout)");
}

TEST_CASE("j0: 20 workers accept one job at once; exactly one wins") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 10});
  std::vector<mc::PartyId> workers;
  for (int i = 0; i < 20; ++i) workers.push_back(f.s.party());
  const mc::Job posted = f.post(f.job(requester, 10));
  std::atomic<int> wins{0};
  std::atomic<int> already{0};
  std::vector<std::thread> threads;
  for (mc::PartyId worker : workers) {
    threads.emplace_back([&, worker] {
      mc::Result<mc::Job> result = f.j0.accept_job(posted.id, worker);
      if (result.ok()) {
        wins.fetch_add(1);
      } else if (result.status().message() == "Job already accepted by another worker") {
        already.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(wins.load() == 1);
  CHECK(already.load() == 19);
  f.s.verify();
}

TEST_CASE("j0: transaction history uses the seed's types, newest first, limit clamped") {
  J0Fixture f;
  const mc::PartyId requester = f.s.party({.available_minor = 40});
  const mc::PartyId worker = f.s.party();
  const mc::Job first = f.post(f.job(requester, 10));
  REQUIRE(f.j0.accept_job(first.id, worker).ok());
  REQUIRE(f.j0.complete_job(first.id, worker, "done").ok());
  const mc::Job second = f.post(f.job(requester, 20));
  REQUIRE(f.j0.cancel_job(second.id, requester).ok());
  const auto history = f.j0.transactions(requester, 50).value();
  REQUIRE(history.size() == 4);
  CHECK(history[0].type == "job_refund");
  CHECK(history[0].amount_cents == 20);
  CHECK(history[1].type == "job_post");
  CHECK(history[1].amount_cents == -20);
  CHECK(history[1].description == "Posted job #" + std::to_string(second.id));
  CHECK(history[3].type == "purchase");
  const auto earned = f.j0.transactions(worker, 50).value();
  REQUIRE(earned.size() == 1);
  CHECK(earned[0].type == "job_earn");
  CHECK(earned[0].amount_cents == 9);
  CHECK(earned[0].description == "Completed job #" + std::to_string(first.id));
  CHECK(f.j0.transactions(requester, 2).value().size() == 2);
  CHECK(f.j0.list_limit(std::nullopt).value() == 50);
  CHECK(f.j0.list_limit(101).value() == 100);
  CHECK(f.j0.list_limit(1).value() == 1);
  CHECK(f.j0.list_limit(0).status().detail() == "validation_error");
  CHECK(f.j0.jobs({.status = "done"}).status().detail() == "validation_error");
  CHECK(f.j0.jobs({.status = "completed"}).value().size() == 1);
  CHECK(f.j0.jobs({.requester_id = worker}).value().empty());
  CHECK(f.j0.jobs({.worker_id = worker}).value().size() == 1);
}
