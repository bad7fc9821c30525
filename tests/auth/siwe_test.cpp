// SIWE (EIP-4361) against the public spruceid vectors: every positive message parses to its
// fields, every negative message and field object is refused, every positive verification
// passes and every negative one fails. eip1271.json is skipped: contract-wallet signatures
// need a chain (ERC-1271 isValidSignature), which is out of scope offline.
#include "marketcore/siwe.h"

#include <doctest/doctest.h>

#include <map>

#include "auth/rfc3339.h"
#include "crypto/vectors.h"
#include "marketcore/encoding.h"
#include "marketcore/ethereum.h"
#include "marketcore/memory_auth_stores.h"

using namespace mc;
using namespace mc::auth;

namespace {

constexpr int64_t kDefaultNowMs = 1'717'200'000'000;  // 2024-06-01, when no "time" is given

std::optional<std::string> optional_text(simdjson::dom::element object, const char* key) {
  auto value = object[key];
  if (value.error() || value.is_null()) return std::nullopt;
  return test::text(value.value());
}

// Builds a message from a vector's field object; nullopt when a field cannot be represented.
std::optional<SiweMessage> from_fields(simdjson::dom::element fields) {
  SiweMessage message;
  message.scheme = optional_text(fields, "scheme").value_or("");
  message.domain = optional_text(fields, "domain").value_or("");
  message.address = optional_text(fields, "address").value_or("");
  message.statement = optional_text(fields, "statement");
  message.uri = optional_text(fields, "uri").value_or("");
  message.version = optional_text(fields, "version").value_or("");
  auto chain = fields["chainId"];
  if (chain.error()) return std::nullopt;
  if (!chain.is_uint64()) return std::nullopt;
  message.chain_id = chain.get_uint64().value();
  message.nonce = optional_text(fields, "nonce").value_or("");
  message.issued_at = optional_text(fields, "issuedAt").value_or("");
  message.expiration_time = optional_text(fields, "expirationTime");
  message.not_before = optional_text(fields, "notBefore");
  message.request_id = optional_text(fields, "requestId");
  auto resources = fields["resources"];
  if (!resources.error()) {
    for (auto resource : resources.get_array()) message.resources.push_back(test::text(resource));
  }
  return message;
}

}  // namespace

TEST_CASE("SIWE positive parsing vectors parse to their fields and format back") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "siwe/parsing_positive.json");
  int count = 0;
  for (auto field : vectors.get_object()) {
    const std::string name(field.key);
    auto entry = field.value;
    CAPTURE(name);
    const std::string text = test::text(entry["message"]);
    auto parsed = parse_siwe_message(text);
    REQUIRE_MESSAGE(parsed.ok(), parsed.status().to_string());
    auto expected = from_fields(entry["fields"]);
    REQUIRE(expected.has_value());
    CHECK(parsed->scheme == expected->scheme);
    CHECK(parsed->domain == expected->domain);
    CHECK(parsed->address == expected->address);
    CHECK(parsed->statement.value_or("") == expected->statement.value_or(""));
    CHECK(parsed->uri == expected->uri);
    CHECK(parsed->chain_id == expected->chain_id);
    CHECK(parsed->nonce == expected->nonce);
    CHECK(parsed->issued_at == expected->issued_at);
    CHECK(parsed->expiration_time == expected->expiration_time);
    CHECK(parsed->not_before == expected->not_before);
    CHECK(parsed->request_id == expected->request_id);
    CHECK(parsed->resources == expected->resources);
    CHECK(format_siwe_message(*parsed) == text);
    ++count;
  }
  CHECK(count == 19);
}

TEST_CASE("SIWE negative parsing vectors are refused with a named field") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "siwe/parsing_negative.json");
  int count = 0;
  for (auto field : vectors.get_object()) {
    const std::string name(field.key);
    auto entry = field.value;
    CAPTURE(name);
    auto parsed = parse_siwe_message(test::text(entry));
    REQUIRE(!parsed.ok());
    CHECK(parsed.status().code() == Code::invalid_argument);
    CHECK(parsed.status().detail().rfind("siwe_", 0) == 0);
    ++count;
  }
  CHECK(count == 29);
}

TEST_CASE("SIWE negative field objects do not build a valid message") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "siwe/parsing_negative_objects.json");
  int count = 0;
  for (auto field : vectors.get_object()) {
    const std::string name(field.key);
    auto entry = field.value;
    CAPTURE(name);
    auto message = from_fields(entry);
    if (message) CHECK(!parse_siwe_message(format_siwe_message(*message)).ok());
    ++count;
  }
  CHECK(count == 18);
}

namespace {
Status verify_vector(simdjson::dom::element entry) {
  auto message = from_fields(entry);
  if (!message) return invalid_argument("unrepresentable", "field object");
  const std::string text = format_siwe_message(*message);
  MC_TRY_ASSIGN(SiweMessage parsed, parse_siwe_message(text));
  SiweChecks checks;
  const std::string domain = optional_text(entry, "domainBinding").value_or(parsed.domain);
  checks.domain = domain;
  const auto nonce = optional_text(entry, "matchNonce");
  if (nonce) checks.nonce = *nonce;
  const auto time = optional_text(entry, "time");
  checks.now_ms = time ? *parse_rfc3339_ms(*time) : kDefaultNowMs;
  return verify_siwe(parsed, text, test::text(entry["signature"]), checks);
}
}  // namespace

TEST_CASE("SIWE positive verification vectors verify") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "siwe/verification_positive.json");
  int count = 0;
  for (auto field : vectors.get_object()) {
    const std::string name(field.key);
    auto entry = field.value;
    CAPTURE(name);
    const Status status = verify_vector(entry);
    CHECK_MESSAGE(status.ok(), status.to_string());
    ++count;
  }
  CHECK(count == 4);
}

// Why each negative verification vector must fail.
const std::map<std::string, std::string> kExpectedFailure = {
    {"expired message", "siwe_expired"},
    {"domain binding", "siwe_domain_mismatch"},
    {"custom time", "siwe_expired"},
    {"custom nonce", "siwe_nonce_mismatch"},
    {"malformed signature", "bad_signature"},
    {"wrong signature", "signer_mismatch"},
    {"not yet valid", "siwe_not_yet_valid"},
    {"invalid issuedAt", "siwe_bad_issued_at"},
    {"invalid notBefore", "siwe_bad_not_before"},
    {"invalid expirationTime", "siwe_bad_expiration_time"},
};

TEST_CASE("SIWE negative verification vectors fail for the named reason") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "siwe/verification_negative.json");
  int count = 0;
  for (auto field : vectors.get_object()) {
    const std::string name(field.key);
    auto entry = field.value;
    CAPTURE(name);
    const Status status = verify_vector(entry);
    CHECK(!status.ok());
    CHECK(status.detail() == kExpectedFailure.at(name));
    ++count;
  }
  CHECK(count == 10);
}

namespace {
const std::string kKey(32, '\x07');

std::string login_message(const std::string& domain, const std::string& nonce, int64_t now_ms,
                          std::optional<int64_t> expires_ms = std::nullopt) {
  SiweMessage message;
  message.domain = domain;
  message.address = eth::to_checksum_address(*eth::address_of_private_key(kKey));
  message.statement = "Sign in to the market";
  message.uri = "https://" + domain + "/login";
  message.nonce = nonce;
  message.issued_at = format_rfc3339_ms(now_ms);
  if (expires_ms) message.expiration_time = format_rfc3339_ms(*expires_ms);
  return format_siwe_message(message);
}
}  // namespace

TEST_CASE("SiweVerifier accepts a nonce we issued exactly once, within its lifetime") {
  auto clock = std::make_shared<ManualClock>(kDefaultNowMs);
  auto nonces = std::make_shared<MemoryNonceStore>();
  SiweVerifier verifier({.domain = "market.example"}, nonces, clock);
  auto nonce = verifier.issue_nonce();
  REQUIRE(nonce.ok());
  CHECK(nonce->size() == 17);
  const std::string text = login_message("market.example", *nonce, clock->now_ms());
  const std::string signature = *eth::sign_personal_message(kKey, text);

  auto login = verifier.verify(text, signature);
  REQUIRE_MESSAGE(login.ok(), login.status().to_string());
  CHECK(login->address == eth::to_checksum_address(*eth::address_of_private_key(kKey)));
  CHECK(verifier.verify(text, signature).status().detail() == "nonce_unknown");

  // A nonce we never issued.
  const std::string forged = login_message("market.example", "AAAAAAAAAAAA", clock->now_ms());
  CHECK(verifier.verify(forged, *eth::sign_personal_message(kKey, forged)).status().detail() ==
        "nonce_unknown");

  // Expired nonce.
  auto late = verifier.issue_nonce();
  clock->advance_ms(11 * kMillisecondsPerMinute);
  const std::string late_text = login_message("market.example", *late, clock->now_ms());
  CHECK(
      verifier.verify(late_text, *eth::sign_personal_message(kKey, late_text)).status().detail() ==
      "nonce_expired");
}

TEST_CASE("SiweVerifier refuses other domains, bad signatures and future issued-at") {
  auto clock = std::make_shared<ManualClock>(kDefaultNowMs);
  auto nonces = std::make_shared<MemoryNonceStore>();
  SiweVerifier verifier({.domain = "market.example", .chain_ids = {1}}, nonces, clock);
  auto nonce = *verifier.issue_nonce();

  const std::string other = login_message("evil.example", nonce, clock->now_ms());
  CHECK(verifier.verify(other, *eth::sign_personal_message(kKey, other)).status().detail() ==
        "siwe_domain_mismatch");

  const std::string text = login_message("market.example", nonce, clock->now_ms());
  const std::string wrong_key(32, '\x09');
  CHECK(verifier.verify(text, *eth::sign_personal_message(wrong_key, text)).status().detail() ==
        "signer_mismatch");
  CHECK(verifier.verify(text, "0x1234").status().detail() == "bad_signature");

  const std::string future =
      login_message("market.example", nonce, clock->now_ms() + kMillisecondsPerHour);
  CHECK(verifier.verify(future, *eth::sign_personal_message(kKey, future)).status().detail() ==
        "siwe_issued_in_future");
  // Failed attempts did not burn the nonce.
  CHECK(verifier.verify(text, *eth::sign_personal_message(kKey, text)).ok());
}

TEST_CASE("rfc3339 parsing checks the calendar and offsets") {
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339_ms("1970-01-01T00:00:01.5Z") == 1500);
  CHECK(parse_rfc3339_ms("1970-01-01T02:00:00+02:00") == 0);
  CHECK(parse_rfc3339_ms("2024-02-29T00:00:00Z").has_value());
  CHECK(!parse_rfc3339_ms("2023-02-29T00:00:00Z").has_value());
  CHECK(!parse_rfc3339_ms("2022-02-31T17:09:38.578Z").has_value());
  CHECK(!parse_rfc3339_ms("2022-01-01T00:00:00").has_value());
  CHECK(!parse_rfc3339_ms("2022-01-01T00:00:00.Z").has_value());
  CHECK(!parse_rfc3339_ms("2022-01-01 00:00:00Z").has_value());
  CHECK(format_rfc3339_ms(1'643'303'378'578) == "2022-01-27T17:09:38.578Z");
  CHECK(parse_rfc3339_ms(format_rfc3339_ms(1'643'303'378'578)) == 1'643'303'378'578);
}
