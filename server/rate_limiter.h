// server/rate_limiter.h — fixed-window request counting per key.
//
// A rule allows `requests` per `window_ms` for one key (an IP, IP + path, a wallet, an API
// key: the caller builds the key string). Windows are aligned to multiples of window_ms since
// the epoch, as the seeds' "N per minute" limits are. The table is sharded by key hash and
// bounded: when a shard is full, expired windows are dropped first; if none has expired the
// request is refused (fail closed, so memory stays bounded under a key-spraying attack).
//
// Thread-safety: check() may be called from any number of threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mc::server {

// What a rule counts by.
enum class RateLimitKey {
  ip,         // the client's IP address
  ip_path,    // IP address and request path (HumanOps: per IP and path)
  principal,  // the authenticated principal (API key, party, wallet); the IP when anonymous
};

struct RateLimitRule {
  int64_t requests = 0;  // 0: unlimited
  int64_t window_ms = 60'000;
  RateLimitKey key = RateLimitKey::ip;
};

struct RateDecision {
  bool allowed = true;
  int64_t remaining = 0;
  int64_t retry_after_s = 0;  // when refused: seconds until the window resets (≥ 1)
};

class RateLimiter {
 public:
  // `keys_max` bounds the number of live windows over all shards.
  explicit RateLimiter(size_t keys_max = 1'000'000);

  // Counts one request for `key` under `rule` at `now_ms`.
  RateDecision check(std::string_view key, const RateLimitRule& rule, int64_t now_ms);

 private:
  struct Window {
    int64_t window_start_ms = 0;
    int64_t window_ms = 0;
    int64_t count = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Window> windows;
  };
  static constexpr size_t kShards = 16;

  const size_t keys_per_shard_max_;
  std::array<Shard, kShards> shards_;
};

// Parses "ip", "ip_path" or "principal" (also "api_key", "wallet" as aliases of principal).
bool parse_rate_limit_key(std::string_view text, RateLimitKey& key);
const char* rate_limit_key_name(RateLimitKey key);

}  // namespace mc::server
