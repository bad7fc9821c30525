// AACP (seed 003) as the engine has it today: USDC with 6 decimals, client / provider /
// evaluator roles, offers and the client's pick (set_provider), stakes locked at fund and
// submit (divided by reputation), evaluation, refunds after the deadline, the evaluator's
// timeout slashing its stake, disputes with a deposit judged by three judges (reputation
// ≥ 70), and the 48-hour dispute window closed by a timer.
//
// For the AACP dialect services being added on another branch, this module should grow:
// wallet-signed requests through the service, the ERC-8183 call names, stake top-ups and
// withdrawals of unlocked stake, evaluator opt-out between creation and fund.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

constexpr int64_t kUsdc = 1'000'000;

class AacpModule final : public MarketModule {
 public:
  std::string name() const override { return "aacp"; }
  MarketConfig config() const override { return builtin_market_config("aacp").value(); }

  // 0–2 clients, 3–5 providers, 6–7 evaluators (opted in), 8–10 judges.
  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 3; ++i) out.push_back(sim_party(market, "agent", rng.between(40, 100)));
    for (int i = 0; i < 3; ++i) out.push_back(sim_party(market, "agent", rng.between(60, 100)));
    for (int i = 0; i < 2; ++i) {
      out.push_back(sim_party(market, "agent", rng.between(50, 100), "", {},
                              R"({"accepts_roles":["evaluator"]})"));
    }
    for (int i = 0; i < 3; ++i) out.push_back(sim_party(market, "agent", rng.between(70, 100)));
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (PartyId party : world.parties) {
      ops.push_back(deposit_op(world, party, 500 * kUsdc));
      ops.push_back(deposit_op(world, party, 200 * kUsdc, AccountKind::stake));
    }
    return ops;
  }

  Op next(World& world) override {
    const int64_t roll = world.rng.below(100);
    const std::vector<JobId> live = world.live_jobs();
    if (roll < 12 && !live.empty()) {  // a provider offers
      Op op;
      op.kind = Op::Kind::offer;
      op.offer.job_id = world.rng.pick(live);
      op.offer.party_id = world.parties[3 + world.rng.below(3)];
      if (world.rng.percent(10)) op.offer.party_id = world.any_party();
      return op;
    }
    if (roll < 22 && !live.empty()) {  // the client picks a provider
      const ModelJob& job = *world.model.job(world.rng.pick(live));
      Op op;
      op.kind = Op::Kind::fire;
      op.fire.job_id = job.id;
      op.fire.transition = "set_provider";
      op.fire.actor_id = world.rng.percent(90) ? job.poster : world.any_party();
      op.fire.worker_id = world.parties[3 + world.rng.below(3)];
      auto offers = world.engine.offers(job.id);  // mostly a provider who offered
      if (offers.ok() && !offers->empty() && world.rng.percent(85)) {
        op.fire.worker_id = world.rng.pick(*offers).party_id;
      }
      return op;
    }
    if (roll < 26) {
      return deposit_op(world, world.any_party(), world.rng.between(1, 50) * kUsdc,
                        AccountKind::stake);
    }
    return mixed_op(
        world,
        [](World& w) {
          Op op = create_op(w, w.parties[w.rng.below(3)], w.rng.around(1, 200 * kUsdc));
          op.create.evaluator_id = w.rng.percent(85)   ? w.parties[6 + w.rng.below(2)]
                                   : w.rng.percent(50) ? op.create.poster_id
                                                       : w.any_party();
          op.create.category = w.rng.pick(w.model.market(w.market).config.limits.categories);
          op.create.deadline_at_ms = w.now_ms + w.rng.between(1, 14 * 24) * 3'600'000;
          return op;
        },
        100 * kUsdc);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_aacp_module() {
  return std::make_unique<AacpModule>();
}

}  // namespace mc::sim
