// server/listener.cpp — the accept loop and the connection registry.
#include <boost/asio/strand.hpp>
#include <cstdio>

#include "transport.h"

namespace mc::server {

uint64_t ConnectionRegistry::add(std::weak_ptr<ConnectionBase> connection) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
}

size_t ConnectionRegistry::size() {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void ConnectionRegistry::drain_all() {
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  for (auto& connection : live) connection->begin_drain();
}

Listener::Listener(boost::asio::io_context& io, TransportShared& shared)
    : io_(io), shared_(shared), acceptor_(boost::asio::make_strand(io)) {}

Status Listener::open(const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::unavailable, "listen_failed",
                  "cannot listen on " + endpoint.address().to_string() + ":" +
                      std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return ok_status();
}

uint16_t Listener::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::run() {
  do_accept();
}

void Listener::close() {
  boost::asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(boost::asio::make_strand(io_), [self = shared_from_this()](
                                                            boost::system::error_code ec,
                                                            boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!ec) {
      if (self->shared_.draining.load() ||
          self->shared_.registry.size() >=
              static_cast<size_t>(self->shared_.config.connections_max)) {
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        start_http_connection(std::move(socket), self->shared_);
      }
    }
    self->do_accept();
  });
}

}  // namespace mc::server
