// In-memory, bounded, expiring auth stores (see marketcore/memory_auth_stores.h).
#include "marketcore/memory_auth_stores.h"

namespace mc::auth {

Status MemoryNonceStore::insert(const NonceRecord& record) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= entries_max_) drop_expired(record.issued_at_ms);
  if (entries_.size() >= entries_max_) {
    return Status(Code::resource_exhausted, "nonce_store_full", "too many outstanding nonces");
  }
  if (!entries_.emplace(record.nonce, record).second) {
    return Status(Code::already_exists, "nonce_exists", "nonce already issued");
  }
  return ok_status();
}

Result<NonceRecord> MemoryNonceStore::consume(std::string_view nonce, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(std::string(nonce));
  if (found == entries_.end()) {
    return unauthenticated("nonce_unknown", "nonce was not issued or was already used");
  }
  NonceRecord record = std::move(found->second);
  entries_.erase(found);
  if (now_ms >= record.expires_at_ms) return unauthenticated("nonce_expired", "nonce expired");
  return record;
}

size_t MemoryNonceStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void MemoryNonceStore::drop_expired(int64_t now_ms) {
  std::erase_if(entries_,
                [now_ms](const auto& entry) { return now_ms >= entry.second.expires_at_ms; });
}

Status MemoryReplayGuard::remember(std::string_view key, int64_t expires_at_ms, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = expires_at_ms_.find(std::string(key));
  if (found != expires_at_ms_.end()) {
    if (now_ms < found->second) {
      return unauthenticated("signature_replayed", "this signature was already used");
    }
    found->second = expires_at_ms;
    return ok_status();
  }
  if (expires_at_ms_.size() >= entries_max_) {
    std::erase_if(expires_at_ms_, [now_ms](const auto& entry) { return now_ms >= entry.second; });
  }
  if (expires_at_ms_.size() >= entries_max_) {
    return Status(Code::resource_exhausted, "replay_guard_full", "too many recent signatures");
  }
  expires_at_ms_.emplace(std::string(key), expires_at_ms);
  return ok_status();
}

size_t MemoryReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return expires_at_ms_.size();
}

Status MemoryRefreshTokenStore::insert(const RefreshTokenRecord& record) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= entries_max_) {
    const int64_t now_ms = record.issued_at_ms;
    std::erase_if(entries_, [now_ms](const auto& entry) {
      return now_ms >= entry.second.record.expires_at_ms;
    });
  }
  if (entries_.size() >= entries_max_) {
    return Status(Code::resource_exhausted, "refresh_store_full", "too many refresh tokens");
  }
  if (!entries_.emplace(record.token_hash, Entry{record, false}).second) {
    return Status(Code::already_exists, "refresh_token_exists", "refresh token exists");
  }
  return ok_status();
}

Result<RefreshTokenRecord> MemoryRefreshTokenStore::consume(std::string_view token_hash,
                                                            int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(std::string(token_hash));
  if (found == entries_.end()) {
    return unauthenticated("refresh_token_unknown", "unknown refresh token");
  }
  Entry& entry = found->second;
  if (revoked_families_.count(entry.record.family_id) != 0) {
    return unauthenticated("refresh_token_revoked", "refresh token was revoked");
  }
  if (entry.used) {
    revoked_families_[entry.record.family_id] = true;
    return unauthenticated("refresh_token_reused",
                           "refresh token was already used; its family is now revoked");
  }
  if (now_ms >= entry.record.expires_at_ms) {
    return unauthenticated("refresh_token_expired", "refresh token expired");
  }
  entry.used = true;
  return entry.record;
}

Status MemoryRefreshTokenStore::revoke_family(std::string_view family_id) {
  std::lock_guard lock(mutex_);
  revoked_families_[std::string(family_id)] = true;
  return ok_status();
}

Status MemoryApiKeyStore::insert(const ApiKeyRecord& record) {
  std::lock_guard lock(mutex_);
  if (by_hash_.count(record.key_hash) != 0 || by_id_.count(record.id) != 0) {
    return Status(Code::already_exists, "api_key_exists", "API key already exists");
  }
  if (records_.size() >= entries_max_) {
    return Status(Code::resource_exhausted, "api_key_store_full", "too many API keys");
  }
  const uint64_t sequence = next_sequence_++;
  records_.emplace(sequence, record);
  by_hash_.emplace(record.key_hash, sequence);
  by_id_.emplace(record.id, sequence);
  return ok_status();
}

Result<ApiKeyRecord> MemoryApiKeyStore::find_by_hash(std::string_view key_hash) {
  std::lock_guard lock(mutex_);
  auto found = by_hash_.find(std::string(key_hash));
  if (found == by_hash_.end()) return not_found("api_key_unknown", "no such API key");
  return records_.at(found->second);
}

Result<std::vector<ApiKeyRecord>> MemoryApiKeyStore::list_by_owner(std::string_view owner_id) {
  std::lock_guard lock(mutex_);
  std::vector<ApiKeyRecord> out;
  for (const auto& [sequence, record] : records_) {
    if (record.owner_id == owner_id) out.push_back(record);
  }
  return out;
}

Status MemoryApiKeyStore::revoke(std::string_view owner_id, std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = by_id_.find(std::string(id));
  if (found == by_id_.end()) return not_found("api_key_unknown", "no such API key");
  ApiKeyRecord& record = records_.at(found->second);
  if (record.owner_id != owner_id) return not_found("api_key_unknown", "no such API key");
  if (!record.revoked_at_ms) record.revoked_at_ms = now_ms;
  return ok_status();
}

Status MemoryApiKeyStore::touch(std::string_view id, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = by_id_.find(std::string(id));
  if (found == by_id_.end()) return not_found("api_key_unknown", "no such API key");
  ApiKeyRecord& record = records_.at(found->second);
  if (!record.last_used_at_ms || *record.last_used_at_ms < now_ms) record.last_used_at_ms = now_ms;
  return ok_status();
}

}  // namespace mc::auth
