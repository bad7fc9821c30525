// The reader pool (see reader_pool.h).
#include "store/sqlite/reader_pool.h"

#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Connection>> connections,
                       std::shared_ptr<MarketCache> markets)
    : markets_(std::move(markets)), idle_(std::move(connections)) {}

std::unique_ptr<Connection> ReaderPool::borrow() {
  std::unique_lock<std::mutex> lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty(); });
  std::unique_ptr<Connection> connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void ReaderPool::give_back(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

Status ReaderPool::read(const std::function<Status(Reader&)>& query) {
  std::unique_ptr<Connection> connection = borrow();
  Status status = connection->exec("BEGIN");
  if (status.ok()) {
    try {
      SqliteTransaction reader(*connection, 0, markets_.get());
      status = query(reader);
    } catch (const std::exception& error) {
      status = internal_error("query_threw", error.what());
    } catch (...) {
      status = internal_error("query_threw", "a read query threw");
    }
    if (connection->in_transaction()) {
      Status ended = connection->exec("COMMIT");
      if (status.ok()) status = ended;
    }
  }
  give_back(std::move(connection));
  return status;
}

}  // namespace mc::store::sqlite
