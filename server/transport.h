// server/transport.h — what the listener, the connections and the Server share (Asio only).
//
// The transport owns sockets and nothing else: a connection reads one request, converts it to
// a Request, runs HttpService::handle on the handler pool (handlers block on commits; the I/O
// threads never do), and writes the Response back on its own strand. `requests_in_flight` is
// the bounded queue between the two: beyond the configured maximum a request is answered 503 at
// once. The registry lets shutdown tell every live connection to finish and close.
//
// Thread-safety: TransportShared members are thread-safe; the registry takes a mutex.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "config.h"
#include "http_service.h"

namespace mc::server {

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Finish the request in progress (if any), answer it with Connection: close, then close.
  virtual void begin_drain() = 0;
};

class ConnectionRegistry {
 public:
  uint64_t add(std::weak_ptr<ConnectionBase> connection);
  void remove(uint64_t id);
  size_t size();
  void drain_all();

 private:
  std::mutex mutex_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::weak_ptr<ConnectionBase>> connections_;
};

struct TransportShared {
  const ServerConfig& config;
  HttpService& service;
  boost::asio::thread_pool& handlers;
  ConnectionRegistry registry;
  std::atomic<int32_t> requests_in_flight{0};
  std::atomic<bool> draining{false};
};

// Starts serving one accepted socket.
void start_http_connection(boost::asio::ip::tcp::socket socket, TransportShared& shared);

// Accepts connections until close() and hands each to start_http_connection.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, TransportShared& shared);
  // Binds and listens. Returns unavailable/"listen_failed" with the reason.
  Status open(const boost::asio::ip::tcp::endpoint& endpoint);
  uint16_t port() const;
  void run();
  void close();

 private:
  void do_accept();

  boost::asio::io_context& io_;
  TransportShared& shared_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace mc::server
