// End-to-end tests of the native API over real HTTP on loopback: a job through its life,
// idempotent replay, auth failures, oversize bodies, malformed JSON, rate limits.
#include <doctest/doctest.h>

#include "http_client.h"
#include "native_parties.h"
#include "server_process.h"

namespace mc::test {
namespace {

std::string balance(HttpClient& client, const NewParty& party) {
  HttpResult result =
      client.request("GET", "/v1/parties/" + party.id + "/balance", "", bearer(party.key));
  REQUIRE(result.status == 200);
  return json_field(result.body, "/available_minor");
}

TEST_CASE("e2e native: a j0 job through its life, with idempotent replay") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  NewParty poster = register_party(client);
  NewParty worker = register_party(client, R"({"capabilities":["opus"]})");
  CHECK(poster.key.rfind("mc_test_", 0) == 0);

  HttpResult deposit = client.request("POST", "/v1/parties/" + poster.id + "/deposits",
                                      R"({"amount_minor":100})", bearer(poster.key, "dep-1"));
  REQUIRE_MESSAGE(deposit.status == 201, deposit.body);
  HttpResult again = client.request("POST", "/v1/parties/" + poster.id + "/deposits",
                                    R"({"amount_minor":100})", bearer(poster.key, "dep-1"));
  CHECK(again.status == 201);
  CHECK(again.header("idempotent-replayed") == std::optional<std::string>("true"));
  CHECK(json_field(again.body, "/transfer_id") == json_field(deposit.body, "/transfer_id"));
  HttpResult reused = client.request("POST", "/v1/parties/" + poster.id + "/deposits",
                                     R"({"amount_minor":5})", bearer(poster.key, "dep-1"));
  CHECK(reused.status == 409);
  CHECK(json_field(reused.body, "/error/type") == "idempotency_error");
  CHECK(balance(client, poster) == "100");

  const std::string job_body =
      R"({"amount_minor":10,"category":"opus","prompt":"Summarize","work_timeout_ms":30000})";
  HttpResult created = client.request("POST", "/v1/jobs", job_body, bearer(poster.key, "job-1"));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string job_id = json_field(created.body, "/id");
  CHECK(json_field(created.body, "/state") == "posted");
  HttpResult replay = client.request("POST", "/v1/jobs", job_body, bearer(poster.key, "job-1"));
  CHECK(replay.header("idempotent-replayed") == std::optional<std::string>("true"));
  CHECK(json_field(replay.body, "/id") == job_id);
  CHECK(balance(client, poster) == "90");

  HttpResult accepted =
      client.request("POST", "/v1/jobs/" + job_id + "/actions/accept", "", bearer(worker.key));
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  CHECK(json_field(accepted.body, "/worker_id") == worker.id);
  HttpResult second =
      client.request("POST", "/v1/jobs/" + job_id + "/actions/accept", "", bearer(worker.key));
  CHECK(second.status == 409);
  HttpResult by_poster = client.request("POST", "/v1/jobs/" + job_id + "/actions/complete",
                                        R"({"result":"x"})", bearer(poster.key));
  CHECK(by_poster.status == 403);
  HttpResult completed = client.request("POST", "/v1/jobs/" + job_id + "/actions/complete",
                                        R"({"result":"done"})", bearer(worker.key));
  REQUIRE_MESSAGE(completed.status == 200, completed.body);
  CHECK(json_field(completed.body, "/state") == "completed");
  CHECK(balance(client, worker) == "9");

  HttpResult history =
      client.request("GET", "/v1/jobs/" + job_id + "/history", "", bearer(poster.key));
  CHECK(history.body.find("\"accept\"") != std::string::npos);
  HttpResult transfers = client.request("GET", "/v1/parties/" + worker.id + "/transfers?limit=1",
                                        "", bearer(worker.key));
  CHECK(json_field(transfers.body, "/data/0/reason") == "job_earn");
  HttpResult events = client.request("GET", "/v1/events?limit=2", "", bearer(worker.key));
  REQUIRE(events.status == 200);
  CHECK(json_field(events.body, "/has_more") == "true");
  const std::string cursor = json_field(events.body, "/next_cursor");
  HttpResult more = client.request("GET", "/v1/events?after=" + cursor, "", bearer(worker.key));
  CHECK(more.body.find("job.completed") != std::string::npos);
  HttpResult verified = client.request("GET", "/v1/ledger/verify", "", bearer(kAdminKey));
  CHECK(json_field(verified.body, "/ok") == "true");
  // The group-commit writer's counters are on /metrics.
  const std::string metrics = client.request("GET", "/metrics").body;
  CHECK(metrics.find("# TYPE marketcore_commit_batches_total counter") != std::string::npos);
  CHECK(metrics.find("marketcore_commit_units_total 0\n") == std::string::npos);
  CHECK(metrics.find("marketcore_commit_batch_units_largest ") != std::string::npos);
  CHECK(server.terminate() == 0);
}

TEST_CASE("e2e native: a direct hire is created and started as one unit, or not at all") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty hirer = register_party(client, "{}", "agentmarket");
  const NewParty hired = register_party(client, "{}", "agentmarket");
  const NewParty rival = register_party(client, "{}", "agentmarket");
  REQUIRE(client
              .request("POST", "/v1/parties/" + hirer.id + "/deposits", R"({"amount_minor":50})",
                       bearer(hirer.key))
              .status == 201);
  const std::string hire = R"({"amount_minor":20,"title":"Hire","worker_id":)" + hired.id;
  HttpResult started = client.request(
      "POST", "/v1/jobs", hire + R"(,"then_fire":"start_execution"})", bearer(hirer.key));
  REQUIRE_MESSAGE(started.status == 201, started.body);
  CHECK(json_field(started.body, "/state") == "executing");
  const std::string job_id = json_field(started.body, "/id");
  HttpResult taken =
      client.request("POST", "/v1/jobs/" + job_id + "/actions/accept", "", bearer(rival.key));
  CHECK(taken.status == 409);
  CHECK(balance(client, hirer) == "30");
  // A follow-up the lifecycle refuses leaves nothing behind: no job, no escrow.
  HttpResult refused =
      client.request("POST", "/v1/jobs", hire + R"(,"then_fire":"complete"})", bearer(hirer.key));
  CHECK(refused.status >= 400);
  CHECK(balance(client, hirer) == "30");
}

TEST_CASE("e2e native: auth failures reveal nothing") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  NewParty alice = register_party(client);
  NewParty bob = register_party(client);

  HttpResult anonymous = client.request("GET", "/v1/parties/" + alice.id + "/balance");
  CHECK(anonymous.status == 401);
  CHECK(json_field(anonymous.body, "/error/type") == "authentication_error");
  HttpResult wrong = client.request("GET", "/v1/parties/" + alice.id, "",
                                    bearer("mc_test_0000000000000000000000000000000000000A"));
  CHECK(wrong.status == 401);
  CHECK(client.request("GET", "/v1/jobs", "", {{"Authorization", "Basic abc"}}).status == 401);
  HttpResult other =
      client.request("GET", "/v1/parties/" + alice.id + "/balance", "", bearer(bob.key));
  CHECK(other.status == 404);
  HttpResult missing = client.request("GET", "/v1/parties/999999/balance", "", bearer(bob.key));
  CHECK(missing.body == other.body);  // another party's data and no data look the same
  CHECK(client.request("GET", "/v1/ledger/verify", "", bearer(bob.key)).status == 403);
  CHECK(client.request("POST", "/v1/markets", R"({"name":"m","based_on":"j0"})", bearer(bob.key))
            .status == 403);
  HttpResult market =
      client.request("POST", "/v1/markets", R"({"name":"m2","based_on":"j0"})", bearer(kAdminKey));
  CHECK(market.status == 201);
}

TEST_CASE("e2e native: bad input gets the native error format and changes nothing") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start({"--body-limit", "2048"}), server.log());
  HttpClient client(server.port());
  NewParty poster = register_party(client);
  REQUIRE(client
              .request("POST", "/v1/parties/" + poster.id + "/deposits", R"({"amount":"50"})",
                       bearer(poster.key))
              .status == 201);

  HttpResult malformed =
      client.request("POST", "/v1/jobs", R"({"amount_minor":10,"category":)", bearer(poster.key));
  CHECK(malformed.status == 400);
  CHECK(json_field(malformed.body, "/error/code") == "malformed_json");
  CHECK(json_field(malformed.body, "/error/type") == "invalid_request_error");
  HttpResult fraction =
      client.request("POST", "/v1/jobs", R"({"amount_minor":10.5})", bearer(poster.key));
  CHECK(fraction.status == 400);
  CHECK(json_field(fraction.body, "/error/param") == "amount_minor");
  HttpResult oversize = client.request(
      "POST", "/v1/jobs", R"({"prompt":")" + std::string(4000, 'x') + R"("})", bearer(poster.key));
  CHECK(oversize.status == 413);
  CHECK(json_field(oversize.body, "/error/code") == "body_too_large");
  HttpResult poor = client.request(
      "POST", "/v1/jobs",
      R"({"amount_minor":60,"category":"opus","prompt":"p","work_timeout_ms":30000})",
      bearer(poster.key));
  CHECK(poor.status == 402);
  CHECK(json_field(poor.body, "/error/code") == "insufficient_funds");
  CHECK(balance(client, poster) == "50");
  HttpResult transfers =
      client.request("GET", "/v1/parties/" + poster.id + "/transfers", "", bearer(poster.key));
  CHECK(json_field(transfers.body, "/data/1/id").empty());  // still the one deposit

  HttpResult unknown = client.request("GET", "/v1/nothing", "", bearer(poster.key));
  CHECK(unknown.status == 404);
  CHECK(json_field(unknown.body, "/error/code") == "route_not_found");
  CHECK(client.request("DELETE", "/v1/jobs", "", bearer(poster.key)).status == 405);
  HttpResult garbage = client.raw("NOT HTTP AT ALL\r\n\r\n");
  CHECK(garbage.status == 400);
  CHECK(json_field(client.request("GET", "/v1/ledger/verify", "", bearer(kAdminKey)).body, "/ok") ==
        "true");
}

TEST_CASE("e2e native: rate limit answers 429 with Retry-After") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start({"--rate-limit", "native.read=3/60:principal"}), server.log());
  HttpClient client(server.port());
  NewParty party = register_party(client);
  int limited = 0;
  HttpResult last;
  for (int i = 0; i < 5; ++i) {
    last = client.request("GET", "/v1/parties/" + party.id, "", bearer(party.key));
    if (last.status == 429) ++limited;
  }
  CHECK(limited == 2);
  CHECK(last.header("retry-after").has_value());
  CHECK(json_field(last.body, "/error/type") == "rate_limit_error");
  HttpResult metrics = client.request("GET", "/metrics");
  CHECK(metrics.body.find(R"(status="429")") != std::string::npos);
}

}  // namespace
}  // namespace mc::test
