// SHA-256, HMAC-SHA-256, HKDF-SHA-256, randomness and constant-time comparison over OpenSSL 3.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/assert.h"
#include "marketcore/crypto.h"

namespace mc::crypto {

Digest32 sha256(std::string_view data) {
  Digest32 digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return digest;
}

Digest32 hmac_sha256(std::string_view key, std::string_view data) {
  Digest32 digest{};
  unsigned int length = 0;
  // An empty key still needs a non-null pointer for OpenSSL.
  static const unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  const unsigned char* result = HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
                                     reinterpret_cast<const unsigned char*>(data.data()),
                                     data.size(), digest.data(), &length);
  MC_ASSERT(result != nullptr);
  MC_ASSERT(length == digest.size());
  return digest;
}

std::string digest_bytes(const Digest32& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string hmac_sha256_bytes(std::string_view key, std::string_view data) {
  return digest_bytes(hmac_sha256(key, data));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> random_bytes(size_t length_bytes) {
  std::string out(length_bytes, '\0');
  if (length_bytes == 0) return out;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(length_bytes)) !=
      1) {
    return internal_error("random_failed", "the random generator failed");
  }
  return out;
}

Result<std::string> hkdf_sha256(std::string_view input_key, std::string_view salt,
                                std::string_view info, size_t length_bytes) {
  if (length_bytes == 0 || length_bytes > 255 * 32) {
    return invalid_argument("hkdf_length", "HKDF output length must be 1..8160 bytes");
  }
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  if (context == nullptr) return internal_error("hkdf_failed", "HKDF context");
  std::string out(length_bytes, '\0');
  size_t out_length = length_bytes;
  static const unsigned char kEmpty = 0;
  auto bytes = [](std::string_view view) {
    return view.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(view.data());
  };
  const bool ok =
      EVP_PKEY_derive_init(context) == 1 && EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_salt(context, bytes(salt), static_cast<int>(salt.size())) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_key(context, bytes(input_key), static_cast<int>(input_key.size())) ==
          1 &&
      EVP_PKEY_CTX_add1_hkdf_info(context, bytes(info), static_cast<int>(info.size())) == 1 &&
      EVP_PKEY_derive(context, reinterpret_cast<unsigned char*>(out.data()), &out_length) == 1;
  EVP_PKEY_CTX_free(context);
  if (!ok || out_length != length_bytes) return internal_error("hkdf_failed", "HKDF derive");
  return out;
}

}  // namespace mc::crypto
