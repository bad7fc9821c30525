// scenario_fixture.h — an Engine on a ManualClock and a real SQLite file in a temporary
// directory, bound to one built-in market (builtin_market_config), with helpers that register
// and fund parties, fire transitions and check the ledger after every step.
//
// Thread-safety: a fixture is used by one test.
//
// Example:
//   mc::scenario::Scenario s("j0");
//   mc::PartyId poster = s.party({.available_minor = 100});
//   mc::Job job = s.create({.poster_id = poster, .amount_minor = 10, .category = "opus"});
//   s.fire_ok(job.id, "cancel", poster);  // verifies the ledger too
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "marketcore/engine.h"

namespace mc::scenario {

constexpr int64_t kStartMs = 1'700'000'000'000;

struct PartySpec {
  int64_t available_minor = 0;
  int64_t promo_minor = 0;
  int64_t stake_minor = 0;
  int64_t reputation = 100;
  std::string kyc_status = "VERIFIED";
  std::string profile_json = "{}";  // e.g. {"accepts_roles":["evaluator"]} (role_opt_in.h)
};

class Scenario {
 public:
  explicit Scenario(std::string_view market_name);
  ~Scenario();
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  PartyId party(const PartySpec& spec = {});
  // Creates a job in this market (market_id is filled in); REQUIREs success; verifies.
  Job create(CreateJob request);
  Result<JobOutcome> fire(FireTransition request);
  Result<JobOutcome> fire(JobId job, std::string transition, std::optional<PartyId> actor);
  // Fires and REQUIREs success; returns the job after; verifies the ledger.
  Job fire_ok(FireTransition request);
  Job fire_ok(JobId job, std::string transition, std::optional<PartyId> actor);
  // Fires and CHECKs the failure's detail; verifies the ledger (nothing moved).
  void fire_refused(JobId job, std::string transition, std::optional<PartyId> actor,
                    std::string_view detail);
  // Advances the clock (firing every due timer) and verifies the ledger.
  void advance_ms(int64_t delta_ms);
  Job job(JobId id);
  Balances balances(PartyId party);
  int64_t available(PartyId party) { return balances(party).available_minor; }
  // REQUIREs verify_ledger() to report a consistent ledger.
  void verify();

  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Engine> engine;
  Market market;

 private:
  std::filesystem::path dir_;
};

}  // namespace mc::scenario
