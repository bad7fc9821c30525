// 1337MKT (seed 000) as the engine has it today: leads funded by escrow with many contracts,
// doers taking contracts (create_job with parent_job_id, the doer as poster_id) or the leader
// creating one for a named doer, proofs, approval and the 72-hour auto-approval, the leader's
// dispute judged by three judges (reputation ≥ 50), abandon, expiry of leads and contracts.
//
// For the 1337MKT dialect services being added on another branch, this module should grow:
// referral links and conversion callbacks completing CPA/CPI/CPR contracts, batch accepts,
// rep score, tiers and bonds as those services define them.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

class Mkt1337Module final : public MarketModule {
 public:
  std::string name() const override { return "1337mkt"; }
  MarketConfig config() const override { return builtin_market_config("1337mkt").value(); }
  const LifecycleDefinition* contract_lifecycle() const override {
    return &mkt1337_contract_lifecycle();
  }

  // 0–2 leaders, 3–7 doers, 8–10 judges.
  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 8; ++i) out.push_back(sim_party(market, "agent", rng.between(0, 100)));
    for (int i = 0; i < 3; ++i) out.push_back(sim_party(market, "agent", rng.between(50, 100)));
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (size_t i = 0; i < 3; ++i) ops.push_back(deposit_op(world, world.parties[i], 50'000'000));
    return ops;
  }

  Op next(World& world) override {
    std::vector<JobId> leads;
    for (JobId id : world.live_jobs()) {
      if (!world.model.job(id)->parent) leads.push_back(id);
    }
    if (world.rng.percent(25) && !leads.empty()) {  // a contract on a lead
      const ModelJob& lead = *world.model.job(world.rng.pick(leads));
      const PartyId doer = world.parties[3 + world.rng.below(5)];
      Op op = create_op(world, world.rng.percent(80) ? doer : lead.poster, 1);
      op.create.parent_job_id = lead.id;
      op.create.category =
          world.rng.pick(world.model.market(world.market).config.limits.categories);
      if (op.create.poster_id == lead.poster) op.create.worker_id = doer;
      if (world.rng.percent(50)) {
        op.create.deadline_at_ms = world.now_ms + world.rng.between(1, 40 * 24) * 3'600'000;
      }
      return op;
    }
    return mixed_op(
        world,
        [](World& w) {
          Op op = create_op(w, w.parties[w.rng.below(3)], w.rng.around(1, 5'000'000));
          op.create.contracts_max = static_cast<int32_t>(w.rng.percent(5) ? w.rng.around(1, 10'000)
                                                                          : w.rng.between(1, 5));
          op.create.category = w.rng.pick(w.model.market(w.market).config.limits.categories);
          if (w.rng.percent(60)) {
            op.create.deadline_at_ms = w.now_ms + w.rng.between(1, 60 * 24) * 3'600'000;
          }
          return op;
        },
        5'000'000);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_mkt1337_module() {
  return std::make_unique<Mkt1337Module>();
}

}  // namespace mc::sim
