// server/router.h — routes, path patterns and the per-route policy every dialect declares.
//
// A route is a method plus a path pattern relative to its dialect's prefix ("/jobs/:id"; a
// ":name" segment captures one path segment), the route class that selects its rate limit, who
// may call it (Access), and either an HTTP handler or a WebSocket upgrade handler. The Router
// holds every mounted dialect, matches a request to (dialect, route, params), and tells a
// missing route (404) from a wrong method (405) within the dialect that owns the prefix, so
// even those answers use the dialect's own error format. Longest prefix wins; a dialect mounted
// at "/" owns every path no other prefix claims.
//
// Thread-safety: mount() happens before serving; match() is const and may run on any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http_types.h"
#include "marketcore/ledger.h"
#include "marketcore/status.h"

namespace mc::server {

class Dialect;
struct UpgradedStream;  // transport: the socket and request handed to a WebSocket route

// Who is calling, as the dialect's authentication established it.
struct Principal {
  enum class Kind { anonymous, party, admin };
  Kind kind = Kind::anonymous;
  PartyId party_id = 0;
  MarketId market_id = 0;
  // Stable scope for idempotency keys and per-principal rate limits ("party:42", "admin").
  std::string subject;
  // Non-secret id of the credential used (an API key id), for logs.
  std::string credential_id;

  bool is_admin() const { return kind == Kind::admin; }
  bool is_party() const { return kind == Kind::party; }
};

enum class Access {
  open,           // anyone; credentials, when presented, are still checked
  authenticated,  // a party or the admin
  admin,          // the admin secret only
};

class PathParams {
 public:
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  // The captured segment, or "" when the pattern has no such name.
  std::string_view get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// Everything a handler sees.
struct RequestContext {
  const Request& request;
  PathParams params;
  Principal principal;
  std::string idempotency_key;  // the request's key, or ""
  const Dialect* dialect = nullptr;
};

using Handler = std::function<Result<Response>(RequestContext& context)>;
// Takes over the connection after routing, rate limiting and authentication succeeded.
using UpgradeHandler =
    std::function<void(std::unique_ptr<UpgradedStream> stream, RequestContext& context)>;

struct RouteSpec {
  std::string method;                // "GET", "POST", ...
  std::string pattern;               // relative to the dialect's prefix, starts with '/'
  std::string route_class = "read";  // rate-limit class, e.g. "read", "write", "auth"
  Access access = Access::authenticated;
  Handler handler;                        // HTTP routes
  UpgradeHandler upgrade;                 // WebSocket routes (handler left empty)
  std::string summary;                    // one line, used by docs
  std::vector<std::string> query_params;  // documented query parameters
  int success_status = 200;               // documented success status
  // Captured segments that are capabilities (a checkout session id): the access log writes
  // "[redacted]" in their place.
  std::vector<std::string> secret_params;
};

struct MountedRoute {
  RouteSpec spec;
  std::string full_pattern;  // prefix + pattern, e.g. "/v1/jobs/:id"
  std::vector<std::string> segments;
};

struct Mount {
  std::string prefix;  // "" for the root, else "/v1" (no trailing slash)
  std::shared_ptr<Dialect> dialect;
  std::vector<MountedRoute> routes;
  bool exclusive = true;  // false: shares its prefix (ops routes beside a dialect at the root)
};

struct RouteMatch {
  const Mount* mount = nullptr;              // the dialect owning the path, or nullptr
  const MountedRoute* route = nullptr;       // nullptr when not found or wrong method
  const MountedRoute* path_route = nullptr;  // wrong method: a route of this path (for logs)
  PathParams params;
  Status error;  // not_found/"route_not_found" or invalid_argument/"method_not_allowed"
};

class Router {
 public:
  // Mounts `dialect` at `prefix` ("/" or "" for the root). Returns invalid_argument for a
  // prefix already taken by another exclusive mount, or a malformed pattern. A non-exclusive
  // mount shares its prefix; at equal prefixes exclusive mounts are searched (and own the
  // error format) first.
  Status mount(std::string prefix, std::shared_ptr<Dialect> dialect, bool exclusive = true);
  RouteMatch match(std::string_view method, std::string_view path) const;
  // The mount owning `path` (longest prefix), or nullptr.
  const Mount* mount_for(std::string_view path) const;
  const std::vector<std::unique_ptr<Mount>>& mounts() const { return mounts_; }

 private:
  std::vector<std::unique_ptr<Mount>> mounts_;
};

// Splits "/a/b/c" into {"a","b","c"} (empty segments kept except a trailing one).
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace mc::server
