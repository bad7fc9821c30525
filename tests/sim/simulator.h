// The deterministic market simulator: one real engine on a real SQLite file and a ManualClock,
// every built-in market plus a host-defined one driven at once by a seeded PRNG, faults
// chosen by the seed, and every invariant checked after every step against the model.
//
// A step is one of: an operation of one market; a concurrent batch (one operation per market
// on as many threads, so group commit batches them); a race (one operation fired from several
// threads at once); an idempotent retry (same key, same or another body); a clock jump from a
// millisecond to three weeks; or a fault — a crash (the engine dropped while every file write
// from a chosen point fails, so nothing after it reaches the disk, then reopened), an I/O error
// at a chosen write, a failed COMMIT of a group-commit batch, or an epoch with a write queue of
// one or two units. Operations refused with a transient code (or failed under a fault) are
// retried with the same idempotency key or external reference, as a client would, so the state
// after every step depends on the seed alone: `--seed S` replays a run exactly, and each step
// draws from its own PRNG (seeded by seed and step), so a shrunk run that skips steps still
// makes the same choices at the steps it keeps.
//
// Invariants (each counted): ledger (verify_ledger, Σ = 0), balances (every party equals the
// model), holds (every escrow resolved at most once, no money drawn twice), stuck (no live job
// past its state's earliest timer after due work ran; no parked due work), refused (a refused
// operation wrote no history, event or job), durable (every acknowledged transition and job is
// still there after each reopen), events (each job's events are exactly its transitions' in
// order), fees (every locked quote equals the model's), idempotency (a repeat replays, a reused
// key with another body is refused, another principal's key is independent), lifecycle (every
// recorded transition was allowed from its state, to its state, by its role).
//
// Thread-safety: one Simulator per thread; it starts its own threads for concurrent steps.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mc::sim {

struct SimOptions {
  uint64_t seed = 1;
  int64_t steps = 1000;    // steps to run (0: until max_seconds)
  double max_seconds = 0;  // wall-clock bound for long runs (0: none)
  bool faults = true;      // inject faults
  bool threads = true;     // concurrent batches and races
  bool webhooks = true;    // a webhook delivery worker after every step (webhook_driver.h)
  // verify_ledger and every party's balances every this many steps (and after every
  // reopen); in between, the balances of the parties a step touched.
  int64_t full_check_every = 100;
  // Steps to skip (for shrinking): their choices are still drawn, nothing is run.
  std::set<int64_t> skip;
  std::string directory;  // where the database lives (a fresh file per run)
  // Market modules to drive, by name (j0, agentmarket, humanops, aacp, 1337mkt, sim_gig); all
  // when empty. Narrows a failure down, and lets a regression seed aim at one market.
  std::set<std::string> markets;
  bool verbose = false;  // print every step
};

struct Violation {
  int64_t step = 0;
  std::string invariant;
  std::string message;
  std::string operation;  // what the step did
};

struct SimStats {
  int64_t steps = 0;
  int64_t operations = 0;  // engine calls that change state (attempted)
  int64_t acknowledged = 0;
  int64_t refused = 0;
  int64_t retries = 0;
  int64_t market_time_ms = 0;
  double seconds = 0;
  std::map<std::string, int64_t> checks;  // per invariant
  std::map<std::string, int64_t> faults;  // per fault kind
  int64_t jobs = 0;
  int64_t transitions = 0;
  std::map<std::string, int64_t> fired;  // per "lifecycle.transition"
};

class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Runs the steps; returns the first violation (the run stops there).
  std::optional<Violation> run();
  const SimStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Asks every running simulator to stop after its current step (async-signal-safe: the
// command line calls it from its SIGINT handler).
void request_stop();

// Finds a small set of steps that still fails with the same invariant (delta debugging over
// the steps before the failing one). Returns the steps to skip.
std::set<int64_t> shrink(const SimOptions& options, const Violation& violation,
                         void (*progress)(const std::string&));

}  // namespace mc::sim
