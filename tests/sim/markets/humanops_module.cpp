// HumanOps (seed 004): USD cents, reward + volume-tier fee on top (18/15/12 %, $2 minimum)
// escrowed at creation, KYC-verified operators, the verifier's routing by confidence (fired
// as the "verify" group), manual review, disputes resolved by the platform, the 7-day
// settlement hold on the operator's pay, deadlines and their 365-day fallbacks — and the
// automated verification through humanops::Service::verify_pending with a Verifier that
// answers (any confidence, now and then out of range), fails, or times out.
#include <chrono>
#include <thread>

#include "marketcore/api_keys.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/humanops.h"
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

// The verifier behind the library's interface: a remote service the simulator controls.
class SimVerifier final : public humanops::Verifier {
 public:
  enum class Mode { answer, fail, time_out };
  SimVerifier(Mode mode, int32_t confidence) : mode_(mode), confidence_(confidence) {}
  Result<humanops::GuardianResult> verify(const std::string& task_json) override {
    (void)task_json;
    if (mode_ == Mode::fail)
      return Status(Code::unavailable, "verifier_down", "the verifier answered 503");
    if (mode_ == Mode::time_out) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return Status(Code::deadline_exceeded, "verifier_timeout", "no answer in time");
    }
    return humanops::GuardianResult{"APPROVE", confidence_, "simulated"};
  }

 private:
  Mode mode_;
  int32_t confidence_;
};

Op verify_op(World& world) {
  const int64_t roll = world.rng.below(10);
  const auto mode = roll < 6   ? SimVerifier::Mode::answer
                    : roll < 8 ? SimVerifier::Mode::fail
                               : SimVerifier::Mode::time_out;
  const auto confidence = static_cast<int32_t>(world.rng.percent(5) ? 101 : world.rng.below(101));
  const MarketId market_id = world.market;
  Op op;
  op.kind = Op::Kind::call;
  op.label = std::string("humanops verify_pending with a verifier that ") +
             (mode == SimVerifier::Mode::answer ? "answers " + std::to_string(confidence)
              : mode == SimVerifier::Mode::fail ? "fails"
                                                : "times out");
  op.call = [mode, confidence, market_id](Engine& engine) -> Status {
    MC_TRY_ASSIGN(Market market, engine.market(market_id));
    auth::ApiKeys keys(engine.auth_stores().api_keys, system_clock());
    humanops::Service service(engine, market, keys, {});
    SimVerifier verifier(mode, confidence);
    return service.verify_pending(&verifier, 5).status();
  };
  return op;
}

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
    if (world.rng.percent(12)) return verify_op(world);
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
