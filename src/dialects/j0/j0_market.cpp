// The j0 market definition over the Engine (see marketcore/j0.h): the seed's bounds checked
// in the seed's order (capability, credits, timeout_sec, prompt), the lifecycle's refusals
// worded as the seed words them, prompt visibility and list limits.
//
// Accept, complete and cancel fire at once; the engine enforces the lifecycle. A refusal is
// explained from the lifecycle (mc::explain_refusal: the state, role or guard that failed) and
// worded with one table, so no rule of the lifecycle is restated here.
#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <string>

#include "engine/job_validation.h"
#include "marketcore/j0.h"
#include "marketcore/lifecycle.h"
#include "marketcore/payments.h"
#include "marketcore/refusal.h"

namespace mc::j0 {
namespace {

constexpr std::string_view kCapabilities[] = {"opus", "sonnet", "gpt4", "gpt4-turbo", "dall-e-3"};

Status validation(std::string message, std::string param) {
  return invalid_argument("validation_error", std::move(message), std::move(param));
}

Status check_post(const PostJob& request) {
  if (std::find(std::begin(kCapabilities), std::end(kCapabilities), request.capability) ==
      std::end(kCapabilities)) {
    return validation("capability must be one of: opus, sonnet, gpt4, gpt4-turbo, dall-e-3",
                      "capability");
  }
  if (request.credits < kCreditsMin || request.credits > kCreditsMax) {
    return validation("credits must be between 5 and 100", "credits");
  }
  if (request.timeout_sec < kTimeoutSecMin || request.timeout_sec > kTimeoutSecMax) {
    return validation("timeout_sec must be between 10 and 60", "timeout_sec");
  }
  const std::optional<int64_t> chars = engine::utf8_code_points(request.prompt);
  if (!chars) return validation("prompt must be valid UTF-8 text", "prompt");
  if (*chars == 0) return validation("prompt is required", "prompt");
  if (*chars > kPromptCharsMax) {
    return validation(
        "prompt must be at most 10,240 characters (got " + std::to_string(*chars) + ")", "prompt");
  }
  return ok_status();
}

// The seed's answer to one lifecycle refusal, keyed by (transition, kind, the job's state for
// wrong_state, the guard that failed for guard). `to_worker` replaces `message` when the
// actor is the job's worker.
struct Wording {
  std::string_view transition;
  RefusalKind kind;
  std::string_view state;          // wrong_state: the job's state
  std::optional<GuardKind> guard;  // guard: the guard that failed
  Code code;
  std::string_view detail;
  std::string_view message;
  std::string_view to_worker = {};
};

constexpr std::optional<GuardKind> kNoGuard = std::nullopt;
constexpr std::optional<GuardKind> kExpiry = GuardKind::before_expiry;
constexpr RefusalKind kRole = RefusalKind::role_not_allowed;
constexpr RefusalKind kState = RefusalKind::wrong_state;
constexpr RefusalKind kGuard = RefusalKind::guard;
constexpr Code kDenied = Code::permission_denied;
constexpr Code kPrecondition = Code::failed_precondition;

// Every refusal of the j0 lifecycle (src/lifecycle/j0.cpp) as the seed words it.
constexpr Wording kWordings[] = {
    {"accept", kRole, "", kNoGuard, kDenied, "own_job", "Cannot accept your own job"},
    {"accept", kState, "accepted", kNoGuard, kPrecondition, "job_already_accepted",
     "Job already accepted by another worker", "Job already accepted by you"},
    {"accept", kState, "completed", kNoGuard, kPrecondition, "job_already_accepted",
     "Job already accepted by another worker", "Job already accepted by you"},
    {"accept", kState, "timeout", kNoGuard, kPrecondition, "job_timeout_expired",
     "Job timeout expired"},
    {"accept", kGuard, "", kExpiry, kPrecondition, "job_timeout_expired", "Job timeout expired"},
    {"accept", kState, "cancelled", kNoGuard, kPrecondition, "job_not_open", "Job was cancelled"},
    {"complete", kRole, "", kNoGuard, kDenied, "not_worker", "Not the assigned worker"},
    {"complete", kState, "completed", kNoGuard, kPrecondition, "job_already_completed",
     "Job already completed"},
    {"complete", kState, "timeout", kNoGuard, kPrecondition, "job_timeout_expired",
     "Job timeout expired"},
    {"complete", kGuard, "", kExpiry, kPrecondition, "job_timeout_expired", "Job timeout expired"},
    {"complete", kState, "posted", kNoGuard, kPrecondition, "job_not_accepted",
     "Job is not in accepted status"},
    {"complete", kState, "cancelled", kNoGuard, kPrecondition, "job_not_accepted",
     "Job is not in accepted status"},
    {"cancel", kRole, "", kNoGuard, kDenied, "not_requester", "Not the requester"},
    {"cancel", kState, "accepted", kNoGuard, kPrecondition, "cannot_cancel_accepted",
     "Job already accepted (cannot cancel)"},
    {"cancel", kState, "completed", kNoGuard, kPrecondition, "cannot_cancel_accepted",
     "Job already accepted (cannot cancel)"},
    {"cancel", kState, "timeout", kNoGuard, kPrecondition, "job_not_open",
     "Job is no longer open (status: timeout)"},
    {"cancel", kState, "cancelled", kNoGuard, kPrecondition, "job_not_open",
     "Job is no longer open (status: cancelled)"},
};

// Whether `actor` holds one of the roles the refused transition allows, as the seed knows
// them: the requester (poster), the accepted worker (worker), anyone but the requester
// (candidate; a job posted for a named worker is not a seed notion, the engine's
// not_assigned_worker is passed through).
bool holds_seed_role(const RefusalExplanation& why, const Job& job, PartyId actor) {
  return std::any_of(why.roles.begin(), why.roles.end(), [&](Role role) {
    switch (role) {
      case Role::poster:
        return job.poster_id == actor;
      case Role::worker:
        return job.worker_id == actor;
      case Role::candidate:
        return job.poster_id != actor;
      case Role::anyone:
        return true;
      case Role::evaluator:
      case Role::judge:
      case Role::system:
      case Role::platform:
        return false;
    }
    return false;
  });
}

// The seed's answer to `refusal` of `transition` by `actor`, read from the lifecycle through
// explain_refusal with `job` as re-read after the refusal; the engine's own status when the
// seed has no words for it (a lost race, a job posted for another worker, storage errors).
//
// Precedence: the interpreter checks the state before the role, the seed checks who is asking
// first (a third party completing a posted job is "not_worker", the requester accepting an
// accepted job is "own_job"). So a wrong_state refusal to a party that holds none of the
// transition's roles is answered as the role refusal. Among state and guard the two agree: a
// job in accepted that also ran out of time is "already accepted", and an expired job the
// clock has not yet moved to timeout fails the before_expiry guard. The one place the clock
// is not consulted: a job posted for a named worker through /v1 (not a j0 notion) refuses
// others with not_assigned_worker and its worker's early complete with job_not_accepted, even
// once its time has run out.
Status seed_refusal(const Job& job, std::string_view transition, PartyId actor,
                    const Status& refusal) {
  const RefusalExplanation why = explain_refusal(j0_lifecycle(), job, transition, refusal);
  RefusalKind kind = why.kind;
  if (kind == kState && !holds_seed_role(why, job, actor)) kind = kRole;
  for (const Wording& wording : kWordings) {
    if (wording.transition != transition || wording.kind != kind) continue;
    if (kind == kState && wording.state != why.state) continue;
    if (kind == kGuard && (!why.guard || why.guard->kind != *wording.guard)) continue;
    const std::string_view message =
        !wording.to_worker.empty() && job.worker_id == actor ? wording.to_worker : wording.message;
    return Status(wording.code, std::string(wording.detail), std::string(message));
  }
  return refusal;
}

}  // namespace

Result<J0Market> J0Market::open(Engine& engine) {
  MC_TRY_ASSIGN(MarketBinding binding,
                MarketBinding::open(engine, {.market_name = std::string(kMarketName),
                                             .lifecycle = "j0",
                                             .list_limit_default = kListLimitDefault,
                                             .list_limit_max = kListLimitMax,
                                             .job_not_found_detail = "job_not_found",
                                             .job_not_found_message = "Job not found",
                                             .party_not_found_detail = "user_not_found",
                                             .party_not_found_message = "User not found",
                                             .invalid_limit_detail = "validation_error"}));
  return J0Market(std::move(binding));
}

Result<Party> J0Market::user_for_wallet(std::string_view wallet_address_lower) const {
  return binding_.party_for_wallet(wallet_address_lower);
}

Result<Party> J0Market::user(PartyId id) const {
  return binding_.party(id);
}

Result<CreditBalance> J0Market::balance(PartyId user) const {
  MC_TRY_ASSIGN(Balances balances, engine().balances(market_id(), user));
  return credit_balance(balances.available_minor, balances.promo_minor);
}

Result<Job> J0Market::post_job(const PostJob& request) const {
  MC_TRY(check_post(request));
  Result<JobOutcome> outcome =
      engine().create_job({.market_id = market_id(),
                           .poster_id = request.requester_id,
                           .amount_minor = request.credits,
                           .prompt = request.prompt,
                           .category = request.capability,
                           .work_timeout_ms = request.timeout_sec * kMillisecondsPerSecond});
  if (outcome.ok()) return std::move(outcome).value().job;
  if (outcome.status().detail() != "insufficient_funds") return outcome.status();
  MC_TRY_ASSIGN(CreditBalance have, balance(request.requester_id));
  return failed_precondition("insufficient_credits",
                             "Insufficient credits: have " + std::to_string(have.total_cents) +
                                 ", need " + std::to_string(request.credits));
}

Result<JobOutcome> J0Market::fire(JobId job_id, std::string_view transition, PartyId actor,
                                  std::string result) const {
  FireTransition request{
      .job_id = job_id, .transition = std::string(transition), .actor_id = actor};
  request.result_text = std::move(result);
  Result<JobOutcome> outcome = engine().fire(request);
  if (outcome.ok()) return outcome;
  // Explained from the job as it is now, so a concurrent accept, cancel or the clock that got
  // there first is named. An unknown job, or another market's (the engine refuses a j0 party
  // acting on it with party_not_found), is the seed's job_not_found.
  MC_TRY_ASSIGN(Job now, job(job_id));
  return seed_refusal(now, transition, actor, outcome.status());
}

Result<Job> J0Market::accept_job(JobId job, PartyId worker) const {
  MC_TRY_ASSIGN(JobOutcome outcome, fire(job, "accept", worker));
  return std::move(outcome.job);
}

Result<Completion> J0Market::complete_job(JobId job, PartyId worker, std::string result) const {
  if (!engine::utf8_code_points(result)) {
    return validation("result must be valid UTF-8 text", "result");
  }
  MC_TRY_ASSIGN(JobOutcome outcome, fire(job, "complete", worker, std::move(result)));
  const int64_t earned = credits_earned(outcome.job);
  return Completion{.job = std::move(outcome.job), .credits_earned = earned};
}

Result<Cancellation> J0Market::cancel_job(JobId job, PartyId requester) const {
  MC_TRY_ASSIGN(JobOutcome outcome, fire(job, "cancel", requester));
  const int64_t refunded = outcome.job.amount_minor;
  return Cancellation{.job = std::move(outcome.job), .credits_refunded = refunded};
}

Result<Job> J0Market::job(JobId id, const JobViewer& viewer) const {
  return binding_.job_as_seen_by(id, viewer);
}

Result<std::vector<Job>> J0Market::jobs(const JobFilter& filter, const JobViewer& viewer) const {
  if (filter.status && std::find(std::begin(kStatuses), std::end(kStatuses), *filter.status) ==
                           std::end(kStatuses)) {
    return validation("status must be one of: posted, accepted, completed, timeout, cancelled",
                      "status");
  }
  return binding_.jobs_as_seen_by({.state = filter.status,
                                   .poster_id = filter.requester_id,
                                   .worker_id = filter.worker_id,
                                   .limit = filter.limit},
                                  viewer);
}

int64_t J0Market::expires_at_ms(const Job& job) {
  if (job.accepted_at_ms) return *job.accepted_at_ms + job.work_timeout_ms.value_or(0);
  return unaccepted_expires_at_ms(job);
}

int64_t purchase_fee_bps(const MarketConfig& config) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  int64_t bps = 0;
  if (parser.parse(simdjson::padded_string(config.config_json)).get(root) != simdjson::SUCCESS ||
      root["purchase_fee_bps"].get_int64().get(bps) != simdjson::SUCCESS || bps < 0 ||
      bps > 10'000) {
    return payments::kProcessingFeeBpsDefault;
  }
  return bps;
}

}  // namespace mc::j0
