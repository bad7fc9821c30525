// server/dialects/humanops/verification_component.cpp — the verification thread.
#include "verification_component.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace mc::server::humanops {

struct VerificationComponent::State {
  std::shared_ptr<mc::humanops::Service> service;
  std::shared_ptr<mc::humanops::Verifier> verifier;
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  bool woken = false;
  std::thread thread;

  void run() {
    constexpr int32_t kBatch = 16;
    while (true) {
      {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::seconds(1), [this] { return stopping || woken; });
        if (stopping) return;
        woken = false;
      }
      while (true) {
        Result<int64_t> routed = service->verify_pending(verifier.get(), kBatch);
        if (!routed.ok()) {
          std::fprintf(stderr, "humanops: verification: %s\n", routed.status().to_string().c_str());
          break;
        }
        if (*routed < kBatch) break;
        std::lock_guard lock(mutex);
        if (stopping) return;
      }
    }
  }
};

VerificationComponent::VerificationComponent(std::shared_ptr<mc::humanops::Service> service,
                                             std::shared_ptr<mc::humanops::Verifier> verifier)
    : state_(std::make_shared<State>()) {
  state_->service = std::move(service);
  state_->verifier = std::move(verifier);
}

VerificationComponent::~VerificationComponent() {
  stop();
}

Status VerificationComponent::start() {
  std::lock_guard lock(state_->mutex);
  if (state_->thread.joinable()) return ok_status();
  state_->stopping = false;
  state_->woken = true;  // route whatever waited through a restart
  state_->thread = std::thread([state = state_] { state->run(); });
  return ok_status();
}

void VerificationComponent::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
}

void VerificationComponent::wake() {
  {
    std::lock_guard lock(state_->mutex);
    state_->woken = true;
  }
  state_->changed.notify_all();
}

std::function<void()> VerificationComponent::waker() const {
  return [state = std::weak_ptr<State>(state_)] {
    if (std::shared_ptr<State> alive = state.lock()) {
      {
        std::lock_guard lock(alive->mutex);
        alive->woken = true;
      }
      alive->changed.notify_all();
    }
  };
}

}  // namespace mc::server::humanops
