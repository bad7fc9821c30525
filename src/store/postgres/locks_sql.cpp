// Locks of a READ COMMITTED write unit (mc_isolation=read_committed, isolation.h).
//
// Under SERIALIZABLE nothing here runs: PostgreSQL refuses whichever unit would break the
// one-at-a-time illusion (40001) and the store runs it again. Under READ COMMITTED every
// statement sees what was committed when it started, so each read-check-write of the engine
// must hold a lock on what it checked until it commits:
//
//   rows read then written     jobs, holds, disputes, webhook deliveries and endpoints are
//                              read FOR UPDATE; parties FOR SHARE (many units read a party,
//                              few write it). The engine reads a job before anything of the
//                              job, so units of one job queue at the job row.
//   balances                   accounts are not locked on read: a transfer changes both
//                              balances with one relative UPDATE each (lower account id first)
//                              and checks the non-negative rule on the balance the database
//                              returns, under the row lock (ledger_sql.cpp).
//   sums                       hold_totals are changed by upserts that add (atomic).
//   rows that must not exist   an idempotency key, an external reference, a unique identity of
//                              a party, a market name: the key is locked (a transaction-scoped
//                              advisory lock on its hash) before the lookup, so a second unit
//                              looking for the same key waits and then finds the first one's row.
//   sums that price            the trailing spend of a poster picks the fee tier of a new job
//                              (markets with tiers). The sum has no row to lock and changes when
//                              a job of the poster completes with its escrow posted, so the
//                              (market, poster) key is locked, to the unit's end, by the unit
//                              that reads the sum (before reading it) and by every unit that
//                              resolves a job's escrow hold or completes a job (before touching
//                              money): a creation racing a completion waits for it and prices
//                              with it, instead of committing after it with the tier from
//                              before it. Both take the key before the poster's hold_totals row,
//                              so the two locks are always taken in the same order.
//   due work                   webhook claims take their rows FOR UPDATE SKIP LOCKED; a timer
//                              or timed hold fires through its job or hold row lock.
//   status-guarded updates     update_job (state and version) and hold resolution (from held)
//                              stay guarded: a unit that waited on the row sees the new row.
//
// Deadlocks: locks are taken in the order the engine reads (job, then its holds, parties,
// disputes; accounts by id within a transfer); a cycle is reported by PostgreSQL as 40P01 and
// the unit is run again like a serialization failure.
#include <algorithm>
#include <string>

#include "store/postgres/transaction.h"

namespace mc::store::postgres {

Status PgTransaction::lock_key(KeySpace space, int64_t scope, std::string_view key) {
  if (!lock_reads_) return ok_status();
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT pg_advisory_xact_lock(1298489170 + ?1::int, "
                                    "hashtext(current_schema() || ':' || ?2::text || ':' || "
                                    "?3::text))"));
  stmt.bind(1, static_cast<int64_t>(space)).bind(2, scope).bind(3, key);
  MC_TRY(stmt.run());
  return ok_status();
}

Status PgTransaction::lock_trailing_spend(MarketId market, PartyId poster) {
  if (!lock_reads_) return ok_status();
  const std::pair key{market, poster};
  if (std::find(spend_locked_.begin(), spend_locked_.end(), key) != spend_locked_.end()) {
    return ok_status();
  }
  MC_TRY_ASSIGN(Market priced, this->market(market));  // the fee policy never changes
  if (priced.config.fees.tiers.empty()) return ok_status();
  MC_TRY(lock_key(KeySpace::trailing_spend, market, std::to_string(poster)));
  spend_locked_.push_back(key);
  return ok_status();
}

Status PgTransaction::lock_trailing_spend_of_escrow(const Hold& hold) {
  if (!lock_reads_ || hold.purpose != HoldPurpose::escrow || !hold.job_id) return ok_status();
  MC_TRY_ASSIGN(Market priced, market(hold.market_id));
  if (priced.config.fees.tiers.empty()) return ok_status();
  // Only a job's escrow_hold_id counts towards the spend (ledger_sql.cpp, trailing_spend).
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("SELECT poster_id FROM jobs WHERE id = ?1 "
                                                    "AND escrow_hold_id = ?2"));
  stmt.bind(1, *hold.job_id).bind(2, hold.id);
  MC_TRY_ASSIGN(bool found, stmt.step());
  if (!found) return ok_status();
  return lock_trailing_spend(hold.market_id, stmt.column_int64(0));
}

}  // namespace mc::store::postgres
