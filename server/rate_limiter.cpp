// server/rate_limiter.cpp — sharded fixed-window counters.
#include "rate_limiter.h"

#include <functional>

namespace mc::server {

RateLimiter::RateLimiter(size_t keys_max)
    : keys_per_shard_max_(keys_max / kShards > 0 ? keys_max / kShards : 1) {}

RateDecision RateLimiter::check(std::string_view key, const RateLimitRule& rule, int64_t now_ms) {
  RateDecision decision;
  if (rule.requests <= 0 || rule.window_ms <= 0) return decision;
  const int64_t window_start_ms = now_ms - now_ms % rule.window_ms;
  const int64_t retry_after_s = (window_start_ms + rule.window_ms - now_ms + 999) / 1000;
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto found = shard.windows.find(std::string(key));
  if (found == shard.windows.end()) {
    if (shard.windows.size() >= keys_per_shard_max_) {
      std::erase_if(shard.windows, [now_ms](const auto& entry) {
        return entry.second.window_start_ms + entry.second.window_ms <= now_ms;
      });
    }
    if (shard.windows.size() >= keys_per_shard_max_) {
      return {.allowed = false, .remaining = 0, .retry_after_s = retry_after_s};
    }
    found = shard.windows.emplace(std::string(key), Window{}).first;
  }
  Window& window = found->second;
  if (window.window_start_ms != window_start_ms || window.window_ms != rule.window_ms) {
    window = Window{.window_start_ms = window_start_ms, .window_ms = rule.window_ms, .count = 0};
  }
  if (window.count >= rule.requests) {
    return {
        .allowed = false, .remaining = 0, .retry_after_s = retry_after_s < 1 ? 1 : retry_after_s};
  }
  ++window.count;
  decision.remaining = rule.requests - window.count;
  return decision;
}

bool parse_rate_limit_key(std::string_view text, RateLimitKey& key) {
  if (text == "ip") {
    key = RateLimitKey::ip;
  } else if (text == "ip_path") {
    key = RateLimitKey::ip_path;
  } else if (text == "principal" || text == "api_key" || text == "wallet") {
    key = RateLimitKey::principal;
  } else {
    return false;
  }
  return true;
}

const char* rate_limit_key_name(RateLimitKey key) {
  switch (key) {
    case RateLimitKey::ip:
      return "ip";
    case RateLimitKey::ip_path:
      return "ip_path";
    case RateLimitKey::principal:
      return "principal";
  }
  return "ip";
}

}  // namespace mc::server
