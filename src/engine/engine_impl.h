// engine_impl.h — the Engine's private state, shared by the engine_*.cpp files.
//
// Engine::Impl owns the store, the clock, the registry of lifecycles and guards and the
// interpreter. Each public Engine call is one pure validation followed by one store unit
// (write) or one reader query (read); nothing is cached outside the store except the registry.
//
// Thread-safety: every member is thread-safe (the store and registry lock internally; the
// clock is atomic; options are read-only after open).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/interpreter.h"
#include "engine/registry.h"
#include "marketcore/engine.h"
#include "store/store.h"

namespace mc {

struct Engine::Impl {
  EngineOptions options;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<store::Store> store;
  engine::Registry registry;
  engine::Interpreter interpreter{registry};
  // Serializes run_due/advance_ms so one due timer is never fired by two callers.
  std::mutex due_mutex;

  // One pass over the timers and holds due now; returns how many were attempted.
  Result<int64_t> run_due_pass();
  Status purge_idempotency();
  // Reports a failed attempt at due work (on_due_failure) and records it: retried after a
  // backoff when `failure` is transient, parked as stuck otherwise. `attempts` is the count
  // before this one.
  Status record_due_failure(store::DueKind kind, int64_t id, int32_t attempts,
                            const Status& failure, const store::Timer* timer);

  // Fire a transition inside `tx` (as Interpreter::fire / fire_loaded) and, when the firing
  // moves a job with an open dispute out of the state it was in, close that dispute in the
  // same unit with the fired transition as its outcome. Every firing of an existing job goes
  // through one of these.
  Result<JobOutcome> fire_in(store::Transaction& tx, const FireTransition& request);
  Result<JobOutcome> fire_loaded_in(store::Transaction& tx, const Job& job,
                                    const FireTransition& request);

  // Records `mine` (an element of `votes`) as `vote` inside `tx`; when that makes a majority of
  // the dispute's judges agree, fires the verdict's transition and returns the dispute as it
  // ends. Shared by the open vote and the commit-reveal vote.
  Result<Dispute> record_vote(store::Transaction& tx, const Dispute& dispute,
                              std::vector<DisputeVote>& votes, DisputeVote& mine,
                              std::string_view vote);

  int64_t now_ms() const { return clock->now_ms(); }

  template <typename T>
  Result<T> write(const std::function<Result<T>(store::Transaction&)>& unit) {
    return store->write_result<T>(now_ms(), unit);
  }
  template <typename T>
  void write_async(std::function<Result<T>(store::Transaction&)> unit,
                   std::function<void(Result<T>)> done) {
    store->write_result_async<T>(now_ms(), std::move(unit), std::move(done));
  }
  template <typename T>
  Result<T> read(const std::function<Result<T>(store::Reader&)>& query) {
    return store->read_result<T>(query);
  }
};

namespace engine {

// Looks up `key` for a request whose fingerprint is `request_hash`: the stored result text of
// an identical earlier request, nullopt when the key is new, or
// invalid_argument/"idempotency_key_reused" when the key was used for a different request.
Result<std::optional<std::string>> find_replay(store::Transaction& tx,
                                               const std::optional<IdempotencyKey>& key,
                                               const std::string& request_hash);

// Saves the result of a first request under `key` (no-op without a key).
Status save_replay(store::Transaction& tx, const std::optional<IdempotencyKey>& key,
                   const std::string& request_hash, const std::string& result_json);

// invalid_argument/"idempotency_key_invalid" for an empty scope or key.
Status validate_idempotency_key(const std::optional<IdempotencyKey>& key);

// The job's dispute if it is open (engine_disputes.cpp).
Result<std::optional<Dispute>> open_dispute_of(store::Transaction& tx, JobId job);
// Closes `dispute` when `fired` moved its job out of `state_before`: status "resolved" (with the
// verdict) for resolve_for_worker/resolve_for_poster, else "closed"; outcome = the transition.
Status close_dispute_if_left(store::Transaction& tx, Dispute dispute,
                             const std::string& state_before, const JobOutcome& fired);

}  // namespace engine
}  // namespace mc
