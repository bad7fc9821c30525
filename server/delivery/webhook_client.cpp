// server/delivery/webhook_client.cpp — the webhook POST: resolve → check the addresses →
// connect to exactly those → (TLS with verification) → write → read the status line, headers
// and at most response_bytes_max of body, as completion handlers on the client's own io_context.
#include "webhook_client.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>

namespace mc::server::delivery {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::string_view kUserAgent = "marketcore-webhooks/0.1";

http::request<http::string_body> build_message(const WebhookRequest& request) {
  http::request<http::string_body> message{http::verb::post, request.url.target, 11};
  const bool default_port = request.url.port == (request.url.https ? 443 : 80);
  const bool v6 = request.url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + request.url.host + "]" : request.url.host;
  if (!default_port) host += ":" + std::to_string(request.url.port);
  message.set(http::field::host, host);
  message.set(http::field::user_agent, kUserAgent);
  message.set(http::field::content_type, "application/json");
  message.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();
  return message;
}

// One attempt as a chain of completion handlers on the client's io_context: every handler has
// run when io_context::run() returns, so the object may live on the caller's stack. The
// deadline timer cancels whatever step is pending.
class Attempt {
 public:
  Attempt(net::io_context& io, net::ssl::context& tls, const WebhookRequest& request,
          int64_t now_ms, int64_t response_bytes_max)
      : request_(request),
        now_ms_(now_ms),
        resolver_(io),
        deadline_(io),
        stream_(io, tls),
        message_(build_message(request)) {
    parser_.body_limit(static_cast<uint64_t>(response_bytes_max));
  }

  void start(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([this](beast::error_code ec) {
      if (ec || result_) return;
      timed_out_ = true;
      resolver_.cancel();
      beast::get_lowest_layer(stream_).close();
    });
    beast::get_lowest_layer(stream_).expires_after(timeout);
    resolver_.async_resolve(request_.url.host, std::to_string(request_.url.port),
                            [this](beast::error_code ec, tcp::resolver::results_type found) {
                              on_resolve(ec, std::move(found));
                            });
  }

  WebhookAttemptResult result() const {
    return result_ ? *result_ : WebhookAttemptResult{.http_status = 0, .error = "no outcome"};
  }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type found) {
    if (ec) return fail("resolve " + request_.url.host, ec);
    std::vector<tcp::endpoint> endpoints;
    std::vector<std::string> addresses;
    for (const auto& entry : found) {
      endpoints.push_back(entry.endpoint());
      addresses.push_back(entry.endpoint().address().to_string());
    }
    // Connect only to addresses the policy accepts, so a rebinding name gains nothing.
    const Status allowed = check_webhook_addresses(addresses, request_.test_mode);
    if (!allowed.ok()) return finish({.http_status = 0, .error = allowed.message()});
    beast::get_lowest_layer(stream_).async_connect(
        endpoints, [this](beast::error_code connect_ec, const tcp::endpoint&) {
          if (connect_ec) return fail("connect", connect_ec);
          if (!request_.url.https) return write(beast::get_lowest_layer(stream_));
          handshake();
        });
  }

  void handshake() {
    if (SSL_set_tlsext_host_name(stream_.native_handle(), request_.url.host.c_str()) != 1) {
      return finish({.http_status = 0, .error = "tls: cannot set SNI"});
    }
    stream_.set_verify_mode(net::ssl::verify_peer);
    stream_.set_verify_callback(net::ssl::host_name_verification(request_.url.host));
    stream_.async_handshake(net::ssl::stream_base::client, [this](beast::error_code ec) {
      if (ec) return fail("tls handshake", ec);
      write(stream_);
    });
  }

  template <typename Stream>
  void write(Stream& stream) {
    http::async_write(stream, message_, [this, &stream](beast::error_code ec, size_t) {
      if (ec) return fail("write", ec);
      http::async_read(stream, buffer_, parser_,
                       [this](beast::error_code read_ec, size_t) { on_read(read_ec); });
    });
  }

  void on_read(beast::error_code ec) {
    // An oversized or truncated body still has a status line worth recording.
    if (ec && !parser_.is_header_done()) return fail("read", ec);
    const auto& response = parser_.get();
    WebhookAttemptResult result{.http_status = static_cast<int32_t>(response.result_int())};
    if (result.http_status < 200 || result.http_status > 299) {
      result.error = "HTTP " + std::to_string(result.http_status);
      const auto retry_after = response.find(http::field::retry_after);
      if (retry_after != response.end()) {
        result.retry_after_ms = parse_retry_after_ms(retry_after->value(), now_ms_);
      }
    }
    finish(std::move(result));
  }

  void fail(const std::string& step, beast::error_code ec) {
    finish({.http_status = 0,
            .error = timed_out_ ? step + ": timed out" : step + ": " + ec.message()});
  }

  void finish(WebhookAttemptResult result) {
    if (result_) return;
    result_ = std::move(result);
    deadline_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

  const WebhookRequest& request_;
  int64_t now_ms_;
  tcp::resolver resolver_;
  net::steady_timer deadline_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  http::request<http::string_body> message_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  bool timed_out_ = false;
  std::optional<WebhookAttemptResult> result_;
};

}  // namespace

WebhookClient::WebhookClient(int64_t timeout_ms, int64_t response_bytes_max)
    : timeout_ms_(timeout_ms),
      response_bytes_max_(response_bytes_max),
      tls_(net::ssl::context::tls_client) {
  boost::system::error_code ignored;
  tls_.set_default_verify_paths(ignored);
  tls_.set_verify_mode(net::ssl::verify_peer, ignored);
}

WebhookAttemptResult WebhookClient::post(const WebhookRequest& request, int64_t now_ms) {
  io_.restart();
  Attempt attempt(io_, tls_, request, now_ms, response_bytes_max_);
  try {
    attempt.start(std::chrono::milliseconds(timeout_ms_));
    io_.run();
  } catch (const std::exception& error) {
    io_.stop();
    return {.http_status = 0, .error = std::string("client failure: ") + error.what()};
  }
  return attempt.result();
}

}  // namespace mc::server::delivery
