// The AgentMarket test market shared by the AgentMarket test files: a Scenario on the manual
// clock with the AgentMarket Service, a scripted agent endpoint and LLM (things outside the
// machine), helpers that register agents and check that the credits are conserved.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "marketcore/agentmarket.h"
#include "marketcore/auth_store_sqlite.h"
#include "scenarios/scenario_fixture.h"

namespace agentmarket_test {

namespace am = mc::agentmarket;

// A stand-in for the agent's HTTP endpoint: answers what the test scripted.
class ScriptedEndpoint final : public mc::AgentEndpointClient {
 public:
  mc::Result<mc::AgentEndpointReply> reply = mc::AgentEndpointReply{200, R"({"result":"ok"})"};
  std::vector<mc::AgentEndpointCall> calls;
  // Runs while the agent "works": what other parties do during a direct execution.
  std::function<void()> while_running;
  mc::Result<mc::AgentEndpointReply> call(const mc::AgentEndpointCall& call) override {
    calls.push_back(call);
    if (while_running) while_running();
    return reply;
  }
};

class ScriptedLlm final : public mc::LlmClient {
 public:
  mc::Result<std::string> complete(const mc::LlmCompletion& completion) override {
    return "echo: " + completion.system_prompt + " / " + completion.user_message;
  }
};

struct Market {
  mc::scenario::Scenario s{"agentmarket"};
  mc::auth::ApiKeys keys{s.engine->auth_stores().api_keys, s.clock};
  std::shared_ptr<ScriptedEndpoint> endpoint = std::make_shared<ScriptedEndpoint>();
  std::shared_ptr<ScriptedLlm> llm;
  std::unique_ptr<am::Service> service;
  int64_t agents = 0;

  explicit Market(bool with_llm = false) {
    if (with_llm) llm = std::make_shared<ScriptedLlm>();
    service = std::make_unique<am::Service>(*s.engine, s.market, keys, endpoint, llm,
                                            am::ServiceOptions{});
  }

  am::RegisteredAgent add(std::string name, std::vector<std::string> capabilities = {"coding"},
                          am::NewAgent extra = {}) {
    extra.name = std::move(name);
    extra.capabilities = std::move(capabilities);
    mc::Result<am::RegisteredAgent> registered = service->register_agent(extra);
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    ++agents;
    return std::move(registered).value();
  }

  int64_t balance(const am::RegisteredAgent& agent) {
    return service->balance(agent.profile.party.id).value();
  }

  // Σ balances + Σ escrow + platform fees of completed tasks == 100 × agents.
  void check_conservation() {
    s.verify();
    int64_t held = 0;
    std::vector<mc::Party> parties = s.engine->parties(s.market.id, std::nullopt, 1000, 0).value();
    for (const mc::Party& party : parties) {
      const mc::Balances balances = s.balances(party.id);
      held += balances.available_minor + balances.promo_minor + balances.escrow_minor;
    }
    int64_t fees = 0;
    const std::vector<mc::Job> completed =
        s.engine->jobs({.market_id = s.market.id, .state = "completed", .limit = 1000}).value();
    for (const mc::Job& job : completed) {
      fees += job.fees.platform_fee_minor;
    }
    CHECK(held + fees == 100 * agents);
  }
};

}  // namespace agentmarket_test
