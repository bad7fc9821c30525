// server/http_service.cpp — routing, limits, auth, idempotency, handler, metrics, logs.
#include "http_service.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>

#include "dialect.h"
#include "errors.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::server {
namespace {

constexpr size_t kIdempotencyKeyCharsMax = 255;

bool is_mutation(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

Response render_for(const Mount* mount, const Status& status) {
  if (mount != nullptr) return mount->dialect->render_error(status);
  return default_error_response(status);
}

// The request's path with the route's secret segments replaced, for the access log.
std::string loggable_path(const Request& request, const RouteMatch* match) {
  // A route of this path answered for another method (405) has the same secret segments.
  const MountedRoute* matched = match == nullptr          ? nullptr
                                : match->route != nullptr ? match->route
                                                          : match->path_route;
  if (matched == nullptr || matched->spec.secret_params.empty()) return request.path;
  const MountedRoute& route = *matched;
  const std::vector<std::string_view> segments = split_path(request.path);
  if (segments.size() != route.segments.size()) return route.full_pattern;
  std::string out;
  for (size_t i = 0; i < segments.size(); ++i) {
    out.push_back('/');
    const std::string& pattern = route.segments[i];
    const bool secret = !pattern.empty() && pattern.front() == ':' &&
                        std::find(route.spec.secret_params.begin(), route.spec.secret_params.end(),
                                  pattern.substr(1)) != route.spec.secret_params.end();
    out += secret ? std::string_view("[redacted]") : segments[i];
  }
  return out;
}

std::string principal_label(const Principal& principal) {
  if (principal.is_admin()) return "admin";
  if (principal.is_party()) return "party:" + std::to_string(principal.party_id);
  return "";
}

}  // namespace

int64_t monotonic_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Response default_error_response(const Status& status) {
  json::JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("type").value(std::string(code_name(status.code())));
  json.key("code").value(status.detail());
  json.key("message").value(status.message());
  json.end_object().end_object();
  return Response::json(http_status_for(status), std::move(json).take());
}

HttpService::HttpService(ServiceParts parts) : parts_(std::move(parts)) {
  Result<std::string> tag = crypto::random_bytes(4);
  instance_tag_ = tag.ok() ? encoding::hex_encode(tag.value()) : "00000000";
}

std::string HttpService::request_id_for(const Request& request) {
  if (auto given = request.header("x-request-id");
      given && !given->empty() && given->size() <= 64) {
    bool printable = true;
    for (char c : *given) printable = printable && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (printable) return std::string(*given);
  }
  return "req_" + instance_tag_ + "_" + std::to_string(next_request_number_.fetch_add(1));
}

Response HttpService::error_response(std::string_view path, const Status& status) const {
  return render_for(parts_.router->mount_for(path), status);
}

std::optional<Response> HttpService::check_rate_limits(const RouteMatch& match,
                                                       const Request& request,
                                                       const Principal* principal,
                                                       bool principal_keyed) {
  const Dialect& dialect = *match.mount->dialect;
  const auto found = parts_.rate_limits.find(dialect.name() + "." + match.route->spec.route_class);
  if (found == parts_.rate_limits.end()) return std::nullopt;
  const RateLimitRule& rule = found->second;
  if ((rule.key == RateLimitKey::principal) != principal_keyed) return std::nullopt;
  std::string key = found->first + "|";
  if (rule.key == RateLimitKey::ip) {
    key += request.remote_ip;
  } else if (rule.key == RateLimitKey::ip_path) {
    key += request.remote_ip + "|" + request.path;
  } else {
    key += principal != nullptr && !principal->subject.empty() ? principal->subject
                                                               : "ip:" + request.remote_ip;
  }
  const RateDecision decision = parts_.limiter->check(key, rule, parts_.clock->now_ms());
  if (decision.allowed) return std::nullopt;
  const Status status(Code::resource_exhausted, kDetailRateLimited, "rate limit exceeded");
  Response response = dialect.render_rate_limited(status, decision.retry_after_s);
  response.status = 429;
  response.set_header("Retry-After", std::to_string(decision.retry_after_s));
  return response;
}

HttpService::Prepared HttpService::prepare(const Request& request) {
  Prepared prepared;
  prepared.match = parts_.router->match(request.method, request.path);
  const RouteMatch& match = prepared.match;
  if (match.route == nullptr) {
    prepared.refusal_status = match.error;
    prepared.refusal = render_for(match.mount, match.error);
    return prepared;
  }
  const Dialect& dialect = *match.mount->dialect;
  if (auto limited = check_rate_limits(match, request, nullptr, false)) {
    prepared.refusal_status = Status(Code::resource_exhausted, kDetailRateLimited, "");
    prepared.refusal = std::move(limited);
    return prepared;
  }
  Result<Principal> principal = dialect.authenticate(request);
  Status denied;
  if (!principal.ok()) {
    denied = principal.status();
  } else if (match.route->spec.access == Access::authenticated &&
             principal->kind == Principal::Kind::anonymous) {
    denied = unauthenticated("missing_credentials", "this route needs credentials");
  } else if (match.route->spec.access == Access::admin && !principal->is_admin()) {
    denied = principal->kind == Principal::Kind::anonymous
                 ? unauthenticated("missing_credentials", "this route needs the admin key")
                 : permission_denied("admin_required", "this route needs the admin key");
  }
  if (!denied.ok()) {
    prepared.refusal_status = denied;
    prepared.refusal = dialect.render_error(denied);
    return prepared;
  }
  if (auto limited = check_rate_limits(match, request, &principal.value(), true)) {
    prepared.refusal_status = Status(Code::resource_exhausted, kDetailRateLimited, "");
    prepared.refusal = std::move(limited);
    return prepared;
  }
  prepared.context.emplace(RequestContext{.request = request,
                                          .params = match.params,
                                          .principal = std::move(principal.value()),
                                          .idempotency_key = {},
                                          .dialect = &dialect});
  return prepared;
}

Response HttpService::run_handler(const MountedRoute& route, RequestContext& context,
                                  Status& error) {
  try {
    Result<Response> result = route.spec.handler(context);
    if (result.ok()) return std::move(result).value();
    error = result.status();
  } catch (const std::exception& exception) {
    error = internal_error("unexpected_exception", exception.what());
  } catch (...) {
    error = internal_error("unexpected_exception", "unknown exception");
  }
  return context.dialect->render_error(error);
}

// One request on its way through the pipeline; shared with a deferred answer's completion.
struct HttpService::Exchange {
  Exchange(HttpService& service, std::shared_ptr<Request> request_in, Respond respond_in,
           int64_t started)
      : request(std::move(request_in)),
        respond(std::move(respond_in)),
        started_us(started),
        prepared(service.prepare(*request)) {}

  std::shared_ptr<Request> request;
  Respond respond;
  int64_t started_us;
  Prepared prepared;  // its context refers to *request
  std::optional<std::string> idempotency_key;
  std::string scope;
  std::atomic<bool> answered{false};
};

void HttpService::handle(std::shared_ptr<Request> request, Respond respond) {
  const int64_t started_us = monotonic_us();
  request->request_id = request_id_for(*request);
  auto exchange =
      std::make_shared<Exchange>(*this, std::move(request), std::move(respond), started_us);
  Prepared& prepared = exchange->prepared;
  const Request& req = *exchange->request;
  Response response;
  Status error = prepared.refusal_status;
  if (prepared.refusal) {
    response = std::move(*prepared.refusal);
  } else if (!prepared.match.route->spec.handler) {
    error = invalid_argument("upgrade_required", "this route only accepts a WebSocket upgrade");
    response = prepared.context->dialect->render_error(error);
    response.status = 426;
  } else {
    RequestContext& context = *prepared.context;
    const std::string header = context.dialect->idempotency_header();
    std::optional<std::string_view> key;
    if (!header.empty() && is_mutation(req.method)) key = req.header(header);
    exchange->scope =
        context.principal.subject.empty() ? "ip:" + req.remote_ip : context.principal.subject;
    IdempotencyCache::Begin begin;
    if (key && (key->empty() || key->size() > kIdempotencyKeyCharsMax)) {
      begin.error = invalid_argument(kDetailIdempotencyKeyInvalid,
                                     "Idempotency-Key must have 1 to 255 characters", header);
    } else if (key) {
      context.idempotency_key = std::string(*key);
      begin = parts_.idempotency->begin(
          exchange->scope, *key, IdempotencyCache::fingerprint(req.method, req.path, req.body),
          parts_.clock->now_ms());
      if (begin.error.ok() && !begin.replay) exchange->idempotency_key = std::string(*key);
    }
    if (!begin.error.ok()) {
      error = begin.error;
      response = context.dialect->render_error(error);
    } else if (begin.replay) {
      response = std::move(*begin.replay);
      response.set_header("Idempotent-Replayed", "true");
    } else {
      response = run_handler(*prepared.match.route, context, error);
      if (response.deferred) return answer_later(exchange, std::move(response.deferred));
    }
  }
  finish(*exchange, std::move(response), error);
}

void HttpService::answer_later(const std::shared_ptr<Exchange>& exchange,
                               std::function<void(ResponseCompletion)> start) {
  auto complete = [this, exchange](Result<Response> result) {
    if (exchange->answered.exchange(true)) return;
    const Dialect& dialect = *exchange->prepared.context->dialect;
    Status error;
    Response response;
    if (result.ok() && !result->deferred) {
      response = std::move(result).value();
    } else {
      error = result.ok()
                  ? internal_error("unexpected_exception", "a deferred answer deferred again")
                  : result.status();
      response = dialect.render_error(error);
    }
    finish(*exchange, std::move(response), error);
  };
  try {
    start(complete);
  } catch (const std::exception& exception) {
    complete(internal_error("unexpected_exception", exception.what()));
  } catch (...) {
    complete(internal_error("unexpected_exception", "unknown exception"));
  }
}

void HttpService::finish(Exchange& exchange, Response response, const Status& error) {
  if (exchange.idempotency_key) {
    parts_.idempotency->finish(exchange.scope, *exchange.idempotency_key, response);
  }
  const Request& request = *exchange.request;
  response.set_header("Request-Id", request.request_id);
  record(request, &exchange.prepared.match, response, error, exchange.started_us,
         exchange.prepared.context ? &exchange.prepared.context->principal : nullptr);
  Respond respond = std::move(exchange.respond);
  respond(std::move(response));
}

Response HttpService::handle_and_wait(std::shared_ptr<Request> request) {
  std::promise<Response> answer;
  std::future<Response> future = answer.get_future();
  handle(std::move(request),
         [&answer](Response response) { answer.set_value(std::move(response)); });
  return future.get();
}

void HttpService::record(const Request& request, const RouteMatch* match, const Response& response,
                         const Status& error, int64_t started_us, const Principal* principal) {
  const int64_t latency_us = monotonic_us() - started_us;
  const bool routed = match != nullptr && match->route != nullptr;
  const std::string dialect =
      match != nullptr && match->mount != nullptr ? match->mount->dialect->name() : "";
  const std::string route = routed ? match->route->full_pattern : "unmatched";
  parts_.metrics->observe_request(dialect, route, request.method, response.status, latency_us);
  AccessRecord record{.time_ms = parts_.clock->now_ms(),
                      .request_id = request.request_id,
                      .remote_ip = request.remote_ip,
                      .method = request.method,
                      .path = loggable_path(request, match),
                      .route = route,
                      .dialect = dialect,
                      .status = response.status,
                      .latency_us = latency_us,
                      .response_bytes = static_cast<int64_t>(response.body.size()),
                      .principal = principal != nullptr ? principal_label(*principal) : "",
                      .error_detail = error.ok() ? "" : error.detail(),
                      .replayed = false};
  for (const auto& [name, value] : response.headers) {
    if (name == "Idempotent-Replayed") record.replayed = true;
  }
  parts_.access_log->write(record);
}

}  // namespace mc::server
