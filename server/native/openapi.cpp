// server/native/openapi.cpp — the OpenAPI 3.1 document, generated from the route table.
//
// Each route contributes its path (":id" → "{id}"), method, summary, path and query
// parameters, the Idempotency-Key header on mutations, its security (none, bearer API key,
// bearer admin secret) and the shared error schema, so the document describes exactly what is
// served.
#include "json/json_writer.h"
#include "native_common.h"

namespace mc::server::native {
namespace {

std::string openapi_path(const std::string& prefix, const std::string& pattern) {
  std::string out = prefix;
  for (std::string_view segment : split_path(pattern)) {
    out += '/';
    if (!segment.empty() && segment.front() == ':') {
      out += '{';
      out.append(segment.substr(1));
      out += '}';
    } else {
      out.append(segment);
    }
  }
  return out.empty() ? "/" : out;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

std::string operation_id(const RouteSpec& route) {
  std::string id = lower(route.method);
  for (char c : route.pattern) id += (c == '/' || c == ':' || c == '.') ? '_' : c;
  return id;
}

void write_parameter(json::JsonWriter& out, std::string_view name, std::string_view where,
                     bool required, std::string_view description) {
  out.begin_object();
  out.key("name").value(name).key("in").value(where).key("required").value(required);
  if (!description.empty()) out.key("description").value(description);
  out.key("schema").begin_object().key("type").value("string").end_object();
  out.end_object();
}

void write_operation(json::JsonWriter& out, const RouteSpec& route) {
  out.begin_object();
  out.key("operationId").value(operation_id(route));
  out.key("summary").value(route.summary);
  out.key("parameters").begin_array();
  for (std::string_view segment : split_path(route.pattern)) {
    if (!segment.empty() && segment.front() == ':') {
      write_parameter(out, segment.substr(1), "path", true, "");
    }
  }
  for (const std::string& name : route.query_params) write_parameter(out, name, "query", false, "");
  const bool mutation = route.method != "GET";
  if (mutation) {
    write_parameter(out, "Idempotency-Key", "header", false,
                    "Makes the request safe to retry; replays carry Idempotent-Replayed: true");
  }
  out.end_array();
  if (route.method == "POST") {
    out.key("requestBody").begin_object().key("required").value(false);
    out.key("content").begin_object().key("application/json").begin_object();
    out.key("schema").begin_object().key("type").value("object").end_object();
    out.end_object().end_object().end_object();
  }
  out.key("security").begin_array();
  if (route.access != Access::open) {
    out.begin_object().key(route.access == Access::admin ? "admin" : "apiKey");
    out.begin_array().end_array().end_object();
  }
  out.end_array();
  out.key("responses").begin_object();
  out.key(std::to_string(route.success_status)).begin_object();
  out.key("description").value("Success");
  out.key("content").begin_object().key("application/json").begin_object();
  out.key("schema").begin_object().key("type").value("object").end_object();
  out.end_object().end_object().end_object();
  out.key("default").begin_object().key("$ref").value("#/components/responses/Error");
  out.end_object();
  out.end_object();
  out.end_object();
}

void write_components(json::JsonWriter& out) {
  out.key("components").begin_object();
  out.key("securitySchemes").begin_object();
  out.key("apiKey").begin_object().key("type").value("http").key("scheme").value("bearer");
  out.key("description").value("A party's API key (mc_test_… or mc_live_…)").end_object();
  out.key("admin").begin_object().key("type").value("http").key("scheme").value("bearer");
  out.key("description").value("The admin secret from the server configuration").end_object();
  out.end_object();
  out.key("schemas").begin_object().key("Error").begin_object();
  out.key("type").value("object").key("required").begin_array().value("error").end_array();
  out.key("properties").begin_object().key("error").begin_object();
  out.key("type").value("object").key("properties").begin_object();
  out.key("type").begin_object().key("type").value("string").key("enum").begin_array();
  for (const char* type : {"invalid_request_error", "api_error", "authentication_error",
                           "rate_limit_error", "idempotency_error"}) {
    out.value(type);
  }
  out.end_array().end_object();
  out.key("code").begin_object().key("type").value("string").end_object();
  out.key("message").begin_object().key("type").value("string").end_object();
  out.key("param").begin_object().key("type").begin_array().value("string").value("null");
  out.end_array().end_object();
  out.end_object().end_object().end_object().end_object().end_object();
  out.key("responses").begin_object().key("Error").begin_object();
  out.key("description").value("Error").key("content").begin_object();
  out.key("application/json").begin_object().key("schema").begin_object();
  out.key("$ref").value("#/components/schemas/Error");
  out.end_object().end_object().end_object().end_object().end_object();
  out.end_object();
}

std::string build_document(const std::string& prefix, const std::vector<RouteSpec>& routes) {
  std::vector<std::string> paths;
  for (const RouteSpec& route : routes) {
    const std::string path = openapi_path(prefix, route.pattern);
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  json::JsonWriter out;
  out.begin_object();
  out.key("openapi").value("3.1.0");
  out.key("info").begin_object().key("title").value("marketcore native API");
  out.key("version").value("1").end_object();
  out.key("paths").begin_object();
  for (const std::string& path : paths) {
    out.key(path).begin_object();
    for (const RouteSpec& route : routes) {
      if (openapi_path(prefix, route.pattern) != path) continue;
      out.key(lower(route.method));
      write_operation(out, route);
    }
    out.end_object();
  }
  out.end_object();
  write_components(out);
  out.end_object();
  return std::move(out).take();
}

}  // namespace

RouteSpec openapi_route(std::string prefix, const std::vector<RouteSpec>& routes) {
  RouteSpec self{.method = "GET",
                 .pattern = "/openapi.json",
                 .route_class = "public",
                 .access = Access::open,
                 .handler = {},
                 .upgrade = {},
                 .summary = "This OpenAPI 3.1 document"};
  std::vector<RouteSpec> documented = routes;
  documented.push_back(self);
  auto document = std::make_shared<const std::string>(build_document(prefix, documented));
  self.handler = [document](RequestContext&) -> Result<Response> {
    return Response::json(200, *document);
  };
  return self;
}

}  // namespace mc::server::native
