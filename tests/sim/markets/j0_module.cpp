// j0 (seed 001): credits, 5–100 per job, capability categories, 10–60 s work timeouts,
// promo credits spent first; accept / complete / cancel and the expire and timeout timers.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

class J0Module final : public MarketModule {
 public:
  std::string name() const override { return "j0"; }
  MarketConfig config() const override { return builtin_market_config("j0").value(); }

  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 8; ++i) out.push_back(sim_party(market, "wallet", rng.between(0, 100)));
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (PartyId party : world.parties) {
      ops.push_back(deposit_op(world, party, 100));  // the seed's signup credits
      if (world.rng.percent(50)) ops.push_back(deposit_op(world, party, 30, AccountKind::promo));
    }
    return ops;
  }

  Op next(World& world) override {
    return mixed_op(
        world,
        [](World& w) {
          Op op = create_op(w, w.any_party(), w.rng.around(5, 100));
          const auto& categories = w.model.market(w.market).config.limits.categories;
          op.create.category = w.rng.percent(95) ? w.rng.pick(categories) : "bogus";
          if (w.rng.percent(80)) op.create.work_timeout_ms = w.rng.around(10'000, 60'000);
          if (w.rng.percent(10)) op.create.then_fire = "cancel";
          return op;
        },
        60);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_j0_module() {
  return std::make_unique<J0Module>();
}

}  // namespace mc::sim
