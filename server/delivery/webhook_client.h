// server/delivery/webhook_client.h — one webhook POST over http or https, with a deadline.
//
// The client resolves the host itself, checks every resolved address against the library's
// URL policy (mc::check_webhook_addresses) and connects only to those addresses, so a name
// that resolves to a private address — or re-resolves to one after registration (DNS
// rebinding) — is never contacted. https verifies the certificate chain against the system's
// trust store and the host name (SNI set). Redirects are not followed (a 3xx is an answer).
// The whole attempt — resolve, connect, TLS, write, read — shares one deadline.
//
// Thread-safety: a WebhookClient is used by one thread at a time (each worker owns one); it
// runs its own io_context, never the server's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "marketcore/webhooks.h"

namespace mc::server::delivery {

struct WebhookRequest {
  WebhookUrl url;
  bool test_mode = true;  // the URL policy of the endpoint's market
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class WebhookClient {
 public:
  // `timeout_ms` bounds each attempt; `response_bytes_max` bounds what is read back.
  WebhookClient(int64_t timeout_ms, int64_t response_bytes_max);

  // Sends one request. Never throws: every failure is a WebhookAttemptResult with
  // http_status 0 and the reason in `error`.
  WebhookAttemptResult post(const WebhookRequest& request, int64_t now_ms);

 private:
  int64_t timeout_ms_;
  int64_t response_bytes_max_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
};

}  // namespace mc::server::delivery
