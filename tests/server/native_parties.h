// tests/server/native_parties.h — /v1 helpers the end-to-end tests share: register a party in a
// market (with its first API key), the headers that authenticate as it, and a deposit.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>

#include "http_client.h"
#include "server_process.h"

namespace mc::test {

struct NewParty {
  std::string id;
  std::string key;  // the party's first API key, as shown once
};

// The Authorization header of `key`, with an Idempotency-Key when one is given.
inline std::map<std::string, std::string> bearer(const std::string& key,
                                                 const std::string& idempotency_key = "") {
  std::map<std::string, std::string> headers{{"Authorization", "Bearer " + key}};
  if (!idempotency_key.empty()) headers["Idempotency-Key"] = idempotency_key;
  return headers;
}

// Registers a party through POST /v1/markets/:market/parties (test mode: no admin key).
inline NewParty register_party(HttpClient& client, const std::string& body = "{}",
                               const std::string& market = "j0") {
  HttpResult result = client.request("POST", "/v1/markets/" + market + "/parties", body);
  REQUIRE_MESSAGE(result.status == 201, result.body);
  return {json_field(result.body, "/party/id"), json_field(result.body, "/api_key/secret")};
}

// Credits `amount_minor` to the party's available balance through its own key (test mode).
inline void deposit(HttpClient& client, const NewParty& party, int64_t amount_minor) {
  HttpResult result =
      client.request("POST", "/v1/parties/" + party.id + "/deposits",
                     R"({"amount_minor":)" + std::to_string(amount_minor) + "}", bearer(party.key));
  REQUIRE_MESSAGE(result.status == 201, result.body);
}

}  // namespace mc::test
