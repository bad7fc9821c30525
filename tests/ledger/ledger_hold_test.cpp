// Hold semantics through the SQLite store: post all, part, to several recipients (remainder
// back to the source), void, exactly once, child holds drawn from a parent hold, due holds,
// stakes locked/released/slashed, and trailing_spend over posted escrows.

#include "store/store_fixture.h"
#include "store/test_database.h"

using mc::AccountKind;
using mc::Code;
using mc::Hold;
using mc::HoldPurpose;
using mc::HoldState;
using mc::Posting;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

namespace {

struct HoldFixture : StoreFixture {
  HoldFixture() {
    poster = add_party("poster");
    worker = add_party("worker");
    evaluator = add_party("evaluator");
    deposit(poster, 10'000);
  }

  Hold escrow(int64_t amount_minor, std::optional<mc::JobId> job = mc::JobId{1}) {
    return write_value<Hold>([&](Transaction& tx) {
      return tx.create_hold(HoldPurpose::escrow, available(poster), amount_minor, job, poster,
                            "job_post");
    });
  }

  mc::Status post(mc::HoldId hold, const std::vector<Posting>& postings) {
    return write([&](Transaction& tx) { return tx.post_hold(hold, postings); });
  }

  mc::Status cancel(mc::HoldId hold) {
    return write([&](Transaction& tx) { return tx.void_hold(hold, "job_refund"); });
  }

  Hold get(mc::HoldId id) {
    return read_value<Hold>([&](mc::store::Reader& r) { return r.hold(id); });
  }

  mc::PartyId poster = 0;
  mc::PartyId worker = 0;
  mc::PartyId evaluator = 0;
};

}  // namespace

TEST_CASE("holds: create moves the amount into the hold's own account") {
  HoldFixture fx;
  Hold hold = fx.escrow(2950);
  CHECK(hold.id > 0);
  CHECK(hold.state == HoldState::held);
  CHECK(hold.amount_minor == 2950);
  CHECK(hold.party_id == fx.poster);
  CHECK(hold.job_id == 1);
  CHECK(hold.created_at_ms == fx.now_ms);
  CHECK(fx.balance(fx.available(fx.poster)) == 10'000 - 2950);
  CHECK(fx.balance({fx.market, AccountKind::hold, hold.id}) == 2950);
  Hold stored = fx.get(hold.id);
  CHECK(stored.hold_account_id == hold.hold_account_id);
  CHECK(stored.source_account_id == hold.source_account_id);
  fx.verify();
  // More than the poster has: refused, nothing left behind.
  mc::Status status = fx.write([&](Transaction& tx) {
    return tx
        .create_hold(HoldPurpose::escrow, fx.available(fx.poster), 1'000'000, mc::JobId{2},
                     fx.poster, "job_post")
        .status();
  });
  CHECK(status.detail() == "insufficient_funds");
  CHECK(fx.read_value<std::vector<Hold>>([](auto& r) { return r.holds_of_job(2); }).empty());
  status = fx.write([&](Transaction& tx) {
    return tx
        .create_hold(HoldPurpose::escrow, fx.available(fx.poster), 0, std::nullopt, std::nullopt,
                     "x")
        .status();
  });
  CHECK(status.detail() == "amount_not_positive");
  fx.verify();
}

TEST_CASE("holds: post all to one recipient") {
  HoldFixture fx;
  Hold hold = fx.escrow(1000);
  REQUIRE(fx.post(hold.id, {{fx.available(fx.worker), 1000, "job_earn"}}).ok());
  CHECK(fx.balance(fx.available(fx.worker)) == 1000);
  CHECK(fx.balance({fx.market, AccountKind::hold, hold.id}) == 0);
  Hold posted = fx.get(hold.id);
  CHECK(posted.state == HoldState::posted);
  CHECK(posted.resolved_at_ms == fx.now_ms);
  fx.verify();
}

TEST_CASE("holds: post to several recipients, the remainder returns to the source") {
  HoldFixture fx;
  Hold hold = fx.escrow(1000);
  REQUIRE(fx.post(hold.id, {{fx.available(fx.worker), 850, "job_earn"},
                            {fx.platform(), 20, "platform_fee"},
                            {{fx.market, AccountKind::evaluator, 0}, 30, "evaluator_fee"}})
              .ok());
  CHECK(fx.balance(fx.available(fx.worker)) == 850);
  CHECK(fx.balance(fx.platform()) == 20);
  CHECK(fx.balance({fx.market, AccountKind::evaluator, 0}) == 30);
  CHECK(fx.balance(fx.available(fx.poster)) == 10'000 - 1000 + 100);
  auto transfers = fx.read_value<std::vector<mc::Transfer>>(
      [&](mc::store::Reader& r) { return r.transfers({.market_id = fx.market, .job_id = 1}); });
  REQUIRE(transfers.size() == 5);  // hold, three postings, remainder
  CHECK(transfers[0].reason == "hold_remainder");
  CHECK(transfers[0].hold_id == hold.id);
  CHECK(transfers[0].amount_minor == 100);
  fx.verify();
}

TEST_CASE("holds: postings above the hold are refused, nothing moves") {
  HoldFixture fx;
  Hold hold = fx.escrow(1000);
  mc::Status status = fx.post(
      hold.id, {{fx.available(fx.worker), 900, "job_earn"}, {fx.platform(), 101, "platform_fee"}});
  CHECK(status.code() == Code::invalid_argument);
  CHECK(status.detail() == "postings_exceed_hold");
  CHECK(fx.get(hold.id).state == HoldState::held);
  CHECK(fx.post(hold.id, {{fx.available(fx.worker), 0, "job_earn"}}).detail() ==
        "amount_not_positive");
  CHECK(fx.post(hold.id, {{{fx.market, AccountKind::hold, 99}, 5, "x"}}).detail() ==
        "hold_account_direct");
  CHECK(fx.balance({fx.market, AccountKind::hold, hold.id}) == 1000);
  fx.verify();
}

TEST_CASE("holds: void returns everything; a hold resolves exactly once") {
  HoldFixture fx;
  Hold hold = fx.escrow(1000);
  REQUIRE(fx.cancel(hold.id).ok());
  CHECK(fx.balance(fx.available(fx.poster)) == 10'000);
  CHECK(fx.get(hold.id).state == HoldState::voided);
  mc::Status again = fx.cancel(hold.id);
  CHECK(again.code() == Code::failed_precondition);
  CHECK(again.detail() == "hold_already_resolved");
  CHECK(fx.post(hold.id, {{fx.available(fx.worker), 1, "job_earn"}}).detail() ==
        "hold_already_resolved");
  Hold posted = fx.escrow(500);
  REQUIRE(fx.post(posted.id, {{fx.available(fx.worker), 500, "job_earn"}}).ok());
  CHECK(fx.post(posted.id, {{fx.available(fx.worker), 500, "job_earn"}}).detail() ==
        "hold_already_resolved");
  CHECK(fx.cancel(posted.id).detail() == "hold_already_resolved");
  CHECK(fx.cancel(12345).detail() == "hold_not_found");
  CHECK(fx.balance(fx.available(fx.worker)) == 500);
  // Two resolutions inside one unit: the second fails and the unit leaves nothing.
  Hold third = fx.escrow(100);
  mc::Status both = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.void_hold(third.id, "job_refund"));
    return tx.post_hold(third.id, {{fx.available(fx.worker), 100, "job_earn"}});
  });
  CHECK(both.detail() == "hold_already_resolved");
  CHECK(fx.get(third.id).state == HoldState::held);
  fx.verify();
}

TEST_CASE("holds: a child hold draws from its parent (a lead's contract)") {
  HoldFixture fx;
  Hold lead = fx.escrow(3000, mc::JobId{10});
  const mc::AccountRef lead_account{fx.market, AccountKind::hold, lead.id};
  auto contract = [&](int64_t amount_minor) {
    return fx.write_value<Hold>([&](Transaction& tx) {
      return tx.create_hold(HoldPurpose::escrow, lead_account, amount_minor, mc::JobId{11},
                            fx.poster, "contract_fund");
    });
  };
  Hold first = contract(1000);
  Hold second = contract(1000);
  CHECK(fx.balance(lead_account) == 1000);
  // The lead cannot fund more than it holds.
  mc::Status status = fx.write([&](Transaction& tx) {
    return tx.create_hold(HoldPurpose::escrow, lead_account, 1001, mc::JobId{12}, fx.poster, "x")
        .status();
  });
  CHECK(status.detail() == "insufficient_funds");
  // First contract paid; second voided back into the lead while it is held.
  REQUIRE(fx.post(first.id, {{fx.available(fx.worker), 1000, "job_earn"}}).ok());
  REQUIRE(fx.cancel(second.id).ok());
  CHECK(fx.balance(lead_account) == 2000);
  fx.verify();
  // A third contract, then the lead is closed: its remainder goes to the poster, and the
  // contract still held later returns to the poster (the lead's account stays empty).
  Hold third = contract(500);
  REQUIRE(fx.cancel(lead.id).ok());
  CHECK(fx.balance(fx.available(fx.poster)) == 10'000 - 3000 + 1500);
  status = fx.write([&](Transaction& tx) {
    return tx.create_hold(HoldPurpose::escrow, lead_account, 1, mc::JobId{13}, fx.poster, "x")
        .status();
  });
  CHECK(status.detail() == "hold_already_resolved");
  REQUIRE(fx.post(third.id, {{fx.available(fx.worker), 200, "job_earn"}}).ok());
  CHECK(fx.balance(lead_account) == 0);
  CHECK(fx.balance(fx.available(fx.poster)) == 10'000 - 3000 + 1500 + 300);
  CHECK(fx.balance(fx.available(fx.worker)) == 1200);
  fx.verify();
}

TEST_CASE("holds: due holds, oldest first, and release_to") {
  HoldFixture fx;
  const mc::AccountRef pending{fx.market, AccountKind::pending, fx.worker};
  fx.write([&](Transaction& tx) -> mc::Status {
      return tx.transfer(fx.world(), pending, 900, "job_earn", std::nullopt).status();
    }).ignore();
  auto settle = [&](int64_t amount_minor, int64_t due_at_ms) {
    return fx.write_value<Hold>([&](Transaction& tx) {
      return tx.create_hold(HoldPurpose::settlement, pending, amount_minor, std::nullopt, fx.worker,
                            "settlement", due_at_ms, fx.available(fx.worker));
    });
  };
  const int64_t day_ms = 24 * 3'600'000LL;
  Hold late = settle(300, fx.now_ms + 7 * day_ms);
  Hold early = settle(300, fx.now_ms + 2 * day_ms);
  Hold undated = fx.escrow(100);
  CHECK(late.release_to_account_id.has_value());
  auto due = [&](int32_t limit) {
    return fx.write_value<std::vector<Hold>>([&](Transaction& tx) { return tx.due_holds(limit); });
  };
  CHECK(due(10).empty());
  fx.now_ms += 7 * day_ms;
  auto found = due(10);
  REQUIRE(found.size() == 2);
  CHECK(found[0].id == early.id);
  CHECK(found[1].id == late.id);
  CHECK(due(1).size() == 1);
  auto next =
      fx.write_value<std::optional<int64_t>>([](Transaction& tx) { return tx.next_due_at(); });
  CHECK(next == early.due_at_ms);
  // Releasing: post in full to release_to (what the engine does for a due settlement hold).
  for (const Hold& hold : found) {
    REQUIRE(fx.write([&](Transaction& tx) {
                return tx.post_hold(
                    hold.id, {{fx.available(fx.worker), hold.amount_minor, "settlement_release"}});
              }).ok());
  }
  CHECK(due(10).empty());
  CHECK(fx.balance(fx.available(fx.worker)) == 600);
  CHECK(fx.get(undated.id).state == HoldState::held);
  fx.verify();
}

TEST_CASE("holds: stakes are locked, released and slashed") {
  HoldFixture fx;
  const mc::AccountRef stake{fx.market, AccountKind::stake, fx.worker};
  fx.write([&](Transaction& tx) -> mc::Status {
      return tx.transfer(fx.world(), stake, 1000, "stake_deposit", std::nullopt).status();
    }).ignore();
  auto lock = [&]() {
    return fx.write_value<Hold>([&](Transaction& tx) {
      return tx.create_hold(HoldPurpose::stake, stake, 400, mc::JobId{5}, fx.worker, "stake_lock");
    });
  };
  Hold released = lock();
  Hold slashed = lock();
  CHECK(fx.read_value<mc::Balances>([&](auto& r) {
            return r.balances(fx.market, fx.worker);
          }).stake_locked_minor == 800);
  REQUIRE(
      fx.write([&](Transaction& tx) { return tx.void_hold(released.id, "stake_release"); }).ok());
  // Slash half to the poster, half to the platform.
  REQUIRE(fx.post(slashed.id, {{fx.available(fx.poster), 200, "stake_slash"},
                               {fx.platform(), 200, "stake_slash"}})
              .ok());
  mc::Balances balances =
      fx.read_value<mc::Balances>([&](auto& r) { return r.balances(fx.market, fx.worker); });
  CHECK(balances.stake_minor == 600);
  CHECK(balances.stake_locked_minor == 0);
  fx.verify();
}

TEST_CASE("holds: trailing_spend sums posted escrows of completed jobs since a time") {
  HoldFixture fx;
  auto job_with_escrow = [&](int64_t escrow_minor, int64_t completed_at_ms, bool post) {
    return fx.write([&](Transaction& tx) -> mc::Status {
      mc::Job job;
      job.market_id = fx.market;
      job.lifecycle = "j0";
      job.state = "completed";
      job.poster_id = fx.poster;
      job.amount_minor = escrow_minor;
      job.fees.escrow_minor = escrow_minor;
      job.completed_at_ms = completed_at_ms;
      MC_TRY_ASSIGN(job.id, tx.insert_job(job));
      MC_TRY_ASSIGN(Hold hold, tx.create_hold(HoldPurpose::escrow, fx.available(fx.poster),
                                              escrow_minor, job.id, fx.poster, "job_post"));
      job.escrow_hold_id = hold.id;
      MC_TRY(tx.update_job(job, "completed", 0));
      if (post) return tx.post_hold(hold.id, {{fx.available(fx.worker), escrow_minor, "earn"}});
      return tx.void_hold(hold.id, "job_refund");
    });
  };
  REQUIRE(job_with_escrow(1000, fx.now_ms - 40, true).ok());
  REQUIRE(job_with_escrow(2000, fx.now_ms - 10, true).ok());
  REQUIRE(job_with_escrow(4000, fx.now_ms - 5, false).ok());  // refunded: not spend
  auto spend = [&](int64_t since_ms, mc::PartyId poster) {
    return fx.read_value<int64_t>(
        [&](auto& r) { return r.trailing_spend(fx.market, poster, since_ms); });
  };
  CHECK(spend(fx.now_ms - 100, fx.poster) == 3000);
  CHECK(spend(fx.now_ms - 10, fx.poster) == 2000);
  CHECK(spend(fx.now_ms, fx.poster) == 0);
  CHECK(spend(0, fx.worker) == 0);
  fx.verify();
}

TEST_CASE("holds: a party's held total follows its holds (create, child, post, remainder, void)") {
  HoldFixture fx;
  auto escrow_of = [&](mc::PartyId party) {
    return fx
        .read_value<mc::Balances>(
            [&](mc::store::Reader& r) { return r.balances(fx.market, party); })
        .escrow_minor;
  };
  Hold lead = fx.escrow(3000, mc::JobId{10});
  CHECK(escrow_of(fx.poster) == 3000);
  // A contract drawn from the lead, held for the worker: the poster's total shrinks by it.
  Hold contract = fx.write_value<Hold>([&](Transaction& tx) {
    return tx.create_hold(HoldPurpose::escrow, {fx.market, AccountKind::hold, lead.id}, 1000,
                          mc::JobId{11}, fx.worker, "contract_fund");
  });
  CHECK(escrow_of(fx.poster) == 2000);
  CHECK(escrow_of(fx.worker) == 1000);
  // Voided while the lead is held: the money and the total go back to the lead's party.
  REQUIRE(fx.cancel(contract.id).ok());
  CHECK(escrow_of(fx.poster) == 3000);
  CHECK(escrow_of(fx.worker) == 0);
  // Posted in part: the rest returns to the poster's available balance, the total to zero.
  REQUIRE(fx.post(lead.id, {{fx.available(fx.worker), 1200, "job_earn"}}).ok());
  CHECK(escrow_of(fx.poster) == 0);
  fx.verify();
}

TEST_CASE("holds: verify_ledger catches a held total out of step with the holds") {
  HoldFixture fx;
  fx.escrow(300);
  fx.verify();
  fx.store.reset();
  mc::test::raw_sql(fx.dir.file("market.db"), "UPDATE hold_totals SET held_minor = held_minor + 1");
  fx.reopen();
  auto report = fx.read_value<mc::LedgerReport>([](auto& r) { return r.verify_ledger(); });
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].find("stores 301 but its holds hold 300") != std::string::npos);
}

TEST_CASE("holds: migration 6 fills the held totals of a database made before it") {
  if (mc::test::testing_postgres()) return;  // SQLite's migration; PostgreSQL starts after it
  HoldFixture fx;
  fx.escrow(300);
  fx.escrow(200, mc::JobId{2});
  fx.store.reset();
  mc::test::raw_sql(fx.dir.file("market.db"), "DROP TABLE hold_totals; PRAGMA user_version = 5");
  fx.reopen();
  auto balances = fx.read_value<mc::Balances>(
      [&](mc::store::Reader& r) { return r.balances(fx.market, fx.poster); });
  CHECK(balances.escrow_minor == 500);
  fx.verify();
}
