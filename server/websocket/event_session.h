// server/websocket/event_session.h — one WebSocket connection of an event stream (internal).
//
// Lives by shared_from_this on the hub's io_context (one thread, so its handlers never run
// concurrently): handshake → read loop (client frames are read and dropped, which also keeps
// pong and close handling going) ∥ write loop over a bounded frame queue. `queued()` counts
// frames pushed and not yet written, so the poller never pushes more than fit.
//
// Thread-safety: push(), close(), queued() and open() may be called from any thread; the rest
// runs on the session's executor.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mc::server::websocket {

class EventSession : public std::enable_shared_from_this<EventSession> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  EventSession(boost::asio::ip::tcp::socket socket, Request request, int64_t idle_timeout_ms,
               std::function<void()> on_finished);

  // Starts the handshake.
  void start();
  // Queues frames for sending (in order).
  void push(std::vector<std::string> frames);
  // Sends a close frame after the queued frames, then ends the session.
  void close(boost::beast::websocket::close_code code, std::string reason);
  int32_t queued() const { return queued_.load(); }
  bool open() const { return open_.load(); }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void do_write();
  void do_close();
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  Request request_;
  int64_t idle_timeout_ms_;
  std::function<void()> on_finished_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool close_wanted_ = false;
  bool closing_ = false;
  bool finished_ = false;
  boost::beast::websocket::close_reason close_reason_;
  std::atomic<int32_t> queued_{0};
  std::atomic<bool> open_{false};
};

}  // namespace mc::server::websocket
