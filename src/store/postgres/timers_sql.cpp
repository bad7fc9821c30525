// Due work: timers of jobs (a scheduled transition per state entered), timed holds as the
// scheduler sees them, failed attempts (retried later or parked as stuck, never dropped) and
// the scheduler's wake-up time.
//
// A timer's next attempt is its due time until a firing fails; a hold's next_attempt_at_ms is
// NULL until then (it is due at due_at_ms), so creating a hold needs no scheduler column.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

// The held, not stuck timed holds; with the expression of their next attempt this matches the
// partial index holds_next_attempt.
constexpr std::string_view kHoldNextAttempt = "COALESCE(next_attempt_at_ms, due_at_ms)";
constexpr std::string_view kHoldsSchedulable =
    "state = 0 AND due_at_ms IS NOT NULL AND stuck_at_ms IS NULL";

std::string_view table_of(DueKind kind) {
  return kind == DueKind::timer ? "timers" : "holds";
}

}  // namespace

Result<int64_t> PgTransaction::schedule_timer(const Timer& timer) {
  if (timer.transition.empty()) {
    return invalid_argument("timer_transition_empty", "a timer names its transition");
  }
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("INSERT INTO timers (job_id, transition, "
                                                    "state, due_at_ms, next_attempt_at_ms) "
                                                    "VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id"));
  stmt.bind(1, timer.job_id).bind(2, timer.transition).bind(3, timer.state);
  stmt.bind(4, timer.due_at_ms);
  return stmt.run_returning_id();
}

Status PgTransaction::cancel_timers(JobId job) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("DELETE FROM timers WHERE job_id = ?1"));
  stmt.bind(1, job);
  MC_TRY(stmt.run());
  return ok_status();
}

Result<std::vector<Timer>> PgTransaction::timers_due_at(int64_t now_ms, int32_t limit) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kTimerColumns, "timers",
                                                               "WHERE stuck_at_ms IS NULL AND "
                                                               "next_attempt_at_ms <= ?1 ORDER BY "
                                                               "next_attempt_at_ms, id LIMIT ?2")));
  stmt.bind(1, now_ms).bind(2, int64_t{std::max(limit, 1)});
  std::vector<Timer> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_timer(stmt));
  }
  return out;
}

Result<std::vector<Timer>> PgTransaction::due_timers(int32_t limit) {
  return timers_due_at(now_ms_, limit);
}

Result<std::vector<DueHold>> PgTransaction::holds_due_at(int64_t now_ms, int32_t limit) {
  const std::string sql = "SELECT id, attempts FROM holds WHERE " + std::string(kHoldsSchedulable) +
                          " AND " + std::string(kHoldNextAttempt) + " <= ?1 ORDER BY " +
                          std::string(kHoldNextAttempt) + ", id LIMIT ?2";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(sql));
  stmt.bind(1, now_ms).bind(2, int64_t{std::max(limit, 1)});
  std::vector<DueHold> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back({stmt.column_int64(0), static_cast<int32_t>(stmt.column_int64(1))});
  }
  return out;
}

Status PgTransaction::delete_timer(int64_t timer_id) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("DELETE FROM timers WHERE id = ?1"));
  stmt.bind(1, timer_id);
  MC_TRY(stmt.run());
  return ok_status();
}

Status PgTransaction::record_due_failure(DueKind kind, int64_t id,
                                         std::optional<int64_t> next_attempt_at_ms,
                                         std::string_view error) {
  std::string sql =
      "UPDATE " + std::string(table_of(kind)) + " SET attempts = attempts + 1, last_error = ?2, ";
  sql += next_attempt_at_ms ? "next_attempt_at_ms = ?3" : "stuck_at_ms = ?3";
  sql += " WHERE id = ?1";
  if (kind == DueKind::hold) sql += " AND state = 0";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(sql));
  stmt.bind(1, id).bind(2, error).bind(3, next_attempt_at_ms.value_or(now_ms_));
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) {
    return not_found("due_work_not_found",
                     "no " + std::string(table_of(kind)) + " row " + std::to_string(id));
  }
  return ok_status();
}

Status PgTransaction::retry_stuck_work(DueKind kind, int64_t id) {
  std::string sql = "UPDATE " + std::string(table_of(kind)) +
                    " SET stuck_at_ms = NULL, next_attempt_at_ms = ?2 WHERE id = ?1 AND "
                    "stuck_at_ms IS NOT NULL";
  if (kind == DueKind::hold) sql += " AND state = 0";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(sql));
  stmt.bind(1, id).bind(2, now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) {
    return not_found("stuck_work_not_found",
                     "no stuck " + std::string(kind == DueKind::timer ? "timer " : "hold ") +
                         std::to_string(id));
  }
  return ok_status();
}

Result<std::vector<StuckWork>> PgTransaction::stuck_work(int32_t limit) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(
                    "SELECT 0, id, job_id, transition, due_at_ms, attempts, stuck_at_ms, "
                    "last_error FROM timers WHERE stuck_at_ms IS NOT NULL UNION ALL SELECT 1, "
                    "id, job_id, '', due_at_ms, attempts, stuck_at_ms, last_error FROM holds "
                    "WHERE state = 0 AND stuck_at_ms IS NOT NULL ORDER BY 7, 1, 2 LIMIT ?1"));
  stmt.bind(1, int64_t{std::clamp(limit, 1, 1000)});
  std::vector<StuckWork> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    StuckWork work;
    work.kind = stmt.column_int64(0) == 0 ? DueKind::timer : DueKind::hold;
    work.id = stmt.column_int64(1);
    work.job_id = stmt.column_optional_int64(2);
    work.transition = stmt.column_text(3);
    work.due_at_ms = stmt.column_optional_int64(4).value_or(0);
    work.attempts = static_cast<int32_t>(stmt.column_int64(5));
    work.stuck_at_ms = stmt.column_int64(6);
    work.last_error = stmt.column_text(7);
    out.push_back(std::move(work));
  }
  return out;
}

Result<int64_t> PgTransaction::count_stuck_work() {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT (SELECT COUNT(*) FROM timers WHERE stuck_at_ms IS NOT "
                                    "NULL) + (SELECT COUNT(*) FROM holds WHERE state = 0 AND "
                                    "stuck_at_ms IS NOT NULL)"));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return int64_t{0};
  return stmt.column_int64(0);
}

Result<std::optional<int64_t>> PgTransaction::next_due_at() {
  const std::string sql =
      "SELECT MIN(due) FROM (SELECT MIN(next_attempt_at_ms) AS due FROM timers WHERE "
      "stuck_at_ms IS NULL UNION ALL SELECT MIN(" +
      std::string(kHoldNextAttempt) + ") FROM holds WHERE " + std::string(kHoldsSchedulable) +
      ") AS due_work";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(sql));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<int64_t>();
  return stmt.column_optional_int64(0);
}

}  // namespace mc::store::postgres
