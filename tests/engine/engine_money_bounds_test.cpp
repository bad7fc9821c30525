// Money-path holes closed in the engine: external references that conflict or repeat (both
// directions), and a market's arithmetic bounds (largest movement, largest balance) that keep
// every client away from the int64 edge of the market's world account.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "engine/engine_fixture.h"
#include "scenarios/scenario_fixture.h"

namespace mc::test {
namespace {

// The gig market with small bounds, so the limits are reached with small numbers.
Market bounded_market(EngineFixture& f) {
  MarketConfig config = gig_market("bounded");
  config.movement_max_minor = 1'000;
  config.balance_max_minor = 2'500;
  auto created = f.engine->create_market(config);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  return created.value();
}

PartyId add_party(Engine& engine, MarketId market) {
  auto registered = engine.register_party(Party{.market_id = market, .kind = "agent"});
  REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
  return registered->id;
}

}  // namespace

TEST_CASE("engine external refs: a repeat with another amount, account or reason conflicts") {
  EngineFixture f;
  const PartyId alice = f.party();
  Deposit deposit{.market_id = f.market.id, .party_id = alice, .amount_minor = 500};
  deposit.reason = "purchase";
  deposit.external_ref = "evt_9";
  auto first = f.engine->deposit(deposit);
  REQUIRE(first.ok());
  auto same = f.engine->deposit(deposit);
  REQUIRE(same.ok());
  CHECK(same->replayed);
  CHECK(same->transfer_id == first->transfer_id);
  CHECK(same->balance_after_minor == 500);

  Deposit more = deposit;
  more.amount_minor = 600;
  Deposit promo = deposit;
  promo.into = AccountKind::promo;
  Deposit other_reason = deposit;
  other_reason.reason = "usdc_deposit";
  for (const Deposit& changed : {more, promo, other_reason}) {
    auto refused = f.engine->deposit(changed);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Code::already_exists);
    CHECK(refused.status().detail() == "external_ref_conflict");
    CHECK(refused.status().param() == "external_ref");
  }
  CHECK(f.balances(alice).available_minor == 500);
  CHECK(f.balances(alice).promo_minor == 0);
  f.verify();
}

TEST_CASE("engine external refs: a withdrawal's ref is its own and debits once, ever") {
  EngineFixture f;
  const PartyId alice = f.party();
  Deposit deposit{.market_id = f.market.id, .party_id = alice, .amount_minor = 500};
  deposit.external_ref = "ref_1";
  REQUIRE(f.engine->deposit(deposit).ok());
  // The same text as a withdrawal's reference does not collide with the deposit's.
  Withdrawal withdrawal{.market_id = f.market.id, .party_id = alice, .amount_minor = 100};
  withdrawal.external_ref = "ref_1";
  auto first = f.engine->withdraw(withdrawal);
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  CHECK_FALSE(first->replayed);
  CHECK(first->balance_after_minor == 400);
  // A repeat (a client retrying a payout) replays instead of debiting twice.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto again = f.engine->withdraw(withdrawal);
    REQUIRE_MESSAGE(again.ok(), again.status().to_string());
    CHECK(again->replayed);
    CHECK(again->transfer_id == first->transfer_id);
    CHECK(again->balance_after_minor == 400);
  }
  Withdrawal changed = withdrawal;
  changed.amount_minor = 50;
  CHECK(f.engine->withdraw(changed).status().detail() == "external_ref_conflict");
  const PartyId bob = f.party(300);
  Withdrawal bobs = withdrawal;
  bobs.party_id = bob;
  CHECK(f.engine->withdraw(bobs).status().detail() == "external_ref_used");
  CHECK(f.balances(alice).available_minor == 400);
  CHECK(f.balances(bob).available_minor == 300);
  f.verify();
}

TEST_CASE("engine money bounds: 74 halving self-deposits cannot break the market's arithmetic") {
  scenario::Scenario s("agentmarket");
  const int64_t movement_max = s.market.config.movement_max_minor;
  const PartyId attacker = s.party({.reputation = 0});
  bool refused_first = false;
  int64_t accepted_minor = 0;
  for (int step = 0; step < 74; ++step) {
    const int64_t amount = std::max<int64_t>(int64_t{1} << 62 >> std::min(step, 62), 1);
    auto result =
        s.engine->deposit({.market_id = s.market.id, .party_id = attacker, .amount_minor = amount});
    if (amount > movement_max) {
      REQUIRE_FALSE(result.ok());
      CHECK(result.status().code() == Code::invalid_argument);
      CHECK(result.status().detail() == "amount_too_large");
      CHECK(result.status().param() == "amount_minor");
      if (step == 0) refused_first = true;
      continue;
    }
    // Below the largest movement the deposits go through until the balance bound; never
    // does the world account overflow.
    if (!result.ok()) {
      CHECK(result.status().detail() == "balance_limit");
      continue;
    }
    accepted_minor += amount;
  }
  CHECK(refused_first);
  CHECK(accepted_minor > 0);
  CHECK(s.available(attacker) == accepted_minor);
  CHECK(accepted_minor <= s.market.config.balance_max_minor);
  // Everyone else's ordinary deposits (AgentMarket's signup bonus among them) still work.
  const PartyId newcomer = s.party();
  auto ordinary =
      s.engine->deposit({.market_id = s.market.id, .party_id = newcomer, .amount_minor = 100});
  REQUIRE_MESSAGE(ordinary.ok(), ordinary.status().to_string());
  CHECK(ordinary->balance_after_minor == 100);
  s.verify();
}

TEST_CASE("engine money bounds: deposits, withdrawals and jobs beyond the market's bounds") {
  EngineFixture f;
  const Market market = bounded_market(f);
  const PartyId party = add_party(*f.engine, market.id);
  auto deposit = [&](int64_t amount, AccountKind into = AccountKind::available) {
    return f.engine->deposit(
        {.market_id = market.id, .party_id = party, .amount_minor = amount, .into = into});
  };
  auto too_large = deposit(1'001);
  CHECK(too_large.status().code() == Code::invalid_argument);
  CHECK(too_large.status().detail() == "amount_too_large");
  CHECK(too_large.status().param() == "amount_minor");
  CHECK(too_large.status().message().find("1000") != std::string::npos);
  REQUIRE(deposit(1'000).ok());
  REQUIRE(deposit(1'000).ok());
  auto full = deposit(501);
  CHECK(full.status().code() == Code::failed_precondition);
  CHECK(full.status().detail() == "balance_limit");
  CHECK(full.status().message().find("2500") != std::string::npos);
  REQUIRE(deposit(500).ok());                        // exactly the largest balance
  REQUIRE(deposit(1'000, AccountKind::promo).ok());  // each account has its own bound
  CHECK(f.engine->withdraw({.market_id = market.id, .party_id = party, .amount_minor = 1'001})
            .status()
            .detail() == "amount_too_large");
  auto job = f.engine->create_job(
      {.market_id = market.id, .poster_id = party, .amount_minor = 1'001, .title = "t"});
  CHECK(job.status().detail() == "amount_too_large");
  CHECK(job.status().param() == "amount_minor");
  REQUIRE(f.engine
              ->create_job(
                  {.market_id = market.id, .poster_id = party, .amount_minor = 1'000, .title = "t"})
              .ok());
  f.verify();
}

TEST_CASE("engine money bounds: a market's bounds must be consistent") {
  EngineFixture f;
  MarketConfig config = gig_market("inconsistent");
  config.movement_max_minor = 0;
  CHECK(f.engine->create_market(config).status().detail() == "bad_arithmetic_bounds");
  config.movement_max_minor = 10;
  config.balance_max_minor = 5;
  CHECK(f.engine->create_market(config).status().detail() == "bad_arithmetic_bounds");
  config.balance_max_minor = std::numeric_limits<int64_t>::max();
  CHECK(f.engine->create_market(config).status().detail() == "bad_arithmetic_bounds");
  // Every built-in market states bounds that pass, and they survive a round trip.
  for (const char* name : {"j0", "agentmarket", "humanops", "aacp", "1337mkt"}) {
    MarketConfig builtin = builtin_market_config(name).value();
    auto created = f.engine->ensure_market(builtin);
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    CHECK(created->config.movement_max_minor == builtin.movement_max_minor);
    CHECK(created->config.balance_max_minor == builtin.balance_max_minor);
    CHECK(created->config.unique_email == builtin.unique_email);
    CHECK(created->config.balance_max_minor <= 1'000'000'000'000);
  }
}

}  // namespace mc::test
