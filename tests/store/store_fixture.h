// Test fixture for the store: a fresh database file in a temporary directory (never
// :memory:; a schema of its own on PostgreSQL under MC_TEST_POSTGRES, see test_database.h),
// one market, helpers to run units and to check the ledger after every step, and
// WriterGate, which holds the writer so that other callers queue up into one batch.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/store.h"
#include "store/test_database.h"

namespace mc::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "marketcore_store_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    mc::test::drop_test_databases_under(path_);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline MarketConfig test_market_config(std::string name = "test") {
  MarketConfig config;
  config.name = std::move(name);
  config.asset = {"USD", 2};
  config.lifecycle = "j0";
  config.fees.platform_fee_bps = 1000;
  return config;
}

class StoreFixture {
 public:
  explicit StoreFixture(StoreOptions options = {}) {
    options.path = mc::test::database_location(dir.file("market.db"));
    options_ = options;
    reopen();
    market = write_value<MarketId>(
        [](Transaction& tx) { return tx.insert_market(test_market_config()); });
  }

  void reopen() {
    store.reset();
    auto opened = open_store(options_);
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    store = std::move(opened).value();
  }

  Status write(const std::function<Status(Transaction&)>& unit) {
    return store->write(now_ms, unit);
  }

  template <typename T>
  T write_value(const std::function<Result<T>(Transaction&)>& unit) {
    Result<T> result = store->write_result<T>(now_ms, unit);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    return std::move(result).value();
  }

  template <typename T>
  T read_value(const std::function<Result<T>(Reader&)>& query) {
    Result<T> result = store->read_result<T>(query);
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    return std::move(result).value();
  }

  // Requires the ledger to verify; prints every problem otherwise.
  LedgerReport verify() {
    LedgerReport report = read_value<LedgerReport>([](Reader& r) { return r.verify_ledger(); });
    for (const std::string& problem : report.problems) MESSAGE(problem);
    REQUIRE(report.ok());
    return report;
  }

  PartyId add_party(const std::string& name = "agent") {
    return write_value<PartyId>([&](Transaction& tx) {
      Party party;
      party.market_id = market;
      party.kind = "agent";
      party.display_name = name;
      return tx.insert_party(party);
    });
  }

  AccountRef available(PartyId party) const { return {market, AccountKind::available, party}; }
  AccountRef world() const { return {market, AccountKind::world, 0}; }
  AccountRef platform() const { return {market, AccountKind::platform, 0}; }

  // Deposits from the world account into the party's available balance.
  void deposit(PartyId party, int64_t amount_minor) {
    REQUIRE(write_value<TransferId>([&](Transaction& tx) {
              return tx.transfer(world(), available(party), amount_minor, "deposit", std::nullopt);
            }) > 0);
  }

  int64_t balance(const AccountRef& account) {
    return read_value<int64_t>([&](Reader& r) { return r.balance(account); });
  }

  TempDir dir;
  std::unique_ptr<Store> store;
  MarketId market = 0;
  int64_t now_ms = 1'700'000'000'000;

 private:
  StoreOptions options_;
};

// Blocks the writer in one unit until released, so that other callers queue up behind it.
class WriterGate {
 public:
  explicit WriterGate(Store& store) {
    thread_ = std::thread([this, &store] {
      status_ = store.write(0, [this](Transaction&) {
        entered_ = true;
        while (!released_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return ok_status();
      });
    });
    while (!entered_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~WriterGate() {
    if (thread_.joinable()) release().ignore();
  }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  Status release() {
    released_ = true;
    thread_.join();
    return status_;
  }

 private:
  std::thread thread_;
  std::atomic<bool> entered_{false};
  std::atomic<bool> released_{false};
  Status status_;
};

}  // namespace mc::store::testing
