// server/idempotency_cache.h — replay of HTTP responses by (principal, Idempotency-Key).
//
// The first request with a key reserves it (bound to a SHA-256 of method, path and body — a
// JSON body in its canonical form, so whitespace and key order do not matter); a
// concurrent second one gets idempotency_key_in_use (409) and a later one either the stored
// response (replayed) or, with another method/path/body, idempotency_key_reused (409).
// Responses with a 5xx status are not kept (the client should retry). Entries expire after
// `retention_ms` and the table is bounded (oldest dropped first).
//
// This cache lives in memory, so it replays within one server process. Money-moving calls are
// also idempotent in the engine (IdempotencyKey, durable, ≥ 24 h): after a restart the engine
// recognizes the key and the route answers with Idempotent-Replayed: true.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http_types.h"
#include "marketcore/status.h"

namespace mc::server {

class IdempotencyCache {
 public:
  IdempotencyCache(size_t entries_max, int64_t retention_ms);

  struct Begin {
    std::optional<Response> replay;  // set: answer this, do not run the handler
    Status error;                    // not ok: answer this error
  };
  // Reserves (scope, key) for a request whose fingerprint is `request_hash`.
  Begin begin(std::string_view scope, std::string_view key, std::string_view request_hash,
              int64_t now_ms);
  // Stores the response of a reserved key (5xx responses release the key instead).
  void finish(std::string_view scope, std::string_view key, const Response& response);

  // SHA-256 hex of method, path and body (a JSON body canonicalized, json/canonical_json.h).
  static std::string fingerprint(std::string_view method, std::string_view path,
                                 std::string_view body);

 private:
  struct Entry {
    std::string request_hash;
    bool done = false;
    Response response;
    int64_t created_at_ms = 0;
  };
  static std::string entry_key(std::string_view scope, std::string_view key);
  void evict_locked(int64_t now_ms);

  const size_t entries_max_;
  const int64_t retention_ms_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // insertion order, for expiry and bounding
};

}  // namespace mc::server
