// ECDH P-256 + HKDF-SHA-256 + AES-256-GCM credential encryption (see marketcore/e2ee.h),
// over OpenSSL 3 EVP. Every OpenSSL object is owned by a unique_ptr with its free function.
#include "marketcore/e2ee.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include <memory>

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::e2ee {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree>;
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;

Status failed(const char* what) {
  return internal_error("e2ee_failed", what);
}
Status bad_public_key() {
  return invalid_argument("e2ee_bad_public_key", "not a P-256 public key (raw point or SPKI)");
}

bool is_p256(EVP_PKEY* key) {
  char group[64] = {};
  size_t length = 0;
  return EVP_PKEY_is_a(key, "EC") &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &length) == 1 &&
         std::string_view(group, length) == "prime256v1";
}

Result<Pkey> public_key_from_bytes(const std::string& bytes) {
  if (bytes.size() == 65 && bytes[0] == 0x04) {
    PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    char group[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<char*>(bytes.data()),
                                          bytes.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* key = nullptr;
    if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
        EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
      return bad_public_key();
    }
    Pkey owned(key);
    // fromdata does not validate the point; a public-key check does.
    PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, owned.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return bad_public_key();
    return owned;
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(bytes.data());
  Pkey key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(bytes.size())));
  if (!key || !is_p256(key.get())) return bad_public_key();
  return key;
}

Result<std::string> raw_public_key(EVP_PKEY* key) {
  unsigned char point[65];
  size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point,
                                      &length) != 1 ||
      length != 65) {
    return failed("export public key");
  }
  return std::string(reinterpret_cast<char*>(point), length);
}

Result<std::string> derive_aes_key(EVP_PKEY* own, EVP_PKEY* peer, const Parameters& parameters) {
  PkeyContext context(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  std::string secret(32, '\0');
  size_t length = secret.size();
  if (!context || EVP_PKEY_derive_init(context.get()) != 1 ||
      EVP_PKEY_derive_set_peer(context.get(), peer) != 1 ||
      EVP_PKEY_derive(context.get(), reinterpret_cast<unsigned char*>(secret.data()), &length) !=
          1 ||
      length != 32) {
    return failed("ECDH");
  }
  return crypto::hkdf_sha256(secret, parameters.salt, parameters.info, 32);
}

Result<std::string> aes_gcm(bool encrypt, const std::string& key, const std::string& iv,
                            std::string_view input) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) return failed("cipher context");
  std::string tag;
  if (!encrypt) {
    tag = std::string(input.substr(input.size() - kTagBytes));
    input.remove_suffix(kTagBytes);
  }
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv_bytes = reinterpret_cast<const unsigned char*>(iv.data());
  std::string out(input.size() + kTagBytes, '\0');
  int length = 0;
  int final_length = 0;
  auto* out_bytes = reinterpret_cast<unsigned char*>(out.data());
  const auto* in_bytes = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_CipherInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_bytes, iv_bytes,
                        encrypt ? 1 : 0) != 1 ||
      EVP_CipherUpdate(context.get(), out_bytes, &length, in_bytes,
                       static_cast<int>(input.size())) != 1) {
    return failed("AES-GCM");
  }
  if (!encrypt &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1) {
    return failed("AES-GCM tag");
  }
  if (EVP_CipherFinal_ex(context.get(), out_bytes + length, &final_length) != 1) {
    if (!encrypt) return unauthenticated("e2ee_decrypt_failed", "ciphertext does not verify");
    return failed("AES-GCM final");
  }
  length += final_length;
  if (encrypt) {
    if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out_bytes + length) !=
        1) {
      return failed("AES-GCM tag");
    }
    length += kTagBytes;
  }
  out.resize(static_cast<size_t>(length));
  return out;
}

Result<Pkey> generate_p256() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return failed("key generation");
  return key;
}

}  // namespace

Result<KeyPair> generate_key_pair() {
  MC_TRY_ASSIGN(Pkey key, generate_p256());
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  if (info == nullptr) return failed("PKCS#8 export");
  unsigned char* der = nullptr;
  const int length = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (length <= 0) return failed("PKCS#8 export");
  KeyPair pair;
  pair.private_key_b64 =
      encoding::base64_encode(std::string_view(reinterpret_cast<char*>(der), length));
  OPENSSL_free(der);
  MC_TRY_ASSIGN(std::string public_key, raw_public_key(key.get()));
  pair.public_key_b64 = encoding::base64_encode(public_key);
  return pair;
}

Result<EncryptedCredential> encrypt_credential(std::string_view recipient_public_key_b64,
                                               std::string_view plaintext,
                                               const Parameters& parameters) {
  auto recipient_bytes = encoding::base64_decode(recipient_public_key_b64);
  if (!recipient_bytes.ok()) return bad_public_key();
  MC_TRY_ASSIGN(Pkey recipient, public_key_from_bytes(*recipient_bytes));
  MC_TRY_ASSIGN(Pkey ephemeral, generate_p256());
  MC_TRY_ASSIGN(std::string key, derive_aes_key(ephemeral.get(), recipient.get(), parameters));
  MC_TRY_ASSIGN(std::string iv, crypto::random_bytes(kIvBytes));
  MC_TRY_ASSIGN(std::string sealed, aes_gcm(true, key, iv, plaintext));
  MC_TRY_ASSIGN(std::string ephemeral_public, raw_public_key(ephemeral.get()));
  return EncryptedCredential{encoding::base64_encode(sealed), encoding::base64_encode(iv),
                             encoding::base64_encode(ephemeral_public)};
}

Result<std::string> decrypt_credential(std::string_view private_key_b64,
                                       const EncryptedCredential& blob,
                                       const Parameters& parameters) {
  auto der = encoding::base64_decode(private_key_b64);
  if (!der.ok()) return invalid_argument("e2ee_bad_private_key", "private key is not base64");
  const auto* cursor = reinterpret_cast<const unsigned char*>(der->data());
  PKCS8_PRIV_KEY_INFO* info =
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der->size()));
  Pkey own(info == nullptr ? nullptr : EVP_PKCS82PKEY(info));
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!own || !is_p256(own.get())) {
    return invalid_argument("e2ee_bad_private_key", "not a PKCS#8 P-256 private key");
  }
  auto ephemeral_bytes = encoding::base64_decode(blob.ephemeral_public_key_b64);
  if (!ephemeral_bytes.ok()) return bad_public_key();
  MC_TRY_ASSIGN(Pkey ephemeral, public_key_from_bytes(*ephemeral_bytes));
  auto iv = encoding::base64_decode(blob.iv_b64);
  auto sealed = encoding::base64_decode(blob.ciphertext_b64);
  if (!iv.ok() || iv->size() != kIvBytes || !sealed.ok() || sealed->size() < kTagBytes) {
    return invalid_argument("e2ee_bad_blob", "iv must be 12 bytes, ciphertext ≥ 16 bytes");
  }
  MC_TRY_ASSIGN(std::string key, derive_aes_key(own.get(), ephemeral.get(), parameters));
  return aes_gcm(false, key, *iv, *sealed);
}

}  // namespace mc::e2ee
