// Ledger tests through the SQLite store: transfers, the non-negative rule, checked overflow,
// external references, balances, the transfer list, and verify_ledger catching a corrupted
// balance. verify() runs after every step.

#include <limits>

#include "ledger/ledger_rules.h"
#include "store/store_fixture.h"
#include "store/test_database.h"

using mc::AccountKind;
using mc::Code;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

TEST_CASE("ledger: a deposit moves money from world, which alone goes negative") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party("alice");
  fx.deposit(alice, 5000);
  CHECK(fx.balance(fx.available(alice)) == 5000);
  CHECK(fx.balance(fx.world()) == -5000);
  mc::LedgerReport report = fx.verify();
  CHECK(report.markets_checked == 1);
  CHECK(report.accounts_checked == 2);
  CHECK(report.transfers_checked == 1);
}

TEST_CASE("ledger: transfer refuses what would overdraw a party, and leaves nothing") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party("alice");
  const mc::PartyId bob = fx.add_party("bob");
  fx.deposit(alice, 100);
  mc::Status status = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.transfer(fx.available(alice), fx.available(bob), 60, "pay", std::nullopt));
    MC_TRY(tx.transfer(fx.available(alice), fx.available(bob), 60, "pay", std::nullopt));
    return mc::ok_status();
  });
  CHECK(status.code() == Code::failed_precondition);
  CHECK(status.detail() == "insufficient_funds");
  CHECK(fx.balance(fx.available(alice)) == 100);  // the first leg rolled back too
  CHECK(fx.balance(fx.available(bob)) == 0);
  fx.verify();
  // Platform and evaluator accounts may not go negative either.
  status = fx.write([&](Transaction& tx) -> mc::Status {
    return tx.transfer(fx.platform(), fx.available(bob), 1, "refund", std::nullopt).status();
  });
  CHECK(status.detail() == "insufficient_funds");
  fx.verify();
}

TEST_CASE("ledger: transfer argument checks") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  auto try_transfer = [&](const mc::AccountRef& from, const mc::AccountRef& to, int64_t amount) {
    return fx.write([&](Transaction& tx) -> mc::Status {
      return tx.transfer(from, to, amount, "x", std::nullopt).status();
    });
  };
  CHECK(try_transfer(fx.world(), fx.available(alice), 0).detail() == "amount_not_positive");
  CHECK(try_transfer(fx.world(), fx.available(alice), -5).detail() == "amount_not_positive");
  CHECK(try_transfer(fx.world(), fx.world(), 5).detail() == "same_account");
  CHECK(try_transfer(fx.world(), {fx.market, AccountKind::hold, 1}, 5).detail() ==
        "hold_account_direct");
  CHECK(try_transfer(fx.world(), {fx.market + 1, AccountKind::available, alice}, 5).detail() ==
        "market_not_found");
  const mc::MarketId other = fx.write_value<mc::MarketId>([](Transaction& tx) {
    return tx.insert_market(mc::store::testing::test_market_config("other"));
  });
  CHECK(try_transfer(fx.world(), {other, AccountKind::available, alice}, 5).detail() ==
        "market_mismatch");
  fx.verify();
}

TEST_CASE("ledger: balances are checked at the int64 edge") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  const int64_t max = std::numeric_limits<int64_t>::max();
  fx.deposit(alice, max);
  mc::Status status = fx.write([&](Transaction& tx) -> mc::Status {
    return tx.transfer(fx.world(), fx.available(alice), 1, "deposit", std::nullopt).status();
  });
  CHECK(status.code() == Code::out_of_range);
  CHECK(status.detail() == "amount_overflow");
  CHECK(fx.balance(fx.available(alice)) == max);
  // world is at -max; one more below -max-1 overflows on the world side.
  const mc::PartyId bob = fx.add_party();
  fx.deposit(bob, 1);
  status = fx.write([&](Transaction& tx) -> mc::Status {
    return tx.transfer(fx.world(), fx.available(bob), 1, "deposit", std::nullopt).status();
  });
  CHECK(status.detail() == "amount_overflow");
  fx.verify();
}

TEST_CASE("ledger: an external reference credits at most once") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  const mc::PartyId bob = fx.add_party();
  const mc::TransferId first = fx.write_value<mc::TransferId>([&](Transaction& tx) {
    return tx.transfer(fx.world(), fx.available(alice), 700, "deposit", std::nullopt,
                       std::string("0xabc"));
  });
  auto credit = fx.write_value<std::optional<mc::store::ExternalCredit>>(
      [&](Transaction& tx) { return tx.find_external_credit(fx.market, "0xabc"); });
  REQUIRE(credit.has_value());
  CHECK(credit->party_id == alice);
  CHECK(credit->transfer_id == first);
  CHECK(credit->amount_minor == 700);
  CHECK(credit->created_at_ms == fx.now_ms);
  // Again, by anyone, for any amount: refused, nothing written.
  mc::Status again = fx.write([&](Transaction& tx) -> mc::Status {
    return tx
        .transfer(fx.world(), fx.available(bob), 5, "deposit", std::nullopt, std::string("0xabc"))
        .status();
  });
  CHECK(again.code() == Code::already_exists);
  CHECK(again.detail() == "external_ref_used");
  CHECK(fx.balance(fx.available(bob)) == 0);
  // A failed unit does not consume the reference.
  mc::Status failed = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.transfer(fx.world(), fx.available(bob), 5, "deposit", std::nullopt,
                       std::string("0xdef")));
    return mc::aborted("test", "roll back");
  });
  CHECK(failed.detail() == "test");
  auto none = fx.write_value<std::optional<mc::store::ExternalCredit>>(
      [&](Transaction& tx) { return tx.find_external_credit(fx.market, "0xdef"); });
  CHECK_FALSE(none.has_value());
  // Another market may use the same reference (unique per market).
  const mc::MarketId other = fx.write_value<mc::MarketId>([](Transaction& tx) {
    return tx.insert_market(mc::store::testing::test_market_config("other"));
  });
  CHECK(fx.write_value<mc::TransferId>([&](Transaction& tx) {
    return tx.transfer({other, AccountKind::world, 0}, {other, AccountKind::available, bob}, 5,
                       "deposit", std::nullopt, std::string("0xabc"));
  }) > first);
  fx.verify();
}

TEST_CASE("ledger: transfers list newest first with party, job and cursor filters") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  const mc::PartyId bob = fx.add_party();
  fx.deposit(alice, 1000);
  fx.deposit(bob, 1000);
  fx.write_value<mc::TransferId>([&](Transaction& tx) {
    return tx.transfer(fx.available(alice), fx.available(bob), 10, "pay", mc::JobId{77});
  });
  auto list = [&](mc::store::TransferFilter filter) {
    filter.market_id = fx.market;
    return fx.read_value<std::vector<mc::Transfer>>(
        [&](mc::store::Reader& r) { return r.transfers(filter); });
  };
  auto all = list({});
  REQUIRE(all.size() == 3);
  CHECK(all[0].id > all[1].id);
  CHECK(all[0].reason == "pay");
  CHECK(all[0].job_id == 77);
  CHECK(all[0].created_at_ms == fx.now_ms);
  CHECK(list({.party_id = alice}).size() == 2);
  CHECK(list({.party_id = bob}).size() == 2);
  CHECK(list({.job_id = 77}).size() == 1);
  CHECK(list({.before_id = all[0].id}).size() == 2);
  CHECK(list({.limit = 1}).size() == 1);
  fx.verify();
}

TEST_CASE("ledger: verify_ledger catches a corrupted balance and a broken sum") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, 1000);
  fx.verify();
  fx.store.reset();
  mc::test::raw_sql(fx.dir.file("market.db"),
                    "UPDATE accounts SET balance_minor = balance_minor + 1 WHERE kind = 2");
  fx.reopen();
  auto report = fx.read_value<mc::LedgerReport>([](auto& r) { return r.verify_ledger(); });
  CHECK_FALSE(report.ok());
  REQUIRE(report.problems.size() == 2);  // the account, and the market's sum
  CHECK(report.problems[0].find("stores 1001 but its transfers sum to 1000") != std::string::npos);
  CHECK(report.problems[1].find("does not sum to zero") != std::string::npos);
}

TEST_CASE("ledger: verify_ledger catches a forbidden negative balance and a bad flag") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, 1000);
  fx.store.reset();
  // Swap the direction of the deposit: the party's account ends at -1000, world at +1000.
  mc::test::raw_sql(fx.dir.file("market.db"),
                    "UPDATE transfers SET debit_account_id = credit_account_id, "
                    "credit_account_id = debit_account_id; UPDATE accounts SET "
                    "balance_minor = -balance_minor, allow_negative = 1 - allow_negative");
  fx.reopen();
  auto report = fx.read_value<mc::LedgerReport>([](auto& r) { return r.verify_ledger(); });
  std::string all;
  for (const auto& problem : report.problems) all += problem + "\n";
  CAPTURE(all);
  CHECK(all.find("is negative") != std::string::npos);
  CHECK(all.find("wrong allow_negative") != std::string::npos);
}

TEST_CASE("ledger: balances() of a party") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party();
  fx.deposit(alice, 1000);
  fx.write([&](Transaction& tx) -> mc::Status {
      MC_TRY(tx.transfer(fx.world(), {fx.market, AccountKind::promo, alice}, 100, "promo",
                         std::nullopt));
      MC_TRY(tx.transfer(fx.world(), {fx.market, AccountKind::pending, alice}, 30, "earn",
                         std::nullopt));
      MC_TRY(tx.transfer(fx.available(alice), {fx.market, AccountKind::stake, alice}, 200,
                         "stake_deposit", std::nullopt));
      MC_TRY(tx.create_hold(mc::HoldPurpose::stake, {fx.market, AccountKind::stake, alice}, 150,
                            std::nullopt, alice, "stake_lock"));
      MC_TRY(tx.create_hold(mc::HoldPurpose::escrow, fx.available(alice), 300, mc::JobId{1}, alice,
                            "job_post"));
      return mc::ok_status();
    }).ignore();
  auto balances = fx.read_value<mc::Balances>(
      [&](mc::store::Reader& r) { return r.balances(fx.market, alice); });
  CHECK(balances.available_minor == 500);
  CHECK(balances.promo_minor == 100);
  CHECK(balances.pending_minor == 30);
  CHECK(balances.stake_minor == 50);
  CHECK(balances.stake_locked_minor == 150);
  CHECK(balances.escrow_minor == 300);
  fx.verify();
}

TEST_CASE("ledger rules: kinds and hold remainders") {
  CHECK(mc::ledger::may_go_negative(AccountKind::world));
  CHECK_FALSE(mc::ledger::may_go_negative(AccountKind::platform));
  CHECK_FALSE(mc::ledger::may_go_negative(AccountKind::hold));
  CHECK(mc::ledger::is_party_kind(AccountKind::stake));
  CHECK_FALSE(mc::ledger::is_party_kind(AccountKind::evaluator));
  CHECK_FALSE(mc::ledger::account_kind_from_int(8).has_value());
  CHECK(std::string(mc::account_kind_name(AccountKind::evaluator)) == "evaluator");
  CHECK_FALSE(mc::ledger::account_kind_from_int(-1).has_value());
  CHECK(mc::ledger::account_kind_from_int(0) == AccountKind::world);
  // Every kind has its own name, and the stored integer maps back to it.
  const char* names[] = {"world",   "platform", "available", "promo",
                         "pending", "stake",    "hold",      "evaluator"};
  for (int64_t value = 0; value < 8; ++value) {
    const std::optional<AccountKind> kind = mc::ledger::account_kind_from_int(value);
    REQUIRE(kind.has_value());
    CHECK(std::string(mc::account_kind_name(*kind)) == names[value]);
  }
  CHECK(std::string(mc::account_kind_name(static_cast<AccountKind>(42))) == "unknown");
  const int64_t max = std::numeric_limits<int64_t>::max();
  CHECK(mc::ledger::hold_remainder(100, {{.amount_minor = 60}, {.amount_minor = 40}}).value() == 0);
  CHECK(mc::ledger::hold_remainder(100, {}).value() == 100);
  CHECK(mc::ledger::hold_remainder(100, {{.amount_minor = 101}}).status().detail() ==
        "postings_exceed_hold");
  CHECK(mc::ledger::hold_remainder(100, {{.amount_minor = 0}}).status().detail() ==
        "amount_not_positive");
  CHECK(mc::ledger::hold_remainder(max, {{.amount_minor = max}, {.amount_minor = 1}})
            .status()
            .detail() == "amount_overflow");
}
