// marketcore_bare_beast (built from bench_server_bare_beast.cpp) — the baseline of bench_server:
// a minimal Boost.Beast HTTP/1.1 keep-alive server answering every request with the same small
// JSON body, on the same threading model as marketcore-server (one strand per connection, N I/O
// threads). Usage: marketcore_bare_beast PORT THREADS
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}
  void run() { do_read(); }

 private:
  void do_read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->close();
                       self->respond();
                     });
  }
  void respond() {
    auto response = std::make_shared<http::response<http::string_body>>(http::status::ok, 11);
    response->set(http::field::content_type, "application/json");
    response->keep_alive(request_.keep_alive());
    response->body() = R"({"object":"balance","available_minor":100})";
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, size_t) {
                        if (ec || !response->keep_alive()) return self->close();
                        self->do_read();
                      });
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

void accept(tcp::acceptor& acceptor, boost::asio::io_context& io) {
  acceptor.async_accept(boost::asio::make_strand(io),
                        [&acceptor, &io](beast::error_code ec, tcp::socket socket) {
                          if (ec) return;
                          std::make_shared<Session>(std::move(socket))->run();
                          accept(acceptor, io);
                        });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: marketcore_bare_beast PORT THREADS\n");
    return 2;
  }
  try {
    const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
    const int threads = std::max(1, std::atoi(argv[2]));
    boost::asio::io_context io(threads);
    tcp::acceptor acceptor(boost::asio::make_strand(io),
                           {boost::asio::ip::make_address("127.0.0.1"), port});
    accept(acceptor, io);
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&io](beast::error_code, int) { io.stop(); });
    std::fprintf(stderr, "bare beast listening on %u\n", static_cast<unsigned>(port));
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& thread : pool) thread.join();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "marketcore_bare_beast: %s\n", error.what());
    return 1;
  }
  return 0;
}
