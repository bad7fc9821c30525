// server/dialect.h — the seam through which each API dialect plugs into the server core.
//
// A dialect (native /v1, j0, AgentMarket, HumanOps, AACP, 1337MKT) supplies:
//   - routes(): its RouteSpecs, patterns relative to the prefix it is mounted at;
//   - authenticate(): how it identifies callers (API key header, Bearer JWT, cookie, wallet
//     signature) — an anonymous Principal when no credential is presented, an unauthenticated
//     Status when one is presented but is wrong;
//   - render_error(): its error body for any mc::Status (status code from errors.h's table
//     unless the dialect's seed documents another), used for handler errors and for every
//     error the core raises on its routes (404, 405, 413, 401, malformed JSON, 503);
//   - render_rate_limited(): its 429 body; the core adds Retry-After;
//   - default_rate_limits(): per route class, overridable from the config file and flags;
//   - idempotency_header(): the header carrying an idempotency key on mutations ("" = none).
// The core does routing, rate limiting, the Access check, response replay by idempotency key,
// metrics and access logs; handlers parse, call mc::Engine and render. No business rule lives
// in a dialect either: who may do what, fees and money moves are the library's.
//
// Thread-safety: a Dialect is shared by every I/O thread; its methods must be thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "http_types.h"
#include "marketcore/status.h"
#include "rate_limiter.h"
#include "router.h"

namespace mc::server {

class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual std::string name() const = 0;
  virtual std::string default_prefix() const = 0;
  // `mounted_prefix` is where the routes will be served (for self-describing documents).
  virtual std::vector<RouteSpec> routes(const std::string& mounted_prefix) = 0;
  virtual std::map<std::string, RateLimitRule> default_rate_limits() const = 0;
  virtual Result<Principal> authenticate(const Request& request) const = 0;
  virtual Response render_error(const Status& status) const = 0;
  virtual Response render_rate_limited(const Status& status, int64_t retry_after_s) const {
    (void)retry_after_s;
    return render_error(status);
  }
  virtual std::string idempotency_header() const { return ""; }
};

}  // namespace mc::server
