// Unit tests of the server core: router, rate limiter, JSON request helpers, config, errors,
// metrics, idempotency cache. No sockets.
#include <doctest/doctest.h>

#include "config.h"
#include "dialect.h"
#include "errors.h"
#include "http_types.h"
#include "idempotency_cache.h"
#include "json_request.h"
#include "metrics.h"
#include "rate_limiter.h"
#include "router.h"

namespace mc::server {
namespace {

class FakeDialect final : public Dialect {
 public:
  explicit FakeDialect(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::string default_prefix() const override { return "/" + name_; }
  std::map<std::string, RateLimitRule> default_rate_limits() const override { return {}; }
  Result<Principal> authenticate(const Request&) const override { return Principal{}; }
  Response render_error(const Status& status) const override {
    return Response::json(http_status_for(status), name_ + ":" + status.detail());
  }
  std::vector<RouteSpec> routes(const std::string&) override {
    auto ok = [](RequestContext&) -> Result<Response> { return Response::json(200, "{}"); };
    return {{.method = "GET", .pattern = "/jobs", .handler = ok},
            {.method = "GET", .pattern = "/jobs/:id", .handler = ok},
            {.method = "POST", .pattern = "/jobs/:id/actions/:name", .handler = ok}};
  }

 private:
  std::string name_;
};

TEST_CASE("router: params, 404 and 405 belong to the dialect owning the prefix") {
  Router router;
  REQUIRE(router.mount("/v1", std::make_shared<FakeDialect>("a")).ok());
  REQUIRE(router.mount("/", std::make_shared<FakeDialect>("root")).ok());
  CHECK(router.mount("/v1/", std::make_shared<FakeDialect>("b")).detail() == "prefix_taken");

  RouteMatch match = router.match("POST", "/v1/jobs/42/actions/accept");
  REQUIRE(match.route != nullptr);
  CHECK(match.route->full_pattern == "/v1/jobs/:id/actions/:name");
  CHECK(match.params.get("id") == "42");
  CHECK(match.params.get("name") == "accept");

  match = router.match("DELETE", "/v1/jobs/42");
  CHECK(match.route == nullptr);
  CHECK(match.error.detail() == kDetailMethodNotAllowed);
  CHECK(match.mount->dialect->name() == "a");
  CHECK(http_status_for(match.error) == 405);

  match = router.match("GET", "/v1/nothing");
  CHECK(match.error.detail() == kDetailRouteNotFound);
  CHECK(match.mount->dialect->name() == "a");

  match = router.match("GET", "/jobs/7");  // the root dialect
  REQUIRE(match.route != nullptr);
  CHECK(match.mount->dialect->name() == "root");
  CHECK(router.match("GET", "/v1x/jobs").mount->dialect->name() == "root");
  CHECK(router.match("HEAD", "/v1/jobs").route != nullptr);
}

TEST_CASE("router: a shared (non-exclusive) mount sits beside a dialect at the root") {
  Router router;
  REQUIRE(router.mount("/", std::make_shared<FakeDialect>("root")).ok());
  REQUIRE(router.mount("", std::make_shared<FakeDialect>("ops"), false).ok());
  RouteMatch match = router.match("GET", "/nothing");
  CHECK(match.mount->dialect->name() == "root");
}

TEST_CASE("split_target decodes path and query") {
  std::string path;
  std::multimap<std::string, std::string> query;
  REQUIRE(split_target("/v1/a%20b?x=1&y=a+b&z=%2F&flag", path, query));
  CHECK(path == "/v1/a b");
  CHECK(query.find("x")->second == "1");
  CHECK(query.find("y")->second == "a b");
  CHECK(query.find("z")->second == "/");
  CHECK(query.count("flag") == 1);
  CHECK_FALSE(split_target("/bad%2", path, query));
  CHECK_FALSE(split_target("/bad%zz", path, query));
  CHECK_FALSE(split_target("http://host/x", path, query));
}

TEST_CASE("rate limiter: fixed windows, retry-after, separate keys") {
  RateLimiter limiter;
  const RateLimitRule rule{.requests = 2, .window_ms = 60'000, .key = RateLimitKey::ip};
  const int64_t t0 = 28'333'334LL * 60'000 + 40'000;  // 40 s into a minute window
  CHECK(limiter.check("a", rule, t0).allowed);
  CHECK(limiter.check("a", rule, t0).allowed);
  RateDecision refused = limiter.check("a", rule, t0 + 500);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after_s == 20);
  CHECK(limiter.check("b", rule, t0).allowed);
  CHECK(limiter.check("a", rule, t0 + 20'000).allowed);  // next window
  CHECK(limiter.check("c", RateLimitRule{.requests = 0}, t0).allowed);
}

TEST_CASE("rate limiter: bounded table fails closed") {
  RateLimiter limiter(16);  // one key per shard
  const RateLimitRule rule{.requests = 5, .window_ms = 1000};
  int refused = 0;
  for (int i = 0; i < 200; ++i) {
    if (!limiter.check("k" + std::to_string(i), rule, 5'000).allowed) ++refused;
  }
  CHECK(refused > 0);
  // After the window, expired entries make room again.
  CHECK(limiter.check("fresh", rule, 7'000).allowed);
}

TEST_CASE("json body: typed fields, money from the number's text") {
  auto body = JsonBody::parse(
      R"({"name":"x","n":12,"price":29.50,"price_text":"0.10","big":9223372036854775808,)"
      R"("frac":1.5,"exp":1e3,"flag":true,"tags":["a","b"],"obj":{"k":[1,2]},"nothing":null})");
  REQUIRE(body.ok());
  CHECK(body->required_string("name").value() == "x");
  CHECK(body->required_string("missing").status().detail() == "missing_param");
  CHECK(body->required_string("missing").status().param() == "missing");
  CHECK(body->required_string("n").status().detail() == "invalid_type");
  CHECK(body->optional_int64("n").value() == 12);
  CHECK(body->optional_int64("frac").status().detail() == "invalid_type");
  CHECK(body->optional_int64("exp").status().detail() == "invalid_type");
  CHECK(body->optional_money("price", 2).value() == 2950);
  CHECK(body->optional_money("price_text", 2).value() == 10);
  CHECK(body->optional_money("price", 1).status().param() == "price");
  CHECK_FALSE(body->optional_money("big", 0).ok());
  CHECK_FALSE(body->optional_money("exp", 2).ok());
  CHECK(body->optional_bool("flag").value() == true);
  CHECK(body->string_array("tags").value() == std::vector<std::string>{"a", "b"});
  CHECK(body->optional_object_json("obj").value() == std::optional<std::string>(R"({"k":[1,2]})"));
  CHECK_FALSE(body->has("nothing"));
  CHECK(body->only({"name"}).detail() == "unknown_param");
}

TEST_CASE("json body: malformed input is refused before any field is read") {
  CHECK(JsonBody::parse("{\"a\":").status().detail() == "malformed_json");
  CHECK(JsonBody::parse("[1,2]").status().detail() == "body_not_object");
  CHECK(JsonBody::parse("{\"a\":1,\"a\":2}").status().detail() == "malformed_json");
  CHECK(JsonBody::parse("{\"a\":\"\xff\"}").status().detail() == "malformed_json");
  CHECK(JsonBody::parse("").ok());
  CHECK(JsonBody::parse("", false).status().detail() == "malformed_json");
}

TEST_CASE("errors: one table from codes to HTTP statuses") {
  CHECK(http_status_for(invalid_argument("x", "")) == 400);
  CHECK(http_status_for(unauthenticated("x", "")) == 401);
  CHECK(http_status_for(failed_precondition("insufficient_funds", "")) == 402);
  CHECK(http_status_for(permission_denied("x", "")) == 403);
  CHECK(http_status_for(not_found("x", "")) == 404);
  CHECK(http_status_for(failed_precondition("wrong_state", "")) == 409);
  CHECK(http_status_for(aborted("x", "")) == 409);
  CHECK(http_status_for(Status(Code::already_exists, "x", "")) == 409);
  CHECK(http_status_for(Status(Code::invalid_argument, kDetailBodyTooLarge, "")) == 413);
  CHECK(http_status_for(Status(Code::resource_exhausted, kDetailRateLimited, "")) == 429);
  CHECK(http_status_for(Status(Code::resource_exhausted, kDetailOverloaded, "")) == 503);
  CHECK(http_status_for(Status(Code::unavailable, "x", "")) == 503);
  CHECK(http_status_for(internal_error("x", "")) == 500);
}

TEST_CASE("config: defaults, flags, TOML file, rate-limit syntax") {
  const char* argv[] = {"marketcore-server",
                        "--listen",
                        "0.0.0.0:9000",
                        "--database",
                        "x.db",
                        "--dialect",
                        "native",
                        "--prefix",
                        "/",
                        "--production",
                        "--rate-limit",
                        "native.write=5/10:ip"};
  auto line = parse_command_line(12, argv);
  REQUIRE(line.ok());
  CHECK(line->config.listen_host == "0.0.0.0");
  CHECK(line->config.listen_port == 9000);
  CHECK(line->config.database_path == "x.db");
  CHECK_FALSE(line->config.test_mode);
  REQUIRE(line->config.dialects.size() == 1);
  CHECK(line->config.dialects[0].prefix == "/");
  CHECK(line->config.rate_limits["native.write"].requests == 5);
  CHECK(line->config.rate_limits["native.write"].window_ms == 10'000);

  const char* defaults[] = {"marketcore-server"};
  auto plain = parse_command_line(1, defaults);
  REQUIRE(plain.ok());
  CHECK(plain->config.listen_host == "127.0.0.1");
  CHECK(plain->config.listen_port == 8080);
  CHECK(plain->config.test_mode);
  CHECK(plain->config.markets.size() == 5);

  const char* bad[] = {"marketcore-server", "--nope", "1"};
  CHECK_FALSE(parse_command_line(3, bad).ok());

  ServerConfig config;
  REQUIRE(apply_config_toml(R"(listen = "127.0.0.1:7000"
mode = "production"
markets = ["j0"]
[server]
body_bytes_max = 4096
[[dialects]]
name = "native"
prefix = "/api"
[rate_limits."native.read"]
requests = 7
window_s = 2
key = "principal"
)",
                            "test.toml", config)
              .ok());
  CHECK(config.listen_port == 7000);
  CHECK_FALSE(config.test_mode);
  CHECK(config.body_bytes_max == 4096);
  CHECK(config.dialects[0].prefix == "/api");
  CHECK(config.rate_limits["native.read"].key == RateLimitKey::principal);
  CHECK(apply_config_toml("unknown = 1", "t", config).detail() == "bad_config");
  CHECK(apply_config_toml("listen = ", "t", config).detail() == "bad_config");
  CHECK(help_text().find("--rate-limit") != std::string::npos);
}

TEST_CASE("config: --verify-ledger and the verify_ledger key") {
  const char* defaults[] = {"marketcore-server"};
  auto plain = parse_command_line(1, defaults);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->config.verify_ledger);
  const char* flagged[] = {"marketcore-server", "--verify-ledger", "--database", "x.db"};
  auto line = parse_command_line(4, flagged);
  REQUIRE(line.ok());
  CHECK(line->config.verify_ledger);
  CHECK(line->config.database_path == "x.db");

  ServerConfig config;
  REQUIRE(apply_config_toml("verify_ledger = true", "t.toml", config).ok());
  CHECK(config.verify_ledger);
  REQUIRE(apply_config_toml("verify_ledger = false", "t.toml", config).ok());
  CHECK_FALSE(config.verify_ledger);
  CHECK(apply_config_toml(R"(verify_ledger = "yes")", "t.toml", config).detail() == "bad_config");
  CHECK(help_text().find("--verify-ledger") != std::string::npos);
  CHECK(help_text().find("verify_ledger = false") != std::string::npos);
}

TEST_CASE("metrics: counters, histograms and label escaping in text format") {
  Metrics metrics;
  metrics.observe_request("native", "/v1/jobs/:id", "GET", 200, 1500);
  metrics.declare("marketcore_test_total", "counter", "Test.");
  metrics.add("marketcore_test_total", Metrics::label("k", "a\"b"), 2);
  const std::string text = metrics.render();
  CHECK(text.find(R"(marketcore_http_requests_total{dialect="native",route="/v1/jobs/:id",)"
                  R"(method="GET",status="200"} 1)") != std::string::npos);
  CHECK(text.find(R"(le="0.0025"} 1)") != std::string::npos);
  CHECK(text.find(R"(marketcore_test_total{k="a\"b"} 2)") != std::string::npos);
}

TEST_CASE("idempotency cache: reserve, replay, mismatch, in progress, 5xx released") {
  IdempotencyCache cache(10, 1000);
  const std::string hash = IdempotencyCache::fingerprint("POST", "/v1/x", R"({"a":1})");
  CHECK(cache.begin("p", "k", hash, 0).error.ok());
  CHECK(cache.begin("p", "k", hash, 1).error.detail() == kDetailIdempotencyKeyInUse);
  cache.finish("p", "k", Response::json(201, "body"));
  auto replay = cache.begin("p", "k", hash, 2);
  REQUIRE(replay.replay.has_value());
  CHECK(replay.replay->body == "body");
  CHECK(cache.begin("p", "k", IdempotencyCache::fingerprint("POST", "/v1/x", R"({"a":2})"), 3)
            .error.detail() == kDetailIdempotencyKeyReused);
  CHECK(cache.begin("other", "k", hash, 3).error.ok());  // scoped per principal
  CHECK(cache.begin("p", "k5", hash, 3).error.ok());
  cache.finish("p", "k5", Response::json(503, ""));
  CHECK(cache.begin("p", "k5", hash, 4).error.ok());    // released, may run again
  CHECK(cache.begin("p", "k", hash, 2000).error.ok());  // expired
}

}  // namespace
}  // namespace mc::server
