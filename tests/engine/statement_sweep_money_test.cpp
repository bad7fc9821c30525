// Statement fault sweeps (statement_sweep.h) over markets, parties and money: every store
// statement of create_market, ensure_market, register_party (plain, with identity fields, an
// opening deposit and an API key), update_party, update_party_fields, deposits (each account
// kind, with an external reference, a repeat of one, an idempotency key and its replay),
// withdrawals and the reads of parties, markets, balances, transfers and the ledger fails in
// turn: the call returns the store's error and changes nothing, and succeeds once no fault is
// reached.
#include <doctest/doctest.h>

#include "engine/statement_sweep.h"
#include "marketcore/auth_stores.h"

namespace mc::test {
namespace {

Status status_of(const auto& result) {
  return result.status();
}

TEST_CASE("statement sweep: markets and parties") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  MarketConfig other = gig_market("other");
  sweep(f, "create_market", [&] { return status_of(f.engine->create_market(other)); });
  sweep(f, "ensure_market (existing)", [&] { return status_of(f.engine->ensure_market(other)); });
  sweep(f, "ensure_market (new)",
        [&] { return status_of(f.engine->ensure_market(gig_market("third"))); });
  sweep(f, "market", [&] { return status_of(f.engine->market(f.market.id)); });
  sweep(f, "market_by_name", [&] { return status_of(f.engine->market_by_name("other")); });

  Party identified;
  identified.market_id = f.market.id;
  identified.kind = "agent";
  identified.wallet_address = "0xABCDEF0000000000000000000000000000000001";
  identified.external_id = "agent-1";
  identified.email = "agent@example.com";
  sweep(f, "register_party (identity fields)",
        [&] { return status_of(f.engine->register_party(identified)); });
  const Party stored = f.engine->party_by_external_id(f.market.id, "agent-1").value();
  CHECK(stored.wallet_address == "0xabcdef0000000000000000000000000000000001");

  RegisterParty full;
  full.party.market_id = f.market.id;
  full.party.kind = "agent";
  full.party.external_id = "agent-2";
  full.opening_deposit = Deposit{.amount_minor = 250, .external_ref = "signup-2"};
  full.api_key = auth::ApiKeyRecord{.id = "key_2", .key_hash = "ab12", .display_prefix = "mk.."};
  PartyId second = 0;
  sweep(f, "register_party (opening deposit, API key)", [&] {
    auto registered = f.engine->register_party(full);
    if (registered.ok()) second = registered->party.id;
    return registered.status();
  });
  CHECK(f.balances(second).available_minor == 250);

  Party changed = stored;
  changed.display_name = "Agent One";
  changed.email = "one@example.com";
  sweep(f, "update_party", [&] { return f.engine->update_party(changed); });
  sweep(f, "update_party_fields (identity)", [&] {
    return status_of(f.engine->update_party_fields(
        {.id = stored.id, .email = "first@example.com", .wallet_address = "0xABC1"}));
  });
  sweep(f, "update_party_fields (profile only)", [&] {
    return status_of(f.engine->update_party_fields({.id = stored.id, .tier = "Gold"}));
  });
  CHECK(f.engine->party(stored.id)->email == "first@example.com");
  sweep(f, "party", [&] { return status_of(f.engine->party(stored.id)); });
  sweep(f, "party_by_wallet",
        [&] { return status_of(f.engine->party_by_wallet(f.market.id, "0xabc1")); });
  sweep(f, "party_by_external_id",
        [&] { return status_of(f.engine->party_by_external_id(f.market.id, "agent-2")); });
  sweep(f, "parties",
        [&] { return status_of(f.engine->parties(f.market.id, std::nullopt, 10, 0)); });
  f.verify();
}

TEST_CASE("statement sweep: deposits, withdrawals and their reads") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  const PartyId party = f.party();
  const MarketId market = f.market.id;
  sweep(f, "deposit", [&] {
    return status_of(
        f.engine->deposit({.market_id = market, .party_id = party, .amount_minor = 500}));
  });
  sweep(f, "deposit (external ref)", [&] {
    return status_of(f.engine->deposit(
        {.market_id = market, .party_id = party, .amount_minor = 70, .external_ref = "card-1"}));
  });
  sweep(f, "deposit (external ref repeated)", [&] {
    auto moved = f.engine->deposit(
        {.market_id = market, .party_id = party, .amount_minor = 70, .external_ref = "card-1"});
    if (moved.ok()) CHECK(moved->replayed);
    return moved.status();
  });
  sweep(f, "deposit (promo)", [&] {
    return status_of(f.engine->deposit({.market_id = market,
                                        .party_id = party,
                                        .amount_minor = 30,
                                        .into = AccountKind::promo,
                                        .reason = "signup_bonus"}));
  });
  const IdempotencyKey key{"party:1", "stake-1"};
  sweep(f, "deposit (stake, idempotency key)", [&] {
    return status_of(f.engine->deposit({.market_id = market,
                                        .party_id = party,
                                        .amount_minor = 40,
                                        .into = AccountKind::stake,
                                        .idempotency = key}));
  });
  sweep(f, "deposit (idempotent replay)", [&] {
    auto moved = f.engine->deposit({.market_id = market,
                                    .party_id = party,
                                    .amount_minor = 40,
                                    .into = AccountKind::stake,
                                    .idempotency = key});
    if (moved.ok()) CHECK(moved->replayed);
    return moved.status();
  });
  sweep(f, "withdraw", [&] {
    return status_of(
        f.engine->withdraw({.market_id = market, .party_id = party, .amount_minor = 100}));
  });
  sweep(f, "withdraw (stake, external ref)", [&] {
    return status_of(f.engine->withdraw({.market_id = market,
                                         .party_id = party,
                                         .amount_minor = 10,
                                         .from = AccountKind::stake,
                                         .external_ref = "payout-1"}));
  });
  const Balances after = f.balances(party);
  CHECK(after.available_minor == 470);
  CHECK(after.promo_minor == 30);
  CHECK(after.stake_minor == 30);

  sweep(f, "balances", [&] { return status_of(f.engine->balances(market, party)); });
  sweep(f, "transfers",
        [&] { return status_of(f.engine->transfers(market, party, std::nullopt, 10)); });
  sweep(f, "verify_ledger", [&] { return status_of(f.engine->verify_ledger()); });
  f.verify();
}

}  // namespace
}  // namespace mc::test
