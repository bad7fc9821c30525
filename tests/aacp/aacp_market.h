// The AACP test market shared by the AACP test files: a Scenario on the manual clock with the
// AACP Service in test mode, helpers that register agents (wallet(n) holds agent "n") with
// money in their balance and pool, create and drive jobs, and check that money is conserved.
#pragma once

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "marketcore/aacp.h"
#include "scenarios/scenario_fixture.h"

namespace aacp_test {

namespace aacp = mc::aacp;
using mc::kMillisecondsPerHour;

inline constexpr int64_t kUsdc = 1'000'000;
inline constexpr int64_t kBudget = 100 * kUsdc;
inline constexpr int64_t kStartS = mc::scenario::kStartMs / 1000;
inline constexpr int64_t kDeadlineS = kStartS + 7 * 24 * 3600;

inline std::string wallet(int n) {
  char text[43];
  std::snprintf(text, sizeof text, "0x%040x", n);
  return text;
}

struct Market {
  mc::scenario::Scenario s{"aacp"};
  aacp::Service service{*s.engine, s.market, {.test_mode = true}};
  int64_t deposited = 0;
  int64_t withdrawn = 0;
  std::vector<std::string> agents;
  int next = 0;

  // Registers agent `id` held by wallet(id) with money in its balance and pool.
  std::string agent(int id, int64_t balance_minor, int64_t pool_minor, bool evaluator = false,
                    int64_t reputation = 100) {
    const std::string agent_id = std::to_string(id);
    auto registered = service.register_agent(wallet(id), {.agent_id = agent_id,
                                                          .owner_address = wallet(id),
                                                          .name = "agent " + agent_id,
                                                          .evaluator = evaluator,
                                                          .reputation = reputation});
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    for (auto [purse, amount] : {std::pair{aacp::Purse::balance, balance_minor},
                                 std::pair{aacp::Purse::pool, pool_minor}}) {
      if (amount == 0) continue;
      auto done = service.deposit(
          wallet(id), purse,
          {.agent_id = agent_id, .owner_address = wallet(id), .amount_minor = amount});
      REQUIRE_MESSAGE(done.ok(), done.status().to_string());
      deposited += amount;
    }
    agents.push_back(agent_id);
    return agent_id;
  }

  aacp::AgentView view(const std::string& id) { return service.agent(id).value(); }

  // Money conservation; returns what the house holds (platform fees + dispute deposits held).
  int64_t house() {
    s.verify();
    int64_t held = 0;
    for (const std::string& id : agents) {
      const mc::Balances b = view(id).balances;
      held += b.available_minor + b.stake_minor + b.stake_locked_minor + b.escrow_minor;
    }
    return deposited - withdrawn - held;
  }

  int64_t job(const std::string& client, const std::string& evaluator,
              std::string strategy = "PROGRAM") {
    aacp::NewJob job{.client_id = client,
                     .evaluator_id = evaluator,
                     .budget_minor = kBudget,
                     .deadline_s = kDeadlineS,
                     .strategy_type = strategy,
                     .program_hash = "0xprog"};
    if (strategy == "CEX_CAPITAL") job.cex_config = aacp::CexConfig{1000, 2000};
    auto created = service.create_job(wallet(std::stoi(client)), job);
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    CHECK(created->status == "OPEN");
    return created->job.id;
  }

  aacp::JobView ok(mc::Result<aacp::JobView> result) {
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    s.verify();
    return *result;
  }

  std::string refused(const mc::Status& status) {
    REQUIRE_FALSE(status.ok());
    s.verify();
    return status.detail();
  }

  // OPEN → FUNDED → provider picked from its offer → SUBMITTED.
  int64_t submitted(const std::string& client, const std::string& provider,
                    const std::string& evaluator) {
    const int64_t id = job(client, evaluator);
    ok(service.fund(wallet(std::stoi(client)), id, kBudget));
    REQUIRE(
        service.submit_offer(wallet(std::stoi(provider)), id, provider, wallet(std::stoi(provider)))
            .ok());
    ok(service.choose_provider(wallet(std::stoi(client)), id, provider));
    const aacp::JobView done = ok(service.submit(wallet(std::stoi(provider)), id, "0xdeliverable"));
    CHECK(done.status == "SUBMITTED");
    return id;
  }
};

}  // namespace aacp_test
