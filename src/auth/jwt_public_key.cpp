// RS256 / ES256 verification of externally issued tokens with a configured public key
// (OpenSSL EVP). JWS carries ES256 signatures as raw r || s (64 bytes, RFC 7518 §3.4);
// OpenSSL wants DER, so they are converted, and any other length is refused.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/jwt_codec.h"
#include "marketcore/jwt.h"

namespace mc::auth {

struct JwtPublicKeyVerifier::Key {
  EVP_PKEY* key = nullptr;
  ~Key() { EVP_PKEY_free(key); }
};

namespace {

Status bad_key(std::string message) {
  return invalid_argument("jwt_bad_public_key", std::move(message));
}

// r || s → DER ECDSA-Sig-Value; empty on failure.
std::string es256_to_der(const std::string& raw) {
  if (raw.size() != 64) return {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return {};
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

bool verify_sha256(EVP_PKEY* key, std::string_view data, const std::string& signature) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (context == nullptr) return false;
  const bool ok =
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok;
}

}  // namespace

Result<JwtPublicKeyVerifier> JwtPublicKeyVerifier::from_pem(std::string_view pem,
                                                            JwtPublicKeyAlgorithm algorithm) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return bad_key("cannot read PEM");
  auto key = std::make_shared<Key>();
  key->key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key->key == nullptr) return bad_key("not a PEM public key");
  if (algorithm == JwtPublicKeyAlgorithm::rs256) {
    if (!EVP_PKEY_is_a(key->key, "RSA")) return bad_key("RS256 needs an RSA key");
    if (EVP_PKEY_get_bits(key->key) < 2048) return bad_key("RSA key below 2048 bits");
  } else {
    char group[64] = {};
    size_t length = 0;
    if (!EVP_PKEY_is_a(key->key, "EC") ||
        EVP_PKEY_get_utf8_string_param(key->key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &length) != 1 ||
        std::string_view(group, length) != "prime256v1") {
      return bad_key("ES256 needs a P-256 key");
    }
  }
  return JwtPublicKeyVerifier(std::move(key), algorithm);
}

Result<JwtClaims> JwtPublicKeyVerifier::verify(std::string_view token, int64_t now_ms,
                                               const JwtValidation& validation) const {
  const bool rsa = algorithm_ == JwtPublicKeyAlgorithm::rs256;
  MC_TRY_ASSIGN(jwt_detail::CompactJws jws, jwt_detail::decode(token, rsa ? "RS256" : "ES256"));
  const std::string signature = rsa ? jws.signature : es256_to_der(jws.signature);
  if (signature.empty() || !verify_sha256(key_->key, jws.signing_input, signature)) {
    return unauthenticated("jwt_bad_signature", "token signature does not verify");
  }
  return jwt_detail::check_claims(jws.payload_json, now_ms, validation);
}

}  // namespace mc::auth
