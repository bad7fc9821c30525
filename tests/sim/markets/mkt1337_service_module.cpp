// 1337MKT through its library service (mkt1337::Service, src/dialects/mkt1337) rather than raw
// transitions, on a market of its own ("1337mkt_service", the 1337mkt definition) so it shares
// no account with the raw module: typed leads posted by the service (each type with its
// criteria, and sometimes bad criteria), doers accepting one lead or a batch of up to five,
// proofs by URL, approval, the leader's reject (a dispute), pause and resume, cancel. Money
// moves only through lifecycle effects: leads are funded by the raw `fund` transition from the
// leaders' opening deposits (the service's tx-hash escrow deposits and bonds move money from
// outside and are not driven here), so the model needs nothing new. Jobs the service creates
// are reported through Op::created, as a creation's id is.
#include <memory>

#include "marketcore/mkt1337.h"
#include "sim/markets/common_ops.h"

namespace mc::sim {
namespace {

struct LeadKind {
  const char* type;
  const char* criteria;
};
constexpr LeadKind kKinds[] = {
    {"CPR", R"({"url":"https://example.com/r"})"},
    {"CPA", R"({"action":"signup"})"},
    {"CPV", R"({"min_duration_s":30})"},
    {"CPC", R"({"target_url":"https://example.com/c","clicks":3})"},
    {"CPD", R"({"download_url":"https://example.com/d"})"},
    {"REVSHARE", R"({"revenue_share_bps":500})"},
    {"CPA", R"({"url":"missing the action"})"},  // refused: invalid_success_criteria
};

class Mkt1337ServiceModule final : public MarketModule {
 public:
  std::string name() const override { return "1337mkt_service"; }
  MarketConfig config() const override {
    MarketConfig config = builtin_market_config("1337mkt").value();
    config.name = "1337mkt_service";
    return config;
  }
  const LifecycleDefinition* contract_lifecycle() const override {
    return &mkt1337_contract_lifecycle();
  }
  // 0–2 leaders, 3–7 doers.
  std::vector<Party> parties(Rng& rng, MarketId market) override {
    std::vector<Party> out;
    for (int i = 0; i < 8; ++i) out.push_back(sim_party(market, "agent", rng.between(0, 100)));
    return out;
  }

  std::vector<Op> opening_deposits(World& world) override {
    std::vector<Op> ops;
    for (size_t i = 0; i < 3; ++i) ops.push_back(deposit_op(world, world.parties[i], 50'000'000));
    return ops;
  }

  Op next(World& world) override {
    std::vector<JobId> leads, contracts;
    for (JobId id : world.live_jobs()) {
      (world.model.job(id)->parent ? contracts : leads).push_back(id);
    }
    const int64_t roll = world.rng.below(100);
    const PartyId doer = world.parties[3 + world.rng.below(5)];
    if (roll < 20) {  // a lead, posted through the service
      const LeadKind& kind = kKinds[world.rng.below(std::size(kKinds))];
      mkt1337::NewLead lead{.title = "sim lead",
                            .description = "a simulated lead",
                            .type = kind.type,
                            .payout_minor = world.rng.around(1, 2'000'000),
                            .slots = static_cast<int32_t>(world.rng.between(1, 5)),
                            .success_criteria_json = kind.criteria};
      if (world.rng.percent(50)) {
        lead.deadline_ms = world.now_ms + world.rng.between(1, 60 * 24) * 3'600'000;
      }
      const PartyId leader = world.parties[world.rng.below(3)];
      return call(world, "service create_lead " + std::string(kind.type),
                  [lead, leader](mkt1337::Service& s, std::vector<JobId>& created) -> Status {
                    MC_TRY_ASSIGN(Job job, s.create_lead(leader, lead));
                    created.push_back(job.id);
                    return ok_status();
                  });
    }
    if (roll < 35 && !leads.empty()) {  // one accept, or a batch of up to five leads
      std::vector<std::string> ids;
      const int64_t count = world.rng.percent(30) ? world.rng.between(1, 5) : 1;
      for (int64_t i = 0; i < count; ++i) ids.push_back(mkt1337::lead_id(world.rng.pick(leads)));
      if (ids.size() == 1) {
        return call(
            world, "service accept " + ids.front(),
            [doer, id = ids.front()](mkt1337::Service& s, std::vector<JobId>& created) -> Status {
              MC_TRY_ASSIGN(Job job, s.accept(doer, id));
              created.push_back(job.id);
              return ok_status();
            });
      }
      return call(world, "service accept_batch of " + std::to_string(ids.size()),
                  [doer, ids](mkt1337::Service& s, std::vector<JobId>& created) -> Status {
                    MC_TRY_ASSIGN(mkt1337::BatchResult batch, s.accept_batch(doer, ids));
                    for (const Job& job : batch.accepted) created.push_back(job.id);
                    return ok_status();
                  });
    }
    if (roll < 60 && !contracts.empty()) {
      const ModelJob& contract = *world.model.job(world.rng.pick(contracts));
      const std::string id = mkt1337::contract_id(contract.id);
      const PartyId worker = contract.worker.value_or(doer);
      const PartyId leader = contract.poster;
      switch (world.rng.below(4)) {
        case 0:
        case 1:
          return call(
              world, "service submit_proof " + id,
              [worker, id](mkt1337::Service& s, std::vector<JobId>&) {
                return s.submit_proof(worker, id, "https://proof.example.com/" + id, std::nullopt)
                    .status();
              });
        case 2:
          return call(world, "service approve " + id,
                      [leader, id](mkt1337::Service& s, std::vector<JobId>&) {
                        return s.approve(leader, id).status();
                      });
        default:
          return call(world, "service reject " + id,
                      [leader, id](mkt1337::Service& s, std::vector<JobId>&) {
                        return s.reject(leader, id, "not as agreed").status();
                      });
      }
    }
    if (roll < 70 && !leads.empty()) {
      const ModelJob& lead = *world.model.job(world.rng.pick(leads));
      const std::string id = mkt1337::lead_id(lead.id);
      const PartyId leader = world.rng.percent(90) ? lead.poster : doer;
      if (world.rng.percent(20)) {
        return call(world, "service cancel_lead " + id,
                    [leader, id](mkt1337::Service& s, std::vector<JobId>&) {
                      return s.cancel_lead(leader, id).status();
                    });
      }
      const std::string status = world.rng.percent(50) ? "paused" : "active";
      return call(world, "service set_lead_status " + id + " " + status,
                  [leader, id, status](mkt1337::Service& s, std::vector<JobId>&) {
                    return s.set_lead_status(leader, id, status).status();
                  });
    }
    // Funding (the raw `fund`), deposits, timers' competitors and disputes, as elsewhere.
    return mixed_op(
        world, [](World& w) { return deposit_op(w, w.parties[w.rng.below(3)], 1'000'000); },
        5'000'000);
  }

 private:
  template <typename Body>
  Op call(World& world, std::string label, Body body) {
    (void)world;
    Op op;
    op.kind = Op::Kind::call;
    op.label = std::move(label);
    op.created = std::make_shared<std::vector<JobId>>();
    std::shared_ptr<std::vector<JobId>> created = op.created;
    // A service over the engine the call runs on (a retry after a reopen runs on the new one).
    op.call = [created, body](Engine& engine) -> Status {
      MC_TRY_ASSIGN(Market market, engine.market_by_name("1337mkt_service"));
      mkt1337::Service service(engine, std::move(market), mkt1337::ServiceOptions{});
      created->clear();
      return body(service, *created);
    };
    return op;
  }
};

}  // namespace

std::unique_ptr<MarketModule> make_mkt1337_service_module() {
  return std::make_unique<Mkt1337ServiceModule>();
}

}  // namespace mc::sim
