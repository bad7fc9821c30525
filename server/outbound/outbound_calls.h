// server/outbound/outbound_calls.h — the one place the server makes slow calls to machines
// its clients choose (a hired agent's endpoint, a verifier, any future callout).
//
// Such a call may take as long as its time limit (30 s for an agent execution), so it never
// runs on a request-handler thread: a handler asks admit() for a slot, returns
// Response::later, and run() carries the call out on this facility's own bounded pool. Every
// admitted call gets a pool thread at once (slots = threads), so nothing queues here.
// Admission control: a principal holding `per_principal_max` slots is refused 429
// ("outbound_calls_per_principal"), and when all `calls_max` slots are taken the call is refused
// 503 ("outbound_calls_busy"), both with Retry-After. /healthz, reads and unrelated writes never
// wait for an outbound call: they run on the handler pool, which this facility does not use.
//
// Example (a handler):
//   MC_TRY_ASSIGN(OutboundCalls::Slot slot, outbound.admit(context.principal.subject));
//   return Response::later([&outbound, slot = std::move(slot)](ResponseCompletion done) mutable {
//     outbound.run(std::move(slot), [done] { done(call_the_agent_and_render()); });
//   });
// admit() failing returns a Status; outbound_refusal() renders it with the status code and
// Retry-After for the dialect.
//
// Thread-safety: every method may be called from any thread. The destructor (or join()) waits
// for the calls in progress.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "../http_types.h"
#include "marketcore/status.h"

namespace mc::server {

class Dialect;

inline constexpr const char* kDetailOutboundPerPrincipal = "outbound_calls_per_principal";
inline constexpr const char* kDetailOutboundBusy = "outbound_calls_busy";

struct OutboundLimits {
  int32_t calls_max = 32;         // calls in flight over the whole server (= pool threads)
  int32_t per_principal_max = 4;  // calls in flight per principal
  int64_t retry_after_s = 1;      // sent with a refusal
};

class OutboundCalls {
 public:
  // A held slot; releasing it (destruction) frees the principal's and the server's count.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    void release();

   private:
    friend class OutboundCalls;
    OutboundCalls* owner_ = nullptr;
    std::string principal_;
  };

  explicit OutboundCalls(OutboundLimits limits);
  ~OutboundCalls();

  // A slot for one call by `principal` (its rate-limit subject, e.g. "party:42"), or
  // resource_exhausted/"outbound_calls_per_principal" or unavailable/"outbound_calls_busy".
  Result<Slot> admit(const std::string& principal);
  // Runs `call` on the pool; the slot is released when it returns.
  void run(Slot slot, std::function<void()> call);
  // Waits for every call in progress (shutdown).
  void join();

  int32_t in_flight() const;
  const OutboundLimits& limits() const { return limits_; }

 private:
  void release(const std::string& principal);

  const OutboundLimits limits_;
  mutable std::mutex mutex_;
  int32_t in_flight_ = 0;
  std::map<std::string, int32_t> by_principal_;
  boost::asio::thread_pool pool_;
};

// The dialect's error for an admission refusal, with its status code (429 or 503) and
// Retry-After. Requires: `refusal` came from OutboundCalls::admit.
Response outbound_refusal(const Dialect& dialect, const Status& refusal,
                          const OutboundLimits& limits);

}  // namespace mc::server
