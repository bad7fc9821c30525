// server/http_types.h — the request and response values handlers and dialects work with.
//
// Decoupled from Boost.Beast so that routes, dialects and their tests never include it: the
// transport (http_connection.cpp) converts a Beast message into a Request and a Response back
// into a Beast message. Header names are stored lower-case; lookups are case-insensitive.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marketcore/status.h"

namespace mc::server {

struct Response;
// Delivers a deferred response: called exactly once, from any thread.
using ResponseCompletion = std::function<void(Result<Response>)>;

struct Request {
  std::string method;                             // upper-case: "GET", "POST", ...
  std::string target;                             // as received: path plus query
  std::string path;                               // percent-decoded path without the query
  std::multimap<std::string, std::string> query;  // decoded query parameters
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  std::string remote_ip;
  std::string request_id;

  // The header's value, or nullopt. `name` may be in any case.
  std::optional<std::string_view> header(std::string_view name) const;
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string_view> query_param(std::string_view name) const;
  // The value of cookie `name` in the Cookie header (exact, case-sensitive name), or nullopt.
  std::optional<std::string_view> cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set (by Response::later) when a handler answers later, off the request-handler thread —
  // an outbound call: the pipeline calls it once with the completion that delivers the real
  // answer, and ignores the other members.
  std::function<void(ResponseCompletion)> deferred;

  Response& set_header(std::string name, std::string value);
  // Builds a JSON response.
  static Response json(int status, std::string body);
  // A response that `start` produces later: it must call the completion exactly once.
  static Response later(std::function<void(ResponseCompletion)> start);
};

// Splits a request target into its decoded path and decoded query parameters. Returns false
// when the target is not an origin-form path or has a malformed percent escape.
bool split_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& query);

// The credentials of an Authorization value with the Bearer scheme (matched case-insensitively,
// RFC 9110 §11.1), or nullopt for another scheme or no credentials.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Lower-cases ASCII letters.
std::string ascii_lower(std::string_view text);

}  // namespace mc::server
