// Tests for EIP-55 addresses and EIP-191 personal_sign recovery: published vectors, both v
// conventions, high-s and malformed signatures, case-insensitive address comparison.
#include "marketcore/ethereum.h"

#include <doctest/doctest.h>

#include "crypto/vectors.h"
#include "marketcore/encoding.h"

using namespace mc;

TEST_CASE("EIP-55 checksum encodes and validates the EIP's own examples") {
  for (const char* text :
       {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    auto address = eth::parse_checksummed_address(text);
    REQUIRE(address.ok());
    CHECK(eth::to_checksum_address(*address) == text);
  }
  CHECK(eth::parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").ok());
  CHECK(eth::parse_address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED").ok());
  CHECK(eth::parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").status().detail() ==
        "bad_address_checksum");
  CHECK(eth::parse_checksummed_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
            .status()
            .detail() == "bad_address_checksum");
  CHECK(eth::parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea").status().detail() ==
        "bad_address");
  CHECK(eth::parse_address("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").status().detail() ==
        "bad_address");
}

TEST_CASE("EIP-191 hashMessage matches the published vectors") {
  simdjson::dom::parser parser;
  auto vectors = test::load_vectors(parser, "crypto.json");
  for (auto entry : vectors["eip191_hash_message"].get_array()) {
    const crypto::Digest32 digest = eth::hash_personal_message(test::text(entry["message"]));
    CHECK("0x" + encoding::hex_encode(crypto::digest_bytes(digest)) == test::text(entry["hash"]));
  }
}

TEST_CASE("the published personal_sign signature recovers its address") {
  simdjson::dom::parser parser;
  auto vector = test::load_vectors(parser, "crypto.json")["eip191_signature"];
  const std::string message = test::text(vector["message"]);
  const std::string signature = test::text(vector["signature"]);
  const std::string address = test::text(vector["address"]);
  auto signer = eth::recover_personal_sign(message, signature);
  REQUIRE(signer.ok());
  CHECK(eth::to_checksum_address(*signer) == address);
  CHECK(eth::verify_personal_sign(message, signature, address).ok());
  // Case-insensitive comparison with the expected address.
  std::string lower = eth::to_lower_address(*signer);
  CHECK(eth::verify_personal_sign(message, signature, lower).ok());
  // v as 0/1 is accepted too.
  std::string v01 = signature;
  v01.replace(v01.size() - 2, 2, "01");
  CHECK(eth::verify_personal_sign(message, v01, address).ok());
  // The private key signs to the same address, and our signature verifies.
  auto key = encoding::hex_decode(test::text(vector["private_key"]));
  REQUIRE(key.ok());
  CHECK(eth::to_checksum_address(*eth::address_of_private_key(*key)) == address);
  auto ours = eth::sign_personal_message(*key, "another message");
  REQUIRE(ours.ok());
  CHECK(eth::verify_personal_sign("another message", *ours, address).ok());
  // Tampered message or signature fails.
  CHECK(eth::verify_personal_sign("Some datA", signature, address).detail() == "signer_mismatch");
}

TEST_CASE("malformed and malleable signatures are refused with a named reason") {
  simdjson::dom::parser parser;
  auto vector = test::load_vectors(parser, "crypto.json")["eip191_signature"];
  const std::string signature = test::text(vector["signature"]);
  CHECK(eth::parse_signature(signature.substr(0, 130)).status().detail() == "bad_signature");
  CHECK(eth::parse_signature(signature + "00").status().detail() == "bad_signature");
  std::string bad_v = signature;
  bad_v.replace(bad_v.size() - 2, 2, "1d");
  CHECK(eth::parse_signature(bad_v).status().detail() == "bad_signature");
  std::string not_hex = signature;
  not_hex[10] = 'g';
  CHECK(eth::parse_signature(not_hex).status().detail() == "bad_signature");

  // High s: s' = n - s with the flipped v recovers the same key, but EIP-2 refuses it.
  auto raw = *encoding::hex_decode(signature);
  const uint8_t order[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                             0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                             0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int difference = order[i] - static_cast<uint8_t>(raw[32 + i]) - borrow;
    borrow = difference < 0 ? 1 : 0;
    raw[32 + i] = static_cast<char>(difference + (borrow ? 256 : 0));
  }
  raw[64] = static_cast<char>(raw[64] == 27 ? 28 : 27);
  CHECK(eth::parse_signature_bytes(raw).status().detail() == "signature_high_s");

  std::string zero_r(65, '\0');
  zero_r[64] = 27;
  CHECK(eth::parse_signature_bytes(zero_r).status().detail() == "signature_out_of_range");
  std::string big_r(65, '\xff');
  big_r[64] = 27;
  CHECK(eth::parse_signature_bytes(big_r).status().detail() == "signature_out_of_range");
  CHECK(eth::verify_personal_sign("x", signature, "0x123").detail() == "bad_address");
}
