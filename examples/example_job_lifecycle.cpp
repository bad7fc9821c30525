// example_job_lifecycle — embeds marketcore and runs one j0 job through its whole life on a
// temporary database: a requester buys credits, posts a job (credits escrowed), a worker
// accepts and completes it (90 % to the worker, 10 % to the platform); a second job times out
// and is refunded. Prints the balances after each step and exits non-zero if anything fails.
//
// Usage: example_job_lifecycle [database-path]   (default: a fresh temporary file)
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "marketcore/engine.h"

namespace {

bool check(const mc::Status& status, const char* what) {
  if (status.ok()) return true;
  std::fprintf(stderr, "%s failed: %s\n", what, status.to_string().c_str());
  return false;
}

void print_balances(mc::Engine& engine, mc::MarketId market, mc::PartyId party, const char* name) {
  mc::Result<mc::Balances> balances = engine.balances(market, party);
  if (!balances.ok()) return;
  std::printf("  %-9s available %4lld  promo %3lld  escrow %3lld\n", name,
              static_cast<long long>(balances->available_minor),
              static_cast<long long>(balances->promo_minor),
              static_cast<long long>(balances->escrow_minor));
}

int run(const std::string& path) {
  auto clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
  auto opened = mc::Engine::open({.database_path = path, .clock = clock});
  if (!check(opened.status(), "open")) return 1;
  mc::Engine& engine = *opened.value();
  auto config = mc::builtin_market_config("j0");
  if (!check(config.status(), "builtin_market_config")) return 1;
  auto market = engine.ensure_market(config.value());
  if (!check(market.status(), "ensure_market")) return 1;
  const mc::MarketId id = market->id;
  auto requester = engine.register_party({.market_id = id, .kind = "wallet"});
  auto worker = engine.register_party({.market_id = id, .kind = "wallet"});
  if (!check(requester.status(), "register") || !check(worker.status(), "register")) return 1;
  if (!check(engine
                 .deposit({.market_id = id,
                           .party_id = requester->id,
                           .amount_minor = 95,
                           .reason = "purchase",
                           .external_ref = std::string("evt_example")})
                 .status(),
             "deposit")) {
    return 1;
  }
  std::printf("after buying 95 credits:\n");
  print_balances(engine, id, requester->id, "requester");

  auto job = engine.create_job({.market_id = id,
                                .poster_id = requester->id,
                                .amount_minor = 25,
                                .prompt = "Summarize the attached paper in 5 bullet points.",
                                .category = "opus",
                                .work_timeout_ms = 30'000});
  if (!check(job.status(), "create_job")) return 1;
  std::printf("posted job %lld (%s), 25 credits escrowed:\n", static_cast<long long>(job->job.id),
              job->job.state.c_str());
  print_balances(engine, id, requester->id, "requester");

  mc::FireTransition accept{.job_id = job->job.id, .transition = "accept", .actor_id = worker->id};
  if (!check(engine.fire(accept).status(), "accept")) return 1;
  clock->advance_ms(10'000);
  mc::FireTransition complete{.job_id = job->job.id,
                              .transition = "complete",
                              .actor_id = worker->id,
                              .result_text = "1. ... 5. ..."};
  auto completed = engine.fire(complete);
  if (!check(completed.status(), "complete")) return 1;
  std::printf("job %s: worker earned %lld, platform fee %lld\n", completed->job.state.c_str(),
              static_cast<long long>(completed->job.fees.worker_minor),
              static_cast<long long>(completed->job.fees.platform_fee_minor));
  print_balances(engine, id, requester->id, "requester");
  print_balances(engine, id, worker->id, "worker");

  auto second = engine.create_job({.market_id = id,
                                   .poster_id = requester->id,
                                   .amount_minor = 10,
                                   .prompt = "Draw a cat.",
                                   .category = "dall-e-3",
                                   .work_timeout_ms = 10'000});
  if (!check(second.status(), "create_job")) return 1;
  auto fired = engine.advance_ms(8 * mc::kMillisecondsPerMinute);  // nobody accepts in 7 min
  if (!check(fired.status(), "advance_ms")) return 1;
  auto expired = engine.job(second->job.id);
  if (!check(expired.status(), "job")) return 1;
  std::printf("second job after 8 minutes: %s (refunded)\n", expired->state.c_str());
  print_balances(engine, id, requester->id, "requester");

  auto report = engine.verify_ledger();
  if (!check(report.status(), "verify_ledger")) return 1;
  if (!report->ok()) {
    for (const std::string& problem : report->problems)
      std::fprintf(stderr, "%s\n", problem.c_str());
    return 1;
  }
  const bool expected = completed->job.state == "completed" && expired->state == "timeout";
  std::printf("ledger verified: %lld accounts, %lld transfers\n",
              static_cast<long long>(report->accounts_checked),
              static_cast<long long>(report->transfers_checked));
  return expected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) return run(argv[1]);
  std::random_device random;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("marketcore-example-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  const int code = run((dir / "market.db").string());
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return code;
}
