// Statement fault sweeps (statement_sweep.h) over due work: run_due and advance_ms firing a
// timer (the gig's expire, refunding the poster) and posting a settlement hold, with the Nth
// store statement failing once (a transient fault) or from then on (a lasting one), each run
// on a fresh engine in the same state. A faulted pass may end with the store's error or with
// ok and the failed attempt recorded for a retry; either way nothing is half done, nothing is
// dropped, and once the fault is gone advancing the clock does the work exactly once. Then the
// stuck-work calls (stuck_due_work, count_stuck_due_work, retry_stuck_due_work) and
// next_due_at_ms are swept on an item parked by a permanent failure.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>

#include "engine/statement_sweep.h"

namespace mc::test {
namespace {

using Lasting = store::testing::StatementFaults::Lasting;

constexpr int64_t kAmount = 100;
constexpr int64_t kPayout = 90;  // after the 10 % fee

struct Due {
  std::unique_ptr<SweepFixture> f;
  PartyId poster = 0;
  PartyId worker = 0;
  JobId job = 0;
};

// A job accepted and left to expire: its timer is due.
std::unique_ptr<SweepFixture> expiring(Due& due) {
  due.f = std::make_unique<SweepFixture>();
  due.poster = due.f->party(1000);
  due.worker = due.f->party();
  due.job = due.f->post(due.poster, kAmount).id;
  REQUIRE(due.f->fire(due.job, "accept", due.worker).ok());
  due.f->clock->advance_ms(kMillisecondsPerHour + 1);
  return std::move(due.f);
}

// A job approved in a market with a one-hour settlement hold: the worker's payout hold is due.
std::unique_ptr<SweepFixture> settling(Due& due) {
  due.f = std::make_unique<SweepFixture>(kMillisecondsPerHour);
  due.poster = due.f->party(1000);
  due.worker = due.f->party();
  due.job = due.f->post(due.poster, kAmount).id;
  REQUIRE(due.f->fire(due.job, "accept", due.worker).ok());
  REQUIRE(due.f->fire(due.job, "submit", due.worker).ok());
  REQUIRE(due.f->fire(due.job, "approve", due.poster).ok());
  CHECK(due.f->balances(due.worker).available_minor == 0);
  due.f->clock->advance_ms(kMillisecondsPerHour + 1);
  return std::move(due.f);
}

// A run's answer: ok without a fault; the fault while it lasts; either after a single one.
void check_status(const Status& status, bool fired, Lasting lasting) {
  if (!fired) {
    REQUIRE_MESSAGE(status.ok(), status.to_string());
  } else if (lasting == Lasting::from_then_on) {
    CHECK_MESSAGE(is_injected_fault(status), status.to_string());
  } else {
    CHECK_MESSAGE((status.ok() || is_injected_fault(status)), status.to_string());
  }
}

// After a run: the work is done or not at all; once faults are gone, advancing the clock
// finishes it exactly once.
void check_expiry(const Due& due, SweepFixture& f, const Status& status, bool fired,
                  Lasting lasting) {
  check_status(status, fired, lasting);
  const std::string state = f.engine->job(due.job)->state;
  CHECK((state == "taken" || state == "refunded"));
  CHECK(f.balances(due.poster).escrow_minor == (state == "taken" ? kAmount : 0));
  f.verify();
  REQUIRE(f.engine->advance_ms(kMillisecondsPerHour).ok());
  CHECK(f.engine->job(due.job)->state == "refunded");
  CHECK(f.balances(due.poster).available_minor == 1000);
  CHECK(f.engine->count_stuck_due_work().value() == 0);
}

void check_settlement(const Due& due, SweepFixture& f, const Status& status, bool fired,
                      Lasting lasting) {
  check_status(status, fired, lasting);
  const int64_t paid = f.balances(due.worker).available_minor;
  CHECK((paid == 0 || paid == kPayout));
  f.verify();
  REQUIRE(f.engine->advance_ms(kMillisecondsPerHour).ok());
  CHECK(f.balances(due.worker).available_minor == kPayout);
  CHECK(f.engine->count_stuck_due_work().value() == 0);
}

void sweep_due(const std::string& name, std::unique_ptr<SweepFixture> (*make)(Due&),
               void (*check)(const Due&, SweepFixture&, const Status&, bool, Lasting),
               const std::function<Status(SweepFixture&)>& operation) {
  for (Lasting lasting : {Lasting::once, Lasting::from_then_on}) {
    Due due;
    const std::string label = name + (lasting == Lasting::once ? " (once)" : " (lasting)");
    sweep_fresh([&] { return make(due); }, label, operation,
                [&](SweepFixture& f, const Status& status, bool fired) {
                  check(due, f, status, fired, lasting);
                },
                {.lasting = lasting});
  }
}

TEST_CASE("statement sweep: run_due and advance_ms fire a due timer") {
  if (!sweeps_supported()) return;
  sweep_due("run_due (timer)", expiring, check_expiry,
            [](SweepFixture& f) { return f.engine->run_due().status(); });
  sweep_due("advance_ms (timer)", expiring, check_expiry,
            [](SweepFixture& f) { return f.engine->advance_ms(1).status(); });
}

TEST_CASE("statement sweep: run_due posts a due settlement hold") {
  if (!sweeps_supported()) return;
  sweep_due("run_due (settlement hold)", settling, check_settlement,
            [](SweepFixture& f) { return f.engine->run_due().status(); });
}

TEST_CASE("statement sweep: stuck due work is listed, counted and retried") {
  if (!sweeps_supported()) return;
  Due due;
  std::unique_ptr<SweepFixture> owned = expiring(due);
  SweepFixture& f = *owned;
  {
    // The job's read inside the timer's unit finds a corrupt page: a permanent failure, so the
    // timer is parked instead of retried.
    bool failed = false;
    store::sqlite::set_statement_fault_hook(
        [&](store::sqlite::StatementPhase phase, std::string_view sql) {
          if (failed || phase != store::sqlite::StatementPhase::step ||
              sql.find("FROM jobs") == std::string_view::npos) {
            return SQLITE_OK;
          }
          failed = true;
          return SQLITE_CORRUPT;
        });
    const Result<int64_t> ran = f.engine->run_due();
    store::sqlite::set_statement_fault_hook({});
    REQUIRE(failed);
    REQUIRE_MESSAGE(ran.ok(), ran.status().to_string());
  }
  REQUIRE(f.engine->count_stuck_due_work().value() == 1);
  const StuckDueWork stuck = f.engine->stuck_due_work().value().at(0);
  CHECK(stuck.kind == StuckDueWork::Kind::timer);
  CHECK(stuck.last_error.find("store_corrupt") != std::string::npos);

  sweep(f, "stuck_due_work", [&] { return f.engine->stuck_due_work().status(); });
  sweep(f, "count_stuck_due_work", [&] { return f.engine->count_stuck_due_work().status(); });
  sweep(f, "next_due_at_ms", [&] { return f.engine->next_due_at_ms().status(); });
  sweep(f, "retry_stuck_due_work",
        [&] { return f.engine->retry_stuck_due_work(stuck.kind, stuck.id); });
  CHECK(f.engine->count_stuck_due_work().value() == 0);
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(due.job)->state == "refunded");
  f.verify();
}

TEST_CASE("due work failing twice is retried after a doubled backoff") {
  if (!sweeps_supported()) return;
  Due due;
  std::unique_ptr<SweepFixture> owned = expiring(due);
  SweepFixture& f = *owned;
  int failures = 0;
  store::sqlite::set_statement_fault_hook(
      [&](store::sqlite::StatementPhase phase, std::string_view sql) {
        if (failures >= 2 || phase != store::sqlite::StatementPhase::step ||
            sql.find("FROM jobs") == std::string_view::npos) {
          return SQLITE_OK;
        }
        ++failures;
        return SQLITE_IOERR;
      });
  const Result<int64_t> first = f.engine->run_due();
  f.clock->advance_ms(1000);  // the first backoff
  const Result<int64_t> second = f.engine->run_due();
  store::sqlite::set_statement_fault_hook({});
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(failures == 2);
  CHECK(f.engine->job(due.job)->state == "taken");
  f.clock->advance_ms(1999);  // the doubled backoff is 2000 ms
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(due.job)->state == "taken");
  f.clock->advance_ms(1);
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(due.job)->state == "refunded");
  f.verify();
}

}  // namespace
}  // namespace mc::test
