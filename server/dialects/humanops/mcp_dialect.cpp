// server/dialects/humanops/mcp_dialect.cpp — MCP transports: streamable HTTP and stdio.
#include "mcp_dialect.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "../../errors.h"
#include "json/json_writer.h"
#include "marketcore/auth_store_sqlite.h"

namespace mc::server::humanops {
namespace {

using mc::humanops::Service;

Response rpc_http_error(int status, std::string_view message) {
  json::JsonWriter out;
  out.begin_object();
  out.key("jsonrpc").value("2.0");
  out.key("id").null();
  out.key("error").begin_object();
  out.key("code").value(-32000);
  out.key("message").value(message);
  out.end_object();
  out.end_object();
  return Response::json(status, std::move(out).take());
}

std::optional<std::string_view> api_key_of(const Request& request) {
  if (auto key = request.header("x-api-key")) return key;
  if (auto authorization = request.header("authorization")) return bearer_token(*authorization);
  return std::nullopt;
}

class McpDialect final : public Dialect {
 public:
  McpDialect(std::shared_ptr<Service> service, std::shared_ptr<McpServer> server)
      : service_(std::move(service)), server_(std::move(server)) {}

  std::string name() const override { return "humanops-mcp"; }
  std::string default_prefix() const override { return "/humanops/mcp"; }
  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"mcp", {.requests = 100, .window_ms = 60'000, .key = RateLimitKey::ip_path}}};
  }
  // The key is checked per exchange (mcp_http_exchange): every route here is open.
  Result<Principal> authenticate(const Request& request) const override {
    (void)request;
    return Principal{};
  }
  Response render_error(const Status& status) const override {
    return rpc_http_error(http_status_for(status), status.message());
  }
  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override {
    (void)mounted_prefix;
    return {{.method = "POST",
             .pattern = "/",
             .route_class = "mcp",
             .access = Access::open,
             .handler =
                 [this](RequestContext& c) {
                   return mcp_http_exchange(*server_, *service_, c.request);
                 },
             .summary = "MCP streamable HTTP: one JSON-RPC message"}};
  }

 private:
  std::shared_ptr<Service> service_;
  std::shared_ptr<McpServer> server_;
};

}  // namespace

Result<Response> mcp_http_exchange(McpServer& server, Service& service, const Request& request) {
  const std::optional<std::string_view> key = api_key_of(request);
  if (!key) return rpc_http_error(401, "Missing API key (X-API-Key or Authorization: Bearer)");
  Result<Party> agent = service.authenticate_agent(*key);
  if (!agent.ok()) return rpc_http_error(401, "Invalid API key");
  std::optional<std::string> answer = server.handle(request.body, agent->id);
  if (!answer) {
    Response accepted;
    accepted.status = 202;
    return accepted;
  }
  return Response::json(200, std::move(*answer));
}

std::shared_ptr<Dialect> make_humanops_mcp_dialect(ServerContext& context) {
  Result<MarketBinding> market =
      mc::humanops::open_market(*context.engine, context.config.test_mode);
  if (!market.ok()) {
    std::fprintf(stderr, "humanops-mcp: cannot open its market: %s\n",
                 market.status().to_string().c_str());
    std::abort();
  }
  auto service = std::make_shared<Service>(
      *context.engine, market->market(), *context.api_keys,
      mc::humanops::ServiceOptions{.test_mode = context.config.test_mode});
  auto server = std::make_shared<McpServer>(service, *context.engine, false);
  return std::make_shared<McpDialect>(std::move(service), std::move(server));
}

int run_mcp_stdio(const ServerConfig& config) {
  const char* key = std::getenv("HUMANOPS_API_KEY");
  if (key == nullptr || *key == '\0') {
    std::fprintf(stderr, "marketcore-server --mcp-stdio: set HUMANOPS_API_KEY\n");
    return 2;
  }
  Result<std::unique_ptr<Engine>> engine = Engine::open({.database_path = config.database_path});
  if (!engine.ok()) {
    std::fprintf(stderr, "marketcore-server --mcp-stdio: %s\n",
                 engine.status().to_string().c_str());
    return 1;
  }
  Result<MarketBinding> market = mc::humanops::open_market(**engine, config.test_mode);
  if (!market.ok()) {
    std::fprintf(stderr, "marketcore-server --mcp-stdio: %s\n",
                 market.status().to_string().c_str());
    return 1;
  }
  auth::ApiKeys keys((*engine)->auth_stores().api_keys, system_clock());
  auto service =
      std::make_shared<Service>(**engine, market->market(), keys,
                                mc::humanops::ServiceOptions{.test_mode = config.test_mode});
  Result<Party> agent = service->authenticate_agent(key);
  if (!agent.ok()) {
    std::fprintf(stderr, "marketcore-server --mcp-stdio: HUMANOPS_API_KEY: %s\n",
                 agent.status().message().c_str());
    return 2;
  }
  McpServer server(service, **engine, true);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty() || line == "\r") continue;
    std::optional<std::string> answer = server.handle(line, agent->id);
    if (answer) {
      std::fwrite(answer->data(), 1, answer->size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace mc::server::humanops
