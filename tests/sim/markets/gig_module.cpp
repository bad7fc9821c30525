// A host-defined market: the "sim_gig" lifecycle registered through Engine::register_lifecycle
// with a host guard (Engine::register_guard), a fee on top with a minimum, an evaluator fee,
// half-up rounding and a two-day settlement hold — the policy corners no built-in market
// combines.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

LifecycleDefinition gig_lifecycle() {
  LifecycleDefinition def;
  def.name = "sim_gig";
  def.states = {{"open"}, {"taken"}, {"submitted"}, {"done", true}, {"refunded", true}};
  def.creation = {.name = "create",
                  .to = "open",
                  .roles = {Role::poster},
                  .effects = {{.kind = EffectKind::fund_escrow}},
                  .events = {"gig.posted"}};
  def.transitions = {
      {.name = "accept",
       .from = {"open"},
       .to = "taken",
       .roles = {Role::candidate},
       .guards = {{.kind = GuardKind::custom, .name = "sim_gig_amount"}},
       .records = {Record::worker},
       .events = {"gig.taken"}},
      {.name = "drop",
       .from = {"taken"},
       .to = "open",
       .roles = {Role::worker},
       .records = {Record::clear_worker},
       .events = {"gig.dropped"}},
      {.name = "submit",
       .from = {"taken"},
       .to = "submitted",
       .roles = {Role::worker},
       .records = {Record::result},
       .events = {"gig.submitted"}},
      {.name = "approve",
       .from = {"submitted"},
       .to = "done",
       .roles = {Role::poster, Role::evaluator},
       .effects = {{.kind = EffectKind::pay_worker}},
       .events = {"gig.approved", "gig.paid"}},
      {.name = "cancel",
       .from = {"open"},
       .to = "refunded",
       .roles = {Role::poster},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"gig.cancelled"}},
      {.name = "expire",
       .from = {"open", "taken"},
       .to = "refunded",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"gig.expired"}},
      {.name = "auto_approve",
       .from = {"submitted"},
       .to = "done",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::pay_worker}},
       .events = {"gig.approved", "gig.paid"}},
  };
  def.timers = {
      {.state = "open", .transition = "expire", .after_ms = 2 * kMillisecondsPerDay},
      {.state = "taken", .transition = "expire", .after_ms = kMillisecondsPerDay},
      {.state = "submitted",
       .transition = "auto_approve",
       .base = TimerBase::submitted,
       .after_ms = 3 * kMillisecondsPerDay},
      {.state = "submitted", .transition = "auto_approve", .after_ms = 3 * kMillisecondsPerDay}};
  return def;
}

class GigModule final : public MarketModule {
 public:
  std::string name() const override { return "sim_gig"; }

  void on_open(Engine& engine) override {
    Status registered = engine.register_lifecycle(gig_lifecycle());
    if (!registered.ok() && registered.detail() != "lifecycle_exists") {
      throw std::runtime_error("register sim_gig: " + registered.to_string());
    }
    // A host rule: amounts divisible by 7 are not taken.
    registered = engine.register_guard(
        "sim_gig_amount", [](const Job& job, std::optional<PartyId>, const FireTransition&) {
          return job.amount_minor % 7 == 0
                     ? failed_precondition("sim_gig_unlucky", "amounts divisible by 7 wait")
                     : ok_status();
        });
    (void)registered;
  }

  MarketConfig config() const override {
    MarketConfig config;
    config.name = "sim_gig";
    config.asset = {"GIG", 2};
    config.lifecycle = "sim_gig";
    config.fees = {.mode = FeeMode::fee_on_top,
                   .platform_fee_bps = 750,
                   .platform_fee_min_minor = 3,
                   .evaluator_fee_bps = 250,
                   .rounding = Rounding::half_up};
    config.limits.amount_min_minor = 10;
    config.limits.amount_max_minor = 100'000;
    config.settlement_hold_ms = 2 * kMillisecondsPerDay;
    return config;
  }

  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 8; ++i) out.push_back(sim_party(market, "agent", rng.between(0, 100)));
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (PartyId party : world.parties) {
      ops.push_back(deposit_op(world, party, 200'000));
      if (world.rng.percent(50)) ops.push_back(deposit_op(world, party, 500, AccountKind::promo));
    }
    return ops;
  }

  Op next(World& world) override {
    return mixed_op(
        world,
        [](World& w) {
          Op op = create_op(w, w.any_party(), w.rng.around(10, 100'000));
          if (w.rng.percent(50)) op.create.evaluator_id = w.any_party();
          return op;
        },
        50'000);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_gig_module() {
  return std::make_unique<GigModule>();
}

}  // namespace mc::sim
