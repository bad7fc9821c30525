// E2EE credential helpers: round trip, SPKI and raw recipient keys, tampering, wrong keys,
// malformed blobs.
#include "marketcore/e2ee.h"

#include <doctest/doctest.h>

#include "marketcore/encoding.h"

using namespace mc;

TEST_CASE("a credential encrypted to a public key decrypts with its private key only") {
  auto agent = e2ee::generate_key_pair();
  REQUIRE(agent.ok());
  CHECK(encoding::base64_decode(agent->public_key_b64)->size() == 65);
  const std::string secret = R"({"username":"op","password":"hunter2"})";
  auto blob = e2ee::encrypt_credential(agent->public_key_b64, secret);
  REQUIRE_MESSAGE(blob.ok(), blob.status().to_string());
  CHECK(encoding::base64_decode(blob->iv_b64)->size() == 12);
  auto plain = e2ee::decrypt_credential(agent->private_key_b64, *blob);
  REQUIRE_MESSAGE(plain.ok(), plain.status().to_string());
  CHECK(*plain == secret);

  auto other = *e2ee::generate_key_pair();
  CHECK(e2ee::decrypt_credential(other.private_key_b64, *blob).status().detail() ==
        "e2ee_decrypt_failed");
  auto tampered = *blob;
  std::string bytes = *encoding::base64_decode(tampered.ciphertext_b64);
  bytes[0] ^= 1;
  tampered.ciphertext_b64 = encoding::base64_encode(bytes);
  CHECK(e2ee::decrypt_credential(agent->private_key_b64, tampered).status().detail() ==
        "e2ee_decrypt_failed");
  CHECK(e2ee::decrypt_credential(agent->private_key_b64, *blob, {.info = "other"})
            .status()
            .detail() == "e2ee_decrypt_failed");
  auto short_iv = *blob;
  short_iv.iv_b64 = encoding::base64_encode("short");
  CHECK(e2ee::decrypt_credential(agent->private_key_b64, short_iv).status().detail() ==
        "e2ee_bad_blob");
  CHECK(e2ee::decrypt_credential("!!", *blob).status().detail() == "e2ee_bad_private_key");
}

TEST_CASE("recipient keys are accepted as raw points or SPKI and checked") {
  // SPKI DER = fixed P-256 prefix + raw point.
  auto agent = *e2ee::generate_key_pair();
  const std::string raw = *encoding::base64_decode(agent.public_key_b64);
  const std::string spki =
      *encoding::hex_decode("3059301306072a8648ce3d020106082a8648ce3d030107034200") + raw;
  auto blob = e2ee::encrypt_credential(encoding::base64_encode(spki), "x");
  REQUIRE_MESSAGE(blob.ok(), blob.status().to_string());
  CHECK(*e2ee::decrypt_credential(agent.private_key_b64, *blob) == "x");

  std::string off_curve = raw;
  off_curve[40] ^= 1;
  CHECK(e2ee::encrypt_credential(encoding::base64_encode(off_curve), "x").status().detail() ==
        "e2ee_bad_public_key");
  CHECK(e2ee::encrypt_credential("AAAA", "x").status().detail() == "e2ee_bad_public_key");
  CHECK(e2ee::encrypt_credential("not base64!", "x").status().detail() == "e2ee_bad_public_key");
}
