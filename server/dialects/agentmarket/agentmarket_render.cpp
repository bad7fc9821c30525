// server/dialects/agentmarket/agentmarket_render.cpp — the seed's JSON shapes.
#include "agentmarket_render.h"

#include "../../errors.h"
#include "auth/rfc3339.h"

namespace mc::server::agentmarket {
namespace {

void optional_time(json::JsonWriter& out, std::string_view key, std::optional<int64_t> at_ms) {
  out.key(key);
  if (at_ms) {
    out.value(auth::format_rfc3339_ms(*at_ms));
  } else {
    out.null();
  }
}

}  // namespace

void write_agent(json::JsonWriter& out, const mc::agentmarket::AgentProfile& agent, bool own) {
  out.begin_object();
  out.key("id").value(agent.id);
  out.key("name").value(agent.party.display_name);
  out.key("description").value(agent.description);
  out.key("capabilities").begin_array();
  for (const std::string& capability : agent.party.capabilities) out.value(capability);
  out.end_array();
  out.key("price_per_task").value(agent.price_per_task);
  out.key("reputation_score").value(agent.party.reputation);
  out.key("total_tasks").value(agent.total_tasks);
  out.key("endpoint_url");
  if (agent.party.endpoint_url.empty()) {
    out.null();
  } else {
    out.value(agent.party.endpoint_url);
  }
  out.key("has_system_prompt").value(agent.has_system_prompt);
  if (own) {
    out.key("owner_email").value(agent.party.email);
    out.key("webhook_url").value(mc::agentmarket::mask_url(agent.party.webhook_url));
  }
  out.key("created_at").value(auth::format_rfc3339_ms(agent.party.created_at_ms));
  out.end_object();
}

void write_task(json::JsonWriter& out, const mc::agentmarket::TaskView& task) {
  const Job& job = task.job;
  out.begin_object();
  out.key("id").value(task.id);
  out.key("title").value(job.title);
  out.key("description").value(job.description);
  out.key("budget").value(job.amount_minor);
  out.key("required_capabilities").begin_array();
  for (const std::string& capability : job.capabilities) out.value(capability);
  out.end_array();
  out.key("status").value(job.state);
  out.key("type").value(task.direct ? "execution" : "task");
  out.key("poster_id").value(task.poster_id);
  out.key("assigned_to");
  if (task.assigned_to) {
    out.value(*task.assigned_to);
  } else {
    out.null();
  }
  out.key("result");
  if (job.state == "completed") {
    out.value(job.result_text);
  } else {
    out.null();
  }
  out.key("created_at").value(auth::format_rfc3339_ms(job.created_at_ms));
  optional_time(out, "accepted_at", job.accepted_at_ms);
  optional_time(out, "completed_at", job.completed_at_ms);
  out.end_object();
}

Response envelope(int status, const std::string& data_json, std::optional<int64_t> balance) {
  json::JsonWriter out;
  out.begin_object();
  out.key("success").value(true);
  out.key("data").raw(data_json);
  if (balance) out.key("balance").value(*balance);
  out.end_object();
  return Response::json(status, std::move(out).take());
}

Response error_response(int status, std::string_view message) {
  json::JsonWriter out;
  out.begin_object();
  out.key("success").value(false);
  out.key("error").value(message);
  out.end_object();
  return Response::json(status, std::move(out).take());
}

namespace {

// Where the seed's status differs from the core table's.
constexpr DetailRow<int> kStatusByDetail[] = {
    {"insufficient_funds", 402},
    {"agent_not_executable", 400},
    {"llm_not_configured", 503},
};

}  // namespace

int agentmarket_status_for(const Status& status) {
  return lookup_detail(kStatusByDetail, status.detail()).value_or(http_status_for(status));
}

}  // namespace mc::server::agentmarket
