// Fault injection at the group-commit writer (writer.h's failure rules): a unit whose
// ROLLBACK TO, RELEASE or SAVEPOINT fails takes its whole batch down — nothing of the batch
// commits and every unit of it is told unavailable — and a failed COMMIT, injected or caused
// by a failed write or fsync under the VFS, breaks the writer until the store is reopened.
// Nothing but the writer's COMMIT commits: a statement run after SQLite ended the unit's
// transaction does not autocommit.
#include <array>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "store/control_faults.h"
#include "store/fault_vfs.h"
#include "store/sqlite/writer.h"
#include "store/store_fixture.h"

using mc::Code;
using mc::store::Transaction;
using mc::store::sqlite::ControlStatement;
using mc::store::testing::ControlFaults;
using mc::store::testing::FaultVfs;
using mc::store::testing::StoreFixture;
using mc::store::testing::WriterGate;

namespace {

constexpr int64_t kFundedMinor = 1000;

// Deposits `amount_minor` to `party` in one unit and returns the unit's Status.
mc::Status deposit_unit(StoreFixture& fx, mc::PartyId party, int64_t amount_minor) {
  return fx.write([&](Transaction& tx) {
    return tx.transfer(fx.world(), fx.available(party), amount_minor, "deposit", std::nullopt)
        .status();
  });
}

// Every batch with a savepoint per unit from the start: the tests of what a failed SAVEPOINT,
// RELEASE or ROLLBACK TO does. (A speculative batch has none until it is run again.)
mc::store::StoreOptions with_savepoints() {
  mc::store::StoreOptions options;
  options.speculative_batches = false;
  return options;
}

void check_batch_lost(const mc::Status& status) {
  CHECK(status.code() == Code::unavailable);
  CHECK(status.detail() == "store_unavailable");
}

}  // namespace

TEST_CASE("fault injection: a unit whose ROLLBACK TO fails is rolled back, never committed") {
  // Speculatively the unit's failure after writing makes the batch run again with savepoints;
  // it is that second run's ROLLBACK TO that fails.
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  mc::Status status;
  {
    ControlFaults faults(ControlStatement::rollback_to, 1);
    // The unit writes, then fails: only ROLLBACK TO would take its transfer out again.
    status = fx.write([&](Transaction& tx) -> mc::Status {
      MC_TRY(tx.transfer(fx.world(), fx.available(alice), 7, "deposit", std::nullopt));
      return mc::failed_precondition("test_failure", "this unit fails after writing");
    });
    CHECK(faults.fired());
  }
  check_batch_lost(status);
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor);
  CHECK(fx.verify().transfers_checked == 1);
  // Nothing was committed, so the writer goes on.
  fx.deposit(alice, 5);
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor + 5);
}

TEST_CASE("fault injection: a unit whose RELEASE fails is not committed and is told so") {
  StoreFixture fx(with_savepoints());
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  mc::Status status;
  {
    ControlFaults faults(ControlStatement::release, 1);
    status = deposit_unit(fx, alice, 7);
    CHECK(faults.fired());
  }
  check_batch_lost(status);
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor);
  fx.deposit(alice, 5);
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor + 5);
  fx.verify();
}

TEST_CASE("fault injection: a failed SAVEPOINT, RELEASE or ROLLBACK TO loses the whole batch") {
  // Three units queue behind a gate and run as one batch; unit 1 writes and then fails on its
  // own. Each unit deposits a distinct power of two, so the balance tells which committed.
  ControlStatement failing = ControlStatement::rollback_to;
  int64_t nth = 1;
  SUBCASE("ROLLBACK TO of the unit that failed") {}
  SUBCASE("RELEASE of the batch's first unit (the gate's RELEASE is the first)") {
    failing = ControlStatement::release;
    nth = 2;
  }
  SUBCASE("SAVEPOINT of the batch's second unit") {
    failing = ControlStatement::savepoint;
    nth = 2;
  }
  StoreFixture fx(with_savepoints());
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  constexpr int kUnits = 3;
  std::array<mc::Status, kUnits> results;
  std::array<std::atomic<bool>, kUnits> calling{};
  std::vector<std::thread> threads;
  {
    WriterGate gate(*fx.store);
    ControlFaults faults(failing, nth);
    for (int i = 0; i < kUnits; ++i) {
      threads.emplace_back([&, i] {
        calling[i] = true;
        results[i] = fx.write([&, i](Transaction& tx) -> mc::Status {
          MC_TRY(tx.transfer(fx.world(), fx.available(alice), int64_t{1} << i, "deposit",
                             std::nullopt));
          if (i == 1) return mc::failed_precondition("test_failure", "this unit fails");
          return mc::ok_status();
        });
      });
    }
    for (int i = 0; i < kUnits; ++i) {
      while (!calling[i]) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all queued behind the gate
    REQUIRE(gate.release().ok());
    for (std::thread& thread : threads) thread.join();
    CHECK(faults.fired());
  }
  REQUIRE(fx.store->stats().batch_units_largest == kUnits);
  for (int i = 0; i < kUnits; ++i) {
    CAPTURE(i);
    check_batch_lost(results[i]);
  }
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor);
  CHECK(fx.verify().transfers_checked == 1);
  fx.deposit(alice, 8);
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor + 8);
}

TEST_CASE("fault injection: a failed COMMIT breaks the writer until the store is reopened") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  {
    ControlFaults faults(ControlStatement::commit, 1);
    check_batch_lost(deposit_unit(fx, alice, 7));
    CHECK(faults.fired());
  }
  const mc::Status refused = deposit_unit(fx, alice, 5);
  CHECK(refused.code() == Code::unavailable);
  CHECK(refused.detail() == "store_broken");
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor);  // reads still work
  fx.reopen();
  CHECK(deposit_unit(fx, alice, 5).ok());
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor + 5);
  fx.verify();
}

TEST_CASE("fault injection: a failed ROLLBACK of a lost batch breaks the writer") {
  mc::store::StoreOptions options;
  SUBCASE("speculative batch") {}
  SUBCASE("savepoints from the start") {
    options = with_savepoints();
  }
  StoreFixture fx(options);
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  // The unit fails after writing, so its speculative batch is rolled back to be run again with
  // savepoints: that ROLLBACK fails, so the batch is lost; the ROLLBACK of the lost batch fails
  // too and the transaction, the unit's writes inside, stays open: the writer must never commit
  // it. With savepoints from the start, ROLLBACK TO and then ROLLBACK fail the same way.
  mc::Status lost;
  {
    struct RemoveHook {
      ~RemoveHook() { mc::store::sqlite::set_control_fault_hook({}); }
    } remove_hook;
    mc::store::sqlite::set_control_fault_hook([](ControlStatement statement) {
      const bool fails =
          statement == ControlStatement::rollback_to || statement == ControlStatement::rollback;
      return fails ? SQLITE_IOERR : SQLITE_OK;
    });
    lost = fx.write([&](Transaction& tx) -> mc::Status {
      MC_TRY(tx.transfer(fx.world(), fx.available(alice), 7, "deposit", std::nullopt));
      return mc::failed_precondition("test_failure", "this unit fails after writing");
    });
  }
  check_batch_lost(lost);
  const mc::Status refused = deposit_unit(fx, alice, 5);
  CHECK(refused.code() == Code::unavailable);
  CHECK(refused.detail() == "store_broken");
  fx.reopen();  // closing the connection rolls the open transaction back
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor);
  CHECK(deposit_unit(fx, alice, 5).ok());
  CHECK(fx.balance(fx.available(alice)) == kFundedMinor + 5);
  fx.verify();
}

TEST_CASE("fault injection: a failed fsync or write at COMMIT breaks the writer until reopened") {
  FaultVfs::Operation operation = FaultVfs::Operation::sync;
  FaultVfs::Fault fault = FaultVfs::Fault::io_error;
  SUBCASE("fsync: SQLITE_IOERR_FSYNC") {}
  SUBCASE("write: SQLITE_FULL") {
    operation = FaultVfs::Operation::write;
    fault = FaultVfs::Fault::disk_full;
  }
  SUBCASE("write: SQLITE_IOERR_WRITE") {
    operation = FaultVfs::Operation::write;
  }
  FaultVfs vfs;  // registered before the store opens, so every connection goes through it
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, kFundedMinor);
  vfs.arm(1, fault, operation);
  const mc::Status failed = deposit_unit(fx, alice, 7);
  CHECK(vfs.fired());
  vfs.disarm();
  CAPTURE(failed.to_string());
  CHECK(failed.code() == Code::unavailable);
  const mc::Status refused = deposit_unit(fx, alice, 5);
  CHECK(refused.code() == Code::unavailable);
  CHECK(refused.detail() == "store_broken");
  fx.reopen();
  // Whether the failed commit reached the disk is known now: either way the ledger holds.
  const int64_t balance = fx.balance(fx.available(alice));
  CHECK((balance == kFundedMinor || balance == kFundedMinor + 7));
  fx.verify();
  CHECK(deposit_unit(fx, alice, 5).ok());
  CHECK(fx.balance(fx.available(alice)) == balance + 5);
}

TEST_CASE("fault injection: a statement run after its unit's transaction ended never commits") {
  mc::store::testing::TempDir dir;
  mc::store::sqlite::ConnectionOptions options;
  options.path = dir.file("writer.db");
  auto connection = mc::store::sqlite::Connection::open(options);
  REQUIRE(connection.ok());
  mc::store::sqlite::Writer writer(std::move(connection).value(), 8, 8);
  const mc::Status status = writer.exclusive([](mc::store::sqlite::Connection& raw) -> mc::Status {
    MC_TRY(raw.exec("ROLLBACK"));  // what an I/O error inside a unit does to its transaction
    return raw.exec("CREATE TABLE probe (x INTEGER)");  // would autocommit on its own
  });
  CHECK_FALSE(status.ok());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(options.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'probe'", -1,
                             &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(stmt, 0) == 0);
  sqlite3_finalize(stmt);
  sqlite3_close_v2(db);
  // The batch was lost, not the writer.
  CHECK(writer.write(0, [](Transaction&) { return mc::ok_status(); }).ok());
}
