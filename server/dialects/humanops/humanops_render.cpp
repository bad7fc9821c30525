// server/dialects/humanops/humanops_render.cpp — the seed's JSON shapes.
#include "humanops_render.h"

#include <simdjson.h>

#include "../../errors.h"
#include "auth/rfc3339.h"
#include "marketcore/money.h"

namespace mc::server::humanops {
namespace {

using mc::humanops::task_fields;
using mc::humanops::TaskFields;

// The proof as the agent reads it: photos, notes, confirmation, submittedAt; the encrypted
// credential itself only through retrieve-credential.
void write_proof(json::JsonWriter& out, const Job& job) {
  out.key("proof");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (job.proof_json.empty() ||
      parser.parse(simdjson::padded_string(job.proof_json)).get(root) != simdjson::SUCCESS) {
    out.null();
    return;
  }
  out.begin_object();
  simdjson::dom::element element;
  out.key("photos");
  if (root["photos"].get(element) == simdjson::SUCCESS) {
    out.raw(simdjson::minify(element));
  } else {
    out.begin_array().end_array();
  }
  std::string_view text;
  out.key("notes").value(root["notes"].get_string().get(text) == simdjson::SUCCESS ? text : "");
  if (root["confirmation_text"].get_string().get(text) == simdjson::SUCCESS) {
    out.key("confirmation_text").value(text);
  }
  if (root["reference_url"].get_string().get(text) == simdjson::SUCCESS) {
    out.key("reference_url").value(text);
  }
  if (root["encrypted_credential"].get(element) == simdjson::SUCCESS) {
    out.key("credential_delivered").value(true);
  }
  write_time(out, "submittedAt", job.submitted_at_ms);
  out.end_object();
}

void write_guardian(json::JsonWriter& out, const Job& job) {
  out.key("guardian_result");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (job.verdict_json.empty() ||
      parser.parse(simdjson::padded_string(job.verdict_json)).get(root) != simdjson::SUCCESS) {
    out.null();
    return;
  }
  simdjson::dom::element guardian;
  if (root["guardian"].get(guardian) == simdjson::SUCCESS) {
    out.raw(simdjson::minify(guardian));
  } else if (root["manual"].get(guardian) == simdjson::SUCCESS) {
    out.null();
  } else {
    out.raw(simdjson::minify(root));
  }
}

void write_requirements(json::JsonWriter& out, const TaskFields& fields) {
  out.key("proof_requirements").begin_array();
  for (const std::string& requirement : fields.proof_requirements) out.value(requirement);
  out.end_array();
}

// {lat, lng} without the address: what an operator sees before accepting.
std::string coarse_location(const std::string& location_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(location_json)).get(root) != simdjson::SUCCESS ||
      !root.is_object()) {
    return "null";
  }
  simdjson::dom::element lat;
  simdjson::dom::element lng;
  if (root["lat"].get(lat) != simdjson::SUCCESS || root["lng"].get(lng) != simdjson::SUCCESS) {
    return location_json;  // Remote/Digital
  }
  return std::string(R"({"lat":)") + simdjson::minify(lat) + R"(,"lng":)" + simdjson::minify(lng) +
         "}";
}

}  // namespace

void write_money(json::JsonWriter& out, std::string_view key, int64_t minor) {
  out.key(key).raw(format_decimal(minor, 2));
}

void write_time(json::JsonWriter& out, std::string_view key, std::optional<int64_t> at_ms) {
  out.key(key);
  if (at_ms) {
    out.value(auth::format_rfc3339_ms(*at_ms));
  } else {
    out.null();
  }
}

void write_operator(json::JsonWriter& out, const std::optional<Party>& op) {
  out.key("operator");
  if (!op) {
    out.null();
    return;
  }
  out.begin_object();
  out.key("id").value(op->external_id);
  out.key("name").value(op->display_name);
  out.key("rating").null();
  out.end_object();
}

void write_task_summary(json::JsonWriter& out, const Job& job, const std::optional<Party>& op) {
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("title").value(job.title);
  out.key("status").value(job.state);
  out.key("task_type").value(job.category);
  write_money(out, "reward_usd", job.amount_minor);
  write_operator(out, op);
  write_time(out, "created_at", job.created_at_ms);
  write_time(out, "deadline", job.deadline_at_ms);
  out.end_object();
}

void write_task_detail(json::JsonWriter& out, const Job& job, const std::optional<Party>& op,
                       std::optional<int64_t> verified_at_ms) {
  const TaskFields fields = task_fields(job);
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("title").value(job.title);
  out.key("description").value(job.description);
  out.key("status").value(job.state);
  out.key("task_type").value(job.category);
  out.key("task_domain").value(fields.task_domain);
  out.key("proof_type").value(fields.proof_type);
  out.key("location").raw(fields.location_json);
  write_money(out, "reward_usd", job.amount_minor);
  write_money(out, "platform_fee_usd", job.fees.platform_fee_minor);
  write_money(out, "total_escrow", job.fees.escrow_minor);
  write_time(out, "deadline", job.deadline_at_ms);
  write_requirements(out, fields);
  if (!fields.digital_instructions.empty()) {
    out.key("digital_instructions").value(fields.digital_instructions);
  }
  if (!fields.agent_public_key.empty()) out.key("agent_public_key").value(fields.agent_public_key);
  write_proof(out, job);
  write_guardian(out, job);
  write_operator(out, op);
  out.key("callback_url");
  if (fields.callback_url.empty()) {
    out.null();
  } else {
    out.value(fields.callback_url);
  }
  out.key("messages").begin_array().end_array();
  write_time(out, "accepted_at", job.accepted_at_ms);
  write_time(out, "submitted_at", job.submitted_at_ms);
  write_time(out, "verified_at", verified_at_ms);
  write_time(out, "completed_at",
             job.state == "COMPLETED" ? job.completed_at_ms : std::optional<int64_t>());
  write_time(out, "created_at", job.created_at_ms);
  out.end_object();
}

void write_offered_task(json::JsonWriter& out, const Job& job) {
  const TaskFields fields = task_fields(job);
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("title").value(job.title);
  out.key("description").value(job.description);
  out.key("task_type").value(job.category);
  out.key("task_domain").value(fields.task_domain);
  out.key("proof_type").value(fields.proof_type);
  out.key("location").raw(coarse_location(fields.location_json));
  write_money(out, "reward_usd", job.amount_minor);
  write_time(out, "deadline", job.deadline_at_ms);
  write_requirements(out, fields);
  if (!fields.digital_instructions.empty()) {
    out.key("digital_instructions").value(fields.digital_instructions);
  }
  if (!fields.agent_public_key.empty()) out.key("agent_public_key").value(fields.agent_public_key);
  write_time(out, "created_at", job.created_at_ms);
  out.end_object();
}

Response error_response(int status, std::string_view message) {
  json::JsonWriter out;
  out.begin_object().key("error").value(message).end_object();
  return Response::json(status, std::move(out).take());
}

int humanops_status_for(const Status& status) {
  const std::string& detail = status.detail();
  if (detail == "task_expired") return 410;
  if (detail == "insufficient_funds") return 402;
  if (detail == "kyc_required" || detail == "admin_key_required" || detail == "not_your_task") {
    return 403;
  }
  if (detail == "idempotency_key_reused" || detail == "wrong_state" ||
      detail == "credential_not_available") {
    return 409;
  }
  if (status.code() == Code::already_exists) return 409;
  if (status.code() == Code::out_of_range) return 400;
  return http_status_for(status);
}

}  // namespace mc::server::humanops
