// Implements scenario_fixture.h.
#include "scenarios/scenario_fixture.h"

#include <unistd.h>

#include <atomic>
#include <string>
#include <utility>

#include "store/test_database.h"

namespace mc::scenario {
namespace {

std::filesystem::path fresh_directory(std::string_view market_name) {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("mc_scenario_" + std::string(market_name) + "_" +
                               std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

Scenario::Scenario(std::string_view market_name) : dir_(fresh_directory(market_name)) {
  clock = std::make_shared<ManualClock>(kStartMs);
  EngineOptions options;
  options.database_path = test::database_location(dir_ / "market.db");
  options.clock = clock;
  options.durability = Durability::normal;
  Result<std::unique_ptr<Engine>> opened = Engine::open(std::move(options));
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  engine = std::move(opened).value();
  Result<MarketConfig> config = builtin_market_config(market_name);
  REQUIRE_MESSAGE(config.ok(), config.status().to_string());
  Result<Market> created = engine->ensure_market(config.value());
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  market = created.value();
}

Scenario::~Scenario() {
  engine.reset();
  test::drop_test_databases_under(dir_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

PartyId Scenario::party(const PartySpec& spec) {
  Party party;
  party.market_id = market.id;
  party.kind = "agent";
  party.reputation = spec.reputation;
  party.kyc_status = spec.kyc_status;
  party.profile_json = spec.profile_json;
  Result<Party> registered = engine->register_party(party);
  REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
  const PartyId id = registered->id;
  for (auto [kind, amount_minor] : {std::pair{AccountKind::available, spec.available_minor},
                                    std::pair{AccountKind::promo, spec.promo_minor},
                                    std::pair{AccountKind::stake, spec.stake_minor}}) {
    if (amount_minor <= 0) continue;
    Result<MoneyMovement> moved = engine->deposit(
        {.market_id = market.id, .party_id = id, .amount_minor = amount_minor, .into = kind});
    REQUIRE_MESSAGE(moved.ok(), moved.status().to_string());
  }
  verify();
  return id;
}

Job Scenario::create(CreateJob request) {
  request.market_id = market.id;
  // A HumanOps physical task needs a location (humanops::check_task): the scenarios post at
  // one place unless they say otherwise.
  if (market.config.lifecycle == "humanops" && request.payload_json == "{}") {
    request.payload_json = R"({"location":{"lat":40.7128,"lng":-74.006,"address":"123 Main St"}})";
  }
  Result<JobOutcome> created = engine->create_job(request);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  verify();
  return created->job;
}

Result<JobOutcome> Scenario::fire(FireTransition request) {
  return engine->fire(request);
}

Result<JobOutcome> Scenario::fire(JobId job, std::string transition, std::optional<PartyId> actor) {
  FireTransition request;
  request.job_id = job;
  request.transition = std::move(transition);
  request.actor_id = actor;
  return engine->fire(request);
}

Job Scenario::fire_ok(FireTransition request) {
  const std::string name = request.transition;
  Result<JobOutcome> outcome = engine->fire(request);
  REQUIRE_MESSAGE(outcome.ok(), (name + ": " + outcome.status().to_string()));
  verify();
  return outcome->job;
}

Job Scenario::fire_ok(JobId job, std::string transition, std::optional<PartyId> actor) {
  FireTransition request;
  request.job_id = job;
  request.transition = std::move(transition);
  request.actor_id = actor;
  return fire_ok(std::move(request));
}

void Scenario::fire_refused(JobId job, std::string transition, std::optional<PartyId> actor,
                            std::string_view detail) {
  Result<JobOutcome> outcome = fire(job, transition, actor);
  CHECK_MESSAGE(!outcome.ok(), (transition + " should have been refused"));
  CHECK_MESSAGE(outcome.status().detail() == detail,
                (transition + ": " + outcome.status().to_string()));
  verify();
}

void Scenario::advance_ms(int64_t delta_ms) {
  Result<int64_t> processed = engine->advance_ms(delta_ms);
  REQUIRE_MESSAGE(processed.ok(), processed.status().to_string());
  verify();
}

Job Scenario::job(JobId id) {
  Result<Job> found = engine->job(id);
  REQUIRE_MESSAGE(found.ok(), found.status().to_string());
  return found.value();
}

Balances Scenario::balances(PartyId party) {
  Result<Balances> found = engine->balances(market.id, party);
  REQUIRE_MESSAGE(found.ok(), found.status().to_string());
  return found.value();
}

void Scenario::verify() {
  Result<LedgerReport> report = engine->verify_ledger();
  REQUIRE_MESSAGE(report.ok(), report.status().to_string());
  std::string problems;
  for (const std::string& problem : report->problems) problems += problem + "\n";
  REQUIRE_MESSAGE(report->ok(), problems);
}

}  // namespace mc::scenario
