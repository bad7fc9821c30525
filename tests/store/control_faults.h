// ControlFaults: installs the writer's control-statement fault hook (store/sqlite/
// control_fault.h) for the life of the object, failing the Nth transaction-control statement
// of one kind — or of any kind — with an SQLite result code, once.
//
// Example:
//   ControlFaults faults(ControlStatement::rollback_to, 1);  // the next ROLLBACK TO fails
//   ... writes ...
//   CHECK(faults.fired());
//
// Thread-safety: the counters are atomic; the hook runs on the writer's leader thread.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "store/sqlite/control_fault.h"

namespace mc::store::testing {

class ControlFaults {
 public:
  using ControlStatement = sqlite::ControlStatement;

  // Fails statement number `n` (1-based, counted from now) among those of kind `which`
  // (every kind when nullopt) with `code`.
  ControlFaults(std::optional<ControlStatement> which, int64_t n, int code = SQLITE_IOERR)
      : state_(std::make_shared<State>()) {
    state_->which = which;
    state_->fail_at = n;
    state_->code = code;
    sqlite::set_control_fault_hook([state = state_](ControlStatement statement) {
      if (state->which && *state->which != statement) return SQLITE_OK;
      if (++state->seen != state->fail_at) return SQLITE_OK;
      state->fired = true;
      return state->code;
    });
  }
  ~ControlFaults() { sqlite::set_control_fault_hook({}); }
  ControlFaults(const ControlFaults&) = delete;
  ControlFaults& operator=(const ControlFaults&) = delete;

  // Statements of the chosen kind seen so far, and whether the fault was returned.
  int64_t seen() const { return state_->seen.load(); }
  bool fired() const { return state_->fired.load(); }

 private:
  struct State {
    std::optional<ControlStatement> which;
    int64_t fail_at = 0;
    int code = SQLITE_IOERR;
    std::atomic<int64_t> seen{0};
    std::atomic<bool> fired{false};
  };
  std::shared_ptr<State> state_;
};

}  // namespace mc::store::testing
