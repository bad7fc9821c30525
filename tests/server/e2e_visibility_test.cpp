// Who may see what, over /v1 on loopback: the j0 lifecycle's visibility is applied to every
// job the native API renders, so a third party of the j0 market sees the 100-character prompt
// preview and no result, while the requester, the worker and the admin see both.
#include <doctest/doctest.h>

#include "http_client.h"
#include "native_parties.h"
#include "server_process.h"

namespace mc::test {

TEST_CASE("e2e native: a third party of j0 sees the 100-char prompt preview and no result") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty requester = register_party(client);
  const NewParty worker = register_party(client);
  const NewParty third = register_party(client);
  REQUIRE(client
              .request("POST", "/v1/parties/" + requester.id + "/deposits",
                       R"({"amount_minor":100})", bearer(requester.key))
              .status == 201);
  const std::string prompt(150, 'p');
  HttpResult created =
      client.request("POST", "/v1/jobs",
                     R"({"amount_minor":10,"category":"opus","work_timeout_ms":30000,"prompt":")" +
                         prompt + R"("})",
                     bearer(requester.key));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(json_field(created.body, "/prompt") == prompt);
  const std::string job = json_field(created.body, "/id");
  HttpResult posted = client.request("GET", "/v1/jobs/" + job, "", bearer(third.key));
  CHECK(json_field(posted.body, "/prompt") == std::string(100, 'p'));
  REQUIRE(client.request("POST", "/v1/jobs/" + job + "/actions/accept", "", bearer(worker.key))
              .status == 200);
  HttpResult completed = client.request("POST", "/v1/jobs/" + job + "/actions/complete",
                                        R"({"result":"secret answer"})", bearer(worker.key));
  REQUIRE_MESSAGE(completed.status == 200, completed.body);
  CHECK(json_field(completed.body, "/result") == "secret answer");

  HttpResult seen = client.request("GET", "/v1/jobs/" + job, "", bearer(third.key));
  REQUIRE(seen.status == 200);
  CHECK(json_field(seen.body, "/prompt") == std::string(100, 'p'));
  CHECK(json_field(seen.body, "/result").empty());
  CHECK(json_field(seen.body, "/redacted_fields") == R"(["prompt","result"])");
  HttpResult listed = client.request("GET", "/v1/jobs", "", bearer(third.key));
  REQUIRE(listed.status == 200);
  CHECK(json_field(listed.body, "/data/0/prompt") == std::string(100, 'p'));
  CHECK(json_field(listed.body, "/data/0/result").empty());
  CHECK(listed.body.find("secret answer") == std::string::npos);

  for (const NewParty& party : {requester, worker}) {
    HttpResult full = client.request("GET", "/v1/jobs/" + job, "", bearer(party.key));
    CHECK(json_field(full.body, "/prompt") == prompt);
    CHECK(json_field(full.body, "/result") == "secret answer");
    CHECK(json_field(full.body, "/redacted_fields") == "[]");
    HttpResult list = client.request("GET", "/v1/jobs?role=any", "", bearer(party.key));
    CHECK(json_field(list.body, "/data/0/result") == "secret answer");
  }
  HttpResult admin = client.request("GET", "/v1/jobs/" + job, "", bearer(kAdminKey));
  CHECK(json_field(admin.body, "/result") == "secret answer");
  CHECK(server.terminate() == 0);
}

TEST_CASE("e2e native: an idempotency key out of bounds is idempotency_key_invalid") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const NewParty poster = register_party(client);
  std::map<std::string, std::string> headers = bearer(poster.key);
  headers["Idempotency-Key"] = std::string(300, 'k');
  HttpResult refused = client.request("POST", "/v1/parties/" + poster.id + "/deposits",
                                      R"({"amount_minor":5})", headers);
  CHECK(refused.status == 400);
  CHECK(json_field(refused.body, "/error/code") == "idempotency_key_invalid");
  CHECK(json_field(refused.body, "/error/type") == "idempotency_error");
  CHECK(server.terminate() == 0);
}

}  // namespace mc::test
