// server/http_service.h — the request pipeline shared by every dialect.
//
// handle() runs, in order: route match (404/405 in the owning dialect's format) → IP-keyed
// rate limits → the dialect's authenticate() → the route's Access check → principal-keyed
// rate limits → Idempotency-Key reservation or replay (mutations only) → the handler, with
// every exception caught → metrics and one access-log line. It never throws. A handler that
// answers later (Response::later, for outbound calls) releases the handler thread; the
// idempotency record, metrics and log line are then written when its answer arrives. prepare()
// runs the same steps up to the handler, for WebSocket upgrades the transport hands over.
//
// Thread-safety: handle() and prepare() run concurrently on the handler pool; everything they
// touch is thread-safe or immutable after construction.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "access_log.h"
#include "http_types.h"
#include "idempotency_cache.h"
#include "marketcore/clock.h"
#include "metrics.h"
#include "rate_limiter.h"
#include "router.h"

namespace mc::server {

struct ServiceParts {
  const Router* router = nullptr;
  RateLimiter* limiter = nullptr;
  Metrics* metrics = nullptr;
  AccessLog* access_log = nullptr;
  IdempotencyCache* idempotency = nullptr;
  std::shared_ptr<const Clock> clock;
  // Rules by "<dialect>.<route class>"; a class without a rule is unlimited.
  std::map<std::string, RateLimitRule> rate_limits;
};

class HttpService {
 public:
  explicit HttpService(ServiceParts parts);

  using Respond = std::function<void(Response)>;
  // Runs the pipeline for `request` and calls `respond` exactly once with the answer: before
  // returning, or — when the handler answers later — on the thread that completes it.
  void handle(std::shared_ptr<Request> request, Respond respond);
  // handle(), waiting for a deferred answer (tests and the fuzz target).
  Response handle_and_wait(std::shared_ptr<Request> request);

  // The outcome of routing and checks, before the handler.
  struct Prepared {
    RouteMatch match;
    std::optional<RequestContext> context;
    std::optional<Response> refusal;  // set when the request must be answered with this
    Status refusal_status;
  };
  Prepared prepare(const Request& request);

  // An error for `path` in the format of the dialect that owns it (transport failures).
  Response error_response(std::string_view path, const Status& status) const;
  // Records metrics and the access log for a request answered outside handle().
  void record(const Request& request, const RouteMatch* match, const Response& response,
              const Status& error, int64_t started_us, const Principal* principal);

  // Assigns a request id (the client's X-Request-Id when it is short and printable).
  std::string request_id_for(const Request& request);

 private:
  std::optional<Response> check_rate_limits(const RouteMatch& match, const Request& request,
                                            const Principal* principal, bool principal_keyed);
  struct Exchange;
  Response run_handler(const MountedRoute& route, RequestContext& context, Status& error);
  void answer_later(const std::shared_ptr<Exchange>& exchange,
                    std::function<void(ResponseCompletion)> start);
  void finish(Exchange& exchange, Response response, const Status& error);

  ServiceParts parts_;
  std::atomic<uint64_t> next_request_number_{1};
  std::string instance_tag_;
};

// Renders a Status for paths no dialect owns: {"error":{"type","code","message"}}.
Response default_error_response(const Status& status);
// Microseconds on a monotonic clock.
int64_t monotonic_us();

}  // namespace mc::server
