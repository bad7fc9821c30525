// server/dialects/mkt1337/mkt1337_api.h — what the 1337MKT route files share: the library
// Service, SIWE login and sessions, API keys and settings.
//
// Thread-safety: immutable after construction; the members are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../router.h"
#include "../../server_context.h"
#include "marketcore/mkt1337.h"
#include "marketcore/session_login.h"

namespace mc::server::mkt1337 {

struct Mkt1337Api {
  ServerContext& context;
  std::unique_ptr<mc::mkt1337::Service> service;
  std::unique_ptr<SessionLogin> sessions;
  std::shared_ptr<auth::NonceStore> nonces;
  std::string siwe_domain;  // "" in test mode: the request's Host
  bool test_mode = true;
  std::string mounted_prefix;  // where the dialect is served ("" at the root)

  int64_t now_ms() const { return context.clock->now_ms(); }
};

// The calling party (routes with Access::authenticated always have one).
inline PartyId caller(const RequestContext& context) {
  return context.principal.party_id;
}

std::vector<RouteSpec> auth_routes(Mkt1337Api& api);
std::vector<RouteSpec> market_routes(Mkt1337Api& api);

}  // namespace mc::server::mkt1337
