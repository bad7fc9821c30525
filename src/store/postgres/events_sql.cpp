// The transactional outbox. `sequence` comes from a sequence, so it is never reused even after
// rows are deleted; `event_parties` indexes the concerned parties for the party filter.
//
// Readers (streams on every server, the webhook fan-out) follow the outbox by sequence, so a
// sequence must never become visible after a higher one: a unit takes the events lock (a
// transaction-scoped advisory lock) before its first event and holds it to its commit, so
// event-writing units number their events in commit order. The lock is taken as late as the
// unit allows (its first event, usually its last statements), so units overlap until then.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {

Result<int64_t> PgTransaction::append_event(const Event& event) {
  if (event.type.empty()) return invalid_argument("event_type_empty", "an event needs a type");
  if (!events_locked_) {
    MC_TRY_ASSIGN(Statement lock, connection_.prepare("SELECT pg_advisory_xact_lock(1298489166, "
                                                      "hashtext(current_schema()))"));
    MC_TRY(lock.run());
    events_locked_ = true;
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO events (market_id, type, job_id, party_ids, "
                                    "broadcast, payload_json, created_at_ms) VALUES (?1, ?2, "
                                    "?3, ?4, ?5, ?6, ?7) RETURNING sequence"));
  stmt.bind(1, event.market_id).bind(2, event.type).bind(3, event.job_id);
  stmt.bind(4, encode_id_list(event.party_ids)).bind(5, int64_t{event.broadcast ? 1 : 0});
  stmt.bind(6, event.payload_json);
  stmt.bind(7, event.created_at_ms != 0 ? event.created_at_ms : now_ms_);
  MC_TRY_ASSIGN(const int64_t sequence, stmt.run_returning_id());
  if (!event.party_ids.empty()) {
    MC_TRY_ASSIGN(Statement party_stmt,
                  connection_.prepare("INSERT INTO event_parties (party_id, sequence) "
                                      "VALUES (?1, ?2) ON CONFLICT DO NOTHING"));
    for (PartyId party : event.party_ids) {
      party_stmt.reset();
      party_stmt.bind(1, party).bind(2, sequence);
      MC_TRY(party_stmt.run());
    }
  }
  return sequence;
}

Result<std::vector<Event>> PgTransaction::events(const EventQuery& query) {
  std::string tail = "WHERE sequence > ?1";
  if (query.market_id) tail += " AND market_id = ?2";
  if (query.party_id) {
    tail +=
        " AND (broadcast = 1 OR sequence IN (SELECT sequence FROM event_parties WHERE "
        "party_id = ?3 AND sequence > ?1))";
  }
  tail += " ORDER BY sequence LIMIT ?4";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kEventColumns, "events", tail)));
  stmt.bind(1, query.after_sequence);
  if (query.market_id) stmt.bind(2, *query.market_id);
  if (query.party_id) stmt.bind(3, *query.party_id);
  stmt.bind(4, int64_t{std::clamp(query.limit, 1, 1000)});
  std::vector<Event> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Event event, read_event(stmt));
    out.push_back(std::move(event));
  }
  return out;
}

Result<int64_t> PgTransaction::last_event_sequence() {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("SELECT COALESCE(MAX(sequence), 0) FROM "
                                                    "events"));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  return has_row ? stmt.column_int64(0) : 0;
}

}  // namespace mc::store::postgres
