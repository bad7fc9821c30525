// server/websocket/event_session.cpp — handshake, read loop, bounded write loop, close.
#include "event_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <chrono>

namespace mc::server::websocket {

namespace beast = boost::beast;
namespace ws = beast::websocket;

namespace {

constexpr size_t kClientMessageBytesMax = 4096;
constexpr int64_t kHandshakeTimeoutMs = 30'000;

}  // namespace

EventSession::EventSession(boost::asio::ip::tcp::socket socket, Request request,
                           int64_t idle_timeout_ms, std::function<void()> on_finished)
    : ws_(beast::tcp_stream(std::move(socket))),
      request_(std::move(request)),
      idle_timeout_ms_(idle_timeout_ms),
      on_finished_(std::move(on_finished)) {}

void EventSession::start() {
  ws::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::milliseconds(kHandshakeTimeoutMs);
  timeouts.idle_timeout = std::chrono::milliseconds(idle_timeout_ms_);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(ws::stream_base::decorator(
      [](ws::response_type& response) { response.set("server", "marketcore-server"); }));
  ws_.read_message_max(kClientMessageBytesMax);
  ws_.text(true);
  ws_.async_accept(request_,
                   [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void EventSession::on_accept(beast::error_code ec) {
  if (ec) return finish();
  open_.store(!close_wanted_);
  do_read();
  if (close_wanted_) do_close();
  do_write();
}

void EventSession::do_read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->finish();  // closed by the client, idle timeout, or a protocol error
    self->read_buffer_.consume(self->read_buffer_.size());
    self->do_read();
  });
}

void EventSession::push(std::vector<std::string> frames) {
  queued_.fetch_add(static_cast<int32_t>(frames.size()));
  boost::asio::post(ws_.get_executor(),
                    [self = shared_from_this(), frames = std::move(frames)]() mutable {
                      if (self->finished_ || self->closing_) {
                        self->queued_.fetch_sub(static_cast<int32_t>(frames.size()));
                        return;
                      }
                      for (std::string& frame : frames) self->queue_.push_back(std::move(frame));
                      self->do_write();
                    });
}

void EventSession::do_write() {
  if (writing_ || finished_ || closing_ || !ws_.is_open()) return;
  if (queue_.empty()) {
    if (close_wanted_) do_close();
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(queue_.front()),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    self->writing_ = false;
                    if (self->finished_) return;
                    self->queue_.pop_front();
                    self->queued_.fetch_sub(1);
                    if (ec) return self->finish();
                    self->do_write();
                  });
}

void EventSession::close(ws::close_code code, std::string reason) {
  boost::asio::dispatch(ws_.get_executor(),
                        [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
                          if (self->close_wanted_ || self->finished_) return;
                          self->close_wanted_ = true;
                          self->open_.store(false);
                          self->close_reason_ = ws::close_reason(code, reason);
                          // Frames not yet on the wire are dropped: the client resumes from its
                          // last sequence.
                          const size_t keep = self->writing_ ? 1 : 0;
                          while (self->queue_.size() > keep) {
                            self->queue_.pop_back();
                            self->queued_.fetch_sub(1);
                          }
                          if (!self->ws_.is_open())
                            return;  // the handshake is still running: on_accept closes
                          self->do_write();
                        });
}

void EventSession::do_close() {
  if (closing_ || finished_) return;
  closing_ = true;
  ws_.async_close(close_reason_,
                  [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void EventSession::finish() {
  if (finished_) return;
  finished_ = true;
  open_.store(false);
  queued_.store(0);
  queue_.clear();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (on_finished_) on_finished_();
}

}  // namespace mc::server::websocket
