// MarketCache: the markets the store has read, kept in memory so a write unit or a read does
// not re-read and re-parse a market's row (and its settings JSON) on every call.
//
// A market's row never changes once committed, so a cached copy stays right. The only row
// that must never be cached is one inserted by the writer's current batch: that batch may
// still roll back, and SQLite may then give the same id to another market. insert_market
// reports each new id (note_uncommitted) and the writer calls end_batch() after every COMMIT or
// ROLLBACK; until then that id is not cached.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "marketcore/market.h"

namespace mc::store::sqlite {

class MarketCache {
 public:
  std::optional<Market> find(MarketId id) const;
  // Caches `market` as read from the database, unless its id was inserted by the current batch.
  void remember(const Market& market);
  // The writer's current batch inserted market `id`.
  void note_uncommitted(MarketId id);
  // The writer's batch committed or rolled back.
  void end_batch();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<MarketId, Market> markets_;  // guarded by mutex_
  std::unordered_set<MarketId> uncommitted_;      // guarded by mutex_
};

}  // namespace mc::store::sqlite
