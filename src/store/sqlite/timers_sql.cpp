// Timers of jobs (a scheduled transition per state entered) and the scheduler's wake-up time.
#include <algorithm>

#include "store/sqlite/rows.h"
#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {

Result<int64_t> SqliteTransaction::schedule_timer(const Timer& timer) {
  if (timer.transition.empty()) {
    return invalid_argument("timer_transition_empty", "a timer names its transition");
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO timers (job_id, transition, state, due_at_ms) "
                                    "VALUES (?1, ?2, ?3, ?4)"));
  stmt.bind(1, timer.job_id).bind(2, timer.transition).bind(3, timer.state);
  stmt.bind(4, timer.due_at_ms);
  MC_TRY(stmt.run());
  return connection_.last_insert_rowid();
}

Status SqliteTransaction::cancel_timers(JobId job) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("DELETE FROM timers WHERE job_id = ?1"));
  stmt.bind(1, job);
  MC_TRY(stmt.run());
  return ok_status();
}

Result<std::vector<Timer>> SqliteTransaction::due_timers(int32_t limit) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kTimerColumns, "timers",
                                               "WHERE due_at_ms <= ?1 ORDER BY due_at_ms, id "
                                               "LIMIT ?2")));
  stmt.bind(1, now_ms_).bind(2, int64_t{std::max(limit, 1)});
  std::vector<Timer> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_timer(stmt));
  }
  return out;
}

Status SqliteTransaction::delete_timer(int64_t timer_id) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("DELETE FROM timers WHERE id = ?1"));
  stmt.bind(1, timer_id);
  MC_TRY(stmt.run());
  return ok_status();
}

Result<std::optional<int64_t>> SqliteTransaction::next_due_at() {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT MIN(due) FROM (SELECT MIN(due_at_ms) AS due FROM "
                                    "timers UNION ALL SELECT MIN(due_at_ms) FROM holds WHERE "
                                    "state = 0 AND due_at_ms IS NOT NULL)"));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<int64_t>();
  return stmt.column_optional_int64(0);
}

}  // namespace mc::store::sqlite
