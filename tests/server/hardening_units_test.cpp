// Unit tests of the edge's hardening (no sockets): strict request framing, the Bearer scheme,
// canonical idempotency fingerprints, secret path segments kept out of the access log,
// deferred answers and outbound-call admission.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "access_log.h"
#include "dialect.h"
#include "errors.h"
#include "http_service.h"
#include "idempotency_cache.h"
#include "json/canonical_json.h"
#include "metrics.h"
#include "outbound/outbound_calls.h"
#include "rate_limiter.h"
#include "request_framing.h"
#include "router.h"

namespace mc::server {
namespace {

ParsedRequest parse(const std::string& bytes) {
  return parse_request_bytes(bytes, 16 * 1024, 1024 * 1024);
}

int refused_with(const std::string& bytes) {
  const ParsedRequest parsed = parse(bytes);
  return parsed.refusal ? parsed.refusal->http_status : 0;
}

TEST_CASE("framing: Transfer-Encoding must be exactly chunked") {
  const std::string head = "POST /v1/x HTTP/1.1\r\nHost: a\r\n";
  CHECK(refused_with(head + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n") == 400);
  CHECK(refused_with(head + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n") == 400);
  CHECK(refused_with(head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        400);
  CHECK(refused_with(head + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") == 501);
  CHECK(refused_with(head + "Content-Length: 3\r\nTransfer-Encoding: xchunked\r\n\r\nabc") == 400);
  CHECK(refused_with(head + "Transfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc") == 400);
  CHECK(refused_with("POST /v1/x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  CHECK(parse(head + "Transfer-Encoding: xchunked\r\n\r\n").refusal->status.detail() ==
        kDetailTransferEncodingInvalid);

  const ParsedRequest chunked =
      parse(head + "Transfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\n");
  REQUIRE(chunked.request.has_value());
  CHECK(chunked.request->body == "abc");
  CHECK(chunked.consumed == chunked.consumed);
}

TEST_CASE("framing: obsolete line folding and a missing Host are refused") {
  CHECK(refused_with("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n") == 400);
  CHECK(refused_with("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n") == 400);
  CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\r\n").refusal->status.detail() ==
        kDetailObsoleteLineFolding);
  CHECK(refused_with("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == 400);
  CHECK(parse("GET / HTTP/1.1\r\n\r\n").refusal->status.detail() == kDetailHostMissing);
  CHECK(refused_with("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  CHECK(parse("GET / HTTP/1.0\r\n\r\n").request.has_value());  // HTTP/1.0 needs no Host
  CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\n").incomplete);
  CHECK(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab").incomplete);
  CHECK(refused_with("GARBAGE\r\n\r\n") == 400);
  CHECK(refused_with("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999\r\n\r\n") == 413);
}

TEST_CASE("bearer scheme is case-insensitive") {
  CHECK(bearer_token("Bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(bearer_token("bearer abc") == std::optional<std::string_view>("abc"));
  CHECK(bearer_token("BEARER  abc") == std::optional<std::string_view>("abc"));
  CHECK_FALSE(bearer_token("Bearer ").has_value());
  CHECK_FALSE(bearer_token("Bearerabc").has_value());
  CHECK_FALSE(bearer_token("Basic abc").has_value());
}

TEST_CASE("idempotency fingerprints compare JSON values, not bytes") {
  CHECK(json::canonical_json(R"( { "b" : [1, 2.5, "x"], "a": {"d":null,"c":true} } )") ==
        std::optional<std::string>(R"({"a":{"c":true,"d":null},"b":[1,2.5,"x"]})"));
  CHECK(json::canonical_json("1.0") == std::optional<std::string>("1.0"));
  CHECK(json::canonical_json("1") == std::optional<std::string>("1"));
  CHECK_FALSE(json::canonical_json("{").has_value());
  const auto print = [](const char* body) {
    return IdempotencyCache::fingerprint("POST", "/v1/jobs", body);
  };
  CHECK(print(R"({"amount_minor":10,"prompt":"p"})") ==
        print("{ \"prompt\" : \"p\",\n  \"amount_minor\" : 10 }"));
  CHECK(print(R"({"amount_minor":10})") != print(R"({"amount_minor":11})"));
  CHECK(print(R"({"amount_minor":10})") != print(R"({"amount_minor":"10"})"));
  CHECK(print("not json") != print("not  json"));
}

class SecretDialect final : public Dialect {
 public:
  std::string name() const override { return "t"; }
  std::string default_prefix() const override { return "/t"; }
  std::map<std::string, RateLimitRule> default_rate_limits() const override { return {}; }
  Result<Principal> authenticate(const Request&) const override { return Principal{}; }
  Response render_error(const Status& status) const override {
    return Response::json(http_status_for(status), status.detail());
  }
  std::vector<RouteSpec> routes(const std::string&) override {
    auto ok = [](RequestContext&) -> Result<Response> { return Response::json(200, "{}"); };
    auto later = [](RequestContext&) -> Result<Response> {
      return Response::later([](ResponseCompletion done) {
        std::thread([done] { done(Response::json(202, "late")); }).detach();
      });
    };
    auto later_error = [](RequestContext&) -> Result<Response> {
      return Response::later(
          [](ResponseCompletion done) { done(not_found("thing_not_found", "gone")); });
    };
    return {{.method = "GET",
             .pattern = "/checkout/:session_id/:kind",
             .access = Access::open,
             .handler = ok,
             .secret_params = {"session_id"}},
            {.method = "GET", .pattern = "/later", .access = Access::open, .handler = later},
            {.method = "GET", .pattern = "/gone", .access = Access::open, .handler = later_error}};
  }
};

struct ServiceFixture {
  ServiceFixture() {
    REQUIRE(router.mount("/t", std::make_shared<SecretDialect>()).ok());
    service = std::make_unique<HttpService>(ServiceParts{.router = &router,
                                                         .limiter = &limiter,
                                                         .metrics = &metrics,
                                                         .access_log = &log,
                                                         .idempotency = &idempotency,
                                                         .clock = system_clock()});
  }
  ~ServiceFixture() { std::fclose(file); }

  Response get(const std::string& path) {
    auto request = std::make_shared<Request>();
    request->method = "GET";
    request->target = path;
    request->path = path;
    return service->handle_and_wait(request);
  }
  std::string logged() {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char chunk[4096];
    for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
    return text;
  }

  std::FILE* file = std::tmpfile();
  Router router;
  RateLimiter limiter;
  Metrics metrics;
  AccessLog log{file};
  IdempotencyCache idempotency{100, 60'000};
  std::unique_ptr<HttpService> service;
};

TEST_CASE_FIXTURE(ServiceFixture, "access log: secret path segments are redacted") {
  CHECK(get("/t/checkout/cs_test_secret123/info").status == 200);
  auto wrong_method = std::make_shared<Request>();
  wrong_method->method = "DELETE";
  wrong_method->target = wrong_method->path = "/t/checkout/cs_test_secret456/info";
  CHECK(service->handle_and_wait(wrong_method).status == 405);
  const std::string text = logged();
  CHECK(text.find("cs_test_secret456") == std::string::npos);
  CHECK(text.find("cs_test_secret123") == std::string::npos);
  CHECK(text.find(R"("path":"/t/checkout/[redacted]/info")") != std::string::npos);
}

TEST_CASE_FIXTURE(ServiceFixture, "a deferred answer completes off the handler thread") {
  const Response late = get("/t/later");
  CHECK(late.status == 202);
  CHECK(late.body == "late");
  bool has_request_id = false;
  for (const auto& [name, value] : late.headers) has_request_id |= name == "Request-Id";
  CHECK(has_request_id);
  const Response gone = get("/t/gone");
  CHECK(gone.status == 404);
  CHECK(gone.body == "thing_not_found");
  const std::string text = logged();
  CHECK(text.find(R"("route":"/t/later","dialect":"t","status":202)") != std::string::npos);
  CHECK(text.find(R"("error":"thing_not_found")") != std::string::npos);
}

TEST_CASE("outbound calls: per-principal and server-wide admission") {
  OutboundCalls outbound(OutboundLimits{.calls_max = 3, .per_principal_max = 2});
  auto a1 = outbound.admit("party:1");
  auto a2 = outbound.admit("party:1");
  REQUIRE(a1.ok());
  REQUIRE(a2.ok());
  CHECK(outbound.admit("party:1").status().detail() == kDetailOutboundPerPrincipal);
  auto b1 = outbound.admit("party:2");
  REQUIRE(b1.ok());
  CHECK(outbound.admit("party:3").status().detail() == kDetailOutboundBusy);
  CHECK(outbound.in_flight() == 3);
  std::atomic<bool> ran{false};
  outbound.run(std::move(a1).value(), [&ran] { ran.store(true); });
  outbound.join();
  CHECK(ran.load());
  CHECK(outbound.in_flight() == 2);
  { OutboundCalls::Slot released = std::move(b1).value(); }
  CHECK(outbound.in_flight() == 1);
}

}  // namespace
}  // namespace mc::server
