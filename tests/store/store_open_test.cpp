// Opening the SQLite store: WAL and durability pragmas, migrations applied once and
// recorded, data surviving a reopen, a newer schema refused, bad paths refused.
#include <sqlite3.h>

#include "store/sqlite/migrations.h"
#include "store/store_fixture.h"

using mc::store::Transaction;
using mc::store::testing::StoreFixture;
using mc::store::testing::TempDir;

namespace {

int64_t pragma_value(const std::string& path, const char* pragma) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("store: open creates a WAL database with the schema, reports progress") {
  TempDir dir;
  std::vector<std::string> messages;
  mc::store::StoreOptions options;
  options.path = dir.file("new.db");
  options.progress = [&](std::string_view message) { messages.emplace_back(message); };
  auto store = mc::store::open_sqlite_store(options);
  REQUIRE(store.ok());
  const int migrations = mc::store::sqlite::migration_count();
  CHECK(messages.size() == static_cast<size_t>(migrations));
  CHECK(pragma_value(options.path, "PRAGMA user_version") == migrations);
  store.value().reset();
  // Reopening applies nothing.
  messages.clear();
  REQUIRE(mc::store::open_sqlite_store(options).ok());
  CHECK(messages.empty());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(options.path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_CASE("store: data survives a reopen") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party("alice");
  fx.deposit(alice, 1234);
  fx.reopen();
  CHECK(fx.balance(fx.available(alice)) == 1234);
  CHECK(fx.read_value<mc::Party>([&](auto& r) { return r.party(alice); }).display_name == "alice");
  fx.verify();
}

TEST_CASE("store: a schema newer than the build is refused; bad paths are refused") {
  TempDir dir;
  const std::string path = dir.file("newer.db");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = mc::store::open_sqlite_store({.path = path});
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().detail() == "schema_too_new");
  CHECK(mc::store::open_sqlite_store({.path = ":memory:"}).status().detail() ==
        "store_path_invalid");
  CHECK(mc::store::open_sqlite_store({.path = ""}).status().detail() == "store_path_invalid");
  auto missing_dir = mc::store::open_sqlite_store({.path = dir.file("no/such/dir.db")});
  CHECK(missing_dir.status().code() == mc::Code::unavailable);
  CHECK(missing_dir.status().detail() == "store_open_failed");
}

TEST_CASE("store: markets round-trip their whole configuration") {
  StoreFixture fx;
  mc::MarketConfig config = mc::store::testing::test_market_config("humanops");
  config.asset = {"USDC", 6};
  config.lifecycle = "humanops";
  config.fees.mode = mc::FeeMode::fee_on_top;
  config.fees.tiers = {{0, 1800}, {500'000, 1500}, {2'500'000, 1200}};
  config.fees.tier_boundary_inclusive = false;
  config.fees.trailing_window_ms = 30LL * 24 * 3'600'000;
  config.fees.platform_fee_min_minor = 200;
  config.fees.evaluator_fee_bps = 300;
  config.fees.rounding = mc::Rounding::half_up;
  config.limits.amount_max_minor = 1'000'000;
  config.limits.categories = {"photo", "deliv\"ery"};
  config.limits.work_timeout_max_ms = 5000;
  config.limits.contracts_max = 7;
  config.settlement_hold_ms = 7LL * 24 * 3'600'000;
  config.test_mode = false;
  config.config_json = R"({"kyc": true,  "x": [1]})";
  const mc::MarketId id =
      fx.write_value<mc::MarketId>([&](Transaction& tx) { return tx.insert_market(config); });
  mc::Market market = fx.read_value<mc::Market>([&](auto& r) { return r.market(id); });
  CHECK(market.id == id);
  CHECK(market.created_at_ms == fx.now_ms);
  const mc::MarketConfig& got = market.config;
  CHECK(got.name == "humanops");
  CHECK(got.asset.code == "USDC");
  CHECK(got.asset.scale == 6);
  CHECK(got.fees.mode == mc::FeeMode::fee_on_top);
  REQUIRE(got.fees.tiers.size() == 3);
  CHECK(got.fees.tiers[2].spend_from_minor == 2'500'000);
  CHECK(got.fees.tiers[2].fee_bps == 1200);
  CHECK_FALSE(got.fees.tier_boundary_inclusive);
  CHECK(got.fees.trailing_window_ms == config.fees.trailing_window_ms);
  CHECK(got.fees.platform_fee_min_minor == 200);
  CHECK(got.fees.evaluator_fee_bps == 300);
  CHECK(got.fees.rounding == mc::Rounding::half_up);
  CHECK(got.limits.amount_max_minor == 1'000'000);
  CHECK(got.limits.categories == config.limits.categories);
  CHECK(got.limits.work_timeout_max_ms == 5000);
  CHECK(got.limits.contracts_max == 7);
  CHECK(got.limits.payload_bytes_max == 64 * 1024);
  CHECK(got.settlement_hold_ms == config.settlement_hold_ms);
  CHECK_FALSE(got.test_mode);
  CHECK(got.config_json == config.config_json);
  CHECK(fx.read_value<mc::Market>([](auto& r) { return r.market_by_name("humanops"); }).id == id);
  CHECK(fx.read_value<std::vector<mc::Market>>([](auto& r) { return r.markets(); }).size() == 2);
  auto missing = fx.store->read_result<mc::Market>([](auto& r) { return r.market(999); });
  CHECK(missing.status().detail() == "market_not_found");
  mc::Status duplicate =
      fx.write([&](Transaction& tx) { return tx.insert_market(config).status(); });
  CHECK(duplicate.code() == mc::Code::already_exists);
  CHECK(duplicate.detail() == "market_exists");
}

TEST_CASE("store: a market read from a rolled-back unit is not remembered for its id") {
  StoreFixture fx;
  // A unit inserts a market, reads it back, then fails: the row is rolled back and SQLite may
  // give its id to the next market. Reads of that id must then see the new market.
  mc::MarketId rolled_back = 0;
  mc::Status failed = fx.write([&](mc::store::Transaction& tx) -> mc::Status {
    MC_TRY_ASSIGN(rolled_back, tx.insert_market(mc::store::testing::test_market_config("gone")));
    MC_TRY(tx.market(rolled_back).status());
    return mc::aborted("test_rollback", "roll the unit back");
  });
  REQUIRE(failed.detail() == "test_rollback");
  mc::MarketId kept = fx.write_value<mc::MarketId>([&](mc::store::Transaction& tx) {
    return tx.insert_market(mc::store::testing::test_market_config("kept"));
  });
  CHECK(kept == rolled_back);
  auto read = [&](mc::MarketId id) {
    return fx.read_value<mc::Market>([&](mc::store::Reader& r) { return r.market(id); });
  };
  CHECK(read(kept).config.name == "kept");
  CHECK(fx.write_value<std::string>([&](mc::store::Transaction& tx) -> mc::Result<std::string> {
    MC_TRY_ASSIGN(mc::Market market, tx.market(kept));
    return market.config.name;
  }) == "kept");
  CHECK(read(kept).config.name == "kept");  // and again, from the cache
}
