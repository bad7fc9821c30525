// tests/delivery/webhook_receiver.h — a loopback HTTP server that receives webhooks in tests.
//
// Listens on 127.0.0.1 (a free port), reads one request per connection, records it and answers
// with the status the test's responder picks for it (given the path and how many requests that
// path has had, 1 for the first). Thread-safety: requests() and wait_for() may be called from
// any thread; the responder runs on the receiver's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mc::test {

struct ReceivedWebhook {
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int answered_status = 0;
};

class WebhookReceiver {
 public:
  using Responder = std::function<int(const std::string& path, int attempt)>;
  explicit WebhookReceiver(Responder responder);
  ~WebhookReceiver();

  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;
  std::vector<ReceivedWebhook> requests(const std::string& path);
  // Waits until `path` has had `count` requests; false on timeout.
  bool wait_for(const std::string& path, size_t count, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace mc::test
