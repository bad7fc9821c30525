// server/ops_dialect.cpp — health, readiness and metrics routes.
#include "ops_dialect.h"

#include "http_service.h"

namespace mc::server {
namespace {

class OpsDialect final : public Dialect {
 public:
  explicit OpsDialect(ServerContext& context) : context_(context) {}

  std::string name() const override { return "ops"; }
  std::string default_prefix() const override { return ""; }
  std::map<std::string, RateLimitRule> default_rate_limits() const override { return {}; }
  Result<Principal> authenticate(const Request&) const override { return Principal{}; }
  Response render_error(const Status& status) const override {
    return default_error_response(status);
  }

  std::vector<RouteSpec> routes(const std::string&) override {
    std::vector<RouteSpec> routes;
    routes.push_back({.method = "GET",
                      .pattern = "/healthz",
                      .route_class = "ops",
                      .access = Access::open,
                      .handler = [](RequestContext&) -> Result<Response> {
                        return Response::json(200, R"({"status":"ok"})");
                      },
                      .upgrade = {},
                      .summary = "Liveness"});
    routes.push_back({.method = "GET",
                      .pattern = "/readyz",
                      .route_class = "ops",
                      .access = Access::open,
                      .handler = [this](RequestContext&) -> Result<Response> {
                        if (context_.draining.load()) {
                          return Response::json(503, R"({"status":"shutting_down"})");
                        }
                        if (!context_.ready.load()) {
                          return Response::json(503, R"({"status":"starting"})");
                        }
                        return Response::json(200, R"({"status":"ready"})");
                      },
                      .upgrade = {},
                      .summary = "Readiness"});
    routes.push_back({.method = "GET",
                      .pattern = "/metrics",
                      .route_class = "ops",
                      .access = Access::open,
                      .handler = [this](RequestContext&) -> Result<Response> {
                        Response response;
                        response.content_type = "text/plain; version=0.0.4";
                        response.body = context_.metrics.render();
                        return response;
                      },
                      .upgrade = {},
                      .summary = "Prometheus metrics"});
    return routes;
  }

 private:
  ServerContext& context_;
};

}  // namespace

std::shared_ptr<Dialect> make_ops_dialect(ServerContext& context) {
  return std::make_shared<OpsDialect>(context);
}

}  // namespace mc::server
