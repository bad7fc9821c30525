// engine_fixture.h — shared setup of the engine tests: a temporary database, a ManualClock,
// a small custom lifecycle ("gig") that does not depend on the built-in definitions, a market
// on it and helpers that fund parties and check the ledger after every step.
//
// The gig lifecycle:
//   create (poster): → open, fund escrow                              job.posted
//   accept (candidate, custom guard "gig_gate"): open → taken         job.accepted
//   cancel (poster): open → refunded, refund                          job.cancelled
//   submit (worker, before_expiry): taken → submitted, proof          job.submitted
//   approve (poster): submitted → done, pay worker                    job.completed
//   auto_approve (system): submitted → done, pay worker               job.completed
//   expire (system): open, taken → refunded, refund                   job.expired
//   verify group (platform): verify_pass (confidence ≥ 90) → done, pay;
//                            verify_fail (confidence < 90) → refunded, refund
//   dispute (poster, worker): submitted → disputed, deposit 5         job.disputed
//   resolve_for_worker / resolve_for_poster (system): → done / refunded, deposit by verdict
// Timers: open 1 h → expire; taken 1 h → expire; submitted 24 h → auto_approve;
//         disputed 7 d → resolve_for_poster.
//
// Thread-safety: a fixture is used by one test; the engine inside it is thread-safe.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "marketcore/engine.h"

namespace mc::test {

constexpr int64_t kStartMs = 1'700'000'000'000;

LifecycleDefinition gig_lifecycle();
// A market on the gig lifecycle: 10 % fee deducted, rounded up; amounts 1..1'000'000.
MarketConfig gig_market(std::string name = "gig", int64_t settlement_hold_ms = 0);

// A fresh temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct EngineFixture {
  // `speculative_batches` as EngineOptions::speculative_batches (the statement fault sweeps
  // turn it off, so a unit failed by an injected fault is not run again without it).
  explicit EngineFixture(int64_t settlement_hold_ms = 0, bool speculative_batches = true);

  // Registers a party in the market and deposits `available_minor` (if > 0).
  PartyId party(int64_t available_minor = 0, int64_t promo_minor = 0, int64_t reputation = 0);
  // Creates a gig job of `amount_minor` posted by `poster`; REQUIREs success.
  Job post(PartyId poster, int64_t amount_minor);
  Result<JobOutcome> fire(JobId job, std::string transition, std::optional<PartyId> actor);
  Balances balances(PartyId party);
  // REQUIREs verify_ledger() to report a consistent ledger.
  void verify();
  // The SQLite file of the engine (on PostgreSQL, the name of its schema's file).
  std::filesystem::path database_file() const { return dir.path("market.db"); }
  // Drops the engine and opens the same database again (as the constructor did, gig lifecycle
  // and guard registered): caches start cold.
  void reopen();
  int64_t event_count();

  TempDir dir;
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Engine> engine;
  Market market;

 private:
  void open_engine();
  bool speculative_batches_ = true;
};

}  // namespace mc::test
