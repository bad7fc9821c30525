// AgentMarket task.posted webhooks: who receives them and what is sent.
//
// The engine writes task.posted as a broadcast of the market when a task is created; every
// agent's webhook endpoint (WebhookRegistry, event filter task.posted) queues it and the
// host's retrying delivery claims it. For each claimed delivery render_delivery decides:
// the recipient is an agent other than the poster whose capabilities overlap the task's
// required capabilities (a task without required capabilities matches nobody), and the task
// is not a direct execution. It then renders the seed's body and signs it with the agent's
// own secret: X-AgentMarket-Signature: sha256=<hex HMAC-SHA256 of the raw body>.
#include <algorithm>
#include <string>

#include "auth/rfc3339.h"
#include "json/json_writer.h"
#include "marketcore/agentmarket.h"
#include "marketcore/webhook_signatures.h"
#include "profile.h"

namespace mc::agentmarket {
namespace {

bool overlaps(const std::vector<std::string>& left, const std::vector<std::string>& right) {
  return std::any_of(left.begin(), left.end(), [&](const std::string& capability) {
    return std::find(right.begin(), right.end(), capability) != right.end();
  });
}

}  // namespace

std::string Service::task_posted_body(const TaskView& task) const {
  json::JsonWriter out;
  out.begin_object();
  out.key("event").value("task.posted");
  out.key("task").begin_object();
  out.key("id").value(task.id);
  out.key("title").value(task.job.title);
  out.key("description").value(task.job.description);
  out.key("budget").value(task.job.amount_minor);
  out.key("required_capabilities").begin_array();
  for (const std::string& capability : task.job.capabilities) out.value(capability);
  out.end_array();
  out.key("created_at").value(auth::format_rfc3339_ms(task.job.created_at_ms));
  out.end_object();
  out.key("marketplace_url").value(options_.marketplace_url);
  out.end_object();
  return std::move(out).take();
}

Result<std::optional<WebhookMessage>> Service::render_delivery(const DueWebhookDelivery& due) {
  const Event& event = due.event;
  if (event.market_id != market_.id || event.type != "task.posted" || !event.job_id ||
      !due.endpoint.party_id) {
    return std::optional<WebhookMessage>();
  }
  MC_TRY_ASSIGN(Job job, engine_.job(*event.job_id));
  MC_TRY_ASSIGN(TaskView task, view(std::move(job)));
  MC_TRY_ASSIGN(Party agent, engine_.party(*due.endpoint.party_id));
  if (task.direct || agent.id == task.job.poster_id ||
      !overlaps(task.job.capabilities, agent.capabilities)) {
    return std::optional<WebhookMessage>();
  }
  const internal::ProfileFields fields = internal::read_profile(agent);
  if (fields.webhook_secret.empty()) return std::optional<WebhookMessage>();
  WebhookMessage message;
  message.body = task_posted_body(task);
  message.headers = {{"X-AgentMarket-Event", "task.posted"},
                     {"X-AgentMarket-Signature",
                      auth::sign_body_sha256_prefixed(fields.webhook_secret, message.body)}};
  return std::optional<WebhookMessage>(std::move(message));
}

}  // namespace mc::agentmarket
