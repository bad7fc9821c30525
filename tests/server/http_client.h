// tests/server/http_client.h — a small synchronous HTTP/1.1 client for end-to-end tests.
//
// One TCP connection per HttpClient, kept alive across requests and reopened when the server
// closed it. Thread-safety: one client per thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace mc::test {

struct HttpResult {
  int status = 0;  // 0: the request failed at the transport (no response)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;

  std::optional<std::string> header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port);
  ~HttpClient();

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  // Sends `raw` bytes as they are and reads one response (for malformed requests).
  HttpResult raw(const std::string& raw_request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::test
