// Implements holding_receiver.h with plain sockets (one request per connection).
#include "holding_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>
#include <vector>

namespace mc::test {
namespace {

constexpr std::string_view kEventIdHeader = "webhook-id:";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The value of header `name` (lower-case, with its colon) in the request head, "" if absent.
std::string header(const std::string& head, std::string_view name) {
  const std::string lowered = lower(head);
  const size_t at = lowered.find("\r\n" + std::string(name));
  if (at == std::string::npos) return "";
  size_t start = at + 2 + name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

// True while the peer has not closed its side (no hang-up, no EOF pending).
bool peer_alive(int fd, int wait_ms) {
  pollfd p{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  if (::poll(&p, 1, wait_ms) <= 0) return true;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return false;
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

}  // namespace

struct HoldingReceiver::Impl {
  int listen_fd = -1;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread acceptor;
  mutable std::mutex mutex;
  bool holding = false;                  // guarded by mutex
  size_t waiting = 0;                    // guarded by mutex
  std::map<std::string, int> delivered;  // guarded by mutex
  std::set<std::string> dropped;         // guarded by mutex
  std::vector<std::thread> connections;  // guarded by mutex

  void serve(int fd) {
    std::string data;
    char buffer[4096];
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      data.append(buffer, static_cast<size_t>(n));
      head_end = data.find("\r\n\r\n");
    }
    const std::string head = data.substr(0, head_end + 2);
    const size_t length = static_cast<size_t>(std::atoll(header(head, "content-length:").c_str()));
    while (data.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, static_cast<size_t>(n));
    }
    const std::string event_id = header(head, kEventIdHeader);
    std::unique_lock lock(mutex);
    ++waiting;
    bool alive = true;
    while (holding && !stopping) {
      lock.unlock();
      alive = peer_alive(fd, 20);
      lock.lock();
      if (!alive) break;
    }
    --waiting;
    if (alive) {
      lock.unlock();
      alive = peer_alive(fd, 0);
      static constexpr std::string_view kAnswer =
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      alive = alive && ::send(fd, kAnswer.data(), kAnswer.size(), MSG_NOSIGNAL) ==
                           static_cast<ssize_t>(kAnswer.size());
      lock.lock();
    }
    if (alive) {
      ++delivered[event_id];
    } else {
      dropped.insert(event_id);
    }
    lock.unlock();
    ::close(fd);
  }

  void accept_loop() {
    while (!stopping) {
      pollfd p{.fd = listen_fd, .events = POLLIN, .revents = 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listen_fd, nullptr, nullptr);
      if (fd < 0) continue;
      std::lock_guard lock(mutex);
      connections.emplace_back([this, fd] { serve(fd); });
    }
  }
};

HoldingReceiver::HoldingReceiver() : impl_(std::make_unique<Impl>()) {
  impl_->listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::listen(impl_->listen_fd, 128);
  socklen_t size = sizeof address;
  ::getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&address), &size);
  impl_->port = ntohs(address.sin_port);
  impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
}

HoldingReceiver::~HoldingReceiver() {
  impl_->stopping = true;
  impl_->acceptor.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(impl_->mutex);
    connections.swap(impl_->connections);
  }
  for (std::thread& connection : connections) connection.join();
  ::close(impl_->listen_fd);
}

std::string HoldingReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + path;
}

void HoldingReceiver::hold(bool on) {
  std::lock_guard lock(impl_->mutex);
  impl_->holding = on;
}

size_t HoldingReceiver::held() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->waiting;
}

std::map<std::string, int> HoldingReceiver::delivered() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->delivered;
}

std::set<std::string> HoldingReceiver::dropped() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->dropped;
}

bool HoldingReceiver::wait_until(const std::function<bool()>& done,
                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace mc::test
