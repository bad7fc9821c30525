// The writer's asynchronous path (Writer::write_async through Store::write_async): units queued
// without waiting share commits with each other and with waiting callers, each completion is
// called exactly once with its unit's own Status, refusals at admission complete before the call
// returns, a failed COMMIT reaches every completion of the batch, completions may queue further
// writes, and wait_for_async_writes and the store's close wait for every pending completion.
#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "store/control_faults.h"
#include "store/store_fixture.h"

using mc::store::Transaction;
using mc::store::sqlite::ControlStatement;
using mc::store::testing::ControlFaults;
using mc::store::testing::StoreFixture;
using mc::store::testing::WriterGate;

namespace {

// A deposit of `amount` to `party`, as a unit.
std::function<mc::Status(Transaction&)> deposit_unit(StoreFixture& fx, mc::PartyId party,
                                                     int64_t amount) {
  return [&fx, party, amount](Transaction& tx) {
    return tx.transfer(fx.world(), fx.available(party), amount, "deposit", std::nullopt).status();
  };
}

// Counts completions and remembers their statuses.
struct Completions {
  std::mutex mutex;
  std::vector<mc::Status> statuses;
  std::atomic<int> calls{0};

  std::function<void(mc::Status)> record() {
    return [this](mc::Status status) {
      std::lock_guard lock(mutex);
      statuses.push_back(std::move(status));
      ++calls;
    };
  }
  int ok_count() {
    std::lock_guard lock(mutex);
    int ok = 0;
    for (const mc::Status& status : statuses) ok += status.ok() ? 1 : 0;
    return ok;
  }
};

}  // namespace

TEST_CASE("async write: queued units from many threads all commit, sharing commits") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 50;
  Completions completions;
  const mc::store::StoreStats before = fx.store->stats();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 1), completions.record());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  fx.store->wait_for_async_writes();
  CHECK(completions.calls == kThreads * kWritesPerThread);
  CHECK(completions.ok_count() == kThreads * kWritesPerThread);
  CHECK(fx.balance(fx.available(alice)) == kThreads * kWritesPerThread);
  const mc::store::StoreStats after = fx.store->stats();
  CHECK(after.units_committed - before.units_committed == kThreads * kWritesPerThread);
  CHECK(after.batches_committed - before.batches_committed < kThreads * kWritesPerThread);
  fx.verify();
}

TEST_CASE("async write: queued and waiting writes share batches, each with its own result") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  Completions completions;
  std::vector<mc::Status> waited(3);
  {
    // Hold the writer so that what follows queues up behind it: waiting callers and queued
    // units in one batch, led by whichever is at the front.
    WriterGate gate(*fx.store);
    fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 1), completions.record());
    std::vector<std::thread> waiting;
    for (int i = 0; i < 3; ++i) {
      waiting.emplace_back(
          [&, i] { waited[i] = fx.store->write(fx.now_ms, deposit_unit(fx, alice, 10)); });
    }
    fx.store->write_async(
        fx.now_ms,
        [](Transaction&) { return mc::failed_precondition("test_refusal", "this unit fails"); },
        completions.record());
    fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 100), completions.record());
    REQUIRE(gate.release().ok());
    for (std::thread& thread : waiting) thread.join();
  }
  fx.store->wait_for_async_writes();
  for (const mc::Status& status : waited) CHECK(status.ok());
  REQUIRE(completions.calls == 3);
  CHECK(completions.ok_count() == 2);
  bool refused_alone = false;
  for (const mc::Status& status : completions.statuses) {
    if (!status.ok()) refused_alone = status.detail() == "test_refusal";
  }
  CHECK(refused_alone);
  CHECK(fx.balance(fx.available(alice)) == 1 + 30 + 100);
  fx.verify();
}

TEST_CASE("async write: a full queue refuses before write_async returns") {
  mc::store::StoreOptions options;
  options.queue_units_max = 1;
  StoreFixture fx(options);
  const mc::PartyId alice = fx.add_party();
  WriterGate gate(*fx.store);  // occupies the only slot
  bool called = false;
  mc::Status refused;
  fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 5), [&](mc::Status status) {
    called = true;
    refused = std::move(status);
  });
  CHECK(called);  // synchronously, on this thread
  CHECK(refused.code() == mc::Code::resource_exhausted);
  CHECK(refused.detail() == "write_queue_full");
  REQUIRE(gate.release().ok());
  CHECK(fx.balance(fx.available(alice)) == 0);
}

TEST_CASE("async write: a failed COMMIT reaches the completions, then the writer is broken") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  std::promise<mc::Status> first;
  {
    ControlFaults faults(ControlStatement::commit, 1);
    fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 5),
                          [&](mc::Status status) { first.set_value(std::move(status)); });
    const mc::Status status = first.get_future().get();
    CHECK(faults.fired());
    CHECK(status.code() == mc::Code::unavailable);
    CHECK(status.detail() == "store_unavailable");
  }
  std::promise<mc::Status> later;
  fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 5),
                        [&](mc::Status status) { later.set_value(std::move(status)); });
  CHECK(later.get_future().get().detail() == "store_broken");
}

TEST_CASE("async write: a completion may queue the next write; close waits for the chain") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  constexpr int kChain = 20;
  std::atomic<int> links{0};
  std::function<void(mc::Status)> next = [&](mc::Status status) {
    CHECK(status.ok());
    if (++links == kChain) return;
    fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 1), next);
  };
  fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 1), next);
  fx.store->wait_for_async_writes();
  CHECK(links == kChain);
  CHECK(fx.balance(fx.available(alice)) == kChain);

  // Closing the store runs what is still queued and calls its completions first.
  Completions completions;
  for (int i = 0; i < 10; ++i) {
    fx.store->write_async(fx.now_ms, deposit_unit(fx, alice, 1), completions.record());
  }
  fx.reopen();
  CHECK(completions.calls == 10);
  CHECK(completions.ok_count() == 10);
  CHECK(fx.balance(fx.available(alice)) == kChain + 10);
}
