// server/native/native_dialect.cpp — auth, error format and route table of /v1.
#include "native_dialect.h"

#include "../errors.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "native_common.h"

namespace mc::server::native {
namespace {

const char* error_type(const Status& status) {
  const std::string& detail = status.detail();
  if (detail == kDetailIdempotencyKeyReused || detail == kDetailIdempotencyKeyInUse ||
      detail == kDetailIdempotencyKeyInvalid) {
    return "idempotency_error";
  }
  switch (status.code()) {
    case Code::unauthenticated:
      return "authentication_error";
    case Code::resource_exhausted:
      return detail == kDetailRateLimited ? "rate_limit_error" : "api_error";
    case Code::invalid_argument:
    case Code::out_of_range:
    case Code::not_found:
    case Code::already_exists:
    case Code::permission_denied:
    case Code::failed_precondition:
    case Code::aborted:
      return "invalid_request_error";
    default:
      return "api_error";
  }
}

class NativeDialect final : public Dialect {
 public:
  explicit NativeDialect(ServerContext& context) : context_(context), api_(context) {}

  std::string name() const override { return "native"; }
  std::string default_prefix() const override { return "/v1"; }
  std::string idempotency_header() const override { return "Idempotency-Key"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"public", {.requests = 300, .window_ms = 60'000, .key = RateLimitKey::ip}},
            {"read", {.requests = 1200, .window_ms = 60'000, .key = RateLimitKey::principal}},
            {"write", {.requests = 600, .window_ms = 60'000, .key = RateLimitKey::principal}},
            {"admin", {.requests = 600, .window_ms = 60'000, .key = RateLimitKey::ip}}};
  }

  Result<Principal> authenticate(const Request& request) const override {
    const std::optional<std::string_view> header = request.header("authorization");
    if (!header) return Principal{};
    const std::optional<std::string_view> bearer = bearer_token(*header);
    if (!bearer) {
      return unauthenticated("malformed_authorization", "use Authorization: Bearer <API key>");
    }
    const std::string_view token = *bearer;
    ServerContext& context = context_;
    const std::string& admin_key = context.config.admin_key;
    if (!admin_key.empty() && crypto::constant_time_equal(token, admin_key)) {
      return Principal{.kind = Principal::Kind::admin, .subject = "admin"};
    }
    if (token.substr(0, 8) != api_key_prefix(context.config.test_mode)) {
      return unauthenticated("api_key_invalid", "invalid API key");
    }
    Result<auth::ApiKeyRecord> record = context.api_keys->authenticate(token);
    if (!record.ok()) return unauthenticated("api_key_invalid", "invalid API key");
    Result<int64_t> party_id = parse_id(record->owner_id, "owner");
    if (!party_id.ok()) return unauthenticated("api_key_invalid", "invalid API key");
    Result<Party> party = context.engine->party(party_id.value());
    if (!party.ok()) {
      if (party.status().code() == Code::not_found) {
        return unauthenticated("api_key_invalid", "invalid API key");
      }
      return party.status();
    }
    return Principal{.kind = Principal::Kind::party,
                     .party_id = party->id,
                     .market_id = party->market_id,
                     .subject = "party:" + std::to_string(party->id),
                     .credential_id = record->id};
  }

  Response render_error(const Status& status) const override { return render_native_error(status); }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override {
    std::vector<RouteSpec> all;
    for (auto builder : {&market_routes, &party_routes, &money_routes, &job_routes, &dispute_routes,
                         &event_routes, &webhook_routes, &due_work_routes, &test_clock_routes}) {
      for (RouteSpec& route : builder(api_)) all.push_back(std::move(route));
    }
    all.push_back(openapi_route(mounted_prefix, all));
    return all;
  }

 private:
  ServerContext& context_;
  NativeApi api_;
};

}  // namespace

Response render_native_error(const Status& status) {
  json::JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("type").value(error_type(status));
  json.key("code").value(status.detail());
  json.key("message").value(status.message());
  json.key("param");
  if (status.param().empty()) {
    json.null();
  } else {
    json.value(status.param());
  }
  json.end_object().end_object();
  int http_status = http_status_for(status);
  if (std::string_view(error_type(status)) == "idempotency_error") {
    http_status = status.detail() == kDetailIdempotencyKeyInvalid ? 400 : 409;
  }
  return Response::json(http_status, std::move(json).take());
}

std::shared_ptr<Dialect> make_native_dialect(ServerContext& context) {
  return std::make_shared<NativeDialect>(context);
}

}  // namespace mc::server::native
