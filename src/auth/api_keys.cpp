// API keys (see marketcore/api_keys.h for the format). Authentication order: shape and
// checksum (no store access for typos and garbage) → lookup by SHA-256 → revoked → touch.
#include "marketcore/api_keys.h"

#include "common/assert.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/siwe.h"

namespace mc::auth {
namespace {

constexpr size_t kBodyChars = 32;
constexpr size_t kChecksumChars = 6;
constexpr size_t kDisplayChars = 16;
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

std::string checksum(std::string_view prefix_and_body) {
  const crypto::Digest32 digest = crypto::sha256(prefix_and_body);
  uint32_t value = (uint32_t{digest[0]} << 24) | (uint32_t{digest[1]} << 16) |
                   (uint32_t{digest[2]} << 8) | digest[3];
  std::string out(kChecksumChars, '0');
  for (size_t i = kChecksumChars; i-- > 0;) {
    out[i] = kBase62[value % 62];
    value /= 62;
  }
  return out;
}

bool valid_prefix(std::string_view prefix) {
  if (prefix.size() < 2 || prefix.size() > 32 || prefix.back() != '_') return false;
  for (char c : prefix) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

bool api_key_checksum_valid(std::string_view key) {
  if (key.size() <= kBodyChars + kChecksumChars || key.size() > 128) return false;
  const std::string_view tail = key.substr(key.size() - kBodyChars - kChecksumChars);
  for (char c : tail) {
    if (!is_base62(c)) return false;
  }
  const std::string_view signed_part = key.substr(0, key.size() - kChecksumChars);
  return crypto::constant_time_equal(checksum(signed_part), key.substr(signed_part.size()));
}

ApiKeys::ApiKeys(std::shared_ptr<ApiKeyStore> store, std::shared_ptr<const Clock> clock)
    : store_(std::move(store)), clock_(std::move(clock)) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

std::string ApiKeys::hash_key(std::string_view key) {
  return encoding::hex_encode(crypto::digest_bytes(crypto::sha256(key)));
}

Result<CreatedApiKey> ApiKeys::create(std::string_view owner_id, std::string_view prefix,
                                      std::string_view label) {
  MC_TRY_ASSIGN(CreatedApiKey created, mint(owner_id, prefix, label));
  MC_TRY(store_->insert(created.record));
  return created;
}

Result<CreatedApiKey> ApiKeys::mint(std::string_view owner_id, std::string_view prefix,
                                    std::string_view label) const {
  if (!valid_prefix(prefix)) {
    return invalid_argument("api_key_bad_prefix", "prefix must be [a-z0-9_]{2,32} ending in _",
                            "prefix");
  }
  MC_TRY_ASSIGN(std::string body, random_alphanumeric(kBodyChars));
  MC_TRY_ASSIGN(std::string id_suffix, random_alphanumeric(16));
  CreatedApiKey created;
  created.key = std::string(prefix) + body;
  created.key += checksum(created.key);
  ApiKeyRecord& record = created.record;
  record.id = "key_" + id_suffix;
  record.owner_id = std::string(owner_id);
  record.key_hash = hash_key(created.key);
  record.display_prefix = created.key.substr(0, kDisplayChars) + "..";
  record.label = std::string(label);
  record.created_at_ms = clock_->now_ms();
  return created;
}

Result<ApiKeyRecord> ApiKeys::authenticate(std::string_view key) {
  if (!api_key_checksum_valid(key)) {
    return unauthenticated("api_key_malformed", "not a well-formed API key");
  }
  auto found = store_->find_by_hash(hash_key(key));
  if (!found.ok()) {
    if (found.status().code() == Code::not_found) {
      return unauthenticated("api_key_unknown", "unknown API key");
    }
    return found.status();
  }
  if (found->revoked_at_ms) return unauthenticated("api_key_revoked", "API key was revoked");
  // Recording every use would make each authenticated read a durable write; a minute's
  // resolution keeps "last used" meaningful at a fraction of the cost.
  const int64_t now_ms = clock_->now_ms();
  if (!found->last_used_at_ms || now_ms - *found->last_used_at_ms >= kApiKeyLastUsedResolutionMs) {
    MC_TRY(store_->touch(found->id, now_ms));
    found->last_used_at_ms = now_ms;
  }
  return found;
}

Result<std::vector<ApiKeyRecord>> ApiKeys::list(std::string_view owner_id) {
  return store_->list_by_owner(owner_id);
}

Status ApiKeys::revoke(std::string_view owner_id, std::string_view id) {
  return store_->revoke(owner_id, id, clock_->now_ms());
}

}  // namespace mc::auth
