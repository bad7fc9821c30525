// marketcore/events.h — the transactional outbox: events written with their state change.
//
// Every state change writes one or more Event rows in the same SQLite transaction as the
// change and its ledger entries, so nothing is announced that did not happen and nothing that
// happened is lost. Events carry a strictly increasing `sequence` (the cursor) per database.
// Webhook delivery, WebSocket streams and callbacks read them in order from a cursor.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marketcore/ledger.h"

namespace mc {

struct Event {
  int64_t sequence = 0;  // cursor: strictly increasing, no reuse
  MarketId market_id = 0;
  std::string type;  // "job.posted", "job.accepted", "balance.updated", ...
  std::optional<JobId> job_id;
  // Parties this event concerns (poster, worker, the party whose balance changed). A
  // broadcast event (j0 job.posted) has `broadcast` set and may list none.
  std::vector<PartyId> party_ids;
  bool broadcast = false;
  std::string payload_json = "{}";  // event data, valid JSON
  int64_t created_at_ms = 0;
};

// Which events to read.
struct EventQuery {
  int64_t after_sequence = 0;         // exclusive cursor
  std::optional<MarketId> market_id;  // only this market
  std::optional<PartyId> party_id;    // only events concerning this party (or broadcast)
  int32_t limit = 100;                // at most this many (capped at 1000)
};

}  // namespace mc
