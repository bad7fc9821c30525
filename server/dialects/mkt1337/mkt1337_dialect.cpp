// server/dialects/mkt1337/mkt1337_dialect.cpp — settings, authentication, errors, rate limits,
// and the SIWE login routes of the 1337MKT dialect.
#include "mkt1337_dialect.h"

#include <cstdlib>
#include <stdexcept>

#include "../../json_request.h"
#include "auth/rfc3339.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/ethereum.h"
#include "marketcore/siwe.h"
#include "mkt1337_api.h"
#include "mkt1337_render.h"

namespace mc::server::mkt1337 {
namespace mk = mc::mkt1337;
namespace {

constexpr int64_t kSessionTtlS = 86'400;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

Response session_response(const Session& session) {
  json::JsonWriter out;
  out.begin_object();
  out.key("token").value(session.token);
  out.key("refresh_token").value(session.refresh_token);
  out.key("expires_at").value(auth::format_rfc3339_ms(session.expires_at_s * 1000));
  out.key("expires_in").value(kSessionTtlS);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> challenge(Mkt1337Api& api, RequestContext& context) {
  if (auto address = context.request.query_param("address")) {
    if (!eth::parse_address(*address).ok()) {
      return invalid_argument("invalid_wallet", "address must be a 0x-prefixed 20-byte hex address",
                              "address");
    }
  }
  auth::SiweVerifier siwe({.domain = "unused"}, api.nonces, api.context.clock);
  MC_TRY_ASSIGN(std::string nonce, siwe.issue_nonce());
  json::JsonWriter out;
  out.begin_object().key("nonce").value(nonce);
  out.key("expires_at").value(auth::format_rfc3339_ms(api.now_ms() + 10 * kMillisecondsPerMinute));
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> verify(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string message, body.required_string("message"));
  MC_TRY_ASSIGN(std::string signature, body.required_string("signature"));
  std::string domain = api.siwe_domain;
  if (domain.empty() && !api.test_mode) {
    // Production trusts no client-chosen Host: without a configured domain nobody logs in.
    return failed_precondition("siwe_domain_required",
                               "SIWE login needs MARKETCORE_1337MKT_DOMAIN in production");
  }
  if (domain.empty()) domain = std::string(context.request.header("host").value_or("localhost"));
  auth::SiweVerifier siwe({.domain = domain}, api.nonces, api.context.clock);
  MC_TRY_ASSIGN(auth::SiweMessage login, siwe.verify(message, signature));
  MC_TRY_ASSIGN(mk::Account account, api.service->account_for_wallet(login.address));
  MC_TRY_ASSIGN(Session session, api.sessions->open_session(account.party.id));
  return session_response(session);
}

Result<Response> refresh(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string token, body.required_string("refresh_token"));
  MC_TRY_ASSIGN(Session session, api.sessions->refresh(token));
  return session_response(session);
}

Result<Response> create_api_key(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::optional<std::string> name, body.optional_string("name"));
  const std::string label = name.value_or("default");
  if (label.size() > 100) {
    return invalid_argument("invalid_value", "name has at most 100 characters", "name");
  }
  MC_TRY_ASSIGN(auth::CreatedApiKey created,
                api.context.api_keys->create(std::to_string(caller(context)),
                                             mk::Service::kApiKeyPrefix, label));
  json::JsonWriter out;
  out.begin_object();
  out.key("api_key").value(created.key);
  out.key("id").value(created.record.id);
  out.key("name").value(label);
  out.key("created_at").value(auth::format_rfc3339_ms(created.record.created_at_ms));
  out.end_object();
  return Response::json(201, std::move(out).take());
}

class Mkt1337Dialect final : public Dialect {
 public:
  explicit Mkt1337Dialect(std::unique_ptr<Mkt1337Api> api) : api_(std::move(api)) {}

  std::string name() const override { return "1337mkt"; }
  std::string default_prefix() const override { return "/1337mkt/v1"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"public", {.requests = 300, .window_ms = 60'000, .key = RateLimitKey::ip}},
            {"read", {.requests = 600, .window_ms = 60'000, .key = RateLimitKey::principal}},
            {"write", {.requests = 60, .window_ms = 60'000, .key = RateLimitKey::principal}},
            {"batch", {.requests = 10, .window_ms = 60'000, .key = RateLimitKey::principal}},
            {"auth", {.requests = 10, .window_ms = 60'000, .key = RateLimitKey::ip}},
            {"webhook", {.requests = 300, .window_ms = 60'000, .key = RateLimitKey::principal}}};
  }

  Result<Principal> authenticate(const Request& request) const override {
    const std::string_view path = request.path;
    constexpr std::string_view kWebhook = "/webhooks/completion";
    if (path.size() >= kWebhook.size() && path.substr(path.size() - kWebhook.size()) == kWebhook) {
      // Webhooks are signed, not authenticated; their rate limit counts per task.
      Principal anonymous;
      Result<JsonBody> body = JsonBody::parse(request.body);
      if (body.ok()) {
        Result<std::optional<std::string>> lead = body->optional_string("lead_id");
        if (lead.ok() && *lead && lead->value().size() <= 40) {
          anonymous.subject = "task:" + lead->value();
        }
      }
      return anonymous;
    }
    const std::optional<std::string_view> header = request.header("authorization");
    if (!header) return Principal{};
    const std::optional<std::string_view> token = bearer_token(*header);
    if (!token) {
      return unauthenticated("invalid_token", "Use Authorization: Bearer <jwt_or_api_key>");
    }
    PartyId party = 0;
    std::string credential;
    if (token->substr(0, mk::Service::kApiKeyPrefix.size()) == mk::Service::kApiKeyPrefix) {
      MC_TRY_ASSIGN(Party owner, api_->service->binding().party_for_api_key(
                                     *api_->context.api_keys, *token, mk::Service::kApiKeyPrefix));
      party = owner.id;
      credential = "api_key";
    } else {
      MC_TRY_ASSIGN(party, api_->sessions->verify(*token));
    }
    return Principal{.kind = Principal::Kind::party,
                     .party_id = party,
                     .market_id = api_->service->market().id,
                     .subject = "party:" + std::to_string(party),
                     .credential_id = credential};
  }

  Response render_error(const Status& status) const override {
    std::string message = status.message();
    if (message.empty()) message = std::string(status.detail());
    if (message.empty()) message = "Internal server error";
    return error_response(mkt1337_status_for(status), message);
  }

  Response render_rate_limited(const Status&, int64_t) const override {
    return error_response(429, "Too many requests");
  }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override {
    api_->mounted_prefix = mounted_prefix == "/" ? "" : mounted_prefix;
    std::vector<RouteSpec> all = auth_routes(*api_);
    for (RouteSpec& route : market_routes(*api_)) all.push_back(std::move(route));
    return all;
  }

 private:
  std::unique_ptr<Mkt1337Api> api_;
};

Result<std::unique_ptr<Mkt1337Api>> make_api(ServerContext& context) {
  const bool test_mode = context.config.test_mode;
  MC_TRY_ASSIGN(MarketBinding binding, mk::open_market(*context.engine, test_mode));
  MC_TRY_ASSIGN(
      std::unique_ptr<SessionLogin> sessions,
      SessionLogin::create(binding, {.audience = "1337mkt",
                                     .jwt_secret = environment("MARKETCORE_1337MKT_JWT_SECRET"),
                                     .session_ttl_s = kSessionTtlS,
                                     .refresh_tokens = true}));
  auto api = std::make_unique<Mkt1337Api>(
      Mkt1337Api{.context = context,
                 .service = std::make_unique<mk::Service>(
                     *context.engine, binding.market(), mk::ServiceOptions{.test_mode = test_mode}),
                 .sessions = std::move(sessions),
                 .nonces = context.engine->auth_stores().nonces,
                 .siwe_domain = environment("MARKETCORE_1337MKT_DOMAIN"),
                 .test_mode = test_mode});
  return api;
}

}  // namespace

std::vector<RouteSpec> auth_routes(Mkt1337Api& api) {
  auto bind = [&api](Result<Response> (*function)(Mkt1337Api&, RequestContext&)) -> Handler {
    return [&api, function](RequestContext& context) { return function(api, context); };
  };
  return {
      {.method = "GET",
       .pattern = "/auth/challenge",
       .route_class = "auth",
       .access = Access::open,
       .handler = bind(&challenge),
       .summary = "Get SIWE challenge nonce for wallet signing",
       .query_params = {"address"}},
      {.method = "POST",
       .pattern = "/auth/verify",
       .route_class = "auth",
       .access = Access::open,
       .handler = bind(&verify),
       .summary = "Verify SIWE signature → session token + refresh token"},
      {.method = "POST",
       .pattern = "/auth/refresh",
       .route_class = "auth",
       .access = Access::open,
       .handler = bind(&refresh),
       .summary = "Refresh session token using refresh token"},
      {.method = "POST",
       .pattern = "/auth/api-keys",
       .route_class = "write",
       .access = Access::authenticated,
       .handler = bind(&create_api_key),
       .summary = "Create long-lived API key for wallet",
       .success_status = 201},
  };
}

std::shared_ptr<Dialect> make_mkt1337_dialect(ServerContext& context) {
  Result<std::unique_ptr<Mkt1337Api>> api = make_api(context);
  if (!api.ok()) throw std::runtime_error("1337mkt dialect: " + api.status().to_string());
  return std::make_shared<Mkt1337Dialect>(std::move(api).value());
}

}  // namespace mc::server::mkt1337
