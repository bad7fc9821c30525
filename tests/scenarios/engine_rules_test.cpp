// Rules the engine enforces for every caller (issue: one enforcement path), tested through
// mc::Engine on the built-in lifecycles:
//   - a job created for a named worker can be taken by that worker only (j0, AgentMarket and
//     HumanOps accept; a 1337MKT contract for a named doer);
//   - a named worker is never the poster;
//   - CreateJob::then_fire creates and fires in one write unit: a failing follow-up writes
//     nothing (AgentMarket direct execution: create + start_execution);
//   - nobody's stake is locked by someone else's action without its opt-in (AACP evaluator).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

constexpr int64_t kUsdc = 1'000'000;
constexpr const char* kEvaluatorOptIn = R"({"accepts_roles":["evaluator"]})";

// A job request each market accepts, posted by `poster`.
mc::CreateJob job_for(std::string_view market, mc::PartyId poster) {
  if (market == "j0") {
    return {.poster_id = poster,
            .amount_minor = 10,
            .prompt = "Summarize",
            .category = "opus",
            .work_timeout_ms = 30 * mc::kMillisecondsPerSecond};
  }
  if (market == "humanops") {
    return {.poster_id = poster,
            .amount_minor = 2500,
            .title = "Photo",
            .category = "VERIFICATION",
            .deadline_at_ms = mc::scenario::kStartMs + mc::kMillisecondsPerDay};
  }
  return {.poster_id = poster, .amount_minor = 25, .title = "Summarize this paper"};
}

int64_t job_count(Scenario& s) {
  return static_cast<int64_t>(
      s.engine->jobs({.market_id = s.market.id, .limit = 1000}).value().size());
}

int64_t event_count(Scenario& s) {
  int64_t count = 0;
  mc::EventQuery query;
  query.limit = 1000;
  while (true) {
    std::vector<mc::Event> events = s.engine->events(query).value();
    if (events.empty()) return count;
    count += static_cast<int64_t>(events.size());
    query.after_sequence = events.back().sequence;
  }
}

void check_refused(const mc::Status& status, mc::Code code, std::string_view detail) {
  CHECK_MESSAGE(status.code() == code, status.to_string());
  CHECK_MESSAGE(status.detail() == detail, status.to_string());
}

void set_profile(Scenario& s, mc::PartyId id, std::string profile_json) {
  mc::Party party = s.engine->party(id).value();
  party.profile_json = std::move(profile_json);
  REQUIRE(s.engine->update_party(party).ok());
}

}  // namespace

TEST_CASE("engine rule: a job created for a named worker is taken by that worker only") {
  for (const char* market : {"j0", "agentmarket", "humanops"}) {
    CAPTURE(market);
    Scenario s(market);
    const mc::PartyId poster = s.party({.available_minor = 10'000});
    const mc::PartyId named = s.party();
    const mc::PartyId other = s.party();
    mc::CreateJob request = job_for(market, poster);
    request.worker_id = named;
    const mc::Job job = s.create(request);
    CHECK(job.worker_id == named);
    const int64_t events_before = event_count(s);
    check_refused(s.fire(job.id, "accept", other).status(), mc::Code::permission_denied,
                  "not_assigned_worker");
    check_refused(s.fire(job.id, "accept", poster).status(), mc::Code::permission_denied,
                  "role_not_allowed");
    CHECK(s.job(job.id).worker_id == named);
    CHECK(event_count(s) == events_before);
    const mc::Job taken = s.fire_ok(job.id, "accept", named);
    CHECK(taken.worker_id == named);
    const char* work = std::string_view(market) == "humanops" ? "submit" : "complete";
    check_refused(s.fire(job.id, work, other).status(), mc::Code::permission_denied,
                  "role_not_allowed");

    // Without a named worker any other party may still accept.
    const mc::Job open = s.create(job_for(market, poster));
    CHECK(s.fire_ok(open.id, "accept", other).worker_id == other);
  }
}

TEST_CASE("engine rule: an AgentMarket task posted for an agent cannot be won by another") {
  // The attack of the issue: POST /v1/jobs {"worker_id": B}, then anyone accepts, completes
  // and is paid. The engine refuses the accept, so the complete never becomes possible.
  Scenario s("agentmarket");
  const mc::PartyId hirer = s.party({.available_minor = 100});
  const mc::PartyId hired = s.party();
  const mc::PartyId rival = s.party();
  mc::CreateJob request = job_for("agentmarket", hirer);
  request.worker_id = hired;
  const mc::Job job = s.create(request);
  s.fire_refused(job.id, "accept", rival, "not_assigned_worker");
  mc::FireTransition complete{.job_id = job.id, .transition = "complete", .actor_id = rival};
  complete.result_text = "stolen";
  check_refused(s.fire(complete).status(), mc::Code::failed_precondition, "wrong_state");
  CHECK(s.available(rival) == 0);
  CHECK(s.balances(hirer).escrow_minor == 25);
}

TEST_CASE("engine rule: a 1337MKT contract for a named doer is that doer's only") {
  Scenario s("1337mkt");
  const mc::PartyId leader = s.party({.available_minor = 1000 * kUsdc});
  const mc::PartyId doer = s.party();
  const mc::PartyId intruder = s.party();
  const mc::Job lead = s.create(
      {.poster_id = leader, .amount_minor = 200 * kUsdc, .category = "CPA", .contracts_max = 2});
  s.fire_ok(lead.id, "fund", leader);
  mc::CreateJob contract{.market_id = s.market.id,
                         .poster_id = intruder,
                         .worker_id = doer,
                         .parent_job_id = lead.id,
                         .category = "CPA"};
  check_refused(s.engine->create_job(contract).status(), mc::Code::permission_denied,
                "not_assigned_worker");
  CHECK(s.job(lead.id).contracts_taken == 0);
  contract.poster_id = leader;  // the leader creates it for the doer
  const mc::Job for_doer = s.create(contract);
  CHECK(for_doer.worker_id == doer);
  CHECK(for_doer.poster_id == leader);
  contract.poster_id = doer;  // the doer takes one itself
  contract.worker_id.reset();
  CHECK(s.create(contract).worker_id == doer);
}

TEST_CASE("engine rule: a named worker is never the poster") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  mc::CreateJob request = job_for("agentmarket", poster);
  request.market_id = s.market.id;
  request.worker_id = poster;
  const mc::Status refused = s.engine->create_job(request).status();
  check_refused(refused, mc::Code::invalid_argument, "worker_is_poster");
  CHECK(refused.param() == "worker_id");
  CHECK(s.available(poster) == 100);
  CHECK(job_count(s) == 0);
}

TEST_CASE("engine rule: then_fire creates and starts a direct execution in one unit") {
  Scenario s("agentmarket");
  const mc::PartyId hirer = s.party({.available_minor = 100});
  const mc::PartyId hired = s.party();
  mc::CreateJob request = job_for("agentmarket", hirer);
  request.market_id = s.market.id;
  request.worker_id = hired;
  request.then_fire = "start_execution";
  request.idempotency = mc::IdempotencyKey{"party:1", "execute-1"};
  const mc::JobOutcome started = s.engine->create_job(request).value();
  s.verify();
  CHECK(started.job.state == "executing");
  CHECK(started.fired == "start_execution");
  CHECK(s.available(hirer) == 75);
  const std::vector<mc::JobTransitionRecord> history =
      s.engine->job_history(started.job.id).value();
  REQUIRE(history.size() == 2);
  CHECK(history[0].transition == "create");
  CHECK(history[1].transition == "start_execution");
  CHECK(history[1].from_state == "open");

  const mc::JobOutcome repeat = s.engine->create_job(request).value();
  CHECK(repeat.replayed);
  CHECK(repeat.job.id == started.job.id);
  CHECK(repeat.fired == "start_execution");
  request.then_fire = "cancel";  // the same key with another follow-up is another request
  check_refused(s.engine->create_job(request).status(), mc::Code::invalid_argument,
                "idempotency_key_reused");
  CHECK(s.available(hirer) == 75);
}

TEST_CASE("engine rule: a direct execution whose start fails leaves the hirer's money alone") {
  Scenario s("agentmarket");
  const mc::PartyId hirer = s.party({.available_minor = 100});
  const mc::PartyId hired = s.party();
  const int64_t jobs_before = job_count(s);
  const int64_t events_before = event_count(s);
  struct Case {
    const char* then_fire;
    mc::Code code;
    const char* detail;
  };
  for (const Case& failing :
       {Case{"complete", mc::Code::failed_precondition, "wrong_state"},
        Case{"accept", mc::Code::permission_denied, "role_not_allowed"},
        Case{"deliver_execution", mc::Code::failed_precondition, "wrong_state"},
        Case{"no_such_transition", mc::Code::not_found, "transition_not_found"}}) {
    CAPTURE(failing.then_fire);
    mc::CreateJob request = job_for("agentmarket", hirer);
    request.market_id = s.market.id;
    request.worker_id = hired;
    request.then_fire = failing.then_fire;
    check_refused(s.engine->create_job(request).status(), failing.code, failing.detail);
    s.verify();
    CHECK(s.available(hirer) == 100);
    CHECK(s.balances(hirer).escrow_minor == 0);
    CHECK(job_count(s) == jobs_before);
    CHECK(event_count(s) == events_before);
  }
}

TEST_CASE("engine rule: an AACP evaluator must opt in before a client can lock its stake") {
  Scenario s("aacp");
  const mc::PartyId client = s.party({.available_minor = 1000 * kUsdc, .stake_minor = 100 * kUsdc});
  const mc::PartyId stranger = s.party({.stake_minor = 100 * kUsdc});
  const mc::PartyId evaluator =
      s.party({.stake_minor = 100 * kUsdc, .profile_json = kEvaluatorOptIn});
  const int64_t deadline_ms = mc::scenario::kStartMs + 7 * mc::kMillisecondsPerDay;
  mc::CreateJob request{.market_id = s.market.id,
                        .poster_id = client,
                        .amount_minor = 100 * kUsdc,
                        .evaluator_id = stranger,
                        .category = "PROGRAM",
                        .deadline_at_ms = deadline_ms};

  // A stranger who never accepted the role cannot be named.
  check_refused(s.engine->create_job(request).status(), mc::Code::permission_denied,
                "evaluator_not_opted_in");
  CHECK(job_count(s) == 0);

  // An evaluator that opted in can; fund then locks its stake.
  request.evaluator_id = evaluator;
  const mc::Job job = s.create(request);
  s.fire_ok(job.id, "fund", client);
  CHECK(s.balances(evaluator).stake_locked_minor == 10 * kUsdc);

  // The client may be its own evaluator: its stake is locked by its own act.
  request.evaluator_id = client;
  const mc::Job own = s.create(request);
  s.fire_ok(own.id, "fund", client);
  CHECK(s.balances(client).stake_locked_minor == 5 * kUsdc + 5 * kUsdc + 10 * kUsdc);

  // An evaluator that opts out after being named: fund (the lock) is refused, nothing moves.
  request.evaluator_id = evaluator;
  const mc::Job later = s.create(request);
  set_profile(s, evaluator, "{}");
  const int64_t client_available = s.available(client);
  s.fire_refused(later.id, "fund", client, "evaluator_not_opted_in");
  CHECK(s.job(later.id).state == "OPEN");
  CHECK(s.balances(evaluator).stake_locked_minor == 10 * kUsdc);  // the first job's lock only
  CHECK(s.available(client) == client_available);
  set_profile(s, evaluator, R"({"accepts_roles":["judge","evaluator"],"name":"E"})");
  CHECK(s.fire_ok(later.id, "fund", client).state == "FUNDED");
  CHECK(s.balances(evaluator).stake_locked_minor == 20 * kUsdc);
}

TEST_CASE("engine rule: a malformed or unrelated opt-in accepts nothing") {
  Scenario s("aacp");
  const mc::PartyId client = s.party({.available_minor = 1000 * kUsdc, .stake_minor = 100 * kUsdc});
  for (const char* profile :
       {R"({})", R"({"accepts_roles":"evaluator"})", R"({"accepts_roles":["worker"]})",
        R"({"evaluator":true})", R"([{"accepts_roles":["evaluator"]}])"}) {
    CAPTURE(profile);
    const mc::PartyId named = s.party({.stake_minor = 100 * kUsdc, .profile_json = profile});
    check_refused(s.engine
                      ->create_job({.market_id = s.market.id,
                                    .poster_id = client,
                                    .amount_minor = 100 * kUsdc,
                                    .evaluator_id = named,
                                    .category = "PROGRAM",
                                    .deadline_at_ms = s.clock->now_ms() + mc::kMillisecondsPerDay})
                      .status(),
                  mc::Code::permission_denied, "evaluator_not_opted_in");
  }
}

TEST_CASE("engine rule: Record::worker never replaces a named worker, whatever role fired it") {
  Scenario s("agentmarket");
  mc::LifecycleDefinition grab;
  grab.name = "grab";
  grab.states = {{"open"}, {"taken"}, {"done", true}};
  grab.creation = {.name = "create",
                   .to = "open",
                   .roles = {mc::Role::poster},
                   .effects = {{.kind = mc::EffectKind::fund_escrow}}};
  grab.transitions = {{.name = "take",
                       .from = {"open"},
                       .to = "taken",
                       .roles = {mc::Role::anyone},
                       .records = {mc::Record::worker}},
                      {.name = "finish",
                       .from = {"open", "taken"},
                       .to = "done",
                       .roles = {mc::Role::system},
                       .effects = {{.kind = mc::EffectKind::refund_poster}}}};
  grab.timers = {{.state = "open", .transition = "finish", .after_ms = mc::kMillisecondsPerHour},
                 {.state = "taken", .transition = "finish", .after_ms = mc::kMillisecondsPerHour}};
  REQUIRE(s.engine->register_lifecycle(grab).ok());
  mc::MarketConfig config = mc::builtin_market_config("agentmarket").value();
  config.name = "grab";
  config.lifecycle = "grab";
  const mc::Market market = s.engine->create_market(config).value();
  auto party = [&] {
    return s.engine->register_party({.market_id = market.id, .kind = "agent"}).value().id;
  };
  const mc::PartyId poster = party();
  const mc::PartyId named = party();
  const mc::PartyId other = party();
  REQUIRE(s.engine->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 50}).ok());
  const mc::Job job =
      s.engine
          ->create_job(
              {.market_id = market.id, .poster_id = poster, .amount_minor = 20, .worker_id = named})
          .value()
          .job;
  for (mc::PartyId intruder : {other, poster}) {
    check_refused(s.fire(job.id, "take", intruder).status(), mc::Code::permission_denied,
                  "not_assigned_worker");
  }
  CHECK(s.job(job.id).state == "open");
  CHECK(s.fire_ok(job.id, "take", named).worker_id == named);
}
