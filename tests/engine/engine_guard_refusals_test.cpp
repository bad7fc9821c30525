// Guards, roles, records and timer bases that the built-in lifecycles leave unused, on a
// "probe" lifecycle made for this test: a capability the actor lacks, a reputation minimum, a
// deadline not reached, a confidence too high, a parent missing, no tier table, an unknown
// host guard, an evaluator who has not opted in, a system firing of a guard that needs an
// actor, a judge-only transition without a dispute, a pick without a worker or an offer,
// clearing the worker, stakes locked for the actor and for a missing evaluator, and timers on
// the work timeout and the deadline. Each refusal leaves the job and the ledger as they were.
// Then the effects the built-in lifecycles use only one way: a dispute deposit forfeited to
// the platform or awarded to the poster, taken without a payer or of nothing, stakes locked
// by a fixed amount and slashed to the platform or to the poster, paying a job without a worker,
// and an evaluator fee without an evaluator — each swept with statement faults
// (statement_sweep.h) where it writes.
#include <doctest/doctest.h>

#include <string>

#include "engine/statement_sweep.h"

namespace mc::test {
namespace {

std::string detail(const auto& result) {
  return std::string(result.status().detail());
}

TransitionDef step(std::string name, std::vector<std::string> from, std::string to,
                   std::vector<Role> roles, std::vector<Guard> guards = {}) {
  TransitionDef def;
  def.name = std::move(name);
  def.from = std::move(from);
  def.to = std::move(to);
  def.roles = std::move(roles);
  def.guards = std::move(guards);
  def.events = {"job.probed"};
  return def;
}

LifecycleDefinition probe_lifecycle() {
  LifecycleDefinition def;
  def.name = "probe";
  def.states = {{"open"}, {"working"}, {"done", true}};
  def.creation = step("create", {}, "open", {Role::poster});
  def.creation.effects = {{.kind = EffectKind::fund_escrow}};
  TransitionDef take = step("take", {"open"}, "working", {Role::candidate},
                            {{.kind = GuardKind::actor_has_capability}});
  take.records = {Record::worker};
  TransitionDef pick = step("pick", {"open"}, "working", {Role::poster});
  pick.records = {Record::worker_from_request};
  TransitionDef drop = step("drop", {"working"}, "open", {Role::worker});
  drop.records = {Record::clear_worker};
  TransitionDef stake_actor = step("stake_actor", {"open"}, "open", {Role::anyone});
  stake_actor.effects = {{.kind = EffectKind::lock_stake, .role = Role::anyone, .bps = 1000}};
  TransitionDef stake_evaluator = step("stake_evaluator", {"open"}, "open", {Role::poster});
  stake_evaluator.effects = {
      {.kind = EffectKind::lock_stake, .role = Role::evaluator, .bps = 1000}};
  TransitionDef finish = step("finish", {"working"}, "done", {Role::poster});
  finish.effects = {{.kind = EffectKind::pay_worker}, {.kind = EffectKind::release_stakes}};
  auto effect_step = [&](std::string name, std::vector<Role> roles, Effect effect) {
    TransitionDef def = step(std::move(name), {"working"}, "working", std::move(roles));
    def.effects = {effect};
    return def;
  };
  const std::vector<TransitionDef> effects = {
      effect_step("deposit", {Role::worker},
                  {.kind = EffectKind::take_dispute_deposit, .bps = 500}),
      effect_step("deposit_by_system", {Role::system}, {.kind = EffectKind::take_dispute_deposit}),
      effect_step("deposit_of_nothing", {Role::worker}, {.kind = EffectKind::take_dispute_deposit}),
      effect_step("forfeit", {Role::poster},
                  {.kind = EffectKind::settle_dispute_deposit, .to_payer = false}),
      effect_step("award_to_poster", {Role::poster},
                  {.kind = EffectKind::award_dispute_deposit,
                   .role = Role::poster,
                   .beneficiary = Role::poster}),
      effect_step("lock_fixed", {Role::worker},
                  {.kind = EffectKind::lock_stake, .role = Role::worker, .fixed_minor = 7}),
      effect_step("slash_to_platform", {Role::poster},
                  {.kind = EffectKind::slash_stake, .role = Role::worker}),
      effect_step(
          "slash_to_poster", {Role::poster},
          {.kind = EffectKind::slash_stake, .role = Role::worker, .beneficiary = Role::poster}),
  };
  TransitionDef system_take = step("system_take", {"open"}, "working", {Role::system});
  system_take.records = {Record::worker};
  TransitionDef unslot =
      step("unslot", {"open"}, "open", {Role::poster}, {{.kind = GuardKind::contracts_available}});
  unslot.records = {Record::take_contract, Record::release_contract};
  TransitionDef draw = step("draw", {"open"}, "open", {Role::poster});
  draw.effects = {{.kind = EffectKind::draw_from_parent}};
  TransitionDef pay_now = step("pay_now", {"open"}, "done", {Role::poster});
  pay_now.effects = {{.kind = EffectKind::pay_worker}};
  TransitionDef expire = step("expire", {"open", "working"}, "done", {Role::system});
  expire.effects = {{.kind = EffectKind::refund_poster}, {.kind = EffectKind::release_stakes}};
  def.transitions = {
      take,
      pick,
      drop,
      stake_actor,
      stake_evaluator,
      finish,
      expire,
      step("rep", {"open"}, "open", {Role::anyone},
           {{.kind = GuardKind::actor_reputation_at_least, .value = 50}}),
      step("late", {"open"}, "open", {Role::poster}, {{.kind = GuardKind::after_deadline}}),
      step("high", {"open"}, "open", {Role::platform},
           {{.kind = GuardKind::confidence_below, .value = 50}}),
      step("parent", {"open"}, "open", {Role::poster},
           {{.kind = GuardKind::parent_in_state, .name = "funded"}}),
      step("tier", {"open"}, "open", {Role::poster},
           {{.kind = GuardKind::actor_tier_allows_amount, .name = "max_minor"}}),
      step("ghost", {"open"}, "open", {Role::poster},
           {{.kind = GuardKind::custom, .name = "no_such_guard"}}),
      step("consent", {"open"}, "open", {Role::poster},
           {{.kind = GuardKind::party_opted_into_role, .role = Role::evaluator}}),
      step("system_capability", {"open"}, "open", {Role::system},
           {{.kind = GuardKind::actor_has_capability}}),
      step("judged", {"open", "working"}, "done", {Role::judge}),
      step("in_time", {"working"}, "working", {Role::worker}, {{.kind = GuardKind::before_expiry}}),
      step("dispute", {"working"}, "working", {Role::worker}),
      pay_now,
      system_take,
      unslot,
      draw,
      effect_step("lock_nothing", {Role::worker}, {.kind = EffectKind::lock_stake}),
      effect_step("lock_system", {Role::worker},
                  {.kind = EffectKind::lock_stake, .role = Role::system, .fixed_minor = 1}),
      effect_step("lock_platform", {Role::worker},
                  {.kind = EffectKind::lock_stake, .role = Role::platform, .fixed_minor = 1}),
      effect_step("lock_candidate", {Role::worker},
                  {.kind = EffectKind::lock_stake, .role = Role::candidate, .fixed_minor = 1}),
      effect_step("lock_judge", {Role::worker},
                  {.kind = EffectKind::lock_stake, .role = Role::judge, .fixed_minor = 1}),
      effect_step("slash_evaluator", {Role::poster},
                  {.kind = EffectKind::slash_stake, .role = Role::evaluator}),
      effect_step(
          "slash_to_evaluator", {Role::poster},
          {.kind = EffectKind::slash_stake, .role = Role::worker, .beneficiary = Role::evaluator}),
      effect_step("award_evaluator", {Role::poster},
                  {.kind = EffectKind::award_dispute_deposit, .role = Role::evaluator}),
      effect_step("award_to_evaluator", {Role::poster},
                  {.kind = EffectKind::award_dispute_deposit,
                   .role = Role::poster,
                   .beneficiary = Role::evaluator}),
      step("system_tier", {"open"}, "open", {Role::system},
           {{.kind = GuardKind::actor_tier_allows_amount, .name = "max_minor"}}),
      step("system_reputation", {"open"}, "open", {Role::system},
           {{.kind = GuardKind::actor_reputation_at_least, .value = 1}}),
      step("system_kyc", {"open"}, "open", {Role::system},
           {{.kind = GuardKind::actor_kyc_verified}}),
      step("early", {"open"}, "open", {Role::poster}, {{.kind = GuardKind::before_deadline}}),
  };
  def.transitions.insert(def.transitions.end(), effects.begin(), effects.end());
  def.timers = {
      {.state = "open", .transition = "expire", .base = TimerBase::deadline},
      {.state = "open", .transition = "expire", .after_ms = 30 * kMillisecondsPerDay},
      {.state = "working", .transition = "expire", .base = TimerBase::work_timeout},
      {.state = "working", .transition = "expire", .base = TimerBase::submitted},
  };
  return def;
}

struct Probe {
  Probe() {
    const Status registered = f.engine->register_lifecycle(probe_lifecycle());
    REQUIRE_MESSAGE(registered.ok(), registered.to_string());
    MarketConfig config = gig_market("probe");
    config.lifecycle = "probe";
    // Tiers the guard must read past: a rep_min that is not a number, one without a name,
    // and a limit that is not a number (no limit).
    config.config_json =
        R"({"tiers":[{"rep_min":"x"},{"rep_min":0},{"rep_min":0,"name":"T","max_minor":"x"}]})";
    config.fees.evaluator_fee_bps = 300;  // to the market's evaluator account: no evaluator
    market = f.engine->create_market(config).value().id;
  }

  PartyId member(int64_t available_minor, int64_t stake_minor, int64_t reputation,
                 std::vector<std::string> capabilities = {}) {
    Party row;
    row.market_id = market;
    row.kind = "agent";
    row.reputation = reputation;
    row.capabilities = std::move(capabilities);
    const PartyId id = f.engine->register_party(row).value().id;
    for (auto [kind, amount] : {std::pair{AccountKind::available, available_minor},
                                std::pair{AccountKind::stake, stake_minor}}) {
      if (amount > 0) {
        REQUIRE(f.engine
                    ->deposit(
                        {.market_id = market, .party_id = id, .amount_minor = amount, .into = kind})
                    .ok());
      }
    }
    return id;
  }

  JobId post(PartyId poster, CreateJob request = {}) {
    request.market_id = market;
    request.poster_id = poster;
    request.amount_minor = 100;
    const Result<JobOutcome> created = f.engine->create_job(request);
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    return created->job.id;
  }

  SweepFixture f;
  MarketId market = 0;
};

TEST_CASE("guard refusals on the probe lifecycle") {
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId novice = p.member(0, 0, 10);
  const PartyId expert = p.member(0, 100, 90, {"rust"});
  const JobId job = p.post(poster, {.capabilities = {"rust"},
                                    .deadline_at_ms = kStartMs + kMillisecondsPerDay,
                                    .work_timeout_ms = kMillisecondsPerHour});
  CHECK(detail(f.fire(job, "take", novice)) == "capability_mismatch");
  CHECK(detail(f.fire(job, "rep", novice)) == "reputation_too_low");
  CHECK(f.fire(job, "rep", expert).ok());
  CHECK(detail(f.fire(job, "late", poster)) == "deadline_not_reached");
  CHECK(detail(f.engine->fire(
            {.job_id = job, .transition = "high", .as_platform = true, .confidence = 80})) ==
        "confidence_too_high");
  CHECK(detail(f.fire(job, "parent", poster)) == "parent_wrong_state");
  CHECK(f.fire(job, "tier", poster).ok());  // the tier that applies sets no usable limit
  CHECK(detail(f.fire(job, "ghost", poster)) == "unknown_guard");
  CHECK(f.fire(job, "consent", poster).ok());  // nobody plays the evaluator
  CHECK(detail(f.fire(job, "system_capability", std::nullopt)) == "actor_required");
  CHECK(detail(f.fire(job, "judged", expert)) == "role_not_allowed");
  CHECK(detail(f.fire(job, "no_such_transition", poster)) == "transition_not_found");
  CHECK(detail(f.fire(job, "rep", 9999)) == "party_not_found");
  CHECK(detail(f.fire(job, "stake_evaluator", poster)) == "role_unassigned");
  CHECK(detail(f.fire(job, "stake_actor", novice)) == "insufficient_funds");
  CHECK(f.fire(job, "stake_actor", expert).ok());
  CHECK(p.f.engine->balances(p.market, expert)->stake_locked_minor == 12);  // 10 / 0.9, up
  CHECK(detail(f.engine->fire({.job_id = job, .transition = "pick", .actor_id = poster})) ==
        "worker_id_required");
  CHECK(detail(f.engine->fire(
            {.job_id = job, .transition = "pick", .actor_id = poster, .worker_id = expert})) ==
        "offer_not_found");
  CHECK(f.engine->job(job)->state == "open");
  f.verify();

  REQUIRE(f.fire(job, "take", expert).ok());
  CHECK(f.engine->job(job)->expires_at_ms == kStartMs + kMillisecondsPerHour);
  REQUIRE(f.fire(job, "drop", expert).ok());
  const Job reopened = f.engine->job(job).value();
  CHECK(reopened.state == "open");
  CHECK(!reopened.worker_id);
  REQUIRE(f.engine->advance_ms(kMillisecondsPerDay).ok());  // the deadline timer expires it
  CHECK(f.engine->job(job)->state == "done");
  CHECK(p.f.engine->balances(p.market, poster)->available_minor == 1000);
  CHECK(p.f.engine->balances(p.market, expert)->stake_locked_minor == 0);
  f.verify();
}

TEST_CASE("effects on the probe lifecycle: deposits, stakes and fees, swept") {
  if (!sweeps_supported()) return;
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId worker = p.member(50, 100, 100);
  const JobId job = p.post(poster);
  CHECK(detail(f.fire(job, "pay_now", poster)) == "no_worker");
  REQUIRE(f.fire(job, "take", worker).ok());  // the job names no capability: anyone may take it
  auto balances = [&](PartyId party) { return f.engine->balances(p.market, party).value(); };
  auto sweep_fire = [&](const std::string& transition, PartyId actor) {
    sweep(f, transition, [&] { return f.fire(job, transition, actor).status(); });
  };

  sweep_fire("deposit", worker);
  CHECK(balances(worker).available_minor == 45);
  sweep_fire("forfeit", poster);  // to the platform
  CHECK(balances(worker).available_minor == 45);
  sweep_fire("deposit", worker);
  sweep_fire("award_to_poster", poster);  // the worker's deposit goes to the poster
  CHECK(balances(poster).available_minor == 900 + 5);
  CHECK(detail(f.fire(job, "deposit_by_system", std::nullopt)) == "actor_required");
  REQUIRE(f.fire(job, "deposit_of_nothing", worker).ok());
  CHECK(balances(worker).available_minor == 40);

  sweep_fire("lock_fixed", worker);
  CHECK(balances(worker).stake_locked_minor == 7);
  sweep_fire("slash_to_platform", poster);
  CHECK(balances(worker).stake_minor == 93);
  sweep_fire("lock_fixed", worker);
  sweep_fire("slash_to_poster", poster);
  CHECK(balances(poster).available_minor == 905 + 7);
  CHECK(balances(worker).stake_locked_minor == 0);

  sweep_fire("finish", poster);  // 10 % platform fee and 3 % evaluator fee deducted
  CHECK(balances(worker).available_minor == 40 + 87);
  f.verify();
}

TEST_CASE("probe: records, parents, zero stakes, a passed deadline, a picked offer") {
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId first = p.member(0, 0, 50);
  const PartyId second = p.member(0, 0, 50);
  const JobId job = p.post(poster, {.deadline_at_ms = kStartMs + kMillisecondsPerHour});
  CHECK(detail(f.fire(job, "system_take", std::nullopt)) == "actor_required");
  REQUIRE(f.fire(job, "unslot", poster).ok());  // a job that is its own lead
  CHECK(f.engine->job(job)->contracts_taken == 0);
  CHECK(detail(f.fire(job, "draw", poster)) == "no_parent_job");
  REQUIRE(f.engine->submit_offer({.job_id = job, .party_id = first}).ok());
  REQUIRE(f.engine->withdraw_offer(job, first).ok());
  REQUIRE(f.engine->submit_offer({.job_id = job, .party_id = second}).ok());
  CHECK(detail(f.engine->fire(
            {.job_id = job, .transition = "pick", .actor_id = poster, .worker_id = first})) ==
        "offer_not_found");
  f.clock->advance_ms(kMillisecondsPerHour);  // the deadline passes; its timer is not run
  CHECK(detail(f.fire(job, "early", poster)) == "deadline_passed");
  REQUIRE(f.fire(job, "late", poster).ok());
  REQUIRE(
      f.engine->fire({.job_id = job, .transition = "pick", .actor_id = poster, .worker_id = second})
          .ok());
  REQUIRE(f.fire(job, "lock_nothing", second).ok());  // a stake of nothing locks nothing
  CHECK(f.engine->balances(p.market, second)->stake_locked_minor == 0);
  f.verify();
}

TEST_CASE("probe: a stored job whose lifecycle is no longer registered") {
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId worker = p.member(0, 0, 50);
  const JobId job = p.post(poster);
  f.reopen();  // registers the gig lifecycle again, not the probe
  CHECK(detail(f.engine->job_as_seen_by(job, JobViewer::of_party(worker))) == "unknown_lifecycle");
  CHECK(detail(f.engine->jobs_as_seen_by({.market_id = p.market}, JobViewer{})) ==
        "unknown_lifecycle");
  CHECK(detail(f.fire(job, "take", worker)) == "unknown_lifecycle");
  CHECK(detail(f.engine->create_job(
            {.market_id = p.market, .poster_id = poster, .amount_minor = 10})) ==
        "unknown_lifecycle");
  CHECK(detail(f.engine->submit_offer({.job_id = job, .party_id = worker})) == "wrong_state");
  CHECK(f.engine->job(job)->state == "open");
  f.verify();
}

TEST_CASE("probe: roles no party plays, guards without an actor, no tier") {
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId worker = p.member(20, 10, 100);
  const PartyId untiered = p.member(0, 0, -5);  // below every tier's rep_min
  const JobId job = p.post(poster);
  for (const char* guarded : {"system_tier", "system_reputation", "system_kyc"}) {
    CHECK_MESSAGE(detail(f.fire(job, guarded, std::nullopt)) == "actor_required", guarded);
  }
  CHECK(f.fire(job, "tier", untiered).status().detail() == "role_not_allowed");  // poster only
  const JobId own = p.post(p.member(1000, 0, -5));
  CHECK(f.fire(own, "tier", f.engine->job(own)->poster_id).ok());  // no tier applies
  MarketConfig untiered_market = gig_market("probe_untiered");
  untiered_market.lifecycle = "probe";
  untiered_market.config_json = R"({"tiers":"none"})";  // not a table: no tiers
  const MarketId other = f.engine->create_market(untiered_market).value().id;
  Party row;
  row.market_id = other;
  const PartyId other_poster = f.engine->register_party(row).value().id;
  REQUIRE(
      f.engine->deposit({.market_id = other, .party_id = other_poster, .amount_minor = 100}).ok());
  const JobId other_job =
      f.engine->create_job({.market_id = other, .poster_id = other_poster, .amount_minor = 100})
          .value()
          .job.id;
  CHECK(f.fire(other_job, "tier", other_poster).ok());
  REQUIRE(f.fire(job, "take", worker).ok());
  for (const char* unplayed : {"lock_system", "lock_platform", "slash_evaluator",
                               "slash_to_evaluator", "award_evaluator"}) {
    const Result<JobOutcome> fired = f.fire(job, unplayed, unplayed[0] == 'l' ? worker : poster);
    CHECK_MESSAGE(fired.status().detail() == "role_unassigned", unplayed);
  }
  REQUIRE(f.fire(job, "lock_candidate", worker).ok());  // the actor plays the candidate
  REQUIRE(f.fire(job, "lock_judge", worker).ok());      // and the judge, for an effect
  CHECK(f.engine->balances(p.market, worker)->stake_locked_minor == 2);
  REQUIRE(f.fire(job, "deposit", worker).ok());
  CHECK(f.fire(job, "award_to_evaluator", poster).status().detail() == "role_unassigned");
  CHECK(f.engine->balances(p.market, worker)->available_minor == 15);
  f.verify();
}

TEST_CASE("probe: no deadline, no timer in the state, a judge-only transition") {
  Probe p;
  SweepFixture& f = p.f;
  const PartyId poster = p.member(1000, 0, 0);
  const PartyId worker = p.member(0, 0, 50);
  const PartyId judge = p.member(0, 0, 50);
  const JobId job = p.post(poster);  // no deadline, no work timeout
  REQUIRE(f.fire(job, "early", poster).ok());
  REQUIRE(f.fire(job, "take", worker).ok());
  CHECK(!f.engine->job(job)->expires_at_ms);  // no timer of "working" applies
  REQUIRE(f.fire(job, "in_time", worker).ok());
  const Result<Dispute> dispute = f.engine->open_dispute(job, worker, "stuck");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  CHECK(detail(f.fire(job, "judged", judge)) == "role_not_allowed");  // not on the panel
  REQUIRE(f.engine->join_dispute(dispute->id, judge).ok());
  REQUIRE(f.fire(job, "judged", judge).ok());
  CHECK(f.engine->job(job)->state == "done");
  CHECK(f.engine->dispute(dispute->id)->status == "closed");
  CHECK(detail(f.fire(job, "judged", judge)) == "wrong_state");
  f.verify();
}

}  // namespace
}  // namespace mc::test
