// open_sqlite_store: the SQLite Store — one group-commit Writer plus a ReaderPool over one
// database file in WAL mode. Opening creates the file, applies the migrations on the writer
// connection, then opens the readers (which need the schema to exist).
#include <memory>
#include <vector>

#include "store/sqlite/migrations.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/writer.h"
#include "store/store.h"

namespace mc::store {
namespace {

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<sqlite::Writer> writer, std::unique_ptr<sqlite::ReaderPool> readers)
      : writer_(std::move(writer)), readers_(std::move(readers)) {}
  // The writer first: it runs what is still queued (whose completions may read) while the
  // readers are open.
  ~SqliteStore() override { writer_.reset(); }

  Status write(int64_t now_ms, const std::function<Status(Transaction&)>& unit) override {
    return writer_->write(now_ms, unit);
  }
  void write_async(int64_t now_ms, std::function<Status(Transaction&)> unit,
                   std::function<void(Status)> done) override {
    writer_->write_async(now_ms, std::move(unit), std::move(done));
  }
  void wait_for_async_writes() override { writer_->wait_for_async_writes(); }

  Status read(const std::function<Status(Reader&)>& query) override {
    return readers_->read(query);
  }

  StoreStats stats() const override { return writer_->stats(); }

 private:
  std::unique_ptr<sqlite::Writer> writer_;
  std::unique_ptr<sqlite::ReaderPool> readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const StoreOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return invalid_argument("store_path_invalid",
                            "the store needs a file path (readers share it with the writer)",
                            "path");
  }
  sqlite::ConnectionOptions connection_options;
  connection_options.path = options.path;
  connection_options.synchronous_full = options.durability == Durability::full;
  connection_options.busy_timeout_ms = options.busy_timeout_ms;
  MC_TRY_ASSIGN(std::unique_ptr<sqlite::Connection> writer_connection,
                sqlite::Connection::open(connection_options));
  MC_TRY(sqlite::apply_migrations(*writer_connection, options.progress));

  std::vector<std::unique_ptr<sqlite::Connection>> readers;
  connection_options.read_only = true;
  for (int32_t i = 0; i < std::max(options.reader_connections, 1); ++i) {
    MC_TRY_ASSIGN(std::unique_ptr<sqlite::Connection> reader,
                  sqlite::Connection::open(connection_options));
    readers.push_back(std::move(reader));
  }
  auto markets = std::make_shared<sqlite::MarketCache>();
  auto writer = std::make_unique<sqlite::Writer>(std::move(writer_connection),
                                                 options.batch_units_max, options.queue_units_max,
                                                 markets, options.speculative_batches);
  auto pool = std::make_unique<sqlite::ReaderPool>(std::move(readers), markets);
  return std::unique_ptr<Store>(new SqliteStore(std::move(writer), std::move(pool)));
}

}  // namespace mc::store
