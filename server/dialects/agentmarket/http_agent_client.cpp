// server/dialects/agentmarket/http_agent_client.cpp — Beast clients for direct execution.
#include "http_agent_client.h"

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "json/json_writer.h"
#include "llm_reply.h"
#include "marketcore/webhooks.h"

namespace mc::server::agentmarket {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr size_t kReplyBytesMax = 1024 * 1024;

struct Exchange {
  std::string url;
  std::string body;
  std::string authorization;  // "" = none
  int64_t timeout_ms = 30'000;
  bool apply_url_policy = true;  // false for the operator-configured LLM endpoint
};

struct Outcome {
  std::string failure;  // "" on an answer
  int32_t http_status = 0;
  std::string body;
};

http::request<http::string_body> build_message(const WebhookUrl& target, const Exchange& exchange) {
  http::request<http::string_body> message{http::verb::post, target.target, 11};
  const bool default_port = target.port == (target.https ? 443 : 80);
  const bool v6 = target.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + target.host + "]" : target.host;
  if (!default_port) host += ":" + std::to_string(target.port);
  message.set(http::field::host, host);
  message.set(http::field::user_agent, "marketcore-agentmarket");
  message.set(http::field::content_type, "application/json");
  message.set(http::field::connection, "close");
  if (!exchange.authorization.empty()) {
    message.set(http::field::authorization, exchange.authorization);
  }
  message.body() = exchange.body;
  message.prepare_payload();
  return message;
}

// resolve → check the addresses (the webhook URL policy) → connect → (TLS) → write → read, as
// a chain of completion handlers on one io_context; the caller runs it for the time limit.
class Attempt {
 public:
  Attempt(asio::io_context& io, asio::ssl::context& tls, WebhookUrl target, Exchange exchange,
          bool test_mode)
      : target_(std::move(target)),
        exchange_(std::move(exchange)),
        test_mode_(test_mode),
        resolver_(io),
        stream_(io, tls),
        message_(build_message(target_, exchange_)) {
    parser_.body_limit(kReplyBytesMax);
  }

  void start() {
    resolver_.async_resolve(target_.host, std::to_string(target_.port),
                            [this](beast::error_code error, tcp::resolver::results_type found) {
                              on_resolve(error, found);
                            });
  }

  const std::optional<Outcome>& outcome() const { return outcome_; }

 private:
  void fail(std::string_view what, const beast::error_code& error) {
    outcome_ = Outcome{.failure = std::string(what) + ": " + error.message()};
  }

  void on_resolve(beast::error_code error, const tcp::resolver::results_type& found) {
    if (error) return fail("resolve " + target_.host, error);
    std::vector<std::string> addresses;
    for (const auto& entry : found) addresses.push_back(entry.endpoint().address().to_string());
    if (exchange_.apply_url_policy) {
      const Status allowed = check_webhook_addresses(addresses, test_mode_);
      if (!allowed.ok()) {
        outcome_ = Outcome{.failure = allowed.message()};
        return;
      }
    }
    beast::get_lowest_layer(stream_).async_connect(
        found, [this](beast::error_code error, const tcp::endpoint&) { on_connect(error); });
  }

  void on_connect(beast::error_code error) {
    if (error) return fail("connect", error);
    if (!target_.https) return write();
    if (SSL_set_tlsext_host_name(stream_.native_handle(), target_.host.c_str()) != 1) {
      outcome_ = Outcome{.failure = "tls: cannot set SNI"};
      return;
    }
    stream_.set_verify_mode(asio::ssl::verify_peer);
    stream_.set_verify_callback(asio::ssl::host_name_verification(target_.host));
    stream_.async_handshake(asio::ssl::stream_base::client, [this](beast::error_code error) {
      if (error) return fail("tls handshake", error);
      write();
    });
  }

  void write() {
    auto on_written = [this](beast::error_code error, size_t) {
      if (error) return fail("write", error);
      read();
    };
    if (target_.https) {
      http::async_write(stream_, message_, on_written);
    } else {
      http::async_write(beast::get_lowest_layer(stream_), message_, on_written);
    }
  }

  void read() {
    auto on_read = [this](beast::error_code error, size_t) {
      if (error) return fail("read", error);
      outcome_ = Outcome{.http_status = static_cast<int32_t>(parser_.get().result_int()),
                         .body = parser_.get().body()};
    };
    if (target_.https) {
      http::async_read(stream_, buffer_, parser_, on_read);
    } else {
      http::async_read(beast::get_lowest_layer(stream_), buffer_, parser_, on_read);
    }
  }

  WebhookUrl target_;
  Exchange exchange_;
  bool test_mode_;
  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  http::request<http::string_body> message_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  std::optional<Outcome> outcome_;
};

// One POST on a private io_context, run for at most the time limit: whatever has not
// finished by then is abandoned (the sockets close with the context) and reported as
// deadline_exceeded/`timeout_detail`.
Result<AgentEndpointReply> post(const Exchange& exchange, bool test_mode,
                                const char* timeout_detail) {
  Result<WebhookUrl> parsed = check_webhook_url(exchange.url, test_mode);
  if (!parsed.ok()) return invalid_argument("agent_url_invalid", parsed.status().message());
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  boost::system::error_code ignored;
  tls.set_default_verify_paths(ignored);
  auto attempt = std::make_unique<Attempt>(io, tls, *parsed, exchange, test_mode);
  try {
    attempt->start();
    io.run_for(std::chrono::milliseconds(exchange.timeout_ms));
  } catch (const std::exception& error) {
    return Status(Code::unavailable, "agent_unreachable",
                  std::string("The endpoint could not be reached: ") + error.what());
  }
  const std::optional<Outcome>& outcome = attempt->outcome();
  if (!outcome) {
    return Status(Code::deadline_exceeded, timeout_detail,
                  "No answer within " + std::to_string(exchange.timeout_ms) + " ms");
  }
  if (!outcome->failure.empty()) {
    return Status(Code::unavailable, "agent_unreachable",
                  "The endpoint could not be reached: " + outcome->failure);
  }
  return AgentEndpointReply{.http_status = outcome->http_status, .body = outcome->body};
}

class HttpAgentClient final : public AgentEndpointClient {
 public:
  explicit HttpAgentClient(bool test_mode) : test_mode_(test_mode) {}

  Result<AgentEndpointReply> call(const AgentEndpointCall& call) override {
    return post({.url = call.url, .body = call.body_json, .timeout_ms = call.timeout_ms},
                test_mode_, "agent_timeout");
  }

 private:
  bool test_mode_;
};

class ChatCompletionsClient final : public LlmClient {
 public:
  ChatCompletionsClient(std::string url, std::string model, std::string api_key)
      : url_(std::move(url)), model_(std::move(model)), api_key_(std::move(api_key)) {}

  Result<std::string> complete(const LlmCompletion& completion) override {
    json::JsonWriter body;
    body.begin_object();
    body.key("model").value(model_);
    body.key("messages").begin_array();
    body.begin_object().key("role").value("system");
    body.key("content").value(completion.system_prompt).end_object();
    body.begin_object().key("role").value("user");
    body.key("content").value(completion.user_message).end_object();
    body.end_array().end_object();
    MC_TRY_ASSIGN(AgentEndpointReply reply,
                  post({.url = url_,
                        .body = std::move(body).take(),
                        .authorization = api_key_.empty() ? "" : "Bearer " + api_key_,
                        .timeout_ms = completion.timeout_ms,
                        .apply_url_policy = false},
                       /*test_mode=*/true, "llm_timeout"));
    if (reply.http_status < 200 || reply.http_status > 299) {
      return Status(Code::unavailable, "llm_unavailable",
                    "The LLM endpoint answered HTTP " + std::to_string(reply.http_status));
    }
    return chat_completion_text(reply.body);
  }

 private:
  std::string url_;
  std::string model_;
  std::string api_key_;
};

std::string environment(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

}  // namespace

std::shared_ptr<AgentEndpointClient> make_http_agent_client(bool test_mode) {
  return std::make_shared<HttpAgentClient>(test_mode);
}

std::shared_ptr<LlmClient> make_llm_client_from_environment() {
  std::string url = environment("MARKETCORE_AGENTMARKET_LLM_URL", "");
  if (url.empty()) return nullptr;
  return std::make_shared<ChatCompletionsClient>(
      std::move(url), environment("MARKETCORE_AGENTMARKET_LLM_MODEL", "default"),
      environment("MARKETCORE_AGENTMARKET_LLM_API_KEY", ""));
}

}  // namespace mc::server::agentmarket
