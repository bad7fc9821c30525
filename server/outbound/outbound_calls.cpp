// server/outbound/outbound_calls.cpp — admission counts and the bounded outbound pool.
#include "outbound_calls.h"

#include <boost/asio/post.hpp>
#include <exception>
#include <memory>

#include "../dialect.h"

namespace mc::server {

OutboundCalls::Slot& OutboundCalls::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = other.owner_;
    principal_ = std::move(other.principal_);
    other.owner_ = nullptr;
  }
  return *this;
}

void OutboundCalls::Slot::release() {
  if (owner_ == nullptr) return;
  owner_->release(principal_);
  owner_ = nullptr;
}

OutboundCalls::OutboundCalls(OutboundLimits limits)
    : limits_(limits), pool_(static_cast<size_t>(limits.calls_max > 0 ? limits.calls_max : 1)) {}

OutboundCalls::~OutboundCalls() {
  join();
}

Result<OutboundCalls::Slot> OutboundCalls::admit(const std::string& principal) {
  std::lock_guard lock(mutex_);
  int32_t& mine = by_principal_[principal];
  if (mine >= limits_.per_principal_max) {
    if (mine == 0) by_principal_.erase(principal);
    return Status(Code::resource_exhausted, kDetailOutboundPerPrincipal,
                  "too many of your outbound calls are in progress (at most " +
                      std::to_string(limits_.per_principal_max) + "); retry when one finishes");
  }
  if (in_flight_ >= limits_.calls_max) {
    if (mine == 0) by_principal_.erase(principal);
    return Status(Code::unavailable, kDetailOutboundBusy,
                  "every outbound call slot of the server is taken; retry shortly");
  }
  ++mine;
  ++in_flight_;
  Slot slot;
  slot.owner_ = this;
  slot.principal_ = principal;
  return slot;
}

void OutboundCalls::release(const std::string& principal) {
  std::lock_guard lock(mutex_);
  --in_flight_;
  auto found = by_principal_.find(principal);
  if (found != by_principal_.end() && --found->second <= 0) by_principal_.erase(found);
}

void OutboundCalls::run(Slot slot, std::function<void()> call) {
  auto held = std::make_shared<Slot>(std::move(slot));
  boost::asio::post(pool_, [held, call = std::move(call)] {
    try {
      call();
    } catch (const std::exception&) {
      // `call` reports its own outcome; an escaped exception must not kill the pool thread.
    }
    held->release();
  });
}

void OutboundCalls::join() {
  pool_.join();
}

int32_t OutboundCalls::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

Response outbound_refusal(const Dialect& dialect, const Status& refusal,
                          const OutboundLimits& limits) {
  Response response = dialect.render_error(refusal);
  response.status = refusal.detail() == kDetailOutboundPerPrincipal ? 429 : 503;
  response.set_header("Retry-After", std::to_string(limits.retry_after_s));
  return response;
}

}  // namespace mc::server
