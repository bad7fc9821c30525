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
//   due work                   webhook claims take their rows FOR UPDATE SKIP LOCKED; a timer
//                              or timed hold fires through its job or hold row lock.
//   status-guarded updates     update_job (state and version) and hold resolution (from held)
//                              stay guarded: a unit that waited on the row sees the new row.
//
// Deadlocks: locks are taken in the order the engine reads (job, then its holds, parties,
// disputes; accounts by id within a transfer); a cycle is reported by PostgreSQL as 40P01 and
// the unit is run again like a serialization failure.
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

}  // namespace mc::store::postgres
