// server/native/native_common.h — what the native /v1 route files share.
//
// NativeApi bundles the server context with the lookups every resource needs: visibility
// (a party sees itself, its own market's jobs and markets; the admin sees everything; anything
// else is answered as not found, so a caller learns nothing about other parties' data), a cache
// of markets (immutable once created), id parsing, and the engine IdempotencyKey of a request.
//
// Thread-safety: every member function may be called from any handler thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../router.h"
#include "../server_context.h"
#include "json/json_writer.h"
#include "marketcore/engine.h"

namespace mc::server::native {

class NativeApi {
 public:
  explicit NativeApi(ServerContext& context) : context_(context) {}

  ServerContext& context() { return context_; }
  Engine& engine() { return *context_.engine; }
  bool test_mode() const { return context_.config.test_mode; }

  // A market by numeric id or by name; not_found/"market_not_found".
  Result<Market> market(std::string_view id_or_name);
  Result<Market> market(MarketId id);
  // The party if the principal may see it (itself, or any party for the admin).
  Result<Party> visible_party(const Principal& principal, std::string_view id_text);
  // The job if the principal may see it (a party of the job's market, or the admin).
  Result<Job> visible_job(const Principal& principal, std::string_view id_text);
  // Requires the principal to be the party `id_text` names (or the admin).
  Result<Party> own_party(const Principal& principal, std::string_view id_text);

  static std::optional<IdempotencyKey> idempotency(const RequestContext& request);

 private:
  ServerContext& context_;
  std::mutex mutex_;
  std::map<MarketId, Market> markets_;
};

// A JSON response whose body `write` renders.
template <typename Write>
Response json_response(int status, Write&& write) {
  json::JsonWriter out;
  write(out);
  return Response::json(status, std::move(out).take());
}

// Marks a response as an idempotent replay when the engine says it was one.
inline Response replayed_if(Response response, bool replayed) {
  if (replayed) response.set_header("Idempotent-Replayed", "true");
  return response;
}

// Parses a positive decimal id; invalid_argument/"invalid_id" naming `param`.
Result<int64_t> parse_id(std::string_view text, std::string_view param);
// The key prefix of this server's mode: "mc_test_" or "mc_live_".
std::string api_key_prefix(bool test_mode);

// Route builders of each resource file.
std::vector<RouteSpec> market_routes(NativeApi& api);
std::vector<RouteSpec> party_routes(NativeApi& api);
std::vector<RouteSpec> money_routes(NativeApi& api);
std::vector<RouteSpec> job_routes(NativeApi& api);
std::vector<RouteSpec> dispute_routes(NativeApi& api);
std::vector<RouteSpec> event_routes(NativeApi& api);
std::vector<RouteSpec> webhook_routes(NativeApi& api);   // webhook_routes.cpp
std::vector<RouteSpec> due_work_routes(NativeApi& api);  // due_work.cpp (admin)
// test_clock.cpp: the test clock's routes in test mode, none in production.
std::vector<RouteSpec> test_clock_routes(NativeApi& api);
// GET /openapi.json: an OpenAPI 3.1 document generated from `routes` (plus itself), served
// under `prefix`, so the document and the routes cannot drift apart.
RouteSpec openapi_route(std::string prefix, const std::vector<RouteSpec>& routes);

}  // namespace mc::server::native
