// One module per market: what the simulator needs to drive one market through the public
// engine API. A module names its market's configuration, registers what its market needs at
// every engine open (host lifecycles, guards), creates the market's parties once, and proposes
// random operations — creations with amounts at and around every limit, transitions by the
// right actor and by wrong ones, the market's own calls (offers, contracts, verifier routing,
// disputes). The simulator runs the operations (alone, from several threads, or under a
// fault) and checks the outcome against its model; a module never predicts outcomes itself.
//
// Adding a market (or a richer dialect driver): implement MarketModule in tests/sim/markets/,
// add it to all_market_modules() (markets/modules.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "marketcore/engine.h"
#include "sim/model.h"

namespace mc::sim {

// The simulator's seeded source of every choice.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n).
  int64_t below(int64_t n) {
    return n <= 1 ? 0 : std::uniform_int_distribution<int64_t>(0, n - 1)(engine_);
  }
  int64_t between(int64_t low, int64_t high) { return low + below(high - low + 1); }
  bool percent(int64_t p) { return below(100) < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(below(static_cast<int64_t>(items.size())))];
  }
  // An amount at or around a limit: the limit itself, one either side, or anywhere between.
  int64_t around(int64_t low, int64_t high) {
    switch (below(6)) {
      case 0:
        return low - 1;
      case 1:
        return low;
      case 2:
        return high;
      case 3:
        return high + 1;
      default:
        return between(low, high);
    }
  }

 private:
  std::mt19937_64 engine_;
};

// One operation on the engine, as data so that it can run on any thread and be retried.
struct Op {
  enum class Kind {
    deposit,
    withdraw,
    create,
    fire,
    offer,
    open_dispute,
    join_dispute,
    vote,
    call,  // a library service call (e.g. HumanOps verification through a Verifier)
  };
  Kind kind = Kind::fire;
  Deposit deposit;
  Withdrawal withdrawal;
  CreateJob create;
  FireTransition fire;
  SubmitOffer offer;
  JobId job = 0;  // open_dispute: the job; join/vote: the dispute's job
  PartyId party = 0;
  int64_t dispute_id = 0;
  std::string vote;
  std::function<Status(Engine&)> call;
  std::string label;  // describes `call`
  // Jobs `call` created when it succeeded (filled by the call), adopted like a creation's.
  std::shared_ptr<std::vector<JobId>> created;
};

// Short text naming an operation, for failure reports.
std::string describe(const Op& op);

// What a module sees of the simulation.
struct World {
  Engine& engine;
  Model& model;
  Rng& rng;
  MarketId market = 0;
  const std::vector<PartyId>& parties;  // this market's parties
  int64_t now_ms = 0;
  // Jobs of this market the model tracks (any state).
  std::vector<JobId> jobs() const;
  std::vector<JobId> live_jobs() const;  // non-terminal
  PartyId any_party() const { return rng.pick(parties); }
  // A unique external reference (deposits are retried with it after a fault).
  std::string next_ref(const std::string& prefix);
  int64_t* ref_counter = nullptr;
  // Disputes the simulator opened, by job.
  std::map<JobId, int64_t>* disputes = nullptr;
};

class MarketModule {
 public:
  virtual ~MarketModule() = default;
  virtual std::string name() const = 0;
  // Called after every engine open, before the market is ensured (host lifecycles, guards).
  virtual void on_open(Engine& engine) { (void)engine; }
  virtual MarketConfig config() const = 0;
  // The contract lifecycle when the market has one (1337MKT), else nullptr.
  virtual const LifecycleDefinition* contract_lifecycle() const { return nullptr; }
  // The market's parties, created once (with their opening balances as deposits the simulator
  // runs and checks like any other).
  virtual std::vector<Party> parties(Rng& rng, MarketId market) = 0;
  virtual std::vector<Op> opening_deposits(World& world) = 0;
  // One random operation (a module may return several to run as one concurrent batch).
  virtual Op next(World& world) = 0;
};

// Helpers modules share.
Op deposit_op(World& world, PartyId party, int64_t amount_minor,
              AccountKind into = AccountKind::available);
Op withdraw_op(World& world, PartyId party, int64_t amount_minor);
// A random transition of a random live job, by the party its role names (mostly) or by
// anyone; group names are fired as groups; system/platform transitions as the platform.
std::optional<Op> random_fire(World& world, const std::vector<std::string>& avoid = {});
// Disputes through Engine::open_dispute / join_dispute / cast_vote on a random live job.
std::optional<Op> random_dispute(World& world);

std::vector<std::unique_ptr<MarketModule>> all_market_modules();

}  // namespace mc::sim
