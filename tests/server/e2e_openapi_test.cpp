// The OpenAPI document matches what is served: every documented operation answers (no 404
// route_not_found, no 405), and every native route is documented.
#include <doctest/doctest.h>
#include <simdjson.h>

#include <set>

#include "http_client.h"
#include "native/native_dialect.h"
#include "server_process.h"

namespace mc::test {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "/v1/jobs/{id}" → "/v1/jobs/1"
std::string concrete(std::string_view path) {
  std::string out;
  bool in_param = false;
  for (char c : path) {
    if (c == '{') {
      in_param = true;
      out += '1';
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      out += c;
    }
  }
  return out;
}

std::string openapi_path(const std::string& pattern) {
  std::string out;
  bool in_param = false;
  for (char c : pattern) {
    if (c == ':') {
      in_param = true;
      out += '{';
    } else if (c == '/' && in_param) {
      in_param = false;
      out += "}/";
    } else {
      out += c;
    }
  }
  if (in_param) out += '}';
  return out;
}

TEST_CASE("e2e openapi: documented routes answer and every route is documented") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  HttpResult document = client.request("GET", "/v1/openapi.json");
  REQUIRE(document.status == 200);

  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(document.body);
  CHECK(std::string_view(root["openapi"].get_string()) == "3.1.0");
  std::set<std::string> documented;
  for (auto path_entry : simdjson::dom::object(root["paths"])) {
    const std::string path(path_entry.key);
    for (auto operation : simdjson::dom::object(path_entry.value)) {
      const std::string verb = upper(operation.key);
      documented.insert(verb + " " + path);
      HttpResult answer = client.request(verb, concrete(path), "{}",
                                         {{"Authorization", std::string("Bearer ") + kAdminKey}});
      INFO(verb << " " << path << " → " << answer.status << " " << answer.body);
      CHECK(answer.status != 0);
      CHECK(answer.status != 405);
      CHECK(answer.body.find("route_not_found") == std::string::npos);
    }
  }

  server::ServerContext context;
  auto dialect = server::native::make_native_dialect(context);
  size_t routes = 0;
  for (const server::RouteSpec& route : dialect->routes("/v1")) {
    ++routes;
    const std::string key = route.method + " " + openapi_path("/v1" + route.pattern);
    INFO(key);
    CHECK(documented.count(key) == 1);
  }
  CHECK(routes == documented.size());
}

}  // namespace
}  // namespace mc::test
