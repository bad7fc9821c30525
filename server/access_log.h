// server/access_log.h — one JSON line per request, without secrets.
//
// Fields: time (ms since epoch), request_id, remote_ip, method, path (no query string: query
// strings may carry tokens), route (the matched pattern), dialect, status, latency_us,
// response bytes, principal (a party id or "admin", never a credential), and the error detail
// when the request failed. Lines go to the given stream (stdout by default), written whole
// under a mutex so concurrent requests never interleave.
//
// Thread-safety: write() may be called from any thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace mc::server {

struct AccessRecord {
  int64_t time_ms = 0;
  std::string request_id;
  std::string remote_ip;
  std::string method;
  std::string path;
  std::string route;
  std::string dialect;
  int status = 0;
  int64_t latency_us = 0;
  int64_t response_bytes = 0;
  std::string principal;
  std::string error_detail;
  bool replayed = false;
};

class AccessLog {
 public:
  // `out` is not owned; nullptr disables logging.
  explicit AccessLog(std::FILE* out) : out_(out) {}

  void write(const AccessRecord& record);
  // The JSON line (without newline) for `record`.
  static std::string render(const AccessRecord& record);

 private:
  std::FILE* out_;
  std::mutex mutex_;
};

}  // namespace mc::server
