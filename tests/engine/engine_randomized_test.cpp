// Randomized sequence test: thousands of seeded operations (deposits, withdrawals, creates,
// accepts, submits, approvals, cancels, disputes-free clock advances that fire timers) on the
// gig lifecycle and a ManualClock, against a model of every party's balances. After every
// step: verify_ledger is clean, every party's balances equal the model's, and each job
// conserves money: what left the poster = worker + platform + refunded + still held.
#include <doctest/doctest.h>

#include <map>
#include <random>

#include "engine/engine_fixture.h"

namespace mc::test {
namespace {

struct ModelParty {
  int64_t available_minor = 0;
  int64_t promo_minor = 0;
  int64_t escrow_minor = 0;
};

struct ModelJob {
  PartyId poster = 0;
  std::string state = "open";
  FeeQuote fees;
  int64_t from_promo_minor = 0;
  int64_t from_cash_minor = 0;
  int64_t paid_worker_minor = 0;
  int64_t paid_platform_minor = 0;
  int64_t refunded_minor = 0;
  std::optional<PartyId> worker;
};

class Simulation {
 public:
  explicit Simulation(uint64_t seed) : random_(seed) {
    for (int i = 0; i < 6; ++i) {
      const int64_t promo_minor = i % 2 == 0 ? 30 : 0;
      parties_.push_back(f_.party(200, promo_minor));
      model_[parties_.back()] = {200, promo_minor, 0};
    }
  }

  void step() {
    switch (pick(8)) {
      case 0:
        deposit();
        break;
      case 1:
        withdraw();
        break;
      case 2:
      case 3:
        create();
        break;
      case 4:
        fire_random("accept");
        break;
      case 5:
        fire_random(pick(2) == 0 ? "submit" : "cancel");
        break;
      case 6:
        fire_random("approve");
        break;
      default:
        advance();
        break;
    }
    reconcile();
    check();
  }

 private:
  int64_t pick(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(random_); }
  PartyId any_party() { return parties_[pick(static_cast<int64_t>(parties_.size()))]; }

  void deposit() {
    const PartyId party = any_party();
    const int64_t amount_minor = 1 + pick(100);
    REQUIRE(
        f_.engine
            ->deposit({.market_id = f_.market.id, .party_id = party, .amount_minor = amount_minor})
            .ok());
    model_[party].available_minor += amount_minor;
    net_deposits_minor_ += amount_minor;
  }

  void withdraw() {
    const PartyId party = any_party();
    const int64_t amount_minor = 1 + pick(150);
    auto result = f_.engine->withdraw(
        {.market_id = f_.market.id, .party_id = party, .amount_minor = amount_minor});
    if (amount_minor > model_[party].available_minor) {
      CHECK(result.status().detail() == "insufficient_funds");
      return;
    }
    REQUIRE_MESSAGE(result.ok(), result.status().to_string());
    model_[party].available_minor -= amount_minor;
    net_deposits_minor_ -= amount_minor;
  }

  void create() {
    const PartyId poster = any_party();
    const int64_t amount_minor = 1 + pick(80);
    auto created = f_.engine->create_job(
        {.market_id = f_.market.id, .poster_id = poster, .amount_minor = amount_minor});
    ModelParty& party = model_[poster];
    if (amount_minor > party.available_minor + party.promo_minor) {
      CHECK(created.status().detail() == "insufficient_funds");
      return;
    }
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    ModelJob job;
    job.poster = poster;
    job.fees = created->job.fees;
    job.from_promo_minor = std::min(party.promo_minor, amount_minor);
    job.from_cash_minor = amount_minor - job.from_promo_minor;
    party.promo_minor -= job.from_promo_minor;
    party.available_minor -= job.from_cash_minor;
    party.escrow_minor += amount_minor;
    jobs_[created->job.id] = job;
  }

  void fire_random(const std::string& transition) {
    if (jobs_.empty()) return;
    auto it = jobs_.begin();
    std::advance(it, pick(static_cast<int64_t>(jobs_.size())));
    const JobId id = it->first;
    ModelJob& job = it->second;
    PartyId actor = any_party();
    if (transition == "approve" || transition == "cancel") actor = job.poster;
    if (transition == "submit" && job.worker && pick(4) != 0) actor = *job.worker;
    auto outcome = f_.fire(id, transition, actor);
    if (!outcome.ok()) {
      const Code code = outcome.status().code();
      CHECK_MESSAGE((code == Code::failed_precondition || code == Code::permission_denied),
                    outcome.status().to_string());
    }
  }

  void advance() { REQUIRE(f_.engine->advance_ms(pick(3 * kMillisecondsPerHour)).ok()); }

  // Mirrors the money of every state change the engine made.
  void reconcile() {
    for (auto& [id, job] : jobs_) {
      if (job.state == "done" || job.state == "refunded") continue;
      auto stored = f_.engine->job(id);
      REQUIRE(stored.ok());
      job.worker = stored->worker_id;
      if (stored->state == job.state) continue;
      job.state = stored->state;
      ModelParty& poster = model_[job.poster];
      if (job.state == "done") {
        poster.escrow_minor -= job.fees.escrow_minor;
        model_[*job.worker].available_minor += job.fees.worker_minor;
        job.paid_worker_minor = job.fees.worker_minor;
        job.paid_platform_minor = job.fees.platform_fee_minor;
        platform_minor_ += job.fees.platform_fee_minor;
      } else if (job.state == "refunded") {
        poster.escrow_minor -= job.fees.escrow_minor;
        poster.promo_minor += job.from_promo_minor;
        poster.available_minor += job.from_cash_minor;
        job.refunded_minor = job.fees.escrow_minor;
      }
    }
  }

  void check() {
    f_.verify();
    int64_t parties_total_minor = 0;
    for (PartyId id : parties_) {
      const Balances balances = f_.balances(id);
      const ModelParty& expected = model_[id];
      REQUIRE(balances.available_minor == expected.available_minor);
      REQUIRE(balances.promo_minor == expected.promo_minor);
      REQUIRE(balances.escrow_minor == expected.escrow_minor);
      parties_total_minor += balances.available_minor + balances.promo_minor +
                             balances.pending_minor + balances.escrow_minor;
    }
    REQUIRE(parties_total_minor + platform_minor_ == net_deposits_minor_ + initial_minor_);
    for (const auto& [id, job] : jobs_) {
      const bool open = job.state != "done" && job.state != "refunded";
      const int64_t held_minor = open ? job.fees.escrow_minor : 0;
      REQUIRE(job.from_promo_minor + job.from_cash_minor ==
              job.paid_worker_minor + job.paid_platform_minor + job.refunded_minor + held_minor);
    }
  }

  EngineFixture f_;
  std::mt19937_64 random_;
  std::vector<PartyId> parties_;
  std::map<PartyId, ModelParty> model_;
  std::map<JobId, ModelJob> jobs_;
  int64_t net_deposits_minor_ = 0;
  int64_t platform_minor_ = 0;
  const int64_t initial_minor_ = 6 * 200 + 3 * 30;
};

}  // namespace

TEST_CASE("engine randomized: seeded operations keep the ledger and every job balanced") {
  for (uint64_t seed : {1u, 2u}) {
    CAPTURE(seed);
    Simulation simulation(seed);
    for (int step = 0; step < 1500; ++step) {
      CAPTURE(step);
      simulation.step();
    }
  }
}

}  // namespace mc::test
