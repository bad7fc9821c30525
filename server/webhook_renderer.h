// server/webhook_renderer.h — a dialect's own webhook body, headers and recipients.
//
// The delivery component sends the library's generic event body signed in the endpoint's
// scheme. A dialect whose seed fixes another body and other headers (AgentMarket: the seed's
// task.posted body, X-AgentMarket-Event, X-AgentMarket-Signature with the agent's secret) or
// delivers an event only to some endpoints (AgentMarket: agents whose capabilities overlap the
// task's) registers a renderer for its market in ServerContext::webhook_renderers while it is
// constructed. For each claimed delivery of that market the renderer returns the message to
// send, or nullopt when the endpoint is not a recipient: nothing is sent and the delivery is
// recorded as done. The retries, leases and dead letters stay the delivery component's.
//
// Thread-safety: a renderer is called from delivery worker threads concurrently.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marketcore/status.h"
#include "marketcore/webhooks.h"

namespace mc::server {

struct RenderedWebhook {
  std::string body;
  // Every header but Content-Type (application/json) and Host.
  std::vector<std::pair<std::string, std::string>> headers;
};

using WebhookRenderer =
    std::function<Result<std::optional<RenderedWebhook>>(const DueWebhookDelivery& due)>;

}  // namespace mc::server
