// Idempotency keys and external references: a repeat returns the original result and moves
// no money; the same key with a different request is refused; keys are per scope; an external
// reference credits once, ever.
#include <doctest/doctest.h>

#include "engine/engine_fixture.h"

namespace mc::test {

TEST_CASE("engine idempotency: a repeated deposit returns the original") {
  EngineFixture f;
  const PartyId party = f.party();
  Deposit deposit{.market_id = f.market.id, .party_id = party, .amount_minor = 30};
  deposit.idempotency = IdempotencyKey{"party:1", "key-1"};
  auto first = f.engine->deposit(deposit);
  REQUIRE(first.ok());
  CHECK_FALSE(first->replayed);
  auto second = f.engine->deposit(deposit);
  REQUIRE(second.ok());
  CHECK(second->replayed);
  CHECK(second->transfer_id == first->transfer_id);
  CHECK(second->balance_after_minor == 30);
  CHECK(f.balances(party).available_minor == 30);

  Deposit different = deposit;
  different.amount_minor = 31;
  auto reused = f.engine->deposit(different);
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.status().code() == Code::invalid_argument);
  CHECK(reused.status().detail() == "idempotency_key_reused");

  Deposit other_scope = deposit;
  other_scope.idempotency = IdempotencyKey{"party:2", "key-1"};
  auto independent = f.engine->deposit(other_scope);
  REQUIRE(independent.ok());
  CHECK_FALSE(independent->replayed);
  CHECK(f.balances(party).available_minor == 60);
  f.verify();
}

TEST_CASE("engine idempotency: create_job and fire replay without moving money twice") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  CreateJob create{.market_id = f.market.id, .poster_id = poster, .amount_minor = 10};
  create.idempotency = IdempotencyKey{"party:poster", "create-1"};
  auto first = f.engine->create_job(create);
  REQUIRE(first.ok());
  auto again = f.engine->create_job(create);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->job.id == first->job.id);
  CHECK(f.balances(poster).available_minor == 90);
  auto listed = f.engine->jobs({.market_id = f.market.id});
  REQUIRE(listed.ok());
  CHECK(listed->size() == 1);

  FireTransition accept{.job_id = first->job.id, .transition = "accept", .actor_id = worker};
  accept.idempotency = IdempotencyKey{"party:worker", "accept-1"};
  auto accepted = f.engine->fire(accept);
  REQUIRE(accepted.ok());
  auto replayed = f.engine->fire(accept);
  REQUIRE(replayed.ok());
  CHECK(replayed->replayed);
  CHECK(replayed->fired == "accept");
  CHECK(replayed->job.worker_id == worker);
  FireTransition submit{.job_id = first->job.id, .transition = "submit", .actor_id = worker};
  submit.idempotency = accept.idempotency;
  auto mismatch = f.engine->fire(submit);
  CHECK(mismatch.status().detail() == "idempotency_key_reused");
  f.verify();
}

// Found by the market simulator: a keyed repeat of an acknowledged creation, made after the
// job's deadline had passed, was refused with deadline_in_past instead of replaying.
TEST_CASE("engine idempotency: a creation replays after its deadline has passed") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  CreateJob create{.market_id = f.market.id,
                   .poster_id = poster,
                   .amount_minor = 10,
                   .deadline_at_ms = f.clock->now_ms() + kMillisecondsPerHour};
  create.idempotency = IdempotencyKey{"party:poster", "create-deadline"};
  auto first = f.engine->create_job(create);
  REQUIRE(first.ok());
  f.clock->advance_ms(2 * kMillisecondsPerHour);
  auto again = f.engine->create_job(create);
  REQUIRE_MESSAGE(again.ok(), again.status().to_string());
  CHECK(again->replayed);
  CHECK(again->job.id == first->job.id);
  CHECK(f.balances(poster).available_minor == 90);
  // A new request with a past deadline is still refused, keyed or not.
  create.idempotency = IdempotencyKey{"party:poster", "create-late"};
  CHECK(f.engine->create_job(create).status().detail() == "deadline_in_past");
  create.idempotency.reset();
  CHECK(f.engine->create_job(create).status().detail() == "deadline_in_past");
  f.verify();
}

TEST_CASE("engine idempotency: a failed call stores nothing under its key") {
  EngineFixture f;
  const PartyId poster = f.party(5);
  CreateJob create{.market_id = f.market.id, .poster_id = poster, .amount_minor = 10};
  create.idempotency = IdempotencyKey{"party:poster", "k"};
  CHECK(f.engine->create_job(create).status().detail() == "insufficient_funds");
  REQUIRE(
      f.engine->deposit({.market_id = f.market.id, .party_id = poster, .amount_minor = 5}).ok());
  auto retried = f.engine->create_job(create);
  REQUIRE(retried.ok());
  CHECK_FALSE(retried->replayed);
  f.verify();
}

TEST_CASE("engine idempotency: keys are purged after the retention") {
  EngineFixture f;
  const PartyId party = f.party();
  Deposit deposit{.market_id = f.market.id, .party_id = party, .amount_minor = 7};
  deposit.idempotency = IdempotencyKey{"s", "k"};
  REQUIRE(f.engine->deposit(deposit).ok());
  REQUIRE(f.engine->advance_ms(kMillisecondsPerDay + 1).ok());
  auto after = f.engine->deposit(deposit);
  REQUIRE(after.ok());
  CHECK_FALSE(after->replayed);
  CHECK(f.balances(party).available_minor == 14);
}

TEST_CASE("engine external refs: credit once, ever") {
  EngineFixture f;
  const PartyId alice = f.party();
  const PartyId bob = f.party();
  Deposit deposit{.market_id = f.market.id, .party_id = alice, .amount_minor = 950};
  deposit.reason = "purchase";
  deposit.external_ref = "evt_123";
  auto first = f.engine->deposit(deposit);
  REQUIRE(first.ok());
  auto repeat = f.engine->deposit(deposit);
  REQUIRE(repeat.ok());
  CHECK(repeat->replayed);
  CHECK(repeat->transfer_id == first->transfer_id);
  Deposit stolen = deposit;
  stolen.party_id = bob;
  auto refused = f.engine->deposit(stolen);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::already_exists);
  CHECK(refused.status().detail() == "external_ref_used");
  CHECK(f.balances(alice).available_minor == 950);
  CHECK(f.balances(bob).available_minor == 0);
  f.verify();
}

TEST_CASE("engine money: bad deposits and withdrawals are refused") {
  EngineFixture f;
  const PartyId party = f.party(10);
  auto negative =
      f.engine->deposit({.market_id = f.market.id, .party_id = party, .amount_minor = -5});
  CHECK(negative.status().detail() == "amount_not_positive");
  CHECK(negative.status().param() == "amount_minor");
  auto unknown = f.engine->deposit({.market_id = f.market.id, .party_id = 999, .amount_minor = 5});
  CHECK(unknown.status().detail() == "party_not_found");
  auto pending = f.engine->deposit({.market_id = f.market.id,
                                    .party_id = party,
                                    .amount_minor = 5,
                                    .into = AccountKind::pending});
  CHECK(pending.status().detail() == "bad_account_kind");
  auto overdraw =
      f.engine->withdraw({.market_id = f.market.id, .party_id = party, .amount_minor = 11});
  CHECK(overdraw.status().detail() == "insufficient_funds");
  auto huge = f.engine->deposit({.market_id = f.market.id,
                                 .party_id = party,
                                 .amount_minor = std::numeric_limits<int64_t>::max()});
  CHECK_FALSE(huge.ok());
  CHECK(f.balances(party).available_minor == 10);
  auto withdrawn =
      f.engine->withdraw({.market_id = f.market.id, .party_id = party, .amount_minor = 4});
  REQUIRE(withdrawn.ok());
  CHECK(withdrawn->balance_after_minor == 6);
  f.verify();
}

}  // namespace mc::test
