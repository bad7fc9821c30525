// marketcore/memory_auth_stores.h — in-process implementations of the auth stores.
//
// For tests, examples and single-process hosts that accept losing nonces, replay memory and
// refresh tokens on restart. Each store is bounded: when full it first drops expired entries,
// then refuses new ones with resource_exhausted (never evicts live entries, which would
// reopen a replay window).
//
// Thread-safety: every method takes one internal mutex; all methods are atomic.
//
// Example:
//   auto nonces = std::make_shared<mc::auth::MemoryNonceStore>(/*entries_max=*/100'000);
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "marketcore/auth_stores.h"

namespace mc::auth {

class MemoryNonceStore final : public NonceStore {
 public:
  explicit MemoryNonceStore(size_t entries_max = 100'000) : entries_max_(entries_max) {}
  Status insert(const NonceRecord& record) override;
  Result<NonceRecord> consume(std::string_view nonce, int64_t now_ms) override;
  size_t size() const;

 private:
  void drop_expired(int64_t now_ms);
  const size_t entries_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, NonceRecord> entries_;
};

class MemoryReplayGuard final : public ReplayGuard {
 public:
  explicit MemoryReplayGuard(size_t entries_max = 1'000'000) : entries_max_(entries_max) {}
  Status remember(std::string_view key, int64_t expires_at_ms, int64_t now_ms) override;
  size_t size() const;

 private:
  const size_t entries_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> expires_at_ms_;
};

class MemoryRefreshTokenStore final : public RefreshTokenStore {
 public:
  explicit MemoryRefreshTokenStore(size_t entries_max = 1'000'000) : entries_max_(entries_max) {}
  Status insert(const RefreshTokenRecord& record) override;
  Result<RefreshTokenRecord> consume(std::string_view token_hash, int64_t now_ms) override;
  Status revoke_family(std::string_view family_id) override;

 private:
  struct Entry {
    RefreshTokenRecord record;
    bool used = false;
  };
  const size_t entries_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, bool> revoked_families_;
};

class MemoryApiKeyStore final : public ApiKeyStore {
 public:
  explicit MemoryApiKeyStore(size_t entries_max = 1'000'000) : entries_max_(entries_max) {}
  Status insert(const ApiKeyRecord& record) override;
  Result<ApiKeyRecord> find_by_hash(std::string_view key_hash) override;
  Result<std::vector<ApiKeyRecord>> list_by_owner(std::string_view owner_id) override;
  Status revoke(std::string_view owner_id, std::string_view id, int64_t now_ms) override;
  Status touch(std::string_view id, int64_t now_ms) override;

 private:
  const size_t entries_max_;
  mutable std::mutex mutex_;
  // Insertion order is kept by a sequence number so listings are oldest first.
  std::map<uint64_t, ApiKeyRecord> records_;
  std::unordered_map<std::string, uint64_t> by_hash_;
  std::unordered_map<std::string, uint64_t> by_id_;
  uint64_t next_sequence_ = 0;
};

}  // namespace mc::auth
