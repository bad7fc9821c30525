// The HumanOps test market shared by the HumanOps test files: a Scenario on the manual clock
// with the HumanOps Service, helpers that register and fund agents and operators, create and
// submit tasks and check that money is conserved, and scripted stand-ins for the verifier,
// the KYC provider and a failing payout provider (things outside the machine).
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "marketcore/auth_store_sqlite.h"
#include "marketcore/humanops.h"
#include "scenarios/scenario_fixture.h"

namespace humanops_test {

namespace ho = mc::humanops;
using mc::kMillisecondsPerDay;

inline constexpr int64_t kDay = kMillisecondsPerDay;
inline constexpr const char* kPhysicalLocation =
    R"({"lat":40.7128,"lng":-74.006,"address":"123 Main St"})";

class ScriptedVerifier final : public ho::Verifier {
 public:
  mc::Result<ho::GuardianResult> answer = ho::GuardianResult{"APPROVE", 95, "All proof met."};
  int calls = 0;
  mc::Result<ho::GuardianResult> verify(const std::string& task_json) override {
    ++calls;
    last_task_json = task_json;
    return answer;
  }
  std::string last_task_json;
};

class ScriptedKyc final : public ho::KycProvider {
 public:
  std::string answer = "PENDING";
  mc::Result<std::string> kyc_status(const mc::Party&) override { return answer; }
};

class FailingPayouts final : public ho::PayoutProvider {
 public:
  mc::Status send(const ho::PayoutRequest&) override {
    return mc::Status(mc::Code::unavailable, "payout_failed", "provider down");
  }
};

struct Market {
  mc::scenario::Scenario s{"humanops"};
  mc::auth::ApiKeys keys{s.engine->auth_stores().api_keys, s.clock};
  std::unique_ptr<ho::Service> service;
  int64_t deposited = 0;
  int64_t paid_out = 0;
  std::vector<mc::PartyId> agents;
  std::vector<mc::PartyId> operators;
  int64_t next_hash = 0;

  explicit Market(ho::ServiceOptions options = {}) {
    service = std::make_unique<ho::Service>(*s.engine, s.market, keys, options);
  }

  mc::PartyId agent(int64_t funds_minor = 0) {
    mc::Result<ho::RegisteredAgent> registered =
        service->register_agent({.name = "bot", .email = "bot@example.com"}, false);
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    agents.push_back(registered->party.id);
    while (funds_minor > 0) {
      const int64_t part = std::min<int64_t>(funds_minor, 1'000'000);
      fund(registered->party.id, part);
      funds_minor -= part;
    }
    return registered->party.id;
  }

  void fund(mc::PartyId agent, int64_t amount_minor) {
    const std::string hash = "0xhash" + std::to_string(++next_hash);
    REQUIRE(service->deposit_usdc(agent, hash, amount_minor).ok());
    deposited += amount_minor;
  }

  mc::PartyId op(std::string id) {
    mc::Result<mc::Party> registered = service->register_operator(
        {.external_id = id, .name = "Jane " + id, .email = id + "@example.com"});
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    CHECK(registered->kyc_status == "VERIFIED");
    operators.push_back(registered->id);
    return registered->id;
  }

  ho::NewTask physical(int64_t reward_minor = 2500) {
    return {.title = "Verify storefront signage",
            .description = "Take a photo of the signage at 123 Main St",
            .location_json = kPhysicalLocation,
            .reward_minor = reward_minor,
            .deadline_ms = s.clock->now_ms() + 3 * kDay,
            .proof_requirements = {"Photo of storefront sign"},
            .task_type = "VERIFICATION"};
  }

  mc::Job create(mc::PartyId agent, const ho::NewTask& task) {
    mc::Result<mc::JobOutcome> created = service->create_task(agent, task);
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    s.verify();
    return created->job;
  }

  std::string refused(mc::PartyId agent, const ho::NewTask& task) {
    const mc::Balances before = service->balances(agent).value();
    mc::Result<mc::JobOutcome> created = service->create_task(agent, task);
    REQUIRE_FALSE(created.ok());
    const mc::Balances after = service->balances(agent).value();
    CHECK(after.available_minor == before.available_minor);
    CHECK(after.escrow_minor == before.escrow_minor);
    return created.status().detail();
  }

  mc::Job submitted(mc::PartyId agent, mc::PartyId op_id, ho::NewTask task = {}) {
    if (task.title.empty()) task = physical();
    const mc::Job job = create(agent, task);
    const std::string id = ho::task_id(job.id);
    REQUIRE(service->accept(op_id, id).ok());
    mc::Result<mc::Job> done =
        service->submit(op_id, id, {.photos = {"https://r2.example/1.jpg"}, .notes = "Sign ok"});
    REQUIRE_MESSAGE(done.ok(), done.status().to_string());
    CHECK(done->state == "SUBMITTED");
    return *done;
  }

  // deposits − payouts = agents' available + escrow + operators' pending + available + fees.
  void check_conservation() {
    s.verify();
    int64_t held = 0;
    for (mc::PartyId agent : agents) {
      const mc::Balances balances = service->balances(agent).value();
      held += balances.available_minor + balances.escrow_minor;
    }
    for (mc::PartyId op_id : operators) {
      const mc::Balances balances = s.balances(op_id);
      held += balances.available_minor + balances.pending_minor;
    }
    int64_t fees = 0;
    const std::vector<mc::Job> completed =
        s.engine->jobs({.market_id = s.market.id, .state = std::string("COMPLETED"), .limit = 1000})
            .value();
    for (const mc::Job& job : completed) fees += job.fees.platform_fee_minor;
    CHECK(deposited - paid_out == held + fees);
  }
};

}  // namespace humanops_test
