// End-to-end webhook delivery against the marketcore-server binary: an endpoint registered
// through /v1 points at a loopback receiver the test runs; a deposit writes an event; the
// receiver answers 500 twice then 200 and gets the same event id three times, each with a
// fresh timestamp and signature (verified here with the library's Standard Webhooks verifier;
// tests/delivery/run.sh checks them with the standardwebhooks npm package). An endpoint that
// always fails ends in the dead-letter list and is replayed through the API. /metrics shows
// outbox lag and failures.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <set>
#include <thread>

#include "../server/http_client.h"
#include "../server/native_parties.h"
#include "../server/server_process.h"
#include "marketcore/webhook_signatures.h"
#include "webhook_receiver.h"

namespace mc::test {
namespace {

// Creates an endpoint for balance.updated; returns {id, secret}.
std::pair<std::string, std::string> create_endpoint(HttpClient& client, const NewParty& party,
                                                    const std::string& url) {
  HttpResult created = client.request(
      "POST", "/v1/webhook_endpoints",
      R"({"url":")" + url + R"(","enabled_events":["balance.updated"]})", bearer(party.key));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(json_field(created.body, "/object") == "webhook_endpoint");
  CHECK(json_field(created.body, "/signature_scheme") == "standard");
  return {json_field(created.body, "/id"), json_field(created.body, "/secret")};
}

// Sets the delivery settings the child server reads from its environment.
void set_delivery_environment(const std::map<std::string, std::string>& values) {
  for (const char* name : {"MARKETCORE_WEBHOOK_POLL_MS", "MARKETCORE_WEBHOOK_RETRY_BASE_MS",
                           "MARKETCORE_WEBHOOK_RETRY_MAX_MS", "MARKETCORE_WEBHOOK_RETRY_MIN_MS",
                           "MARKETCORE_WEBHOOK_HORIZON_MS", "MARKETCORE_WEBHOOK_TIMEOUT_MS"}) {
    unsetenv(name);
  }
  for (const auto& [name, value] : values) setenv(name.c_str(), value.c_str(), 1);
}

// Polls GET `target` until its body contains `needle`; returns the last body.
std::string poll_until(HttpClient& client, const std::string& target, const std::string& key,
                       const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string body;
  while (std::chrono::steady_clock::now() < deadline) {
    body = client.request("GET", target, "", bearer(key)).body;
    if (body.find(needle) != std::string::npos) return body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return body;
}

}  // namespace

TEST_CASE("e2e webhooks: 500 twice, then delivered with a fresh signature per attempt") {
  set_delivery_environment({{"MARKETCORE_WEBHOOK_POLL_MS", "20"},
                            {"MARKETCORE_WEBHOOK_RETRY_MIN_MS", "1000"},
                            {"MARKETCORE_WEBHOOK_RETRY_BASE_MS", "1100"},
                            {"MARKETCORE_WEBHOOK_RETRY_MAX_MS", "1200"}});
  WebhookReceiver receiver(
      [](const std::string&, int attempt) { return attempt <= 2 ? 500 : 200; });
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty party = register_party(client);
  const auto [endpoint_id, secret] = create_endpoint(client, party, receiver.url("/flaky"));
  CHECK(secret.rfind("whsec_", 0) == 0);
  // The secret is shown once: the list does not carry it.
  HttpResult listed = client.request("GET", "/v1/webhook_endpoints", "", bearer(party.key));
  CHECK(json_field(listed.body, "/data/0/id") == endpoint_id);
  CHECK(listed.body.find("whsec_") == std::string::npos);

  deposit(client, party, 250);
  REQUIRE_MESSAGE(receiver.wait_for("/flaky", 3, std::chrono::seconds(20)), server.log());
  const std::vector<ReceivedWebhook> attempts = receiver.requests("/flaky");
  REQUIRE(attempts.size() == 3);
  std::set<std::string> signatures;
  int64_t previous_timestamp_s = 0;
  for (const ReceivedWebhook& attempt : attempts) {
    const std::string& id = attempt.headers.at("webhook-id");
    const std::string& timestamp = attempt.headers.at("webhook-timestamp");
    const std::string& signature = attempt.headers.at("webhook-signature");
    CHECK(id == attempts.front().headers.at("webhook-id"));  // a stable event id
    CHECK(attempt.body == attempts.front().body);
    CHECK(attempt.headers.at("content-type") == "application/json");
    CHECK(std::stoll(timestamp) > previous_timestamp_s);  // a fresh timestamp ...
    previous_timestamp_s = std::stoll(timestamp);
    signatures.insert(signature);  // ... and so a fresh signature
    CHECK(auth::verify_standard_webhook(secret, id, timestamp, signature, attempt.body,
                                        previous_timestamp_s * 1000)
              .ok());
  }
  CHECK(signatures.size() == 3);
  CHECK(attempts.front().headers.at("webhook-id").rfind("evt_", 0) == 0);
  CHECK(json_field(attempts.front().body, "/type") == "balance.updated");
  CHECK(json_field(attempts.front().body, "/id") == attempts.front().headers.at("webhook-id"));

  const std::string delivered = poll_until(client, "/v1/webhook_deliveries?status=delivered",
                                           party.key, "\"delivered\"", std::chrono::seconds(5));
  CHECK(json_field(delivered, "/data/0/attempts") == "3");
  CHECK(json_field(delivered, "/data/0/endpoint_id") == endpoint_id);
  const std::string metrics = client.request("GET", "/metrics").body;
  CHECK(metrics.find("marketcore_webhook_failures_total{kind=\"http_5xx\"} 2") !=
        std::string::npos);
  CHECK(metrics.find("marketcore_webhook_attempts_total{outcome=\"delivered\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("marketcore_outbox_lag_events 0") != std::string::npos);
  CHECK(metrics.find("marketcore_webhook_deliveries_pending 0") != std::string::npos);

  HttpResult deleted =
      client.request("DELETE", "/v1/webhook_endpoints/" + endpoint_id, "", bearer(party.key));
  CHECK(deleted.status == 200);
  CHECK(client.request("GET", "/v1/webhook_endpoints", "", bearer(party.key))
            .body.find(endpoint_id) == std::string::npos);
  CHECK(server.terminate() == 0);
}

TEST_CASE("e2e webhooks: an endpoint that keeps failing is dead-lettered, then replayed") {
  set_delivery_environment({{"MARKETCORE_WEBHOOK_POLL_MS", "20"},
                            {"MARKETCORE_WEBHOOK_RETRY_MIN_MS", "100"},
                            {"MARKETCORE_WEBHOOK_RETRY_BASE_MS", "200"},
                            {"MARKETCORE_WEBHOOK_RETRY_MAX_MS", "300"},
                            {"MARKETCORE_WEBHOOK_HORIZON_MS", "1500"}});
  std::atomic<bool> healthy{false};
  WebhookReceiver receiver([&healthy](const std::string&, int) { return healthy ? 204 : 503; });
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty party = register_party(client);
  const NewParty stranger = register_party(client);
  create_endpoint(client, party, receiver.url("/down"));

  deposit(client, party, 100);
  const std::string dead = poll_until(client, "/v1/webhook_deliveries?status=dead", party.key,
                                      "\"dead\"", std::chrono::seconds(15));
  REQUIRE_MESSAGE(json_field(dead, "/data/0/status") == "dead", dead);
  CHECK(json_field(dead, "/data/0/last_http_status") == "503");
  const std::string delivery_id = json_field(dead, "/data/0/id");
  const size_t failed_attempts = receiver.requests("/down").size();
  CHECK(failed_attempts >= 3);
  CHECK(json_field(dead, "/data/0/attempts") == std::to_string(failed_attempts));
  const std::string metrics = client.request("GET", "/metrics").body;
  CHECK(metrics.find("marketcore_webhook_deliveries_dead 1") != std::string::npos);
  CHECK(metrics.find("marketcore_webhook_attempts_total{outcome=\"dead\"} 1") != std::string::npos);

  // Another party sees neither the list entry nor may it replay.
  CHECK(client.request("GET", "/v1/webhook_deliveries?status=dead", "", bearer(stranger.key))
            .body.find(delivery_id) == std::string::npos);
  HttpResult foreign = client.request("POST", "/v1/webhook_deliveries/" + delivery_id + "/replay",
                                      "", bearer(stranger.key));
  CHECK(foreign.status == 404);
  CHECK(json_field(foreign.body, "/error/code") == "webhook_delivery_not_found");

  healthy = true;
  HttpResult replayed = client.request("POST", "/v1/webhook_deliveries/" + delivery_id + "/replay",
                                       "", bearer(party.key));
  REQUIRE_MESSAGE(replayed.status == 200, replayed.body);
  CHECK(json_field(replayed.body, "/status") == "pending");
  REQUIRE(receiver.wait_for("/down", failed_attempts + 1, std::chrono::seconds(10)));
  CHECK(receiver.requests("/down").back().answered_status == 204);
  const std::string delivered = poll_until(client, "/v1/webhook_deliveries?status=delivered",
                                           party.key, delivery_id, std::chrono::seconds(5));
  CHECK(json_field(delivered, "/data/0/id") == delivery_id);
  HttpResult again = client.request("POST", "/v1/webhook_deliveries/" + delivery_id + "/replay", "",
                                    bearer(party.key));
  CHECK(again.status == 409);
  CHECK(json_field(again.body, "/error/code") == "webhook_delivery_not_dead");
  CHECK(server.terminate() == 0);
}

TEST_CASE("e2e webhooks: the URL policy refuses what test mode does not allow") {
  set_delivery_environment({});
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty party = register_party(client);
  auto refusal = [&](const std::string& body) {
    HttpResult result = client.request("POST", "/v1/webhook_endpoints", body, bearer(party.key));
    CHECK(result.status == 400);
    return json_field(result.body, "/error/code");
  };
  CHECK(refusal(R"({"url":"http://hooks.example.com/in"})") == "webhook_url_not_https");
  CHECK(refusal(R"({"url":"https://10.1.2.3/in"})") == "webhook_url_forbidden_address");
  CHECK(refusal(R"({"url":"https://169.254.169.254/latest/meta-data"})") ==
        "webhook_url_forbidden_address");
  CHECK(refusal(R"({"url":"http://127.0.0.1:1/in","signature_scheme":"svix"})") ==
        "webhook_scheme_unknown");
  CHECK(refusal(R"({"url":"http://127.0.0.1:1/in","market":"j0"})") == "unknown_param");
  HttpResult anonymous =
      client.request("POST", "/v1/webhook_endpoints", R"({"url":"http://127.0.0.1:1/in"})");
  CHECK(anonymous.status == 401);
  CHECK(server.terminate() == 0);
}

}  // namespace mc::test
