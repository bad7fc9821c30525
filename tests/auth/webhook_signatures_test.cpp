// Webhook signature schemes: the Standard Webhooks specification example, each dialect's
// scheme round-trip, tampering, tolerance windows, several v1 values, malformed headers.
#include "marketcore/webhook_signatures.h"

#include <doctest/doctest.h>

#include "crypto/vectors.h"

using namespace mc;
using namespace mc::auth;

TEST_CASE("Standard Webhooks: the specification's example signs and verifies") {
  simdjson::dom::parser parser;
  auto vector = test::load_vectors(parser, "crypto.json")["standard_webhooks"];
  const std::string secret = test::text(vector["secret"]);
  const std::string id = test::text(vector["msg_id"]);
  const int64_t timestamp_s = vector["timestamp"].get_int64().value();
  const std::string body = test::text(vector["body"]);
  const std::string signature = test::text(vector["signature"]);
  CHECK(*sign_standard_webhook(secret, id, timestamp_s, body) == signature);
  const int64_t now_ms = timestamp_s * 1000 + 10'000;
  const std::string stamp = std::to_string(timestamp_s);
  CHECK(verify_standard_webhook(secret, id, stamp, signature, body, now_ms).ok());
  CHECK(verify_standard_webhook(secret, id, stamp, "v1,bogus " + signature, body, now_ms).ok());
  CHECK(verify_standard_webhook(secret, id, stamp, signature, body + " ", now_ms).detail() ==
        "webhook_bad_signature");
  CHECK(verify_standard_webhook(secret, "msg_other", stamp, signature, body, now_ms).detail() ==
        "webhook_bad_signature");
  CHECK(verify_standard_webhook(secret, id, stamp, signature, body, now_ms + 301'000).detail() ==
        "webhook_timestamp_out_of_tolerance");
  CHECK(verify_standard_webhook(secret, id, "12x", signature, body, now_ms).detail() ==
        "webhook_signature_malformed");
  CHECK(verify_standard_webhook(secret, id, stamp, "", body, now_ms).detail() ==
        "webhook_signature_missing");
  CHECK(verify_standard_webhook("whsec_%%%", id, stamp, signature, body, now_ms).detail() ==
        "webhook_bad_secret");
}

TEST_CASE("hex and sha256= body signatures verify and detect tampering") {
  const std::string body = R"({"event":"task.verified"})";
  const std::string hex = sign_body_hex("s3cret", body);
  CHECK(hex.size() == 64);
  CHECK(verify_body_hex("s3cret", body, hex).ok());
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(verify_body_hex("s3cret", body, upper).ok());
  CHECK(verify_body_hex("s3cret", body + " ", hex).detail() == "webhook_bad_signature");
  CHECK(verify_body_hex("other", body, hex).detail() == "webhook_bad_signature");
  CHECK(verify_body_hex("s3cret", body, "").detail() == "webhook_signature_missing");
  CHECK(verify_body_hex("s3cret", body, hex.substr(1)).detail() == "webhook_signature_malformed");

  const std::string prefixed = sign_body_sha256_prefixed("s3cret", body);
  CHECK(prefixed == "sha256=" + hex);
  CHECK(verify_body_sha256_prefixed("s3cret", body, prefixed).ok());
  CHECK(verify_body_sha256_prefixed("s3cret", body, hex).detail() == "webhook_signature_malformed");
  CHECK(verify_body_sha256_prefixed("s3cret", "{}", prefixed).detail() == "webhook_bad_signature");
}

TEST_CASE("Stripe signatures: tolerance, several v1 values, unknown schemes, bad headers") {
  const std::string body = R"({"id":"evt_1"})";
  const int64_t t = 1'700'000'000;
  const std::string header = sign_stripe("whsec_test", body, t);
  CHECK(header.rfind("t=1700000000,v1=", 0) == 0);
  CHECK(verify_stripe_signature("whsec_test", body, header, t * 1000).ok());
  CHECK(verify_stripe_signature("whsec_test", body, header, (t + 300) * 1000).ok());
  CHECK(verify_stripe_signature("whsec_test", body, header, (t + 301) * 1000).detail() ==
        "webhook_timestamp_out_of_tolerance");
  // Several v1 values (secret rotation) and a v0 that is ignored.
  const std::string v1 = header.substr(header.find("v1="));
  const std::string rotated = "t=1700000000,v1=" + std::string(64, '0') + ",v0=abc," + v1;
  CHECK(verify_stripe_signature("whsec_test", body, rotated, t * 1000).ok());
  CHECK(verify_stripe_signature("whsec_other", body, header, t * 1000).detail() ==
        "webhook_bad_signature");
  CHECK(verify_stripe_signature("whsec_test", body + "x", header, t * 1000).detail() ==
        "webhook_bad_signature");
  for (const std::string& bad : {"t=abc," + v1, v1, std::string("t=1700000000"),
                                 "t=1,t=1700000000," + v1, std::string("garbage"), header + ","}) {
    CAPTURE(bad);
    CHECK(verify_stripe_signature("whsec_test", body, bad, t * 1000).detail() ==
          "webhook_signature_malformed");
  }
  CHECK(verify_stripe_signature("whsec_test", body, "", t * 1000).detail() ==
        "webhook_signature_missing");
}
