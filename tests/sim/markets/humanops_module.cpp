// HumanOps (seed 004): USD cents, reward + volume-tier fee on top (18/15/12 %, $2 minimum)
// escrowed at creation, KYC-verified operators, the verifier's routing by confidence (fired
// as the "verify" group), manual review, disputes resolved by the platform, the 7-day
// settlement hold on the operator's pay, deadlines and their 365-day fallbacks.
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

struct TaskKind {
  const char* name;
  int64_t reward_max_minor;
};
const std::vector<TaskKind> kKinds = {{"FORM_FILLING", 5'000},
                                      {"DATA_VALIDATION", 5'000},
                                      {"CONTENT_REVIEW", 2'500},
                                      {"CAPTCHA_SOLVING", 1'000}};

class HumanOpsModule final : public MarketModule {
 public:
  std::string name() const override { return "humanops"; }
  MarketConfig config() const override { return builtin_market_config("humanops").value(); }

  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 4; ++i) out.push_back(sim_party(market, "agent", 50));
    for (int i = 0; i < 5; ++i) {
      out.push_back(
          sim_party(market, "operator", rng.between(0, 100), i == 0 ? "PENDING" : "VERIFIED"));
    }
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (size_t i = 0; i < 4; ++i) ops.push_back(deposit_op(world, world.parties[i], 50'000));
    return ops;
  }

  Op next(World& world) override {
    return mixed_op(
        world,
        [](World& w) {
          const TaskKind& kind = w.rng.pick(kKinds);
          // Agents post; now and then an operator tries to (and is refused for funds).
          const PartyId poster = w.rng.percent(90) ? w.parties[w.rng.below(4)] : w.any_party();
          Op op = create_op(w, poster, w.rng.around(1'000, kind.reward_max_minor));
          op.create.category = kind.name;
          if (w.rng.percent(97)) {
            op.create.deadline_at_ms = w.now_ms + w.rng.between(1, 30 * 24) * 3'600'000;
          }
          op.create.payload_json = R"({"task_domain":"DIGITAL","proof_type":"SCREENSHOT"})";
          return op;
        },
        20'000);
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_humanops_module() {
  return std::make_unique<HumanOpsModule>();
}

}  // namespace mc::sim
