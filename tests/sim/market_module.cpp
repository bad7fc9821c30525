// Helpers the market modules share (market_module.h): deposits, random transitions by the
// right or a wrong actor, disputes.
#include "sim/market_module.h"

#include <algorithm>
#include <set>

namespace mc::sim {

std::string describe(const Op& op) {
  switch (op.kind) {
    case Op::Kind::deposit:
      return "deposit " + std::to_string(op.deposit.amount_minor) + " to party " +
             std::to_string(op.deposit.party_id) + " (" + account_kind_name(op.deposit.into) + ")";
    case Op::Kind::withdraw:
      return "withdraw " + std::to_string(op.withdrawal.amount_minor) + " from party " +
             std::to_string(op.withdrawal.party_id);
    case Op::Kind::create:
      return "create job amount " + std::to_string(op.create.amount_minor) + " by party " +
             std::to_string(op.create.poster_id) +
             (op.create.parent_job_id ? " on lead " + std::to_string(*op.create.parent_job_id)
                                      : std::string()) +
             (op.create.idempotency
                  ? " key " + op.create.idempotency->scope + "/" + op.create.idempotency->key
                  : std::string());
    case Op::Kind::fire:
      return "fire '" + op.fire.transition + "' on job " + std::to_string(op.fire.job_id) + " by " +
             (op.fire.actor_id ? "party " + std::to_string(*op.fire.actor_id)
                               : std::string(op.fire.as_platform ? "platform" : "system")) +
             (op.fire.idempotency
                  ? " key " + op.fire.idempotency->scope + "/" + op.fire.idempotency->key
                  : std::string());
    case Op::Kind::offer:
      return "offer on job " + std::to_string(op.offer.job_id) + " by party " +
             std::to_string(op.offer.party_id);
    case Op::Kind::open_dispute:
      return "open dispute on job " + std::to_string(op.job) + " by party " +
             std::to_string(op.party);
    case Op::Kind::join_dispute:
      return "join dispute " + std::to_string(op.dispute_id) + " by party " +
             std::to_string(op.party);
    case Op::Kind::call:
      return op.label;
    case Op::Kind::vote:
      return "vote '" + op.vote + "' in dispute " + std::to_string(op.dispute_id) + " by party " +
             std::to_string(op.party);
  }
  return "?";
}

std::vector<JobId> World::jobs() const {
  std::vector<JobId> ids;
  for (const auto& [id, job] : model.jobs()) {
    if (job.market == market) ids.push_back(id);
  }
  return ids;
}

std::vector<JobId> World::live_jobs() const {
  std::vector<JobId> ids;
  for (const auto& [id, job] : model.jobs()) {
    if (job.market != market) continue;
    const StateDef* state = model.lifecycle(job.lifecycle).state(job.state);
    if (state != nullptr && !state->terminal) ids.push_back(id);
  }
  return ids;
}

std::string World::next_ref(const std::string& prefix) {
  return prefix + "-" + std::to_string(++*ref_counter);
}

Op deposit_op(World& world, PartyId party, int64_t amount_minor, AccountKind into) {
  Op op;
  op.kind = Op::Kind::deposit;
  op.deposit = {.market_id = world.market,
                .party_id = party,
                .amount_minor = amount_minor,
                .into = into,
                .reason = "deposit",
                .external_ref = world.next_ref("dep")};
  return op;
}

Op withdraw_op(World& world, PartyId party, int64_t amount_minor) {
  Op op;
  op.kind = Op::Kind::withdraw;
  op.withdrawal = {.market_id = world.market,
                   .party_id = party,
                   .amount_minor = amount_minor,
                   .from = AccountKind::available,
                   .reason = "withdrawal",
                   .external_ref = world.next_ref("wd")};
  return op;
}

std::optional<Op> random_fire(World& world, const std::vector<std::string>& avoid) {
  const std::vector<JobId> live = world.live_jobs();
  if (live.empty()) return std::nullopt;
  const ModelJob& job = *world.model.job(world.rng.pick(live));
  const LifecycleDefinition& def = world.model.lifecycle(job.lifecycle);
  // Mostly a transition a party may fire from the job's state (timers fire the system's);
  // sometimes any transition: a wrong state, a system-only one, the platform's.
  auto party_role = [](const TransitionDef& t) {
    for (Role role : t.roles) {
      if (role != Role::system && role != Role::platform) return true;
    }
    return false;
  };
  std::vector<const TransitionDef*> choices;
  const bool progress = world.rng.percent(85);
  for (const TransitionDef& t : def.transitions) {
    if (std::find(avoid.begin(), avoid.end(), t.name) != avoid.end()) continue;
    const bool from_here = std::find(t.from.begin(), t.from.end(), job.state) != t.from.end();
    if (!progress || (from_here && party_role(t))) choices.push_back(&t);
  }
  if (choices.empty()) {
    for (const TransitionDef& t : def.transitions) choices.push_back(&t);
  }
  const TransitionDef& t = *world.rng.pick(choices);
  Op op;
  op.kind = Op::Kind::fire;
  op.fire.job_id = job.id;
  op.fire.transition = !t.group.empty() && world.rng.percent(70) ? t.group : t.name;
  const Role role = world.rng.pick(t.roles);
  std::optional<PartyId> actor;
  switch (role) {
    case Role::poster:
      actor = job.poster;
      break;
    case Role::worker:
      actor = job.worker;
      break;
    case Role::evaluator:
      actor = job.evaluator;
      break;
    case Role::system:
    case Role::platform:
      op.fire.as_platform = true;
      break;
    default:
      actor = world.any_party();
      break;
  }
  if (world.rng.percent(15)) {  // the wrong actor
    actor = world.any_party();
    op.fire.as_platform = false;
  }
  if (!actor && !op.fire.as_platform) actor = world.any_party();
  op.fire.actor_id = actor;
  op.fire.result_text = "result " + std::to_string(world.rng.below(1000));
  if (world.rng.percent(50)) op.fire.proof_json = R"({"urls":["https://example.test/p"]})";
  if (world.rng.percent(50)) op.fire.verdict_json = R"({"decision":"sim"})";
  if (world.rng.percent(60)) op.fire.confidence = static_cast<int32_t>(world.rng.below(101));
  return op;
}

std::optional<Op> random_dispute(World& world) {
  // Judges join and vote on a dispute the simulator opened, or a party opens one.
  std::vector<std::pair<JobId, int64_t>> open;
  for (const auto& [job_id, dispute_id] : *world.disputes) {
    const ModelJob* job = world.model.job(job_id);
    if (job != nullptr && job->market == world.market) open.emplace_back(job_id, dispute_id);
  }
  if (!open.empty() && world.rng.percent(75)) {
    const auto& [job_id, dispute_id] = world.rng.pick(open);
    Op op;
    op.kind = world.rng.percent(40) ? Op::Kind::join_dispute : Op::Kind::vote;
    op.job = job_id;
    op.dispute_id = dispute_id;
    op.party = world.any_party();
    op.vote = world.rng.percent(50) ? "worker" : (world.rng.percent(90) ? "poster" : "nobody");
    return op;
  }
  std::vector<JobId> candidates;
  for (JobId id : world.live_jobs()) {
    const ModelJob& job = *world.model.job(id);
    if (world.model.lifecycle(job.lifecycle).transition("dispute") != nullptr) {
      candidates.push_back(id);
    }
  }
  if (candidates.empty()) return std::nullopt;
  const ModelJob& job = *world.model.job(world.rng.pick(candidates));
  Op op;
  op.kind = Op::Kind::open_dispute;
  op.job = job.id;
  op.party = job.worker && world.rng.percent(50) ? *job.worker : job.poster;
  if (world.rng.percent(10)) op.party = world.any_party();
  return op;
}

}  // namespace mc::sim
