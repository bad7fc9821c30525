// server/http_connection.cpp — one HTTP/1.1 keep-alive connection (Boost.Beast).
//
// Each connection object owns its stream and lives by shared_from_this; every step runs on its
// strand: wait for a request's first byte (the idle timeout) → read the header, checking its raw
// bytes and then the parsed fields (request_framing.h) → read the body → dispatch (handler
// pool) → write → wait again. The read timeout runs from a request's first byte to its last, so
// a client dribbling bytes is answered 408 and closed. At most one request is in progress per
// connection, so the response queue is bounded at one. Errors found while reading (408, 413,
// 431, malformed or ambiguous framing) are answered in the format of the dialect owning the
// path and the connection is closed, since the stream cannot be resynchronized.
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <optional>

#include "dialect.h"
#include "errors.h"
#include "request_framing.h"
#include "transport.h"
#include "upgrade.h"

namespace mc::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr size_t kReadChunkBytes = 4096;

class HttpConnection final : public ConnectionBase,
                             public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, TransportShared& shared)
      : stream_(std::move(socket)), shared_(shared), request_timer_(stream_.get_executor()) {
    boost::system::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    remote_ip_ = ec ? "" : remote.address().to_string();
  }

  ~HttpConnection() override { shared_.registry.remove(registry_id_); }

  void run() {
    registry_id_ = shared_.registry.add(weak_from_this());
    boost::asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  void begin_drain() override {
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->draining_ = true;
      if (!self->busy_) self->close();
    });
  }

 private:
  void do_read() {
    if (draining_ || shared_.draining.load()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(shared_.config.header_bytes_max));
    parser_->body_limit(static_cast<uint64_t>(shared_.config.body_bytes_max));
    request_started_ = false;
    timed_out_ = false;
    if (buffer_.size() > 0) {  // a pipelined request is already here
      start_request_clock();
      return scan_header();
    }
    stream_.expires_after(std::chrono::milliseconds(shared_.config.idle_timeout_ms));
    read_some();
  }

  void read_some() {
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                              self->on_some(ec, bytes);
                            });
  }

  // The read timeout counts from a request's first byte; on expiry the read in progress is
  // cancelled and the request answered 408.
  void start_request_clock() {
    request_started_ = true;
    stream_.expires_never();
    request_timer_.expires_after(std::chrono::milliseconds(shared_.config.read_timeout_ms));
    request_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->request_started_) return;
      self->timed_out_ = true;
      self->stream_.cancel();
    });
  }

  void stop_request_clock() {
    request_started_ = false;
    request_timer_.cancel();
  }

  void on_some(beast::error_code ec, size_t bytes) {
    buffer_.commit(bytes);
    if (timed_out_) return fail_timeout();
    if (ec) return on_read(ec);
    if (!request_started_) start_request_clock();
    scan_header();
  }

  void scan_header() {
    const std::string_view bytes(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const std::optional<size_t> end = header_end(bytes);
    const auto header_max = static_cast<size_t>(shared_.config.header_bytes_max);
    if (!end) {
      if (bytes.size() > header_max) return on_read(http::error::header_limit);
      return read_some();
    }
    if (*end > header_max) return on_read(http::error::header_limit);
    if (auto refusal = check_raw_header(bytes.substr(0, *end))) return refuse(*refusal);
    beast::error_code ec;
    const size_t used = parser_->put(boost::asio::buffer(bytes.data(), *end), ec);
    buffer_.consume(used);
    if (!ec && !parser_->is_header_done()) ec = http::error::partial_message;
    if (ec) return on_read(ec);
    if (auto refusal = check_request_header(parser_->get().base())) return refuse(*refusal);
    busy_ = true;  // a request has begun: a drain now waits for its response
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code read_ec, size_t) { self->on_read(read_ec); });
  }

  void on_read(beast::error_code ec) {
    if (timed_out_) return fail_timeout();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::eof ||
        ec == boost::asio::error::connection_reset) {
      stop_request_clock();
      return close();
    }
    if (ec) {
      stop_request_clock();
      if (!busy_ && buffer_.size() == 0 && !request_started_) return close();
      return refuse(
          *refusal_for_parse_error(ec, static_cast<size_t>(shared_.config.body_bytes_max)));
    }
    stop_request_clock();
    if (beast::websocket::is_upgrade(parser_->get())) return upgrade();
    dispatch_request();
  }

  void fail_timeout() {
    stop_request_clock();
    timed_out_ = false;
    refuse(FramingRefusal{
        .http_status = 408,
        .status = Status(Code::deadline_exceeded, kDetailRequestTimeout,
                         "the request did not arrive within " +
                             std::to_string(shared_.config.read_timeout_ms) + " ms")});
  }

  void dispatch_request() {
    auto request = std::make_shared<Request>(to_request(parser_->get(), remote_ip_));
    keep_alive_ = parser_->get().keep_alive();
    head_ = parser_->get().method() == http::verb::head;
    request->body = std::move(parser_->get().body());
    if (!split_target(request->target, request->path, request->query)) {
      return fail_request(invalid_argument("malformed_target", "malformed request target"));
    }
    if (shared_.requests_in_flight.fetch_add(1) >= shared_.config.requests_in_flight_max) {
      shared_.requests_in_flight.fetch_sub(1);
      return write(shared_.service.error_response(
                       request->path, Status(Code::resource_exhausted, kDetailOverloaded,
                                             "too many requests in progress; retry")),
                   keep_alive_);
    }
    // The handler pool runs the pipeline; a handler that answers later (an outbound call)
    // releases its thread and the answer comes back through the same callback.
    boost::asio::post(shared_.handlers, [self = shared_from_this(), request] {
      self->shared_.service.handle(request, [self](Response response) {
        self->shared_.requests_in_flight.fetch_sub(1);
        boost::asio::post(self->stream_.get_executor(),
                          [self, response = std::move(response)]() mutable {
                            self->write(std::move(response), self->keep_alive_);
                          });
      });
    });
  }

  void upgrade() {
    auto request = std::make_shared<Request>(to_request(parser_->get(), remote_ip_));
    if (!split_target(request->target, request->path, request->query)) {
      return fail_request(invalid_argument("malformed_target", "malformed request target"));
    }
    request->request_id = shared_.service.request_id_for(*request);
    HttpService::Prepared prepared = shared_.service.prepare(*request);
    if (prepared.refusal) return write(std::move(*prepared.refusal), false);
    const MountedRoute& route = *prepared.match.route;
    if (!route.spec.upgrade) {
      Response response = prepared.context->dialect->render_error(
          invalid_argument("websocket_not_supported", "this route does not accept WebSockets"));
      response.status = 400;
      return write(std::move(response), false);
    }
    shared_.service.record(*request, &prepared.match, Response::json(101, ""), Status(),
                           monotonic_us(), &prepared.context->principal);
    auto handed = std::unique_ptr<UpgradedStream>(
        new UpgradedStream{std::move(stream_), parser_->release(), std::move(buffer_)});
    closed_ = true;  // the stream now belongs to the WebSocket route
    route.spec.upgrade(std::move(handed), *prepared.context);
  }

  void fail_request(const Status& status) {
    refuse(FramingRefusal{.http_status = http_status_for(status), .status = status});
  }

  // Answers a request refused while reading, in the format of the dialect owning its path
  // (when the request line was read), and closes the connection.
  void refuse(const FramingRefusal& refusal) {
    std::string path = "/";
    if (parser_) {
      std::multimap<std::string, std::string> ignored;
      const std::string_view target = parser_->get().target();
      if (target.empty() || !split_target(target, path, ignored)) path = "/";
    }
    Response response = shared_.service.error_response(path, refusal.status);
    response.status = refusal.http_status;
    write(std::move(response), false);
  }

  void write(Response response, bool keep_alive) {
    busy_ = true;
    auto message = std::make_shared<http::response<http::string_body>>();
    message->version(11);
    message->result(static_cast<unsigned>(response.status));
    message->set(http::field::server, "marketcore");
    if (!response.content_type.empty())
      message->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) message->insert(name, value);
    const bool keep = keep_alive && !draining_ && !shared_.draining.load();
    message->keep_alive(keep);
    const size_t length = response.body.size();
    message->body() = head_ ? std::string() : std::move(response.body);
    message->prepare_payload();
    if (head_) message->content_length(length);
    stream_.expires_after(std::chrono::milliseconds(shared_.config.read_timeout_ms));
    http::async_write(stream_, *message,
                      [self = shared_from_this(), message, keep](beast::error_code ec, size_t) {
                        self->on_write(ec, keep);
                      });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    busy_ = false;
    head_ = false;
    if (ec || !keep_alive) return close();
    do_read();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  TransportShared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  boost::asio::steady_timer request_timer_;
  std::string remote_ip_;
  uint64_t registry_id_ = 0;
  bool busy_ = false;
  bool draining_ = false;
  bool closed_ = false;
  bool keep_alive_ = true;
  bool head_ = false;
  bool request_started_ = false;  // a request's first byte arrived; its read clock runs
  bool timed_out_ = false;        // the read clock ran out
};

}  // namespace

void start_http_connection(tcp::socket socket, TransportShared& shared) {
  std::make_shared<HttpConnection>(std::move(socket), shared)->run();
}

}  // namespace mc::server
