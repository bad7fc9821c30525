// MarketCache (see market_cache.h).
#include "store/sqlite/market_cache.h"

namespace mc::store::sqlite {

std::optional<Market> MarketCache::find(MarketId id) const {
  std::lock_guard lock(mutex_);
  auto found = markets_.find(id);
  if (found == markets_.end()) return std::nullopt;
  return found->second;
}

void MarketCache::remember(const Market& market) {
  std::lock_guard lock(mutex_);
  if (uncommitted_.contains(market.id)) return;
  markets_.insert_or_assign(market.id, market);
}

void MarketCache::note_uncommitted(MarketId id) {
  std::lock_guard lock(mutex_);
  uncommitted_.insert(id);
  markets_.erase(id);
}

void MarketCache::end_batch() {
  std::lock_guard lock(mutex_);
  uncommitted_.clear();
}

}  // namespace mc::store::sqlite
