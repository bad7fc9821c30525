// Offers on jobs, disputes and judges' votes.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {

Result<std::vector<Offer>> PgTransaction::offers(JobId job) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kOfferColumns, "offers",
                                                               "WHERE job_id = ?1 ORDER BY id")));
  stmt.bind(1, job);
  std::vector<Offer> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_offer(stmt));
  }
  return out;
}

Result<int64_t> PgTransaction::insert_offer(const Offer& offer) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO offers (job_id, party_id, status, payload_json, "
                                    "created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
                                    "?5) RETURNING id"));
  stmt.bind(1, offer.job_id).bind(2, offer.party_id).bind(3, offer.status);
  stmt.bind(4, offer.payload_json)
      .bind(5, offer.created_at_ms != 0 ? offer.created_at_ms : now_ms_);
  Result<int64_t> inserted = stmt.run_returning_id();
  if (!inserted.ok()) {
    if (inserted.status().detail() != "constraint_violation") return inserted.status();
    return not_found("job_not_found", "no job " + std::to_string(offer.job_id));
  }
  return inserted;
}

Status PgTransaction::update_offer(const Offer& offer) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE offers SET status = ?2, payload_json = ?3, "
                                    "updated_at_ms = ?4 WHERE id = ?1"));
  stmt.bind(1, offer.id).bind(2, offer.status).bind(3, offer.payload_json).bind(4, now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) return not_found("offer_not_found", "no offer " + std::to_string(offer.id));
  return ok_status();
}

Result<std::optional<Dispute>> PgTransaction::dispute_of_job(JobId job) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kDisputeColumns, "disputes",
                                               std::string("WHERE job_id = ?1 ORDER BY id DESC "
                                                           "LIMIT 1") +
                                                   std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, job);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<Dispute>();
  return std::optional<Dispute>(read_dispute(stmt));
}

Result<Dispute> PgTransaction::dispute(int64_t id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kDisputeColumns, "disputes",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("dispute_not_found", "no dispute " + std::to_string(id));
  return read_dispute(stmt);
}

Result<std::vector<Dispute>> PgTransaction::open_disputes(MarketId market, int32_t limit) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kDisputeColumns, "disputes",
                                               "WHERE status = 'open' AND job_id IN (SELECT id "
                                               "FROM jobs WHERE market_id = ?1) ORDER BY id "
                                               "LIMIT ?2")));
  stmt.bind(1, market).bind(2, int64_t{std::clamp(limit, 1, 1000)});
  std::vector<Dispute> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_dispute(stmt));
  }
  return out;
}

Result<std::vector<DisputeVote>> PgTransaction::dispute_votes(int64_t dispute_id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kVoteColumns, "dispute_votes",
                                               "WHERE dispute_id = ?1 ORDER BY joined_at_ms, "
                                               "judge_id")));
  stmt.bind(1, dispute_id);
  std::vector<DisputeVote> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_vote(stmt));
  }
  return out;
}

Result<int64_t> PgTransaction::insert_dispute(const Dispute& dispute) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO disputes (job_id, filed_by, status, reason, "
                                    "deposit_hold_id, judges_needed, verdict, created_at_ms, "
                                    "resolved_at_ms, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                                    "?7, ?8, ?9, ?10) RETURNING id"));
  stmt.bind(1, dispute.job_id).bind(2, dispute.filed_by).bind(3, dispute.status);
  stmt.bind(4, dispute.reason).bind(5, dispute.deposit_hold_id);
  stmt.bind(6, int64_t{dispute.judges_needed}).bind(7, dispute.verdict);
  stmt.bind(8, dispute.created_at_ms != 0 ? dispute.created_at_ms : now_ms_);
  stmt.bind(9, dispute.resolved_at_ms).bind(10, dispute.outcome);
  Result<int64_t> inserted = stmt.run_returning_id();
  if (!inserted.ok()) {
    if (inserted.status().detail() != "constraint_violation") return inserted.status();
    return not_found("job_not_found", "no job " + std::to_string(dispute.job_id));
  }
  return inserted;
}

Status PgTransaction::update_dispute(const Dispute& dispute) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE disputes SET status = ?2, reason = ?3, "
                                    "deposit_hold_id = ?4, judges_needed = ?5, verdict = ?6, "
                                    "resolved_at_ms = ?7, outcome = ?8 WHERE id = ?1"));
  stmt.bind(1, dispute.id).bind(2, dispute.status).bind(3, dispute.reason);
  stmt.bind(4, dispute.deposit_hold_id).bind(5, int64_t{dispute.judges_needed});
  stmt.bind(6, dispute.verdict).bind(7, dispute.resolved_at_ms).bind(8, dispute.outcome);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) {
    return not_found("dispute_not_found", "no dispute " + std::to_string(dispute.id));
  }
  return ok_status();
}

Status PgTransaction::upsert_dispute_vote(const DisputeVote& vote) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO dispute_votes (dispute_id, judge_id, "
                                    "commitment, vote, joined_at_ms, voted_at_ms) VALUES (?1, "
                                    "?2, ?3, ?4, ?5, ?6) ON CONFLICT (dispute_id, judge_id) DO "
                                    "UPDATE SET commitment = excluded.commitment, vote = "
                                    "excluded.vote, voted_at_ms = excluded.voted_at_ms"));
  stmt.bind(1, vote.dispute_id).bind(2, vote.judge_id).bind(3, vote.commitment);
  stmt.bind(4, vote.vote).bind(5, vote.joined_at_ms != 0 ? vote.joined_at_ms : now_ms_);
  stmt.bind(6, vote.voted_at_ms);
  Result<int64_t> written = stmt.run();
  if (!written.ok()) {
    if (written.status().detail() != "constraint_violation") return written.status();
    return not_found("dispute_not_found", "no dispute " + std::to_string(vote.dispute_id));
  }
  return ok_status();
}

}  // namespace mc::store::postgres
