// StatementFaults: installs the store's statement fault hook (store/sqlite/statement_fault.h)
// for the life of the object and fails the Nth prepare-or-step of a data statement, counted
// from now on, with an SQLite result code (SQLITE_IOERR unless told): once (a transient
// fault), or that one and every later one (a lasting fault, as a disk gone bad). The writer's
// transaction-control statements are neither counted nor failed (ControlFaults does those), so
// a sweep over one engine call fails each of the call's own statements in turn.
//
// Example (one run of a sweep; see tests/engine/statement_sweep.h for the whole loop):
//   StatementFaults faults(n);
//   Status status = engine.deposit(...).status();
//   if (!faults.fired()) { /* the call made fewer than n statements: the sweep is done */ }
//
// Thread-safety: the counters are atomic; the hook runs on whichever thread uses a connection.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/sqlite/control_fault.h"
#include "store/sqlite/statement_fault.h"

namespace mc::store::testing {

class StatementFaults {
 public:
  using StatementPhase = sqlite::StatementPhase;

  enum class Lasting { once, from_then_on };

  // Fails data statement operation number `n` (1-based; 0 fails none and only counts), and with
  // Lasting::from_then_on every later one too.
  explicit StatementFaults(int64_t n, int code = SQLITE_IOERR, Lasting lasting = Lasting::once)
      : state_(std::make_shared<State>()) {
    state_->fail_at = n;
    state_->code = code;
    state_->lasting = lasting;
    sqlite::set_statement_fault_hook([state = state_](StatementPhase phase, std::string_view sql) {
      if (is_control(sql)) return SQLITE_OK;
      const int64_t seen = ++state->seen;
      if (state->fail_at <= 0 || seen < state->fail_at) return SQLITE_OK;
      if (seen > state->fail_at) {
        return state->lasting == Lasting::from_then_on ? state->code : SQLITE_OK;
      }
      {
        std::lock_guard<std::mutex> lock(state->mutex);
        state->fired_at =
            std::string(phase == StatementPhase::prepare ? "prepare " : "step ") + std::string(sql);
      }
      state->fired = true;
      return state->code;
    });
  }
  ~StatementFaults() { sqlite::set_statement_fault_hook({}); }
  StatementFaults(const StatementFaults&) = delete;
  StatementFaults& operator=(const StatementFaults&) = delete;

  // Data statement operations seen so far; whether the fault was returned, and where.
  int64_t seen() const { return state_->seen.load(); }
  bool fired() const { return state_->fired.load(); }
  std::string fired_at() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->fired_at;
  }

  // True for the SQL of one of the writer's transaction-control statements.
  static bool is_control(std::string_view sql) {
    using sqlite::ControlStatement;
    for (ControlStatement statement :
         {ControlStatement::begin, ControlStatement::savepoint, ControlStatement::release,
          ControlStatement::rollback_to, ControlStatement::rollback, ControlStatement::commit}) {
      if (sql == sqlite::control_statement_sql(statement)) return true;
    }
    return false;
  }

 private:
  struct State {
    int64_t fail_at = 0;
    int code = SQLITE_IOERR;
    Lasting lasting = Lasting::once;
    std::atomic<int64_t> seen{0};
    std::atomic<bool> fired{false};
    std::mutex mutex;
    std::string fired_at;  // guarded by mutex
  };
  std::shared_ptr<State> state_;
};

}  // namespace mc::store::testing
