// The 1337MKT test market shared by the 1337MKT test files: a Scenario on the manual clock
// with the 1337MKT Service, helpers that open accounts (bonded to a reputation), create, fund,
// accept and prove leads, and check that money is conserved.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "marketcore/mkt1337.h"
#include "scenarios/scenario_fixture.h"

namespace mkt1337_test {

namespace mk = mc::mkt1337;
using mc::kMillisecondsPerDay;
using mc::kMillisecondsPerHour;

inline constexpr int64_t kUsdc = 1'000'000;

inline std::string tx(int n) {
  std::string hex = std::to_string(n);
  return "0x" + std::string(64 - hex.size(), '0') + hex;
}

inline std::string wallet(int n) {
  std::string hex = std::to_string(n);
  return "0x" + std::string(40 - hex.size(), 'a') + hex;
}

struct Market {
  mc::scenario::Scenario s{"1337mkt"};
  std::unique_ptr<mk::Service> service;
  int64_t deposited = 0;
  int64_t paid_out = 0;
  std::vector<mc::PartyId> parties;
  int next_tx = 1;
  int next_wallet = 1;

  Market() {
    mc::Result<mc::MarketBinding> binding = mk::open_market(*s.engine);
    REQUIRE(binding.ok());
    service = std::make_unique<mk::Service>(*s.engine, binding->market(), mk::ServiceOptions{});
  }

  mc::PartyId account() {
    mc::Result<mk::Account> created = service->account_for_wallet(wallet(next_wallet++));
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    CHECK(created->rep_score == 0);
    CHECK(created->tier == "bronze");
    parties.push_back(created->party.id);
    return created->party.id;
  }

  // An account bonded up to `rep` points (1 per $10).
  mc::PartyId account_with_rep(int64_t rep) {
    const mc::PartyId id = account();
    if (rep > 0) {
      mc::Result<mk::Account> bonded = service->bond(id, rep * 10 * kUsdc, tx(next_tx++));
      REQUIRE_MESSAGE(bonded.ok(), bonded.status().to_string());
      CHECK(bonded->rep_score == std::min<int64_t>(rep, 50));
      deposited += rep * 10 * kUsdc;
    }
    return id;
  }

  mc::Job lead(mc::PartyId leader, int64_t payout_usdc, int32_t slots, std::string type = "CPA",
               std::string criteria = R"({"action":"signup"})") {
    mc::Result<mc::Job> created = service->create_lead(leader, {.title = "Sign up",
                                                                .type = type,
                                                                .payout_minor = payout_usdc * kUsdc,
                                                                .slots = slots,
                                                                .success_criteria_json = criteria});
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    CHECK(created->state == "unfunded");
    CHECK(mk::lead_status(*created) == "active");
    return *created;
  }

  mk::EscrowStatus fund(const mc::Job& lead_job) {
    mc::Result<mk::EscrowStatus> funded = service->deposit(
        lead_job.poster_id, mk::lead_id(lead_job.id), lead_job.amount_minor, tx(next_tx++));
    REQUIRE_MESSAGE(funded.ok(), funded.status().to_string());
    deposited += lead_job.amount_minor;
    CHECK(funded->funded);
    check();
    return *funded;
  }

  mc::Job accept(mc::PartyId doer, const mc::Job& lead_job) {
    mc::Result<mc::Job> contract = service->accept(doer, mk::lead_id(lead_job.id));
    REQUIRE_MESSAGE(contract.ok(), contract.status().to_string());
    CHECK(contract->state == "active");
    check();
    return *contract;
  }

  mc::Job prove(mc::PartyId doer, const mc::Job& contract) {
    mc::Result<mc::Job> proved = service->submit_proof(doer, mk::contract_id(contract.id),
                                                       "https://example.com/proof", std::nullopt);
    REQUIRE_MESSAGE(proved.ok(), proved.status().to_string());
    CHECK(proved->state == "proof_submitted");
    return *proved;
  }

  int64_t available(mc::PartyId party) { return s.available(party); }

  // Ledger verifies and deposits − payouts = Σ balances of every party.
  void check() {
    s.verify();
    int64_t total = 0;
    for (mc::PartyId party : parties) {
      const mc::Balances b = s.balances(party);
      total += b.available_minor + b.promo_minor + b.pending_minor + b.stake_minor +
               b.stake_locked_minor + b.escrow_minor;
    }
    CHECK(total == deposited - paid_out);
  }
};

inline std::string detail(const mc::Status& status) {
  return std::string(status.detail());
}

}  // namespace mkt1337_test
