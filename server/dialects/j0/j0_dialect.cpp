// server/dialects/j0/j0_dialect.cpp — settings, session tokens, authentication and the route
// table of the j0 dialect.
#include "j0_dialect.h"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "j0_api.h"
#include "j0_render.h"

namespace mc::server::j0 {
namespace {

// Hardhat's first development account: a test-mode default nobody mistakes for production.
constexpr const char* kTestDepositAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

bool is_websocket_upgrade(const Request& request) {
  const std::optional<std::string_view> upgrade = request.header("upgrade");
  return upgrade && ascii_lower(*upgrade) == "websocket";
}

class J0Dialect final : public Dialect {
 public:
  explicit J0Dialect(std::unique_ptr<J0Api> api) : api_(std::move(api)) {}

  std::string name() const override { return "j0"; }
  std::string default_prefix() const override { return "/j0/api/v1"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"ip", {.requests = 1200, .window_ms = 60'000, .key = RateLimitKey::ip}},
            {"user", {.requests = 600, .window_ms = 60'000, .key = RateLimitKey::principal}}};
  }

  Result<Principal> authenticate(const Request& request) const override {
    const std::optional<std::string_view> header = request.header("authorization");
    if (header) {
      const std::optional<std::string_view> token = bearer_token(*header);
      if (!token) return unauthenticated("invalid_token", "Use Authorization: Bearer <token>");
      return principal_for(*token);
    }
    if (auto token = request.cookie(kCookieName); token && !token->empty()) {
      Result<Principal> principal = principal_for(*token);
      if (principal.ok() || principal.status().code() != Code::unauthenticated) return principal;
    }
    if (is_websocket_upgrade(request)) {
      if (auto token = request.query_param("token")) return principal_for(*token);
    }
    return Principal{};
  }

  Response render_error(const Status& status) const override { return render_j0_error(status); }
  Response render_rate_limited(const Status&, int64_t retry_after_s) const override {
    return render_j0_rate_limited(retry_after_s);
  }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override {
    api_->mounted_prefix = mounted_prefix == "/" ? "" : mounted_prefix;
    std::vector<RouteSpec> all;
    for (auto builder : {&auth_routes, &user_routes, &credit_routes, &job_routes, &ws_routes}) {
      for (RouteSpec& route : builder(*api_)) all.push_back(std::move(route));
    }
    return all;
  }

 private:
  Result<Principal> principal_for(std::string_view token) const {
    MC_TRY_ASSIGN(PartyId party, api_->sessions().verify(token));
    return Principal{.kind = Principal::Kind::party,
                     .party_id = party,
                     .market_id = api_->market().market_id(),
                     .subject = "party:" + std::to_string(party)};
  }

  std::unique_ptr<J0Api> api_;
};

Result<std::unique_ptr<J0Api>> make_api(ServerContext& context) {
  MC_TRY_ASSIGN(mc::j0::J0Market market, mc::j0::J0Market::open(*context.engine));
  J0Settings settings;
  if (std::string host = environment("MARKETCORE_J0_HOST"); !host.empty()) settings.host = host;
  MC_TRY_ASSIGN(
      std::unique_ptr<SessionLogin> sessions,
      SessionLogin::create(market.binding(), {.audience = "j0",
                                              .host = settings.host,
                                              .jwt_secret = environment("MARKETCORE_J0_JWT_SECRET"),
                                              .session_ttl_s = kSessionTtlS}));
  settings.stripe_webhook_secret = environment("MARKETCORE_J0_STRIPE_WEBHOOK_SECRET");
  settings.deposit_address = environment("MARKETCORE_J0_DEPOSIT_ADDRESS");
  settings.test_mode = context.config.test_mode;
  if (settings.deposit_address.empty() && settings.test_mode) {
    settings.deposit_address = kTestDepositAddress;
  }
  settings.purchase_fee_bps = mc::j0::purchase_fee_bps(market.binding().market().config);
  return std::make_unique<J0Api>(context, std::move(market), std::move(sessions),
                                 std::move(settings));
}

}  // namespace

J0Api::J0Api(ServerContext& context, mc::j0::J0Market market,
             std::unique_ptr<SessionLogin> sessions, J0Settings settings)
    : context_(context),
      market_(std::move(market)),
      sessions_(std::move(sessions)),
      settings_(std::move(settings)),
      test_payments_(kTestCheckoutPath) {}

std::optional<int64_t> parse_positive_id(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::shared_ptr<Dialect> make_j0_dialect(ServerContext& context) {
  Result<std::unique_ptr<J0Api>> api = make_api(context);
  if (!api.ok()) throw std::runtime_error("j0 dialect: " + api.status().to_string());
  return std::make_shared<J0Dialect>(std::move(api).value());
}

}  // namespace mc::server::j0
