// marketcore_sim: the deterministic market simulator's command line (see docs/simulator.md).
//
//   marketcore_sim --seed S [--steps N]        one run; a violation prints its seed and step
//   marketcore_sim --seeds A-B [--steps N]     runs A..B, stops at the first violation
//   marketcore_sim --seconds T                 runs seeds from --seed on until T seconds pass
//                                              and prints the throughput and check counts
//   marketcore_sim --forever                   the same until stopped (Ctrl-C prints them too)
//   marketcore_sim --seed S --shrink           after a violation, the fewest steps that still
//                                              fail with the same invariant (--keep replays them)
// Other flags: --no-faults, --no-threads, --no-webhooks, --markets a,b (only those modules),
// --full-check-every K,
// --keep a,b,c, --dir D, --verbose,
// --transitions (count every transition fired, per lifecycle).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "sim/simulator.h"

namespace {

using mc::sim::SimOptions;
using mc::sim::SimStats;
using mc::sim::Violation;

void usage() {
  std::fprintf(stderr,
               "usage: marketcore_sim [--seed S | --seeds A-B] [--steps N] [--seconds T] "
               "[--forever] [--shrink] [--keep a,b,c] [--no-faults] [--no-threads] [--no-webhooks] "
               "[--markets a,b] "
               "[--full-check-every K] "
               "[--dir D] [--verbose]\n");
  std::exit(2);
}

void add(SimStats& total, const SimStats& run) {
  total.steps += run.steps;
  total.operations += run.operations;
  total.acknowledged += run.acknowledged;
  total.refused += run.refused;
  total.retries += run.retries;
  total.market_time_ms += run.market_time_ms;
  total.seconds += run.seconds;
  total.jobs += run.jobs;
  total.transitions += run.transitions;
  for (const auto& [name, n] : run.checks) total.checks[name] += n;
  for (const auto& [name, n] : run.faults) total.faults[name] += n;
  for (const auto& [name, n] : run.fired) total.fired[name] += n;
}

bool g_report_transitions = false;

void print_stats(const SimStats& s, int64_t seeds) {
  std::printf(
      "seeds %lld, steps %lld, operations %lld (%lld acknowledged, %lld refused, %lld "
      "retried), jobs %lld, transitions %lld\n",
      static_cast<long long>(seeds), static_cast<long long>(s.steps),
      static_cast<long long>(s.operations), static_cast<long long>(s.acknowledged),
      static_cast<long long>(s.refused), static_cast<long long>(s.retries),
      static_cast<long long>(s.jobs), static_cast<long long>(s.transitions));
  std::printf("wall %.1f s, %.0f operations/s, market time %.1f days\n", s.seconds,
              s.seconds > 0 ? static_cast<double>(s.operations) / s.seconds : 0.0,
              static_cast<double>(s.market_time_ms) / 86'400'000.0);
  std::printf("invariant checks:");
  for (const auto& [name, n] : s.checks)
    std::printf(" %s %lld", name.c_str(), static_cast<long long>(n));
  std::printf("\nfaults injected:");
  for (const auto& [name, n] : s.faults)
    std::printf(" %s %lld", name.c_str(), static_cast<long long>(n));
  std::printf("\n");
  if (g_report_transitions) {
    std::printf("transitions fired:");
    for (const auto& [name, n] : s.fired)
      std::printf(" %s %lld", name.c_str(), static_cast<long long>(n));
    std::printf("\n");
  }
}

void print_violation(const SimOptions& options, const Violation& v) {
  std::printf("VIOLATION seed %llu step %lld invariant %s\n  %s\n  step: %s\n",
              static_cast<unsigned long long>(options.seed), static_cast<long long>(v.step),
              v.invariant.c_str(), v.message.c_str(), v.operation.c_str());
  std::printf("  replay: marketcore_sim --seed %llu --steps %lld%s%s\n",
              static_cast<unsigned long long>(options.seed), static_cast<long long>(v.step),
              options.faults ? "" : " --no-faults", options.threads ? "" : " --no-threads");
}

std::string keep_list(const std::set<int64_t>& skip, int64_t last) {
  std::string out;
  for (int64_t s = 1; s <= last; ++s) {
    if (skip.contains(s)) continue;
    if (!out.empty()) out += ",";
    out += std::to_string(s);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context;  // the fault VFS checks its set-up with doctest assertions
  context.setAsDefaultForAssertsOutOfTestCases();
  context.setAssertHandler([](const doctest::AssertData& data) {
    std::fprintf(stderr, "assertion failed: %s at %s:%d\n", data.m_expr, data.m_file, data.m_line);
    std::abort();
  });

  SimOptions options;
  uint64_t last_seed = 0;
  bool range = false, want_shrink = false, forever = false;
  std::string keep;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--seed") {
      options.seed = std::stoull(value());
    } else if (arg == "--seeds") {
      const std::string text = value();
      const size_t dash = text.find('-');
      if (dash == std::string::npos) usage();
      options.seed = std::stoull(text.substr(0, dash));
      last_seed = std::stoull(text.substr(dash + 1));
      range = true;
    } else if (arg == "--steps") {
      options.steps = std::stoll(value());
    } else if (arg == "--seconds") {
      options.max_seconds = std::stod(value());
    } else if (arg == "--forever") {
      forever = true;
    } else if (arg == "--shrink") {
      want_shrink = true;
    } else if (arg == "--keep") {
      keep = value();
    } else if (arg == "--no-faults") {
      options.faults = false;
    } else if (arg == "--no-threads") {
      options.threads = false;
    } else if (arg == "--no-webhooks") {
      options.webhooks = false;
    } else if (arg == "--full-check-every") {
      options.full_check_every = std::stoll(value());
    } else if (arg == "--markets") {
      std::stringstream stream(value());
      std::string name;
      while (std::getline(stream, name, ',')) options.markets.insert(name);
    } else if (arg == "--dir") {
      options.directory = value();
    } else if (arg == "--transitions") {
      g_report_transitions = true;
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else {
      usage();
    }
  }
  if (!keep.empty()) {
    std::set<int64_t> kept;
    std::stringstream stream(keep);
    std::string item;
    while (std::getline(stream, item, ',')) kept.insert(std::stoll(item));
    for (int64_t s = 1; s <= options.steps; ++s) {
      if (!kept.contains(s)) options.skip.insert(s);
    }
  }

  // --seconds: seeds one after another (each of options.steps steps, or unbounded when
  // --steps 0) until the time is up.
  const double budget = options.max_seconds;
  const bool timed = budget > 0 || forever;
  static volatile std::sig_atomic_t stopped = 0;
  std::signal(SIGINT, [](int) {
    stopped = 1;
    mc::sim::request_stop();
  });
  if (!range) last_seed = timed ? UINT64_MAX : options.seed;
  SimStats total;
  int64_t seeds = 0;
  double spent = 0;
  for (uint64_t seed = options.seed; seed <= last_seed; ++seed) {
    SimOptions run_options = options;
    run_options.seed = seed;
    if (budget > 0) run_options.max_seconds = budget - spent;
    mc::sim::Simulator simulator(run_options);
    std::optional<Violation> violation = simulator.run();
    add(total, simulator.stats());
    spent += simulator.stats().seconds;
    ++seeds;
    if (violation) {
      print_violation(run_options, *violation);
      print_stats(total, seeds);
      if (want_shrink) {
        std::printf("shrinking...\n");
        std::fflush(stdout);
        std::set<int64_t> skip =
            mc::sim::shrink(run_options, *violation, [](const std::string& line) {
              std::printf("  %s\n", line.c_str());
              std::fflush(stdout);
            });
        std::printf(
            "shortest failing run found: marketcore_sim --seed %llu --steps %lld --keep %s\n",
            static_cast<unsigned long long>(seed), static_cast<long long>(violation->step),
            keep_list(skip, violation->step).c_str());
      }
      return 1;
    }
    if ((budget > 0 && spent >= budget) || stopped) break;
  }
  print_stats(total, seeds);
  std::printf("0 violations\n");
  return 0;
}
