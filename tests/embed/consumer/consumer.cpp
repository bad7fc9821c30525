// A C++ host of an installed marketcore: one j0 job posted, accepted and completed on a manual
// clock, then the ledger verified. Usage: consumer_cpp <database-path>; prints "ok" on success.
#include <cstdio>
#include <memory>

#include "marketcore/engine.h"

namespace {

int fail(const mc::Status& status) {
  std::fprintf(stderr, "%s\n", status.to_string().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
  auto engine = mc::Engine::open({.database_path = argv[1], .clock = clock});
  if (!engine.ok()) return fail(engine.status());
  auto config = mc::builtin_market_config("j0");
  if (!config.ok()) return fail(config.status());
  auto market = (*engine)->ensure_market(*config);
  if (!market.ok()) return fail(market.status());
  auto poster = (*engine)->register_party(mc::Party{.market_id = market->id, .kind = "wallet"});
  auto worker = (*engine)->register_party(mc::Party{.market_id = market->id, .kind = "wallet"});
  if (!poster.ok() || !worker.ok()) return fail(poster.ok() ? worker.status() : poster.status());
  auto deposit = (*engine)->deposit(
      {.market_id = market->id, .party_id = poster->id, .amount_minor = 50, .reason = "purchase"});
  if (!deposit.ok()) return fail(deposit.status());
  auto job = (*engine)->create_job({.market_id = market->id,
                                    .poster_id = poster->id,
                                    .amount_minor = 20,
                                    .prompt = "Say hello.",
                                    .category = "opus",
                                    .work_timeout_ms = 30'000});
  if (!job.ok()) return fail(job.status());
  auto accepted =
      (*engine)->fire({.job_id = job->job.id, .transition = "accept", .actor_id = worker->id});
  if (!accepted.ok()) return fail(accepted.status());
  auto completed = (*engine)->fire({.job_id = job->job.id,
                                    .transition = "complete",
                                    .actor_id = worker->id,
                                    .result_text = "hello"});
  if (!completed.ok()) return fail(completed.status());
  auto balances = (*engine)->balances(market->id, worker->id);
  if (!balances.ok()) return fail(balances.status());
  auto report = (*engine)->verify_ledger();
  if (!report.ok()) return fail(report.status());
  if (completed->job.state != "completed" || balances->available_minor != 18 || !report->ok()) {
    std::fprintf(stderr, "unexpected: state %s, worker %lld\n", completed->job.state.c_str(),
                 static_cast<long long>(balances->available_minor));
    return 1;
  }
  std::printf("ok\n");
  return 0;
}
