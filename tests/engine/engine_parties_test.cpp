// Parties through the Engine: a registration with its opening deposit and API key is one
// unit, identity uniqueness is each market's setting, and field updates of one party from
// two threads never lose each other's writes.
#include <atomic>
#include <string>
#include <thread>

#include "engine/engine_fixture.h"
#include "marketcore/auth_store_sqlite.h"
#include "scenarios/scenario_fixture.h"

namespace mc::test {
namespace {

int64_t party_count(Engine& engine, MarketId market) {
  auto parties = engine.parties(market, std::nullopt, 1000, 0);
  REQUIRE(parties.ok());
  return static_cast<int64_t>(parties->size());
}

auth::ApiKeyRecord key_record(std::string id, std::string hash) {
  return {.id = std::move(id), .key_hash = std::move(hash), .display_prefix = "am_test_x.."};
}

}  // namespace

TEST_CASE("engine parties: a registration, its opening deposit and its key are one unit") {
  EngineFixture f;
  MarketConfig config = gig_market("bounded");
  config.movement_max_minor = 1'000;
  config.balance_max_minor = 2'000;
  const Market market = f.engine->create_market(config).value();
  auto stores = f.engine->auth_stores();

  auto registered = f.engine->register_party(RegisterParty{
      .party = {.market_id = market.id, .kind = "agent", .email = "owner@example.com"},
      .opening_deposit = Deposit{.amount_minor = 100, .reason = "signup_bonus"},
      .api_key = key_record("key_one", "hash_one")});
  REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
  const PartyId id = registered->party.id;
  REQUIRE(registered->opening_deposit.has_value());
  CHECK(registered->opening_deposit->balance_after_minor == 100);
  CHECK(f.engine->balances(market.id, id)->available_minor == 100);
  auto keys = stores.api_keys->list_by_owner(std::to_string(id));
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 1);
  CHECK(keys->front().id == "key_one");

  // A bonus the market refuses (beyond its largest movement) leaves no party and no key.
  auto too_large = f.engine->register_party(
      RegisterParty{.party = {.market_id = market.id, .kind = "agent"},
                    .opening_deposit = Deposit{.amount_minor = 5'000, .reason = "signup_bonus"},
                    .api_key = key_record("key_two", "hash_two")});
  CHECK(too_large.status().detail() == "amount_too_large");
  CHECK(party_count(*f.engine, market.id) == 1);
  CHECK(stores.api_keys->find_by_hash("hash_two").status().code() == Code::not_found);
  // A key that cannot be stored (its hash is taken) takes the party and its bonus back too.
  auto taken_key = f.engine->register_party(
      RegisterParty{.party = {.market_id = market.id, .kind = "agent"},
                    .opening_deposit = Deposit{.amount_minor = 100, .reason = "signup_bonus"},
                    .api_key = key_record("key_three", "hash_one")});
  CHECK(taken_key.status().detail() == "api_key_exists");
  CHECK(party_count(*f.engine, market.id) == 1);
  // A bad opening deposit is refused before anything is written.
  auto bad = f.engine->register_party(
      RegisterParty{.party = {.market_id = market.id, .kind = "agent"},
                    .opening_deposit = Deposit{.amount_minor = 10, .into = AccountKind::pending}});
  CHECK(bad.status().detail() == "bad_account_kind");
  CHECK(party_count(*f.engine, market.id) == 1);
  f.verify();
}

TEST_CASE("engine parties: email, wallet and external id uniqueness is the market's setting") {
  EngineFixture f;
  const Market agentmarket =
      f.engine->ensure_market(builtin_market_config("agentmarket").value()).value();
  const Market j0 = f.engine->ensure_market(builtin_market_config("j0").value()).value();
  const Market aacp = f.engine->ensure_market(builtin_market_config("aacp").value()).value();
  const Market humanops =
      f.engine->ensure_market(builtin_market_config("humanops").value()).value();

  // AgentMarket: one owner runs many agents under one email.
  auto first = f.engine->register_party(
      Party{.market_id = agentmarket.id, .kind = "agent", .email = "owner@example.com"});
  auto second = f.engine->register_party(
      Party{.market_id = agentmarket.id, .kind = "agent", .email = "owner@example.com"});
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  REQUIRE_MESSAGE(second.ok(), second.status().to_string());
  CHECK(first->id != second->id);

  // j0: a wallet is one user (case does not matter: wallets are stored lower-case).
  REQUIRE(
      f.engine
          ->register_party(Party{.market_id = j0.id, .kind = "wallet", .wallet_address = "0xAbC"})
          .ok());
  auto same_wallet = f.engine->register_party(
      Party{.market_id = j0.id, .kind = "wallet", .wallet_address = "0xabc"});
  CHECK(same_wallet.status().code() == Code::already_exists);
  CHECK(same_wallet.status().detail() == "party_identity_taken");
  CHECK(same_wallet.status().param() == "wallet_address");
  // ...but another market may have the same wallet.
  CHECK(
      f.engine
          ->register_party(Party{.market_id = aacp.id, .kind = "agent", .wallet_address = "0xabc"})
          .ok());

  // AACP: an agent id names one party; HumanOps: an email names one operator.
  REQUIRE(
      f.engine
          ->register_party(Party{.market_id = aacp.id, .kind = "agent", .external_id = "agent-7"})
          .ok());
  CHECK(f.engine
            ->register_party(Party{.market_id = aacp.id, .kind = "agent", .external_id = "agent-7"})
            .status()
            .param() == "external_id");
  const Party operator_one =
      f.engine
          ->register_party(
              Party{.market_id = humanops.id, .kind = "operator", .email = "op@example.com"})
          .value();
  CHECK(f.engine
            ->register_party(
                Party{.market_id = humanops.id, .kind = "operator", .email = "op@example.com"})
            .status()
            .param() == "email");

  // An update onto a taken identity is refused the same way; onto its own, it is fine.
  const Party operator_two =
      f.engine->register_party(Party{.market_id = humanops.id, .kind = "operator"}).value();
  auto steal = f.engine->update_party_fields({.id = operator_two.id, .email = "op@example.com"});
  CHECK(steal.status().detail() == "party_identity_taken");
  CHECK(f.engine->update_party_fields({.id = operator_one.id, .email = "op@example.com"}).ok());
  Party whole = operator_two;
  whole.email = "op@example.com";
  CHECK(f.engine->update_party(whole).detail() == "party_identity_taken");
}

TEST_CASE("engine parties: two threads updating different fields lose no write") {
  EngineFixture f;
  const PartyId party = f.party();
  constexpr int kUpdates = 150;
  std::atomic<int> lost{0};
  std::atomic<int> failed{0};
  auto run = [&](bool kyc) {
    for (int i = 0; i < kUpdates; ++i) {
      PartyUpdate update{.id = party};
      if (kyc) {
        update.kyc_status = "K" + std::to_string(i);
      } else {
        update.reputation = i;
      }
      if (!f.engine->update_party_fields(update).ok()) {
        ++failed;
        continue;
      }
      // Only this thread writes this field: reading anything else back is a lost write.
      Result<Party> now = f.engine->party(party);
      if (!now.ok()) {
        ++failed;
      } else if (kyc ? now->kyc_status != *update.kyc_status : now->reputation != i) {
        ++lost;
      }
    }
  };
  std::thread kyc_writer(run, true);
  std::thread reputation_writer(run, false);
  kyc_writer.join();
  reputation_writer.join();
  CHECK(failed.load() == 0);
  CHECK(lost.load() == 0);
  const Party after = f.engine->party(party).value();
  CHECK(after.kyc_status == "K" + std::to_string(kUpdates - 1));
  CHECK(after.reputation == kUpdates - 1);
}

}  // namespace mc::test
