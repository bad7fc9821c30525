// End-to-end tests of the test clock over real HTTP on loopback: a j0 job accepted and never
// completed times out and refunds as soon as the client moves the server's clock past its
// timeout; bad advances answer 400 in the native error format; production has no such route;
// stuck due work is listed to the admin and counted on /metrics.
#include <doctest/doctest.h>

#include <cstdlib>

#include "http_client.h"
#include "native_parties.h"
#include "server_process.h"

namespace mc::test {
namespace {

int64_t number(const std::string& text) {
  return std::strtoll(text.c_str(), nullptr, 10);
}

}  // namespace

TEST_CASE("e2e test clock: advancing past timeout_sec times a j0 job out and refunds it") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  NewParty requester = register_party(client);
  NewParty worker = register_party(client);
  HttpResult deposit = client.request("POST", "/v1/parties/" + requester.id + "/deposits",
                                      R"({"amount_minor":100})", bearer(requester.key));
  REQUIRE_MESSAGE(deposit.status == 201, deposit.body);
  HttpResult created = client.request(
      "POST", "/v1/jobs",
      R"({"amount_minor":40,"category":"opus","prompt":"Summarize","work_timeout_ms":30000})",
      bearer(requester.key));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string job_id = json_field(created.body, "/id");
  HttpResult accepted =
      client.request("POST", "/v1/jobs/" + job_id + "/actions/accept", "", bearer(worker.key));
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);

  HttpResult before = client.request("GET", "/v1/test/clock");
  REQUIRE_MESSAGE(before.status == 200, before.body);
  const int64_t before_ms = number(json_field(before.body, "/now_ms"));
  CHECK(before_ms > 0);

  HttpResult moved = client.request("POST", "/v1/test/clock", R"({"advance_seconds":31})");
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  const int64_t moved_ms = number(json_field(moved.body, "/now_ms"));
  CHECK(moved_ms >= before_ms + 31'000);
  // Fired before the answer: no waiting for the scheduler.
  HttpResult job = client.request("GET", "/v1/jobs/" + job_id, "", bearer(requester.key));
  REQUIRE(job.status == 200);
  CHECK(json_field(job.body, "/state") == "timeout");
  HttpResult balance =
      client.request("GET", "/v1/parties/" + requester.id + "/balance", "", bearer(requester.key));
  CHECK(json_field(balance.body, "/available_minor") == "100");
  HttpResult now = client.request("GET", "/v1/test/clock");
  CHECK(number(json_field(now.body, "/now_ms")) >= moved_ms);

  for (const char* bad :
       {R"({"advance_seconds":0})", R"({"advance_seconds":-5})", R"({"advance_seconds":1.5})",
        R"({"advance_seconds":"10"})", "{}", R"({"advance_seconds":10,"extra":1})"}) {
    HttpResult refused = client.request("POST", "/v1/test/clock", bad);
    INFO(bad << " → " << refused.body);
    CHECK(refused.status == 400);
    CHECK(json_field(refused.body, "/error/type") == "invalid_request_error");
  }
  HttpResult zero = client.request("POST", "/v1/test/clock", R"({"advance_seconds":0})");
  CHECK(json_field(zero.body, "/error/param") == "advance_seconds");

  // Nothing is stuck; the admin listing and the gauge say so.
  HttpResult stuck = client.request("GET", "/v1/stuck-work", "", bearer(kAdminKey));
  REQUIRE_MESSAGE(stuck.status == 200, stuck.body);
  CHECK(json_field(stuck.body, "/data") == "[]");
  CHECK(client.request("GET", "/v1/stuck-work", "", bearer(requester.key)).status == 403);
  HttpResult retry = client.request("POST", "/v1/stuck-work/timers/1/retry", "", bearer(kAdminKey));
  CHECK(retry.status == 404);
  CHECK(json_field(retry.body, "/error/code") == "stuck_work_not_found");
  const std::string metrics = client.request("GET", "/metrics").body;
  CHECK(metrics.find("marketcore_due_work_stuck 0") != std::string::npos);
  CHECK(server.terminate() == 0);
}

TEST_CASE("e2e test clock: production has no test clock") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start({"--production"}), server.log());
  HttpClient client(server.port());
  CHECK(client.request("GET", "/v1/test/clock").status == 404);
  CHECK(client.request("POST", "/v1/test/clock", R"({"advance_seconds":60})").status == 404);
  CHECK(client.request("POST", "/v1/test/clock", R"({"advance_seconds":60})", bearer(kAdminKey))
            .status == 404);
  CHECK(server.terminate() == 0);
}

}  // namespace mc::test
