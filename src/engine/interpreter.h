// interpreter.h — fires a lifecycle transition on a job inside one store write unit.
//
// The interpreter is the only place that knows the order of a firing (engine.h, lifecycle.h):
//   choose the transition (a name, or the first passing member of a group) → resolve the
//   actor's role → check the from-state ("wrong_state") and the role ("role_not_allowed", or
//   "not_assigned_worker" for a candidate other than the job's named worker) → guards in
//   order, then the consent of every party whose stake the transition locks
//   ("<role>_not_opted_in") → ledger effects in order → records → status-guarded job update
//   (and the parent lead's, for contracts) → history row → events → timers of the new state.
// marketcore/refusal.h explains these refusals from the lifecycle.
// Any failure returns a Status; the caller's write unit then rolls back, so a failed firing
// leaves nothing behind. Idempotency is the caller's business (engine_jobs.cpp).
//
// Thread-safety: an Interpreter is immutable and may be shared; each call runs on the thread
// of its write unit.
//
// Example:
//   Interpreter interpreter(registry);
//   store->write(now_ms, [&](store::Transaction& tx) {
//     return interpreter.fire(tx, request).status();
//   });
#pragma once

#include "engine/registry.h"
#include "marketcore/engine.h"
#include "store/store.h"

namespace mc::engine {

class Interpreter {
 public:
  explicit Interpreter(const Registry& registry) : registry_(registry) {}

  // Loads request.job_id and fires. Errors: see Engine::fire.
  Result<JobOutcome> fire(store::Transaction& tx, const FireTransition& request) const;
  // Fires on `job` as loaded earlier. If the stored row has moved on since, the status-guarded
  // update fails with aborted/"job_state_changed" (or an earlier step fails) and the caller's
  // unit must roll back.
  Result<JobOutcome> fire_loaded(store::Transaction& tx, const Job& job,
                                 const FireTransition& request) const;
  // Fires the lifecycle's creation transition on a job just inserted in its initial state,
  // acting as `actor_id`.
  Result<JobOutcome> fire_creation(store::Transaction& tx, const Job& inserted,
                                   PartyId actor_id) const;

 private:
  const Registry& registry_;
};

}  // namespace mc::engine
