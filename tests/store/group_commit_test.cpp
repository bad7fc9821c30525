// The writer's group commit and the readers' concurrency: many threads writing at once all
// succeed and share commits; one failing unit in a batch rolls back alone; readers run on
// snapshots while the writer commits; the queue is bounded; a throwing unit leaves nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "store/store_fixture.h"

using mc::AccountKind;
using mc::store::Reader;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

namespace {

using namespace std::chrono_literals;
using mc::store::testing::WriterGate;

}  // namespace

TEST_CASE("group commit: many threads writing concurrently all succeed and share commits") {
  StoreFixture fx;
  constexpr int kThreads = 8;
  constexpr int kTransfersPerThread = 40;
  std::vector<mc::PartyId> parties;
  for (int i = 0; i < kThreads; ++i) parties.push_back(fx.add_party());
  const mc::store::StoreStats before = fx.store->stats();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTransfersPerThread; ++i) {
        mc::Status status = fx.store->write(fx.now_ms, [&](Transaction& tx) {
          return tx.transfer(fx.world(), fx.available(parties[t]), 1, "deposit", std::nullopt)
              .status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
  for (mc::PartyId party : parties) CHECK(fx.balance(fx.available(party)) == kTransfersPerThread);
  const mc::store::StoreStats after = fx.store->stats();
  const int64_t units = after.units_committed - before.units_committed;
  const int64_t batches = after.batches_committed - before.batches_committed;
  CHECK(units == kThreads * kTransfersPerThread);
  MESSAGE("units " << units << " in " << batches << " commits, largest batch "
                   << after.batch_units_largest);
  CHECK(batches <= units);
  CHECK(fx.verify().transfers_checked == kThreads * kTransfersPerThread);
}

TEST_CASE("group commit: one failing unit in a batch rolls back alone") {
  // Speculatively the unit fails after writing, so its batch is rolled back and run again with
  // a savepoint per unit: once, whichever batch the unit landed in.
  mc::store::StoreOptions options;
  int64_t reruns_expected = 1;
  SUBCASE("speculative batch") {}
  SUBCASE("savepoints from the start") {
    options.speculative_batches = false;
    reruns_expected = 0;
  }
  StoreFixture fx(options);
  const mc::PartyId alice = fx.add_party();
  constexpr int kWriters = 6;
  std::vector<mc::Status> results(kWriters);
  std::vector<std::thread> threads;
  WriterGate gate(*fx.store);
  const mc::store::StoreStats before = fx.store->stats();
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = fx.store->write(fx.now_ms, [&, i](Transaction& tx) -> mc::Status {
        MC_TRY(tx.transfer(fx.world(), fx.available(alice), 100 + i, "deposit", std::nullopt));
        MC_TRY(tx.append_event({.market_id = fx.market, .type = "deposit"}));
        if (i == 3) return mc::failed_precondition("test_failure", "this unit fails");
        return mc::ok_status();
      });
    });
  }
  // Let every writer queue behind the gate, then release: they commit as one batch.
  std::this_thread::sleep_for(200ms);
  REQUIRE(gate.release().ok());
  for (std::thread& thread : threads) thread.join();
  int64_t expected = 0;
  for (int i = 0; i < kWriters; ++i) {
    CAPTURE(i);
    if (i == 3) {
      CHECK(results[i].detail() == "test_failure");
    } else {
      CHECK(results[i].ok());
      expected += 100 + i;
    }
  }
  CHECK(fx.balance(fx.available(alice)) == expected);
  CHECK(fx.read_value<std::vector<mc::Event>>([](Reader& r) { return r.events({}); }).size() ==
        kWriters - 1);
  const mc::store::StoreStats after = fx.store->stats();
  CHECK(after.batch_units_largest >= 2);
  CHECK(after.units_failed - before.units_failed == 1);
  CHECK(after.batches_rerun - before.batches_rerun == reruns_expected);
  MESSAGE("batches after the gate: " << after.batches_committed - before.batches_committed);
  fx.verify();
}

TEST_CASE("group commit: a unit refused before it writes does not make its batch run again") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  constexpr int kWriters = 5;
  std::vector<mc::Status> results(kWriters);
  std::vector<int> calls(kWriters, 0);
  std::vector<std::thread> threads;
  WriterGate gate(*fx.store);
  const mc::store::StoreStats before = fx.store->stats();
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      results[i] = fx.store->write(fx.now_ms, [&, i](Transaction& tx) -> mc::Status {
        ++calls[i];
        // Reads, then refuses: the engine's usual order (check, then write).
        MC_TRY(tx.balance(fx.available(alice)));
        if (i == 2) return mc::failed_precondition("test_failure", "refused before writing");
        return tx.transfer(fx.world(), fx.available(alice), 10, "deposit", std::nullopt).status();
      });
    });
  }
  std::this_thread::sleep_for(200ms);
  REQUIRE(gate.release().ok());
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kWriters; ++i) {
    CAPTURE(i);
    CHECK(calls[i] == 1);
    CHECK(results[i].ok() == (i != 2));
  }
  CHECK(results[2].detail() == "test_failure");
  CHECK(fx.balance(fx.available(alice)) == 10 * (kWriters - 1));
  const mc::store::StoreStats after = fx.store->stats();
  CHECK(after.batches_rerun == before.batches_rerun);
  CHECK(after.units_failed - before.units_failed == 1);
  fx.verify();
}

TEST_CASE("group commit: a batch run again keeps only the last run of each unit") {
  // Unit 2 fails after writing, so its batch runs again with savepoints: the units queued
  // before it run twice, those after it once. What commits is one transfer and one event of
  // each succeeding unit, and each caller gets the id its last run wrote.
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  constexpr int kWriters = 4;
  std::vector<mc::Status> results(kWriters);
  std::vector<int> calls(kWriters, 0);
  std::vector<mc::TransferId> transfer_ids(kWriters, 0);
  std::vector<std::thread> threads;
  {
    WriterGate gate(*fx.store);
    for (int i = 0; i < kWriters; ++i) {
      threads.emplace_back([&, i] {
        results[i] = fx.store->write(fx.now_ms, [&, i](Transaction& tx) -> mc::Status {
          ++calls[i];
          MC_TRY_ASSIGN(transfer_ids[i], tx.transfer(fx.world(), fx.available(alice),
                                                     int64_t{1} << i, "deposit", std::nullopt));
          MC_TRY(tx.append_event({.market_id = fx.market, .type = "deposit"}));
          if (i == 2) return mc::failed_precondition("test_failure", "fails after writing");
          return mc::ok_status();
        });
      });
    }
    std::this_thread::sleep_for(200ms);  // all queued behind the gate
    REQUIRE(gate.release().ok());
    for (std::thread& thread : threads) thread.join();
  }
  REQUIRE(fx.store->stats().batch_units_largest == kWriters);
  CHECK(calls[2] == 2);
  for (int i : {0, 1, 3}) {
    CAPTURE(i);
    CHECK((calls[i] == 1 || calls[i] == 2));
    CHECK(results[i].ok());
  }
  CHECK(results[2].detail() == "test_failure");
  CHECK(fx.store->stats().batches_rerun == 1);
  CHECK(fx.balance(fx.available(alice)) == 1 + 2 + 8);
  const auto events = fx.read_value<std::vector<mc::Event>>([](Reader& r) { return r.events({}); });
  CHECK(events.size() == 3);
  const auto transfers = fx.read_value<std::vector<mc::Transfer>>(
      [&](Reader& r) { return r.transfers({.market_id = fx.market}); });
  std::vector<mc::TransferId> committed;
  for (const mc::Transfer& transfer : transfers) committed.push_back(transfer.id);
  for (int i : {0, 1, 3}) {
    CAPTURE(i);
    CHECK(std::find(committed.begin(), committed.end(), transfer_ids[i]) != committed.end());
  }
  fx.verify();
}

TEST_CASE("group commit: readers run on snapshots concurrently with the writer") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, 10);
  // A reader holding a snapshot does not block the writer and keeps seeing its snapshot.
  std::atomic<bool> snapshot_taken{false};
  std::atomic<bool> written{false};
  int64_t first_read = -1;
  int64_t second_read = -1;
  std::thread reader([&] {
    fx.store
        ->read([&](Reader& r) -> mc::Status {
          MC_TRY_ASSIGN(first_read, r.balance(fx.available(alice)));
          snapshot_taken = true;
          while (!written) std::this_thread::sleep_for(1ms);
          MC_TRY_ASSIGN(second_read, r.balance(fx.available(alice)));
          return mc::ok_status();
        })
        .ignore();
  });
  while (!snapshot_taken) std::this_thread::sleep_for(1ms);
  fx.deposit(alice, 5);  // commits while the reader's transaction is open
  written = true;
  reader.join();
  CHECK(first_read == 10);
  CHECK(second_read == 10);
  CHECK(fx.balance(fx.available(alice)) == 15);

  // Many readers verifying the ledger while writers move money: every snapshot balances.
  std::atomic<bool> stop{false};
  std::atomic<int> bad_snapshots{0};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        mc::Status status = fx.store->read([&](Reader& r) -> mc::Status {
          MC_TRY_ASSIGN(mc::LedgerReport report, r.verify_ledger());
          if (!report.ok()) ++bad_snapshots;
          return mc::ok_status();
        });
        if (!status.ok()) ++bad_snapshots;
        ++reads;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int i = 0; i < 3; ++i) {
    writers.emplace_back([&] {
      for (int n = 0; n < 30; ++n) {
        fx.store
            ->write(
                fx.now_ms,
                [&](Transaction& tx) -> mc::Status {
                  MC_TRY(tx.transfer(fx.world(), fx.available(alice), 3, "deposit", std::nullopt));
                  MC_TRY(tx.transfer(fx.available(alice), fx.platform(), 1, "fee", std::nullopt));
                  return mc::ok_status();
                })
            .ignore();
      }
    });
  }
  for (std::thread& thread : writers) thread.join();
  stop = true;
  for (std::thread& thread : readers) thread.join();
  CHECK(bad_snapshots == 0);
  CHECK(reads > 0);
  CHECK(fx.balance(fx.available(alice)) == 15 + 90 * 2);
  fx.verify();
}

TEST_CASE("group commit: the write queue is bounded") {
  mc::store::StoreOptions options;
  options.queue_units_max = 1;
  StoreFixture fx(options);
  WriterGate gate(*fx.store);  // occupies the only slot
  mc::Status refused = fx.store->write(fx.now_ms, [](Transaction&) { return mc::ok_status(); });
  CHECK(refused.code() == mc::Code::resource_exhausted);
  CHECK(refused.detail() == "write_queue_full");
  REQUIRE(gate.release().ok());
  CHECK(fx.store->write(fx.now_ms, [](Transaction&) { return mc::ok_status(); }).ok());
}

TEST_CASE("group commit: a unit that throws fails alone and leaves nothing") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  mc::Status status = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.transfer(fx.world(), fx.available(alice), 5, "deposit", std::nullopt));
    throw std::runtime_error("boom");
  });
  CHECK(status.code() == mc::Code::internal);
  CHECK(status.detail() == "unit_threw");
  CHECK(fx.balance(fx.available(alice)) == 0);
  fx.deposit(alice, 7);
  CHECK(fx.balance(fx.available(alice)) == 7);
  fx.verify();
}

TEST_CASE("group commit: small batches when batch_units_max is 1") {
  mc::store::StoreOptions options;
  options.batch_units_max = 1;
  StoreFixture fx(options);
  const mc::PartyId alice = fx.add_party();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        mc::Status status = fx.store->write(fx.now_ms, [&](Transaction& tx) {
          return tx.transfer(fx.world(), fx.available(alice), 1, "deposit", std::nullopt).status();
        });
        if (!status.ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(fx.store->stats().batch_units_largest == 1);
  CHECK(fx.balance(fx.available(alice)) == 40);
  fx.verify();
}
