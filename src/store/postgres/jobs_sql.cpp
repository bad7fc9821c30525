// Jobs and their history. update_job is the status-guarded transition: it writes only when
// the stored row still has the expected state and version, else aborted/"job_state_changed"
// and nothing is written — the lost side of a race (two workers accepting) learns it here.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

// Builds the WHERE clause of a job query; parameters ?1..?9 are bound by bind_job_query.
std::string job_query_where(const JobQuery& filter) {
  std::string where = "WHERE TRUE";
  if (filter.market_id) where += " AND market_id = ?1";
  if (filter.state) where += " AND state = ?2";
  if (filter.poster_id) where += " AND poster_id = ?3";
  if (filter.worker_id) where += " AND worker_id = ?4";
  if (filter.any_party_id) {
    where += " AND (poster_id = ?5 OR worker_id = ?5 OR evaluator_id = ?5)";
  }
  if (filter.parent_job_id) where += " AND parent_job_id = ?6";
  if (filter.category) where += " AND category = ?7";
  if (filter.capability) {
    where +=
        " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(jobs.capabilities_json::jsonb) c "
        "WHERE c = ?8)";
  }
  if (filter.before_id) where += " AND id < ?9";
  return where;
}

void bind_job_query(Statement& stmt, const JobQuery& filter) {
  if (filter.market_id) stmt.bind(1, *filter.market_id);
  if (filter.state) stmt.bind(2, *filter.state);
  if (filter.poster_id) stmt.bind(3, *filter.poster_id);
  if (filter.worker_id) stmt.bind(4, *filter.worker_id);
  if (filter.any_party_id) stmt.bind(5, *filter.any_party_id);
  if (filter.parent_job_id) stmt.bind(6, *filter.parent_job_id);
  if (filter.category) stmt.bind(7, *filter.category);
  if (filter.capability) stmt.bind(8, *filter.capability);
  if (filter.before_id) stmt.bind(9, *filter.before_id);
}

}  // namespace

Result<Job> PgTransaction::job(JobId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kJobColumns, "jobs",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("job_not_found", "no job " + std::to_string(id));
  return read_job(stmt);
}

Result<std::vector<Job>> PgTransaction::jobs(const JobQuery& filter) {
  const std::string tail = job_query_where(filter) + " ORDER BY id DESC LIMIT ?10 OFFSET ?11";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kJobColumns, "jobs", tail)));
  bind_job_query(stmt, filter);
  stmt.bind(10, int64_t{std::clamp(filter.limit, 1, 1000)});
  stmt.bind(11, int64_t{std::max(filter.offset, 0)});
  std::vector<Job> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Job job, read_job(stmt));
    out.push_back(std::move(job));
  }
  return out;
}

Result<int64_t> PgTransaction::count_jobs(const JobQuery& filter) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql("COUNT(*)", "jobs", job_query_where(filter))));
  bind_job_query(stmt, filter);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  return has_row ? stmt.column_int64(0) : 0;
}

Result<std::vector<JobTransitionRecord>> PgTransaction::job_history(JobId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT id, job_id, transition, from_state, to_state, "
                                    "actor_id, actor_role, at_ms FROM job_history WHERE job_id = "
                                    "?1 ORDER BY id"));
  stmt.bind(1, id);
  std::vector<JobTransitionRecord> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    JobTransitionRecord& record = out.emplace_back();
    record.id = stmt.column_int64(0);
    record.job_id = stmt.column_int64(1);
    record.transition = stmt.column_text(2);
    record.from_state = stmt.column_text(3);
    record.to_state = stmt.column_text(4);
    record.actor_id = stmt.column_optional_int64(5);
    record.actor_role = stmt.column_text(6);
    record.at_ms = stmt.column_int64(7);
  }
  return out;
}

Result<JobId> PgTransaction::insert_job(const Job& job) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(
                    "INSERT INTO jobs (market_id, parent_job_id, lifecycle, state, poster_id, "
                    "worker_id, evaluator_id, amount_minor, fee_amount_minor, platform_fee_bps, "
                    "platform_fee_minor, evaluator_fee_minor, worker_minor, escrow_minor, "
                    "escrow_hold_id, title, description, prompt, category, capabilities_json, "
                    "deadline_at_ms, work_timeout_ms, contracts_max, contracts_taken, "
                    "payload_json, result_text, proof_json, verdict_json, created_at_ms, "
                    "updated_at_ms, accepted_at_ms, submitted_at_ms, completed_at_ms, "
                    "expires_at_ms, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
                    "?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35) RETURNING id"));
  Job row = job;
  if (row.created_at_ms == 0) row.created_at_ms = now_ms_;
  if (row.updated_at_ms == 0) row.updated_at_ms = row.created_at_ms;
  bind_job(stmt, row);
  Result<int64_t> inserted = stmt.run_returning_id();
  if (!inserted.ok()) {
    if (inserted.status().detail() != "constraint_violation") return inserted.status();
    return invalid_argument("job_reference_invalid",
                            "the job's market or parent job does not exist");
  }
  return inserted;
}

Status PgTransaction::update_job(const Job& job, std::string_view expected_state,
                                 int64_t expected_version) {
  // A completion with an escrow hold may change the poster's trailing spend (locks_sql.cpp);
  // usually the unit took the key already, when it resolved the escrow.
  if (job.completed_at_ms && job.escrow_hold_id) {
    MC_TRY(lock_trailing_spend(job.market_id, job.poster_id));
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(
                    // Only the mutable columns (see store.h): an index over a column left out
                    // of SET (poster, parent) is not rewritten.
                    "UPDATE jobs SET state = ?1, worker_id = ?2, evaluator_id = ?3, "
                    "escrow_hold_id = ?4, contracts_taken = ?5, result_text = ?6, proof_json = "
                    "?7, verdict_json = ?8, updated_at_ms = ?9, accepted_at_ms = ?10, "
                    "submitted_at_ms = ?11, completed_at_ms = ?12, expires_at_ms = ?13, "
                    "version = ?14 WHERE id = ?15 AND state = ?16 AND version = ?17"));
  stmt.bind(1, job.state).bind(2, job.worker_id).bind(3, job.evaluator_id);
  stmt.bind(4, job.escrow_hold_id).bind(5, int64_t{job.contracts_taken});
  stmt.bind(6, job.result_text).bind(7, job.proof_json).bind(8, job.verdict_json);
  stmt.bind(9, job.updated_at_ms != 0 ? job.updated_at_ms : now_ms_);
  stmt.bind(10, job.accepted_at_ms).bind(11, job.submitted_at_ms);
  stmt.bind(12, job.completed_at_ms).bind(13, job.expires_at_ms);
  stmt.bind(14, expected_version + 1);
  stmt.bind(15, job.id).bind(16, expected_state).bind(17, expected_version);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed != 1) {
    return aborted("job_state_changed", "job " + std::to_string(job.id) + " is no longer " +
                                            std::string(expected_state) + " at version " +
                                            std::to_string(expected_version));
  }
  return ok_status();
}

Status PgTransaction::append_job_history(const JobTransitionRecord& record) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO job_history (job_id, transition, from_state, "
                                    "to_state, actor_id, actor_role, at_ms) VALUES (?1, ?2, ?3, "
                                    "?4, ?5, ?6, ?7)"));
  stmt.bind(1, record.job_id).bind(2, record.transition).bind(3, record.from_state);
  stmt.bind(4, record.to_state).bind(5, record.actor_id).bind(6, record.actor_role);
  stmt.bind(7, record.at_ms != 0 ? record.at_ms : now_ms_);
  MC_TRY(stmt.run());
  return ok_status();
}

}  // namespace mc::store::postgres
