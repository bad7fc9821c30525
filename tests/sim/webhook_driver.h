// The simulator's webhook delivery driver: one market-wide endpoint per market, and after every
// step a delivery worker that queues the outbox (enqueue_new_events), claims due deliveries
// with a lease (claim_due) and reports what its simulated receiver answered (record_attempt):
// 2xx, 5xx, 429 with a Retry-After, a network error, a 410, or nothing at all — the receiver
// hangs, the worker gives up without reporting, and the delivery must come back once the lease
// has lapsed; the hung attempt's late answer is sometimes reported steps later.
//
// It keeps its own model of every delivery (attempts, status, lease, next attempt) and checks
// (invariant `webhooks`): each market event is queued exactly once per endpoint; a claimed
// delivery was due, pending, not leased and not finished; every reported attempt moves the
// delivery as the retry policy says (2xx delivered, 410 dead, retryable pending no sooner than
// the policy's minimum delay or the Retry-After, or dead past the horizon) and a late answer to
// a finished delivery changes nothing; every delivery due and not leased is handed out; and
// after every reopen every delivery attempted since the previous one is still as the model
// has it (`durable`).
//
// It draws from its own PRNG stream (seed and step), and its writes come after a step's
// operations and checks, so the market steps of a seed are the same with or without it.
//
// Thread-safety: none; the simulator calls it on its own thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/webhooks.h"
#include "sim/market_module.h"

namespace mc::sim {

class WebhookDriver {
 public:
  using Fail = std::function<void(const std::string& invariant, const std::string& message)>;
  using Count = std::function<void(const std::string& invariant)>;

  WebhookDriver(Fail fail, Count count) : fail_(std::move(fail)), count_(std::move(count)) {}

  // Registers one market-wide endpoint per market (before any market event).
  void setup(Engine& engine, const std::vector<MarketId>& markets);
  // One worker pass at the engine clock's now.
  void step(Engine& engine, Rng& rng);
  // After a reopen: every delivery is as the model has it.
  void check_durable(Engine& engine);

  int64_t attempts() const { return attempts_; }

 private:
  struct Model {
    WebhookEndpointId endpoint = 0;
    int64_t event_sequence = 0;
    WebhookDeliveryStatus status = WebhookDeliveryStatus::pending;
    int32_t attempts = 0;
    int64_t first_attempt_at_ms = 0;
    int64_t next_attempt_at_ms = 0;
    int64_t leased_until_ms = 0;
  };

  void enqueue(Engine& engine);
  void claim(Engine& engine, Rng& rng);
  void record(Engine& engine, WebhookDeliveryId id, const WebhookAttemptResult& result,
              uint64_t random, bool late);
  void check_row(const WebhookDelivery& row, const Model& model, const char* invariant);

  Fail fail_;
  Count count_;
  WebhookRetryPolicy policy_;
  std::map<MarketId, WebhookEndpointId> endpoints_;
  std::map<WebhookDeliveryId, Model> deliveries_;
  std::set<WebhookDeliveryId> pending_;                     // of deliveries_, those still pending
  std::set<WebhookDeliveryId> recorded_;                    // attempted since the last reopen
  std::set<std::pair<WebhookEndpointId, int64_t>> queued_;  // (endpoint, event) pairs
  int64_t event_cursor_ = 0;     // the last outbox event counted for queuing
  int64_t expected_queued_ = 0;  // market events not yet seen queued
  int64_t unclaimed_ = 0;        // deliveries queued, never claimed yet (not in deliveries_)
  std::vector<std::pair<WebhookDeliveryId, WebhookAttemptResult>> hung_;
  int64_t attempts_ = 0;
  static constexpr int64_t kLeaseMs = 30'000;
};

}  // namespace mc::sim
