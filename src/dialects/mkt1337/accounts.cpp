// 1337MKT accounts: get-or-create by wallet, bonds, and the derived reputation. rep_score is
// bond points (1 per $10 bonded, at most 50) plus the rep events of the party's contracts,
// read from the engine's event outbox (contract.approved, contract.resolved), clamped to
// 0..100; the tier follows from it. The Service writes the result into the party's
// reputation and tier, which the engine's tier and judge guards read.
#include <simdjson.h>

#include <algorithm>

#include "internal.h"
#include "marketcore/ethereum.h"
#include "marketcore/mkt1337.h"

namespace mc::mkt1337 {
namespace {

constexpr int64_t kBondPointMinor = 10 * internal::kUsdc;
constexpr int64_t kBondPointsMax = 50;
constexpr const char* kBondReason = "bond";

std::string tier_of(int64_t rep) {
  if (rep >= 75) return "platinum";
  if (rep >= 50) return "gold";
  if (rep >= 25) return "silver";
  return "bronze";
}

struct Facts {
  std::vector<RepEvent> events;  // oldest first
  int64_t completions = 0;
};

// The rep events one contract event gives `party`.
void contract_events(const Event& event, PartyId party, Facts& facts) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(event.payload_json)).get(root) != simdjson::SUCCESS) {
    return;
  }
  std::string_view transition;
  int64_t poster = 0;
  int64_t worker = 0;
  if (root["transition"].get_string().get(transition) != simdjson::SUCCESS ||
      root["poster_id"].get_int64().get(poster) != simdjson::SUCCESS ||
      root["worker_id"].get_int64().get(worker) != simdjson::SUCCESS) {
    return;
  }
  const auto add = [&](const char* kind, int64_t delta) {
    facts.events.push_back(
        {.kind = kind, .delta = delta, .contract = event.job_id, .at_ms = event.created_at_ms});
  };
  if (event.type == "contract.approved" && worker == party) {
    ++facts.completions;
    add("completion", 2);
  } else if (event.type == "contract.resolved" && transition == "resolve_for_worker") {
    if (worker == party) {
      ++facts.completions;
      add("dispute_won", 1);
    } else if (poster == party) {
      add("dispute_lost", -3);
    }
  } else if (event.type == "contract.resolved" && transition == "resolve_for_poster") {
    if (worker == party) {
      add("dispute_lost", -5);
    } else if (poster == party) {
      add("dispute_won", 1);
    }
  }
}

Result<Facts> collect(Engine& engine, const Market& market, PartyId party) {
  Facts facts;
  // Bonds, from the party's transfers (newest first: collected, then reversed).
  std::vector<RepEvent> bonds;
  std::optional<TransferId> before;
  while (true) {
    MC_TRY_ASSIGN(std::vector<Transfer> page, engine.transfers(market.id, party, before, 500));
    for (const Transfer& transfer : page) {
      if (transfer.reason == kBondReason) {
        bonds.push_back(
            {.kind = "bond", .delta = transfer.amount_minor, .at_ms = transfer.created_at_ms});
      }
    }
    if (page.size() < 500) break;
    before = page.back().id;
  }
  std::reverse(bonds.begin(), bonds.end());
  int64_t bonded = 0;
  for (RepEvent& bond : bonds) {
    const int64_t points_before = std::min(kBondPointsMax, bonded / kBondPointMinor);
    bonded += bond.delta;
    bond.delta = std::min(kBondPointsMax, bonded / kBondPointMinor) - points_before;
  }
  // Contract outcomes, from the outbox.
  EventQuery query{.after_sequence = 0, .market_id = market.id, .party_id = party, .limit = 1000};
  while (true) {
    MC_TRY_ASSIGN(std::vector<Event> page, engine.events(query));
    for (const Event& event : page) {
      if (event.type == "contract.approved" || event.type == "contract.resolved") {
        contract_events(event, party, facts);
      }
    }
    if (page.size() < 1000) break;
    query.after_sequence = page.back().sequence;
  }
  bonds.insert(bonds.end(), facts.events.begin(), facts.events.end());
  std::stable_sort(bonds.begin(), bonds.end(),
                   [](const RepEvent& a, const RepEvent& b) { return a.at_ms < b.at_ms; });
  facts.events = std::move(bonds);
  return facts;
}

}  // namespace

Service::Service(Engine& engine, Market market, ServiceOptions options)
    : engine_(engine), market_(std::move(market)), options_(std::move(options)) {}

Result<std::vector<RepEvent>> Service::rep_events(PartyId party) {
  MC_TRY(binding_.party(party).status());
  MC_TRY_ASSIGN(Facts facts, collect(engine_, market_, party));
  return std::move(facts.events);
}

Result<Account> Service::refresh_reputation(PartyId party_id) {
  MC_TRY_ASSIGN(Party party, binding_.party(party_id));
  MC_TRY_ASSIGN(Facts facts, collect(engine_, market_, party_id));
  int64_t rep = 0;
  for (const RepEvent& event : facts.events) rep += event.delta;
  rep = std::clamp<int64_t>(rep, 0, 100);
  MC_TRY_ASSIGN(Balances balances, engine_.balances(market_.id, party_id));
  const std::string tier = tier_of(rep);
  if (party.reputation != rep || party.tier != tier) {
    MC_TRY_ASSIGN(party,
                  engine_.update_party_fields({.id = party_id, .reputation = rep, .tier = tier}));
  }
  Account account{.party = party,
                  .rep_score = rep,
                  .tier = tier,
                  .bond_minor = balances.stake_minor + balances.stake_locked_minor,
                  .karma = internal::json_int_member(party.profile_json, "karma").value_or(0),
                  .completions = facts.completions};
  return account;
}

Result<Account> Service::account(PartyId party) {
  return refresh_reputation(party);
}

Result<Account> Service::account_for_wallet(std::string_view wallet) {
  Result<eth::Address> address = eth::parse_address(wallet);
  if (!address.ok()) {
    return invalid_argument("invalid_wallet", "wallet must be a 0x-prefixed 20-byte hex address",
                            "wallet");
  }
  MC_TRY_ASSIGN(Party party, binding_.party_for_wallet(eth::to_lower_address(*address)));
  return refresh_reputation(party.id);
}

Result<Account> Service::account_by_wallet(std::string_view wallet) {
  Result<eth::Address> address = eth::parse_address(wallet);
  if (!address.ok()) return not_found("account_not_found", "Account not found");
  Result<Party> party = engine_.party_by_wallet(market_.id, eth::to_lower_address(*address));
  if (!party.ok()) {
    if (party.status().code() == Code::not_found) {
      return not_found("account_not_found", "Account not found");
    }
    return party.status();
  }
  return refresh_reputation(party->id);
}

Result<Account> Service::bond(PartyId party, int64_t amount_minor,
                              std::optional<std::string> tx_hash) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "amount must be positive", "amount");
  }
  std::optional<std::string> ref;
  if (tx_hash) {
    MC_TRY_ASSIGN(std::string hash, internal::normalize_tx_hash(*tx_hash));
    ref = "usdc:" + hash;
  }
  if (!options_.test_mode) {
    if (!ref) return invalid_argument("missing_param", "tx_hash is required", "tx_hash");
    if (!options_.chain) {
      return failed_precondition("chain_unavailable", "no chain confirmation is configured");
    }
    MC_TRY_ASSIGN(amount_minor, options_.chain->confirmed_amount_minor(ref->substr(5)));
  }
  MC_TRY(engine_
             .deposit({.market_id = market_.id,
                       .party_id = party,
                       .amount_minor = amount_minor,
                       .into = AccountKind::stake,
                       .reason = kBondReason,
                       .external_ref = ref})
             .status());
  return refresh_reputation(party);
}

}  // namespace mc::mkt1337
