// The AI Guardian's routing and the task callbacks.
//
// verify_pending is driven from durable state: a SUBMITTED task without a verdict has not been
// routed yet. The verifier runs with no transaction open; its confidence then fires the
// lifecycle's "verify" group (≥ 90 complete and pay, 50–89 manual review, < 50 disputed) and
// a failure, a timeout or no verifier fires "manual_review". A task the agent settled in the
// meantime has left SUBMITTED and is skipped. A crash between the verifier's answer and the
// firing only repeats the question.
//
// Callbacks: the engine writes task.verified / task.manual_review / task.disputed in the
// firing's transaction; the agent's callback endpoint (one per agent and URL, scheme hex,
// header X-HumanOps-Signature) queues them and the host's retrying delivery asks
// render_callback for the body, which is signed with the task's own callback secret.
#include <simdjson.h>

#include <algorithm>

#include "auth/rfc3339.h"
#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/humanops.h"
#include "marketcore/money.h"
#include "marketcore/webhook_signatures.h"

namespace mc::humanops {
namespace {

std::string verdict(std::string_view decision, std::optional<int32_t> confidence,
                    std::string_view reasoning) {
  json::JsonWriter out;
  out.begin_object();
  out.key("decision").value(decision);
  out.key("confidence");
  if (confidence) {
    out.value(int64_t{*confidence});
  } else {
    out.null();
  }
  out.key("reasoning").value(reasoning);
  out.end_object();
  return std::move(out).take();
}

// The guardian's part of a stored verdict (a manual verdict nests it under "guardian").
std::string guardian_json(const std::string& verdict_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (verdict_json.empty() ||
      parser.parse(simdjson::padded_string(verdict_json)).get(root) != simdjson::SUCCESS) {
    return "null";
  }
  simdjson::dom::element guardian;
  if (root["guardian"].get(guardian) == simdjson::SUCCESS) return simdjson::minify(guardian);
  if (root["manual"].get(guardian) == simdjson::SUCCESS) return "null";
  return simdjson::minify(root);
}

bool is_guardian_transition(std::string_view transition) {
  return transition == "verify_complete" || transition == "verify_manual_review" ||
         transition == "verify_dispute" || transition == "manual_review";
}

}  // namespace

std::string Service::task_json_for_verifier(const Job& job) const {
  const TaskFields fields = task_fields(job);
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(task_id(job.id));
  out.key("title").value(job.title);
  out.key("description").value(job.description);
  out.key("task_type").value(job.category);
  out.key("task_domain").value(fields.task_domain);
  out.key("proof_type").value(fields.proof_type);
  out.key("location").raw(fields.location_json);
  out.key("reward_usd").raw(format_decimal(job.amount_minor, 2));
  out.key("proof_requirements").begin_array();
  for (const std::string& requirement : fields.proof_requirements) out.value(requirement);
  out.end_array();
  if (!fields.digital_instructions.empty()) {
    out.key("digital_instructions").value(fields.digital_instructions);
  }
  out.key("proof").raw(job.proof_json.empty() ? "null" : job.proof_json);
  out.end_object();
  return std::move(out).take();
}

Result<int64_t> Service::verify_pending(Verifier* verifier, int32_t limit) {
  // SUBMITTED tasks without a verdict, oldest first, past any number awaiting manual review.
  std::vector<Job> unrouted;
  constexpr int32_t kPage = 500;
  for (int32_t offset = 0;; offset += kPage) {
    MC_TRY_ASSIGN(std::vector<Job> page, engine_.jobs({.market_id = market_.id,
                                                       .state = std::string("SUBMITTED"),
                                                       .limit = kPage,
                                                       .offset = offset}));
    for (Job& job : page) {
      if (job.verdict_json.empty()) unrouted.push_back(std::move(job));
    }
    if (page.size() < static_cast<size_t>(kPage)) break;
  }
  std::reverse(unrouted.begin(), unrouted.end());
  int64_t routed = 0;
  for (const Job& job : unrouted) {
    if (routed >= limit) break;
    FireTransition request{.job_id = job.id};
    if (verifier == nullptr) {
      request.transition = "manual_review";
      request.verdict_json =
          verdict("MANUAL_REVIEW", std::nullopt, "No automated verifier is configured.");
    } else {
      Result<GuardianResult> result = verifier->verify(task_json_for_verifier(job));
      if (!result.ok() || result->confidence < 0 || result->confidence > 100) {
        request.transition = "manual_review";
        request.verdict_json = verdict(
            "MANUAL_REVIEW", std::nullopt,
            "Automated verification failed: " +
                (result.ok() ? std::string("confidence out of range") : result.status().message()));
      } else {
        const int64_t complete = 90;
        const int64_t review = 50;
        const std::string_view decision = result->confidence >= complete ? "APPROVE"
                                          : result->confidence >= review ? "MANUAL_REVIEW"
                                                                         : "REJECT";
        request.transition = "verify";
        request.confidence = result->confidence;
        request.verdict_json = verdict(decision, result->confidence, result->reasoning);
      }
    }
    Result<JobOutcome> fired = engine_.fire(request);
    if (!fired.ok()) {
      const std::string detail = fired.status().detail();
      if (detail == "wrong_state" || detail == "job_state_changed") continue;  // settled meanwhile
      return fired.status();
    }
    ++routed;
  }
  return routed;
}

Result<std::optional<Service::Callback>> Service::render_callback(const DueWebhookDelivery& due) {
  const Event& event = due.event;
  const std::optional<Callback> none;
  if (event.market_id != market_.id || !event.job_id || !due.endpoint.party_id ||
      due.endpoint.scheme != WebhookScheme::hex) {
    return none;
  }
  if (event.type != "task.verified" && event.type != "task.disputed" &&
      event.type != "task.manual_review") {
    return none;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element payload;
  std::string_view transition;
  if (parser.parse(simdjson::padded_string(event.payload_json)).get(payload) != simdjson::SUCCESS ||
      payload["transition"].get_string().get(transition) != simdjson::SUCCESS ||
      !is_guardian_transition(transition)) {
    return none;
  }
  MC_TRY_ASSIGN(Job job, engine_.job(*event.job_id));
  if (job.poster_id != *due.endpoint.party_id) return none;
  const TaskFields fields = task_fields(job);
  if (fields.callback_url != due.endpoint.url) return none;
  json::JsonWriter out;
  out.begin_object();
  out.key("event").value(event.type);
  out.key("task_id").value(task_id(job.id));
  out.key("guardian_result").raw(guardian_json(job.verdict_json));
  out.key("timestamp").value(auth::format_rfc3339_ms(event.created_at_ms));
  out.end_object();
  Callback callback{.body = std::move(out).take()};
  MC_TRY_ASSIGN(std::string secret, callback_secret(job));
  if (!secret.empty()) {
    callback.headers.emplace_back("X-HumanOps-Signature",
                                  auth::sign_body_hex(secret, callback.body));
  }
  return std::optional<Callback>(std::move(callback));
}

Result<std::string> Service::callback_secret(const Job& job) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view secret;
  if (parser.parse(simdjson::padded_string(job.payload_json)).get(root) == simdjson::SUCCESS &&
      root["callback_secret"].get_string().get(secret) == simdjson::SUCCESS) {
    return std::string(secret);
  }
  return std::string();
}

}  // namespace mc::humanops
