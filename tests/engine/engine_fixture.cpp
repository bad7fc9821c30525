// Shared fixture of the engine tests (see engine_fixture.h).
#include "engine/engine_fixture.h"

#include <atomic>
#include <random>

#include "store/test_database.h"

namespace mc::test {
namespace {

TransitionDef transition(std::string name, std::vector<std::string> from, std::string to,
                         std::vector<Role> roles, std::vector<Effect> effects,
                         std::vector<std::string> events) {
  TransitionDef def;
  def.name = std::move(name);
  def.from = std::move(from);
  def.to = std::move(to);
  def.roles = std::move(roles);
  def.effects = std::move(effects);
  def.events = std::move(events);
  return def;
}

}  // namespace

LifecycleDefinition gig_lifecycle() {
  const Effect fund{.kind = EffectKind::fund_escrow};
  const Effect pay{.kind = EffectKind::pay_worker};
  const Effect refund{.kind = EffectKind::refund_poster};
  LifecycleDefinition def;
  def.name = "gig";
  def.states = {{"open"},     {"taken"},      {"submitted"},
                {"disputed"}, {"done", true}, {"refunded", true}};
  def.creation = transition("create", {}, "open", {Role::poster}, {fund}, {"job.posted"});
  TransitionDef accept =
      transition("accept", {"open"}, "taken", {Role::candidate}, {}, {"job.accepted"});
  accept.guards = {{.kind = GuardKind::custom, .name = "gig_gate"}};
  accept.records = {Record::worker};
  TransitionDef submit =
      transition("submit", {"taken"}, "submitted", {Role::worker}, {}, {"job.submitted"});
  submit.guards = {{.kind = GuardKind::before_expiry}};
  submit.records = {Record::result, Record::proof};
  TransitionDef pass =
      transition("verify_pass", {"submitted"}, "done", {Role::platform}, {pay}, {"job.completed"});
  pass.group = "verify";
  pass.guards = {{.kind = GuardKind::confidence_at_least, .value = 90}};
  TransitionDef fail = transition("verify_fail", {"submitted"}, "refunded", {Role::platform},
                                  {refund}, {"job.rejected"});
  fail.group = "verify";
  fail.guards = {{.kind = GuardKind::confidence_below, .value = 90}};
  const Effect deposit{.kind = EffectKind::take_dispute_deposit, .fixed_minor = 5};
  TransitionDef for_worker = transition(
      "resolve_for_worker", {"disputed"}, "done", {Role::system},
      {pay, {.kind = EffectKind::award_dispute_deposit, .role = Role::worker}}, {"job.resolved"});
  for_worker.records = {Record::verdict};
  TransitionDef for_poster =
      transition("resolve_for_poster", {"disputed"}, "refunded", {Role::system},
                 {refund, {.kind = EffectKind::award_dispute_deposit, .role = Role::poster}},
                 {"job.resolved"});
  for_poster.records = {Record::verdict};
  def.transitions = {
      accept,
      transition("cancel", {"open"}, "refunded", {Role::poster}, {refund}, {"job.cancelled"}),
      submit,
      transition("approve", {"submitted"}, "done", {Role::poster}, {pay}, {"job.completed"}),
      transition("auto_approve", {"submitted"}, "done", {Role::system}, {pay}, {"job.completed"}),
      transition("expire", {"open", "taken"}, "refunded", {Role::system}, {refund},
                 {"job.expired"}),
      pass,
      fail,
      transition("dispute", {"submitted"}, "disputed", {Role::poster, Role::worker}, {deposit},
                 {"job.disputed"}),
      for_worker,
      for_poster,
  };
  def.timers = {
      {.state = "open", .transition = "expire", .after_ms = kMillisecondsPerHour},
      {.state = "taken", .transition = "expire", .after_ms = kMillisecondsPerHour},
      {.state = "submitted", .transition = "auto_approve", .after_ms = kMillisecondsPerDay},
      {.state = "disputed",
       .transition = "resolve_for_poster",
       .after_ms = 7 * kMillisecondsPerDay},
  };
  return def;
}

MarketConfig gig_market(std::string name, int64_t settlement_hold_ms) {
  MarketConfig config;
  config.name = std::move(name);
  config.asset = {"credits", 0};
  config.lifecycle = "gig";
  config.fees = {.mode = FeeMode::fee_deducted, .platform_fee_bps = 1000, .rounding = Rounding::up};
  config.limits.amount_min_minor = 1;
  config.limits.amount_max_minor = 1'000'000;
  config.limits.title_chars_max = 10;
  config.settlement_hold_ms = settlement_hold_ms;
  config.config_json = R"({"judges_needed":3,"judge_reputation_min":50})";
  return config;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("marketcore-engine-" + std::to_string(random()) + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  drop_test_databases_under(path_);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

EngineFixture::EngineFixture(int64_t settlement_hold_ms, bool speculative_batches)
    : clock(std::make_shared<ManualClock>(kStartMs)), speculative_batches_(speculative_batches) {
  open_engine();
  auto created = engine->create_market(gig_market("gig", settlement_hold_ms));
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  market = created.value();
}

void EngineFixture::open_engine() {
  auto opened = Engine::open({.database_path = database_location(dir.path("market.db")),
                              .clock = clock,
                              .durability = Durability::normal,
                              .speculative_batches = speculative_batches_});
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  engine = std::move(opened).value();
  REQUIRE(engine->register_lifecycle(gig_lifecycle()).ok());
  REQUIRE(engine
              ->register_guard(
                  "gig_gate",
                  [](const Job&, std::optional<PartyId>, const FireTransition& request) -> Status {
                    if (request.result_text == "blocked") {
                      return failed_precondition("blocked_by_host", "blocked");
                    }
                    return ok_status();
                  })
              .ok());
}

void EngineFixture::reopen() {
  engine.reset();
  open_engine();
}

PartyId EngineFixture::party(int64_t available_minor, int64_t promo_minor, int64_t reputation) {
  Party row;
  row.market_id = market.id;
  row.kind = "agent";
  row.reputation = reputation;
  auto registered = engine->register_party(row);
  REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
  const PartyId id = registered->id;
  if (available_minor > 0) {
    REQUIRE(
        engine->deposit({.market_id = market.id, .party_id = id, .amount_minor = available_minor})
            .ok());
  }
  if (promo_minor > 0) {
    REQUIRE(engine
                ->deposit({.market_id = market.id,
                           .party_id = id,
                           .amount_minor = promo_minor,
                           .into = AccountKind::promo,
                           .reason = "signup_bonus"})
                .ok());
  }
  return id;
}

Job EngineFixture::post(PartyId poster, int64_t amount_minor) {
  auto created = engine->create_job(
      {.market_id = market.id, .poster_id = poster, .amount_minor = amount_minor, .title = "t"});
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  return created->job;
}

Result<JobOutcome> EngineFixture::fire(JobId job, std::string transition,
                                       std::optional<PartyId> actor) {
  FireTransition request;
  request.job_id = job;
  request.transition = std::move(transition);
  request.actor_id = actor;
  return engine->fire(request);
}

Balances EngineFixture::balances(PartyId party) {
  auto balances = engine->balances(market.id, party);
  REQUIRE_MESSAGE(balances.ok(), balances.status().to_string());
  return balances.value();
}

void EngineFixture::verify() {
  auto report = engine->verify_ledger();
  REQUIRE_MESSAGE(report.ok(), report.status().to_string());
  std::string problems;
  for (const std::string& problem : report->problems) problems += problem + "\n";
  REQUIRE_MESSAGE(report->ok(), problems);
}

int64_t EngineFixture::event_count() {
  int64_t count = 0;
  EventQuery query;
  while (true) {
    query.limit = 1000;
    auto events = engine->events(query);
    REQUIRE(events.ok());
    if (events->empty()) return count;
    count += static_cast<int64_t>(events->size());
    query.after_sequence = events->back().sequence;
  }
}

}  // namespace mc::test
