// server/idempotency_cache.cpp — reserve, replay, bound.
#include "idempotency_cache.h"

#include "errors.h"
#include "json/canonical_json.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::server {

IdempotencyCache::IdempotencyCache(size_t entries_max, int64_t retention_ms)
    : entries_max_(entries_max), retention_ms_(retention_ms) {}

std::string IdempotencyCache::entry_key(std::string_view scope, std::string_view key) {
  std::string out(scope);
  out.push_back('\n');
  out.append(key);
  return out;
}

std::string IdempotencyCache::fingerprint(std::string_view method, std::string_view path,
                                          std::string_view body) {
  std::string text(method);
  text.push_back('\n');
  text.append(path);
  text.push_back('\n');
  // A JSON body is compared as a value: whitespace and key order do not make another request.
  if (std::optional<std::string> canonical = json::canonical_json(body)) {
    text.append("json:").append(*canonical);
  } else {
    text.append("bytes:").append(body);
  }
  const crypto::Digest32 digest = crypto::sha256(text);
  return encoding::hex_encode(crypto::digest_bytes(digest));
}

void IdempotencyCache::evict_locked(int64_t now_ms) {
  while (!order_.empty()) {
    auto found = entries_.find(order_.front());
    if (found == entries_.end()) {
      order_.pop_front();
      continue;
    }
    const bool expired = found->second.created_at_ms + retention_ms_ <= now_ms;
    const bool full = entries_.size() >= entries_max_;
    if (!expired && !full) break;
    if (!found->second.done && !expired) break;  // never drop an in-flight reservation
    entries_.erase(found);
    order_.pop_front();
  }
}

IdempotencyCache::Begin IdempotencyCache::begin(std::string_view scope, std::string_view key,
                                                std::string_view request_hash, int64_t now_ms) {
  Begin result;
  const std::string id = entry_key(scope, key);
  std::lock_guard lock(mutex_);
  evict_locked(now_ms);
  auto found = entries_.find(id);
  if (found != entries_.end()) {
    if (found->second.request_hash != request_hash) {
      result.error = invalid_argument(kDetailIdempotencyKeyReused,
                                      "this Idempotency-Key was used with another request");
    } else if (!found->second.done) {
      result.error = aborted(kDetailIdempotencyKeyInUse,
                             "a request with this Idempotency-Key is still in progress");
    } else {
      result.replay = found->second.response;
    }
    return result;
  }
  if (entries_.size() >= entries_max_) {
    result.error = Status(Code::resource_exhausted, kDetailOverloaded,
                          "too many idempotency keys in flight; retry later");
    return result;
  }
  entries_.emplace(id, Entry{.request_hash = std::string(request_hash),
                             .done = false,
                             .response = {},
                             .created_at_ms = now_ms});
  order_.push_back(id);
  return result;
}

void IdempotencyCache::finish(std::string_view scope, std::string_view key,
                              const Response& response) {
  const std::string id = entry_key(scope, key);
  std::lock_guard lock(mutex_);
  auto found = entries_.find(id);
  if (found == entries_.end()) return;
  if (response.status >= 500) {
    entries_.erase(found);
    return;
  }
  found->second.done = true;
  found->second.response = response;
}

}  // namespace mc::server
