// tests/server/holding_receiver.h — a loopback webhook receiver for the multi-server test.
//
// One thread per connection, so requests from several servers can be held unanswered at once
// (hold(true)): a request waits until hold(false), then is answered 200. Every request is
// recorded by its event id (the webhook-id header): answered 200 on a live connection is a
// delivery (delivered() counts them per event id, so a duplicate delivery shows as 2); a
// connection that closes while its request waits is a sender that went away (dropped()) —
// a SIGKILLed server's in-flight deliveries. No dedupe: the test asserts on the counts.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace mc::test {

class HoldingReceiver {
 public:
  HoldingReceiver();
  ~HoldingReceiver();
  HoldingReceiver(const HoldingReceiver&) = delete;
  HoldingReceiver& operator=(const HoldingReceiver&) = delete;

  std::string url(const std::string& path) const;
  // While on, requests wait unanswered (the connection is watched for its sender going away).
  void hold(bool on);
  // Requests waiting unanswered now.
  size_t held() const;
  // Event id → how many times it was answered 200 on a live connection.
  std::map<std::string, int> delivered() const;
  // Event ids whose connection closed before the answer.
  std::set<std::string> dropped() const;
  // Polls `done` (under no lock) until it is true; false after `timeout`.
  static bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::test
