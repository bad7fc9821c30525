// AgentMarket (seed 002): budgets in credits, required capabilities, accept / complete /
// cancel, and direct execution: a task created for a hired agent that leaves `open` for
// `executing` in its creating transaction (then_fire "start_execution"), delivered or failed
// by the platform, or failed by the 10-minute timer.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

const std::vector<std::string> kCapabilities = {"code", "research", "writing"};

class AgentMarketModule final : public MarketModule {
 public:
  std::string name() const override { return "agentmarket"; }
  MarketConfig config() const override { return builtin_market_config("agentmarket").value(); }

  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 8; ++i) {
      std::vector<std::string> capabilities;
      for (const std::string& c : kCapabilities) {
        if (rng.percent(50)) capabilities.push_back(c);
      }
      out.push_back(sim_party(market, "agent", rng.between(0, 100), "", capabilities));
    }
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (PartyId party : world.parties) ops.push_back(deposit_op(world, party, 100));
    return ops;
  }

  Op next(World& world) override {
    return mixed_op(
        world,
        [](World& w) {
          const PartyId poster = w.any_party();
          Op op = create_op(w, poster, w.rng.around(1, 80));
          if (w.rng.percent(40)) op.create.capabilities = {w.rng.pick(kCapabilities)};
          if (w.rng.percent(30)) op.create.work_timeout_ms = w.rng.between(1, 48) * 3'600'000;
          if (w.rng.percent(20)) {  // direct execution of a hired agent
            PartyId worker = w.any_party();
            if (worker == poster && w.rng.percent(90))
              worker = w.parties.front() == poster ? w.parties.back() : w.parties.front();
            op.create.worker_id = worker;
            op.create.then_fire = "start_execution";
          }
          return op;
        },
        60);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_agentmarket_module() {
  return std::make_unique<AgentMarketModule>();
}

}  // namespace mc::sim
