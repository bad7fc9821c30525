// ReaderPool: a fixed set of query_only connections lent out one per read() call.
//
// A read runs inside BEGIN … COMMIT on its connection, so every query of one callback sees one
// WAL snapshot, concurrently with the writer and with other readers. When every connection is
// lent, read() waits for one to come back.
//
// Thread-safety: read() may be called from any number of threads.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/market_cache.h"
#include "store/store.h"

namespace mc::store::sqlite {

class ReaderPool {
 public:
  // `markets` (shared with the writer) caches committed market rows.
  ReaderPool(std::vector<std::unique_ptr<Connection>> connections,
             std::shared_ptr<MarketCache> markets);

  // Runs `query` on a borrowed connection inside a read transaction.
  Status read(const std::function<Status(Reader&)>& query);

 private:
  std::unique_ptr<Connection> borrow();
  void give_back(std::unique_ptr<Connection> connection);

  const std::shared_ptr<MarketCache> markets_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
};

}  // namespace mc::store::sqlite
