// tests/delivery/webhook_receiver.cpp — the loopback webhook receiver (blocking Asio + Beast).
#include "webhook_receiver.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace mc::test {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

struct WebhookReceiver::Impl {
  explicit Impl(Responder respond) : responder(std::move(respond)) {}

  Responder responder;
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, std::vector<ReceivedWebhook>> received;
  bool stopping = false;

  void serve_one(tcp::socket& socket) {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    boost::system::error_code ec;
    http::read(socket, buffer, request, ec);
    if (ec) return;
    ReceivedWebhook webhook;
    webhook.path = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      webhook.headers[name] = std::string(field.value());
    }
    webhook.body = request.body();
    int attempt = 0;
    {
      std::lock_guard lock(mutex);
      attempt = static_cast<int>(received[webhook.path].size()) + 1;
    }
    webhook.answered_status = responder(webhook.path, attempt);
    http::response<http::string_body> response{static_cast<http::status>(webhook.answered_status),
                                               11};
    response.set(http::field::content_type, "text/plain");
    if (webhook.answered_status != 204) response.body() = "ok";
    response.keep_alive(false);
    response.prepare_payload();
    http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    {
      std::lock_guard lock(mutex);
      received[webhook.path].push_back(std::move(webhook));
    }
    changed.notify_all();
  }

  void run() {
    while (true) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
      if (!ec) serve_one(socket);
    }
  }
};

WebhookReceiver::WebhookReceiver(Responder responder)
    : impl_(std::make_unique<Impl>(std::move(responder))) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  // Wake the blocking accept with a connection of our own.
  net::io_context io;
  tcp::socket waker(io);
  boost::system::error_code ec;
  waker.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
  impl_->thread.join();
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<ReceivedWebhook> WebhookReceiver::requests(const std::string& path) {
  std::lock_guard lock(impl_->mutex);
  return impl_->received[path];
}

bool WebhookReceiver::wait_for(const std::string& path, size_t count,
                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout,
                                 [&] { return impl_->received[path].size() >= count; });
}

}  // namespace mc::test
