// marketcore/lifecycle.h — job lifecycles as data: states, transitions, guards, effects, timers.
//
// A LifecycleDefinition is a state machine given as data. Each transition names who may fire
// it (a Role relative to the job), the states it may fire from, the state it leads to, guards
// checked in order, ledger effects applied in order, job fields it records and the events it
// emits. Timers fire a transition (as Role::system) when a job has stayed in a state for a
// while or reached its deadline; `validate_lifecycle` refuses a definition in which some
// non-terminal state has no timed exit, so no job can be stranded with money in escrow.
//
// The engine interprets a definition inside one store transaction per firing: guard → effects
// (ledger) → job update (status-guarded) → history → events → timers, all committed together.
// The five seeds' lifecycles ship as built-in definitions (below); a host may register its own
// (Engine::register_lifecycle).
//
// Thread-safety: definitions are immutable values once registered.
//
// Example (a minimal custom lifecycle):
//   mc::LifecycleDefinition def;
//   def.name = "gig";
//   def.states = {{"open"}, {"taken"}, {"done", true}, {"refunded", true}};
//   def.creation = {.name = "create", .to = "open", .roles = {mc::Role::poster},
//                   .effects = {{mc::EffectKind::fund_escrow}}, .events = {"job.posted"}};
//   def.transitions = {
//     {.name = "accept", .from = {"open"}, .to = "taken", .roles = {mc::Role::candidate},
//      .records = {mc::Record::worker}, .events = {"job.accepted"}},
//     {.name = "complete", .from = {"taken"}, .to = "done", .roles = {mc::Role::worker},
//      .effects = {{mc::EffectKind::pay_worker}}, .records = {mc::Record::result},
//      .events = {"job.completed"}},
//     {.name = "expire", .from = {"open", "taken"}, .to = "refunded",
//      .roles = {mc::Role::system}, .effects = {{mc::EffectKind::refund_poster}},
//      .events = {"job.expired"}}};
//   def.timers = {{.state = "open", .transition = "expire", .after_ms = 3'600'000},
//                 {.state = "taken", .transition = "expire", .after_ms = 3'600'000}};
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marketcore/job.h"
#include "marketcore/status.h"

namespace mc {

// Who fires a transition, relative to the job. Numbers are stored: never renumber.
enum class Role : int32_t {
  poster = 0,     // the job's poster (client, leader, requester, agent)
  worker = 1,     // the job's assigned worker (provider, doer, operator)
  evaluator = 2,  // the job's evaluator
  candidate = 3,  // any party of the market other than the poster (e.g. to accept)
  judge = 4,      // a judge who joined the job's open dispute
  system = 5,     // the engine itself: timers, verifier routing
  platform = 6,   // the market operator (admin / manual review by the house)
  anyone = 7,     // any party of the market, poster included (e.g. AACP claimRefund)
};
// Role::candidate and a named worker: when the job names a worker (created for a direct
// hire, CreateJob::worker_id), the candidate is that worker alone; anyone else is refused with
// permission_denied/"not_assigned_worker".

const char* role_name(Role role);

// A condition checked before a transition fires. Guards run in the order given; the first
// that fails decides the error.
enum class GuardKind : int32_t {
  before_deadline = 0,            // now < job.deadline_at_ms (passes if the job has none)
  after_deadline = 1,             // now ≥ job.deadline_at_ms (fails if the job has none)
  before_expiry = 2,              // now < job.expires_at_ms: the state's own timer is not yet due
  confidence_at_least = 3,        // the verification confidence ≥ value
  confidence_below = 4,           // the verification confidence < value
  contracts_available = 5,        // job.contracts_taken < job.contracts_max
  actor_kyc_verified = 6,         // the actor's kyc_status is "VERIFIED"
  actor_has_capability = 7,       // the actor's capabilities intersect the job's (or job has none)
  actor_reputation_at_least = 8,  // the actor's reputation ≥ value
  no_active_children = 9,         // no child job (contract) is in a non-terminal state
  custom = 10,                    // a host guard registered under `name` (Engine::register_guard)
  // The party playing Guard::role is the actor itself, or has opted into that role
  // (marketcore/role_opt_in.h); passes when nobody plays the role. Refuses with
  // permission_denied/"<role>_not_opted_in" (e.g. "evaluator_not_opted_in"). AACP's creation
  // carries it for the evaluator, whose stake the client's `fund` locks.
  party_opted_into_role = 11,
  // The job's parent (a contract's lead) is in the state named by Guard::name. Refuses
  // failed_precondition/"parent_wrong_state" (also for a job without a parent). 1337MKT: no
  // contract on a paused lead.
  parent_in_state = 12,
  // The actor's reputation tier allows the job's amount: of the market's config_json "tiers"
  // (objects with "rep_min", ascending), the last whose rep_min ≤ the actor's reputation has
  // the integer key Guard::name (e.g. "accept_payout_max_minor") equal to 0 (no bound) or at
  // least job.amount_minor. Refuses failed_precondition/"tier_too_low"; passes when the market
  // has no tiers. 1337MKT: Bronze accepts payouts up to $50 and posts budgets up to $500.
  actor_tier_allows_amount = 13,
};

struct Guard {
  GuardKind kind = GuardKind::before_deadline;
  int64_t value = 0;
  std::string name;  // GuardKind::custom: the guard; parent_in_state: the state;
                     // actor_tier_allows_amount: the tier key
  // For GuardKind::party_opted_into_role: the role whose party must have opted in.
  Role role = Role::evaluator;
};

// A ledger effect of a transition, applied in order within the firing's transaction.
enum class EffectKind : int32_t {
  // Holds job.fees.escrow_minor from the poster (promo balance first, then available) in a
  // new escrow hold; records job.escrow_hold_id. failed_precondition/"insufficient_funds".
  fund_escrow = 0,
  // Posts the escrow per the locked quote: worker_minor to the worker (into a settlement
  // hold when the market has a settlement period), platform fee to the platform account,
  // evaluator fee to the evaluator. Any remainder returns to the poster.
  pay_worker = 1,
  // Voids the escrow: everything held returns to the poster.
  refund_poster = 2,
  // Many-contract leads: draws one payout (parent amount / contracts_max) from the parent's
  // escrow hold into this (child) job's own escrow hold.
  draw_from_parent = 3,
  // Locks stake of `role`: amount = amount_minor × bps / 10 000 (or fixed_minor when set),
  // divided by min(1, reputation / 100); taken from that party's stake account. When that
  // party is not the actor, it must have opted into `role` (marketcore/role_opt_in.h), else
  // the firing is refused with permission_denied/"<role>_not_opted_in" before any effect:
  // nobody's stake is locked by someone else's action without its consent.
  lock_stake = 4,
  // Voids every held stake hold of the job (stakes return to their owners).
  release_stakes = 5,
  // Posts the held stake of `role` to `beneficiary` (a Role, or the platform).
  slash_stake = 6,
  // Takes a dispute deposit from the actor: bps of the amount, at least fixed_minor.
  take_dispute_deposit = 7,
  // Returns the dispute deposit to its payer (verdict for them) or posts it to the platform.
  settle_dispute_deposit = 8,
  // Settles the dispute deposit by the verdict: returns it to its payer when the payer is the
  // job's party in `role` (the side the verdict favours), otherwise posts it to `beneficiary`.
  // For lifecycles where either side may file (AACP: the client disputes COMPLETED, the
  // provider disputes REJECTED), so the resolving transition cannot know the payer.
  award_dispute_deposit = 9,
};

struct Effect {
  EffectKind kind = EffectKind::fund_escrow;
  Role role = Role::worker;           // whose stake (lock_stake, slash_stake)
  Role beneficiary = Role::platform;  // who receives a slashed stake
  int64_t bps = 0;
  int64_t fixed_minor = 0;
  bool to_payer = true;  // settle_dispute_deposit: return (true) or forfeit (false)
};

// A job field a transition records from the request or the actor.
enum class Record : int32_t {
  worker = 0,         // job.worker_id = actor; job.accepted_at_ms = now (see below)
  result = 1,         // job.result_text = request result
  proof = 2,          // job.proof_json = request proof; job.submitted_at_ms = now
  verdict = 3,        // job.verdict_json = request verdict
  clear_worker = 4,   // job.worker_id = none (the job reopens)
  take_contract = 5,  // job.contracts_taken += 1 (on the parent lead)
  // job.contracts_taken -= 1 on the parent lead: a contract that ends without a payout
  // (expired, dispute lost by the doer) frees its slot; its escrow returned to the lead.
  release_contract = 6,
  // job.worker_id = FireTransition::worker_id (the party the poster picked, who must hold a
  // PENDING offer on the job: it becomes ACCEPTED, the other PENDING offers REJECTED);
  // job.accepted_at_ms = now. AACP: the client picks a provider. failed_precondition/
  // "worker_already_set" when the job has a worker, "offer_not_found" without a PENDING offer.
  worker_from_request = 7,
};
// Record::worker never replaces a different worker: permission_denied/"not_assigned_worker"
// when the job already names another party.

struct TransitionDef {
  std::string name;
  std::vector<std::string> from;  // states it may fire from (empty for `creation`)
  std::string to;                 // state it leads to (may equal a from-state)
  std::vector<Role> roles;        // who may fire it
  std::vector<Guard> guards;
  std::vector<Effect> effects;
  std::vector<Record> records;
  std::vector<std::string> events;  // event types written, e.g. "job.accepted"
  // Transitions sharing a non-empty group are alternatives: firing the group fires the first
  // whose guards pass (HumanOps verifier routing by confidence).
  std::string group;
};

struct StateDef {
  std::string name;
  bool terminal = false;
};

// Where a timer's due time comes from.
enum class TimerBase : int32_t {
  entered_state = 0,  // due = time the job entered `state` + after_ms
  work_timeout = 1,   // due = entered + job.work_timeout_ms (+ after_ms)
  deadline = 2,       // due = job.deadline_at_ms (+ after_ms); skipped if the job has none
  submitted = 3,      // due = job.submitted_at_ms + after_ms
};

struct TimerDef {
  std::string state;       // armed when a job enters this state
  std::string transition;  // fired as Role::system when due
  TimerBase base = TimerBase::entered_state;
  int64_t after_ms = 0;
};

// Who may read a job field in full; everyone else sees its first `preview_chars` code points
// (text fields) or nothing (0, and always for the JSON fields proof, verdict and payload,
// which read as "" / "" / "{}"). Fields without an entry are shown to everyone in full.
struct FieldVisibility {
  JobField field = JobField::prompt;
  // Roles that see the field in full: poster, worker, evaluator (relative to the job),
  // platform (the operator), anyone. Other roles are not granted by visibility.
  std::vector<Role> full_view;
  int32_t preview_chars = 0;
};

struct LifecycleDefinition {
  std::string name;
  std::vector<StateDef> states;
  TransitionDef creation;  // fired by Engine::create_job; `to` is the initial state
  std::vector<TransitionDef> transitions;
  std::vector<TimerDef> timers;
  // Who reads which field (j0: the prompt in full only to requester and worker). Applied by
  // the engine's read path (Engine::job_as_seen_by), so every API shows the same.
  std::vector<FieldVisibility> visibility;

  const StateDef* state(std::string_view name) const;
  const TransitionDef* transition(std::string_view name) const;
};

// Checks a definition: non-empty unique state and transition names; every from/to state and
// timer state known; creation has no from-states; every timer's transition may fire from its
// state as Role::system, leaves the state and has no guard (nothing may block a timed exit);
// terminal states have no outgoing transitions; every non-terminal state has at least one
// timer whose due time always exists (entered_state or submitted). Deadline and work-timeout
// timers do not count alone (a job may have neither): pair them with an entered_state
// fallback. So every job leaves every non-terminal state in bounded time.
// Returns invalid_argument with a detail naming the rule ("unknown_state",
// "state_without_timed_exit", "timer_transition_guarded", ...; the list is in
// docs/lifecycles.md) and a message naming the state or transition.
Status validate_lifecycle(const LifecycleDefinition& definition);

// The copy of `job` that `viewer` may see under `definition`'s visibility: each restricted
// field the viewer may not read in full is cut to its preview (whole UTF-8 code points) or
// emptied, and listed in Job::redacted_fields.
Job job_as_seen_by(const LifecycleDefinition& definition, Job job, const JobViewer& viewer);

// Built-in definitions of the five seeds (see docs/lifecycles.md for the decisions).
const LifecycleDefinition& j0_lifecycle();
const LifecycleDefinition& agentmarket_lifecycle();
const LifecycleDefinition& humanops_lifecycle();
const LifecycleDefinition& aacp_lifecycle();
const LifecycleDefinition& mkt1337_lead_lifecycle();
const LifecycleDefinition& mkt1337_contract_lifecycle();

// All built-in definitions, in the order above.
std::vector<const LifecycleDefinition*> builtin_lifecycles();

}  // namespace mc
