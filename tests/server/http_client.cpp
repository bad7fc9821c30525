// tests/server/http_client.cpp — Boost.Beast synchronous client.
#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace mc::test {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

std::optional<std::string> HttpResult::header(const std::string& name) const {
  auto found = headers.find(name);
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

struct HttpClient::Impl {
  uint16_t port;
  boost::asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void connect() {
    stream.emplace(io);
    stream->expires_after(std::chrono::seconds(30));
    stream->connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    buffer.clear();
  }

  HttpResult read_response() {
    HttpResult result;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    stream->expires_after(std::chrono::seconds(60));
    http::read(*stream, buffer, parser);
    auto& message = parser.get();
    result.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[name] = std::string(field.value());
    }
    result.body = std::move(message.body());
    if (!message.keep_alive()) stream.reset();
    return result;
  }
};

HttpClient::HttpClient(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->stream.has_value();
    try {
      if (!impl_->stream) impl_->connect();
      http::request<http::string_body> message;
      message.method_string(method);
      message.target(target);
      message.version(11);
      message.set(http::field::host, "127.0.0.1");
      if (!body.empty()) message.set(http::field::content_type, "application/json");
      for (const auto& [name, value] : headers) message.set(name, value);
      message.body() = body;
      message.prepare_payload();
      impl_->stream->expires_after(std::chrono::seconds(30));
      http::write(*impl_->stream, message);
      return impl_->read_response();
    } catch (const std::exception& error) {
      impl_->stream.reset();
      // A kept-alive connection the server closed meanwhile: retry once on a new one.
      if (reused && attempt == 0) continue;
      HttpResult failed;
      failed.error = error.what();
      return failed;
    }
  }
  return {};
}

HttpResult HttpClient::raw(const std::string& raw_request) {
  try {
    impl_->connect();
    boost::asio::write(impl_->stream->socket(), boost::asio::buffer(raw_request));
    return impl_->read_response();
  } catch (const std::exception& error) {
    impl_->stream.reset();
    HttpResult failed;
    failed.error = error.what();
    return failed;
  }
}

}  // namespace mc::test
