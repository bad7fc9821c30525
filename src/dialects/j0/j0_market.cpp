// The j0 market definition over the Engine (see marketcore/j0.h): the seed's bounds checked
// in the seed's order (capability, credits, timeout_sec, prompt), the lifecycle's refusals
// worded as the seed words them, prompt visibility and list limits.
//
// Refusals are explained from a fresh read of the job, so the message is right whether this
// call saw the state first or lost a race to a concurrent accept or to the clock.
#include <simdjson.h>

#include <algorithm>
#include <string>

#include "engine/job_validation.h"
#include "marketcore/j0.h"
#include "marketcore/payments.h"

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

bool expired(const Job& job, int64_t now_ms) {
  return job.state == "timeout" || (job.expires_at_ms && now_ms >= *job.expires_at_ms &&
                                    (job.state == "posted" || job.state == "accepted"));
}

// Why `actor` may not fire `transition` on `job` as it stands at `now_ms`, or ok.
Status explain(const Job& job, std::string_view transition, PartyId actor, int64_t now_ms) {
  if (transition == "accept") {
    if (job.poster_id == actor) return permission_denied("own_job", "Cannot accept your own job");
    if (job.state == "accepted" || job.state == "completed") {
      if (job.worker_id == actor) {
        return failed_precondition("job_already_accepted", "Job already accepted by you");
      }
      return failed_precondition("job_already_accepted", "Job already accepted by another worker");
    }
    if (expired(job, now_ms))
      return failed_precondition("job_timeout_expired", "Job timeout expired");
    if (job.state == "cancelled") return failed_precondition("job_not_open", "Job was cancelled");
    return ok_status();
  }
  if (transition == "complete") {
    if (job.worker_id != actor) return permission_denied("not_worker", "Not the assigned worker");
    if (job.state == "completed") {
      return failed_precondition("job_already_completed", "Job already completed");
    }
    if (expired(job, now_ms))
      return failed_precondition("job_timeout_expired", "Job timeout expired");
    if (job.state != "accepted") {
      return failed_precondition("job_not_accepted", "Job is not in accepted status");
    }
    return ok_status();
  }
  // cancel
  if (job.poster_id != actor) return permission_denied("not_requester", "Not the requester");
  if (job.state == "accepted" || job.state == "completed") {
    return failed_precondition("cannot_cancel_accepted", "Job already accepted (cannot cancel)");
  }
  if (job.state != "posted") {
    return failed_precondition("job_not_open", "Job is no longer open (status: " + job.state + ")");
  }
  return ok_status();
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
  MC_TRY_ASSIGN(Job before, job(job_id));
  MC_TRY(explain(before, transition, actor, engine().clock().now_ms()));
  FireTransition request{
      .job_id = job_id, .transition = std::string(transition), .actor_id = actor};
  request.result_text = std::move(result);
  Result<JobOutcome> outcome = engine().fire(request);
  if (outcome.ok()) return outcome;
  const Code code = outcome.status().code();
  if (code != Code::failed_precondition && code != Code::aborted &&
      code != Code::permission_denied) {
    return outcome.status();
  }
  // A concurrent accept, cancel or the clock got there first: explain from the new state.
  MC_TRY_ASSIGN(Job after, job(job_id));
  const Status why = explain(after, transition, actor, engine().clock().now_ms());
  return why.ok() ? outcome.status() : why;
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
