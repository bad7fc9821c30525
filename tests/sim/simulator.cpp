// The simulator's steps, faults and invariant checks (simulator.h).
#include "sim/simulator.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <latch>
#include <stdexcept>
#include <thread>

#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "sim/market_module.h"
#include "sim/model.h"
#include "sim/webhook_driver.h"
#include "store/control_faults.h"
#include "store/fault_vfs.h"

namespace mc::sim {
namespace {

using store::testing::ControlFaults;
using store::testing::FaultVfs;

constexpr int64_t kStartMs = 1'700'000'000'000;
std::atomic<bool> g_stop{false};
constexpr int64_t kKeyRetentionMs = kMillisecondsPerDay;

struct Outcome {
  Status status;
  bool replayed = false;
  std::optional<JobId> job;
  int64_t dispute_id = 0;
};

uint64_t mix(uint64_t seed, uint64_t step) {
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + step + 0x632BE59BD9B4E019ULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

Outcome execute(Engine& engine, const Op& op) {
  Outcome out;
  switch (op.kind) {
    case Op::Kind::deposit: {
      auto moved = engine.deposit(op.deposit);
      out.status = moved.status();
      if (moved.ok()) out.replayed = moved->replayed;
      break;
    }
    case Op::Kind::withdraw: {
      auto moved = engine.withdraw(op.withdrawal);
      out.status = moved.status();
      if (moved.ok()) out.replayed = moved->replayed;
      break;
    }
    case Op::Kind::create: {
      auto created = engine.create_job(op.create);
      out.status = created.status();
      if (created.ok()) {
        out.replayed = created->replayed;
        out.job = created->job.id;
      }
      break;
    }
    case Op::Kind::fire: {
      auto fired = engine.fire(op.fire);
      out.status = fired.status();
      if (fired.ok()) {
        out.replayed = fired->replayed;
        out.job = fired->job.id;
      }
      break;
    }
    case Op::Kind::offer:
      out.status = engine.submit_offer(op.offer).status();
      break;
    case Op::Kind::open_dispute: {
      auto opened = engine.open_dispute(op.job, op.party, "simulated dispute");
      out.status = opened.status();
      if (opened.ok()) out.dispute_id = opened->id;
      break;
    }
    case Op::Kind::join_dispute:
      out.status = engine.join_dispute(op.dispute_id, op.party);
      break;
    case Op::Kind::vote:
      out.status = engine.cast_vote(op.dispute_id, op.party, op.vote).status();
      break;
    case Op::Kind::call:
      out.status = op.call(engine);
      break;
  }
  return out;
}

bool transient(const Status& status) {
  return !status.ok() && code_is_transient(status.code());
}

std::optional<IdempotencyKey>* key_of(Op& op) {
  if (op.kind == Op::Kind::create) return &op.create.idempotency;
  if (op.kind == Op::Kind::fire) return &op.fire.idempotency;
  return nullptr;
}

std::string principal_of(const Op& op) {
  if (op.kind == Op::Kind::create) return "party:" + std::to_string(op.create.poster_id);
  if (op.fire.actor_id) return "party:" + std::to_string(*op.fire.actor_id);
  return "platform";
}

// The request as the engine hashes it for idempotency.
std::string fingerprint(const Op& op) {
  auto opt = [](const auto& value) { return value ? std::to_string(*value) : std::string("-"); };
  if (op.kind == Op::Kind::create) {
    const CreateJob& c = op.create;
    std::string caps;
    for (const std::string& cap : c.capabilities) caps += cap + ",";
    return "create|" + std::to_string(c.market_id) + "|" + std::to_string(c.poster_id) + "|" +
           std::to_string(c.amount_minor) + "|" + opt(c.evaluator_id) + "|" + opt(c.worker_id) +
           "|" + opt(c.parent_job_id) + "|" + c.title + "|" + c.description + "|" + c.prompt + "|" +
           c.category + "|" + caps + "|" + opt(c.deadline_at_ms) + "|" + opt(c.work_timeout_ms) +
           "|" + std::to_string(c.contracts_max) + "|" + c.payload_json + "|" + c.then_fire;
  }
  const FireTransition& f = op.fire;
  return "fire|" + std::to_string(f.job_id) + "|" + f.transition + "|" + opt(f.actor_id) + "|" +
         (f.as_platform ? "p" : "-") + "|" + f.result_text + "|" + f.proof_json + "|" +
         f.verdict_json + "|" + opt(f.confidence) + "|" + opt(f.worker_id);
}

bool same_balances(const Balances& a, const Balances& b) {
  return a.available_minor == b.available_minor && a.promo_minor == b.promo_minor &&
         a.pending_minor == b.pending_minor && a.stake_minor == b.stake_minor &&
         a.stake_locked_minor == b.stake_locked_minor && a.escrow_minor == b.escrow_minor;
}

std::string show(const Balances& b) {
  return "available " + std::to_string(b.available_minor) + ", promo " +
         std::to_string(b.promo_minor) + ", pending " + std::to_string(b.pending_minor) +
         ", stake " + std::to_string(b.stake_minor) + ", locked " +
         std::to_string(b.stake_locked_minor) + ", escrow " + std::to_string(b.escrow_minor);
}

bool same_quote(const FeeQuote& a, const FeeQuote& b) {
  return a.amount_minor == b.amount_minor && a.platform_fee_bps == b.platform_fee_bps &&
         a.platform_fee_minor == b.platform_fee_minor &&
         a.evaluator_fee_minor == b.evaluator_fee_minor && a.worker_minor == b.worker_minor &&
         a.escrow_minor == b.escrow_minor;
}

std::string show(const FeeQuote& q) {
  return "amount " + std::to_string(q.amount_minor) + " bps " + std::to_string(q.platform_fee_bps) +
         " platform " + std::to_string(q.platform_fee_minor) + " evaluator " +
         std::to_string(q.evaluator_fee_minor) + " worker " + std::to_string(q.worker_minor) +
         " escrow " + std::to_string(q.escrow_minor);
}

}  // namespace

struct Simulator::Impl {
  struct MarketState {
    MarketId id = 0;
    std::vector<PartyId> parties;
  };
  struct KeyUse {
    std::string fingerprint;
    int64_t at_ms = 0;
    bool certain = true;
  };

  SimOptions options;
  SimStats stats;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(kStartMs);
  std::unique_ptr<FaultVfs> vfs;
  std::unique_ptr<Engine> engine;
  Model model;
  std::vector<std::unique_ptr<MarketModule>> modules = all_market_modules();
  std::vector<MarketState> markets;
  WebhookDriver webhooks{[this](const std::string& invariant, const std::string& message) {
                           fail(invariant, message);
                         },
                         [this](const std::string& invariant) { count(invariant); }};
  std::string path;
  int64_t ref_counter = 0;
  int64_t key_counter = 0;
  std::map<JobId, int64_t> disputes;
  int64_t event_cursor = 0;
  std::map<JobId, std::vector<std::string>> engine_events;
  std::map<std::string, std::set<std::string>> lifecycle_events;
  std::set<JobId> adoptable;
  std::set<std::string> applied_refs;
  std::map<std::pair<std::string, std::string>, KeyUse> keys;
  std::optional<Op> last_keyed;
  int32_t queue_max = 4096;
  int64_t queue_epoch_end = -1;
  std::optional<Violation> violation;
  int64_t step = 0;
  std::string step_text;
  // Per step: a fault made outcomes uncertain; jobs the step's operations touched.
  bool uncertain = false;
  std::set<JobId> touched;
  std::set<JobId> changed;
  // Jobs a reopen's sweep saw but left for the next observe() (see full_sweep).
  std::set<JobId> carried;
  // Incremental checks (check_all): parties named by events since the last balance check, the
  // model's balances as last compared, each job's row version as last synced, and whether the
  // next check must be a full one (after every reopen).
  std::set<PartyId> event_parties;
  std::map<PartyId, Balances> compared;
  std::map<JobId, int64_t> version_seen;
  bool full_check_due = true;
  int64_t reopens = 0;

  void fail(const std::string& invariant, const std::string& message) {
    if (violation) return;
    violation = Violation{step, invariant, message, step_text};
  }
  void count(const std::string& invariant, int64_t n = 1) { stats.checks[invariant] += n; }

  // --- engine --------------------------------------------------------------------------
  bool open_engine(bool verify_at_open) {
    EngineOptions engine_options;
    engine_options.database_path = path;
    engine_options.clock = clock;
    engine_options.reader_connections = 2;
    engine_options.write_queue_units_max = queue_max;
    engine_options.due_retry_backoff_ms = 1;
    engine_options.due_retry_backoff_max_ms = 1;
    engine_options.verify_ledger_at_open = verify_at_open;
    auto opened = Engine::open(std::move(engine_options));
    if (!opened.ok()) {
      fail("durable", "the engine did not reopen: " + opened.status().to_string());
      return false;
    }
    engine = std::move(opened).value();
    for (auto& module : modules) module->on_open(*engine);
    full_check_due = true;
    ++reopens;
    return true;
  }

  void reopen(bool verify_at_open) {
    engine.reset();
    if (!open_engine(verify_at_open)) return;
    // Every acknowledged job and transition is still there, exactly as the model has it.
    full_sweep("durable");
  }

  World world(size_t market, Rng& rng) {
    World w{.engine = *engine,
            .model = model,
            .rng = rng,
            .market = markets[market].id,
            .parties = markets[market].parties,
            .now_ms = clock->now_ms()};
    w.ref_counter = &ref_counter;
    w.disputes = &disputes;
    return w;
  }

  void setup() {
    path =
        (std::filesystem::path(options.directory) / ("sim-" + std::to_string(options.seed) + ".db"))
            .string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    vfs = std::make_unique<FaultVfs>(/*forward_syncs=*/false);
    if (!options.markets.empty()) {
      std::erase_if(modules, [&](const std::unique_ptr<MarketModule>& module) {
        return !options.markets.contains(module->name());
      });
      if (modules.empty()) throw std::runtime_error("--markets names no market module");
    }
    if (!open_engine(false)) return;
    Rng rng(options.seed);
    for (auto& module : modules) {
      auto market = engine->ensure_market(module->config());
      if (!market.ok())
        throw std::runtime_error(module->name() + ": " + market.status().to_string());
      auto lifecycle = engine->lifecycle(market->config.lifecycle);
      if (!lifecycle.ok()) throw std::runtime_error(lifecycle.status().to_string());
      model.add_market(*market, *lifecycle, module->contract_lifecycle());
      for (const LifecycleDefinition* def :
           {static_cast<const LifecycleDefinition*>(&*lifecycle), module->contract_lifecycle()}) {
        if (def == nullptr) continue;
        std::set<std::string>& types = lifecycle_events[def->name];
        for (const std::string& type : def->creation.events) types.insert(type);
        for (const TransitionDef& t : def->transitions) {
          for (const std::string& type : t.events) types.insert(type);
        }
      }
      MarketState state{.id = market->id, .parties = {}};
      for (const Party& party : module->parties(rng, market->id)) {
        auto registered = engine->register_party(party);
        if (!registered.ok()) throw std::runtime_error(registered.status().to_string());
        model.add_party(*registered);
        state.parties.push_back(registered->id);
      }
      markets.push_back(std::move(state));
    }
    if (options.webhooks) {
      std::vector<MarketId> ids;
      for (const MarketState& market : markets) ids.push_back(market.id);
      webhooks.setup(*engine, ids);
    }
    for (size_t i = 0; i < modules.size(); ++i) {
      World w = world(i, rng);
      for (const Op& op : modules[i]->opening_deposits(w)) run_single(op);
    }
    observe();
    check_all(true);
  }

  // --- running operations ----------------------------------------------------------------
  Outcome run_with_retries(const Op& op) {
    Outcome out = execute(*engine, op);
    ++stats.operations;
    for (int attempt = 0; attempt < 5 && transient(out.status); ++attempt) {
      ++stats.retries;
      out = execute(*engine, op);
      ++stats.operations;
    }
    return out;
  }

  // Runs ops on one thread each, started together.
  std::vector<Outcome> run_concurrently(const std::vector<Op>& ops) {
    std::vector<Outcome> outcomes(ops.size());
    std::latch start(static_cast<std::ptrdiff_t>(ops.size()));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < ops.size(); ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        outcomes[i] = execute(*engine, ops[i]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    stats.operations += static_cast<int64_t>(ops.size());
    return outcomes;
  }

  // Records what an acknowledged (or finally refused) operation means for the model.
  void settle(const Op& op, const Outcome& out) {
    note_key(op, out);
    // No call the simulator makes is malformed in its key, and none may fail internally.
    count("refused");
    if (!out.status.ok() &&
        (out.status.code() == Code::internal || out.status.code() == Code::data_loss ||
         (out.status.param() == "idempotency" &&
          out.status.detail() != "idempotency_key_reused"))) {
      fail("refused", describe(op) + " failed: " + out.status.to_string());
    }
    if (out.status.ok()) {
      ++stats.acknowledged;
    } else {
      ++stats.refused;
    }
    switch (op.kind) {
      case Op::Kind::deposit:
      case Op::Kind::withdraw: {
        const bool deposit = op.kind == Op::Kind::deposit;
        const std::string ref = (deposit ? "d:" : "w:") +
                                (deposit ? *op.deposit.external_ref : *op.withdrawal.external_ref);
        if (!out.status.ok()) {
          if (!deposit && out.status.detail() == "insufficient_funds" &&
              model.party(op.withdrawal.party_id).balances.available_minor >=
                  op.withdrawal.amount_minor &&
              !applied_refs.contains(ref)) {
            fail("refused", "a covered withdrawal was refused: " + out.status.to_string());
          }
          return;
        }
        count("idempotency");
        if (applied_refs.contains(ref)) {
          if (!out.replayed) fail("idempotency", "an external reference moved money twice");
          return;
        }
        applied_refs.insert(ref);
        if (deposit) {
          model.deposited(op.deposit.party_id, op.deposit.into, op.deposit.amount_minor);
        } else {
          model.withdrew(op.withdrawal.party_id, op.withdrawal.from, op.withdrawal.amount_minor);
        }
        return;
      }
      case Op::Kind::create:
        if (out.status.ok() && out.job) {
          adoptable.insert(*out.job);
          touched.insert(*out.job);
        }
        if (!out.status.ok() && out.status.detail() == "insufficient_funds" &&
            !op.create.parent_job_id) {
          const Market& market = model.market(op.create.market_id);
          if (market.config.fees.tiers.empty()) {
            auto quote = model.expected_quote(op.create.market_id, op.create.amount_minor,
                                              market.config.fees.platform_fee_bps);
            const Balances& b = model.party(op.create.poster_id).balances;
            if (quote && quote->escrow_minor <= b.available_minor + b.promo_minor &&
                op.create.then_fire.empty() && market.config.lifecycle != "aacp" &&
                market.config.lifecycle != "mkt1337_lead") {
              fail("refused", "a covered job creation was refused: " + out.status.to_string());
            }
          }
        }
        return;
      case Op::Kind::fire:
        touched.insert(op.fire.job_id);
        return;
      case Op::Kind::open_dispute:
        touched.insert(op.job);
        if (out.status.ok()) disputes[op.job] = out.dispute_id;
        return;
      case Op::Kind::join_dispute:
      case Op::Kind::vote:
        touched.insert(op.job);
        return;
      case Op::Kind::offer:
        touched.insert(op.offer.job_id);
        return;
      case Op::Kind::call:
        // What it fired shows in the events; what it created was acknowledged.
        if (out.status.ok() && op.created) {
          for (JobId id : *op.created) {
            adoptable.insert(id);
            touched.insert(id);
          }
        }
        return;
    }
  }

  // The idempotency model's expectation for a keyed single operation, checked on its outcome.
  void check_key(const Op& op, const Outcome& out) {
    Op copy = op;
    std::optional<IdempotencyKey>* key = key_of(copy);
    if (key == nullptr || !*key) return;
    const auto id = std::make_pair((**key).scope, (**key).key);
    const std::string print = fingerprint(op);
    auto prior = keys.find(id);
    const int64_t now = clock->now_ms();
    const bool known =
        prior != keys.end() && prior->second.certain && now - prior->second.at_ms < kKeyRetentionMs;
    const bool unknown = prior == keys.end();
    count("idempotency");
    if (known && prior->second.fingerprint == print) {
      if (!out.status.ok() || !out.replayed) {
        fail("idempotency",
             "a repeat of an acknowledged request was not replayed: " +
                 (out.status.ok() ? std::string("executed again") : out.status.to_string()));
      }
    } else if (known) {
      // Validation of the request itself comes first (engine.h): an invalid body is refused
      // as invalid whatever its key.
      const bool invalid_body = out.status.code() == Code::invalid_argument;
      if (!invalid_body) {
        fail("idempotency",
             "a key reused with another body was not refused: " +
                 (out.status.ok() ? std::string("accepted") : out.status.to_string()));
      }
    } else if (unknown) {
      if ((out.status.ok() && out.replayed) || out.status.detail() == "idempotency_key_reused") {
        fail("idempotency",
             "a fresh key of principal " + id.first + " was answered as used: " +
                 (out.status.ok() ? std::string("replayed") : out.status.to_string()));
      }
    }
  }

  // Remembers the key of an acknowledged keyed operation (any step kind).
  void note_key(const Op& op, const Outcome& out) {
    Op copy = op;
    std::optional<IdempotencyKey>* key = key_of(copy);
    if (key == nullptr || !*key || !out.status.ok()) return;
    const auto id = std::make_pair((**key).scope, (**key).key);
    auto prior = keys.find(id);
    if (!out.replayed) {
      keys[id] = KeyUse{fingerprint(op), clock->now_ms(), true};
    } else if (prior == keys.end()) {
      keys[id] = KeyUse{fingerprint(op), clock->now_ms(), false};
    }
  }

  void run_single(const Op& op) {
    step_text = describe(op);
    const ModelJob* target = op.kind == Op::Kind::fire ? model.job(op.fire.job_id) : nullptr;
    const size_t seen_before = target != nullptr ? target->history_seen : 0;
    const Outcome out = run_with_retries(op);
    if (options.verbose)
      std::printf("    -> %s%s\n", out.status.to_string().c_str(),
                  out.replayed ? " (replayed)" : "");
    check_key(op, out);
    settle(op, out);
    observe();
    if (op.kind == Op::Kind::fire && !out.status.ok() && target != nullptr) {
      count("refused");
      const ModelJob* after = model.job(op.fire.job_id);
      if (after->history_seen != seen_before || changed.contains(op.fire.job_id)) {
        fail("refused", "a refused firing (" + out.status.to_string() + ") changed the job");
      }
    }
  }

  // --- observing the engine --------------------------------------------------------------
  void observe() {
    changed.clear();
    pull_events();
    std::set<JobId> jobs = changed;
    jobs.insert(touched.begin(), touched.end());
    jobs.insert(carried.begin(), carried.end());
    carried.clear();
    for (JobId id : jobs) sync_job(id, "lifecycle");
    check_leads(jobs);
    touched.clear();
  }

  // A lead's count of contracts taken, once every contract of the step is applied.
  void check_leads(const std::set<JobId>& jobs) {
    std::set<JobId> leads;
    for (JobId id : jobs) {
      const ModelJob* job = model.job(id);
      if (job != nullptr) leads.insert(job->parent.value_or(id));
    }
    for (JobId id : leads) {
      const ModelJob* lead = model.job(id);
      if (lead == nullptr || lead->parent || lead->lifecycle != "mkt1337_lead") continue;
      auto stored = engine->job(id);
      count("holds");
      if (stored.ok() && stored->contracts_taken != lead->contracts_taken) {
        fail("holds", "lead " + std::to_string(id) + " counts " +
                          std::to_string(stored->contracts_taken) + " contracts, the model " +
                          std::to_string(lead->contracts_taken));
      }
    }
  }

  // Reads the events written since the last read; notes the jobs they concern.
  void pull_events() {
    while (!violation) {
      auto events = engine->events({.after_sequence = event_cursor, .limit = 1000});
      if (!events.ok()) {
        fail("events", "events unreadable: " + events.status().to_string());
        return;
      }
      for (const Event& event : *events) {
        if (event.sequence <= event_cursor) fail("events", "event sequence went backwards");
        event_cursor = event.sequence;
        event_parties.insert(event.party_ids.begin(), event.party_ids.end());
        if (event.job_id) {
          changed.insert(*event.job_id);
          engine_events[*event.job_id].push_back(event.type);
        }
      }
      if (events->size() < 1000) break;
    }
  }

  // Brings the model's job up to the engine's history and compares.
  void sync_job(JobId id, const char* invariant) {
    ModelJob* job = model.job(id);
    auto stored = engine->job(id);
    if (job == nullptr) {
      if (!stored.ok()) return;  // a refused creation: nothing there, as it should be
      count("refused");
      if (!adoptable.contains(id) && !uncertain) {
        fail("refused", "job " + std::to_string(id) + " exists but no creation was acknowledged");
        return;
      }
      job = &model.adopt(*stored);
      ++stats.jobs;
      count("fees");
      if (!same_quote(stored->fees, job->quote)) {
        fail("fees", "job " + std::to_string(id) + " locked " + show(stored->fees) +
                         "; the model expects " + show(job->quote));
      }
    }
    if (!stored.ok()) {
      fail(invariant, "job " + std::to_string(id) + " unreadable: " + stored.status().to_string());
      return;
    }
    auto history = engine->job_history(id);
    if (!history.ok()) {
      fail(invariant, "history unreadable: " + history.status().to_string());
      return;
    }
    count(invariant);
    if (history->size() < job->history_seen) {
      fail("durable", "job " + std::to_string(id) +
                          " lost acknowledged history: " + std::to_string(history->size()) +
                          " records, " + std::to_string(job->history_seen) + " seen before");
      return;
    }
    for (size_t i = job->history_seen; i < history->size(); ++i) {
      model.apply(*job, (*history)[i], *stored);
      ++stats.transitions;
      ++stats.fired[job->lifecycle + "." + (*history)[i].transition];
    }
    report_model_problems();
    version_seen[id] = stored->version;
    if (stored->state != job->state) {
      fail(invariant, "job " + std::to_string(id) + " is '" + stored->state +
                          "' but its history leads to '" + job->state + "'");
    }
    // Events: exactly the transitions' events, in order.
    count("events");
    std::vector<std::string> seen;
    const std::set<std::string>& types = lifecycle_events[job->lifecycle];
    for (const std::string& type : engine_events[id]) {
      if (types.contains(type)) seen.push_back(type);
    }
    if (seen != job->expected_events) {
      std::string got, want;
      for (const auto& t : seen) got += t + " ";
      for (const auto& t : job->expected_events) want += t + " ";
      fail("events",
           "job " + std::to_string(id) + " emitted [" + got + "], its history says [" + want + "]");
    }
  }

  void report_model_problems() {
    for (const std::string& problem : model.problems) {
      fail(problem.find("twice") != std::string::npos || problem.find("drew") != std::string::npos
               ? "holds"
               : "lifecycle",
           problem);
    }
    model.problems.clear();
  }

  // After a reopen: every job the model knows is still there as it has it. Jobs the engine
  // shows that the model does not know yet — created by calls of the faulted batch that were
  // acknowledged before the fault, whose outcomes are settled only after the recovery — are
  // carried to the next observe(), and so are the lead counts: a lead's count already includes
  // such a contract while the model has not adopted it yet.
  void full_sweep(const char* invariant) {
    changed.clear();
    pull_events();
    if (violation) return;
    // Every job row in one paged read; a job whose row (state, version) is as last synced
    // cannot have lost or gained a transition (the row and its history are written in one
    // transaction), so only the others are synced record by record. Every 32nd reopen syncs
    // every job's history anyway.
    std::map<JobId, Job> rows;
    std::optional<JobId> before;
    while (true) {
      auto page = engine->jobs(JobQuery{.before_id = before, .limit = 1000});
      if (!page.ok()) {
        fail(invariant, "jobs unreadable: " + page.status().to_string());
        return;
      }
      for (Job& row : *page) {
        before = row.id;
        rows.emplace(row.id, std::move(row));
      }
      if (page->size() < 1000) break;
    }
    const bool every_history = reopens % 32 == 0;
    std::set<JobId> all;
    bool unknown = false;
    for (const auto& [id, row] : rows) {
      if (model.job(id) == nullptr) {
        carried.insert(id);
        unknown = true;
      }
    }
    for (auto& [id, job] : model.jobs()) {
      all.insert(id);
      auto row = rows.find(id);
      count(invariant);
      if (row == rows.end()) {
        fail(invariant, "job " + std::to_string(id) + " is gone after the reopen");
        return;
      }
      auto seen = version_seen.find(id);
      if (every_history || changed.contains(id) || seen == version_seen.end() ||
          seen->second != row->second.version || row->second.state != job.state) {
        sync_job(id, invariant);
      }
    }
    if (unknown) {
      carried.insert(all.begin(), all.end());
    } else {
      check_leads(all);
    }
    if (options.webhooks) webhooks.check_durable(*engine);
  }

  // --- invariants --------------------------------------------------------------------------
  // The ledger scan (verify_ledger) and every party's balances run every
  // options.full_check_every steps and after every reopen; in between, each step compares the
  // balances of the parties it may have changed: those whose model balances moved and those
  // the engine's events named.
  void check_all(bool due_ran) {
    if (violation) return;
    model.release_settlements(clock->now_ms());
    const bool full = full_check_due ||
                      (options.full_check_every > 0 && stats.steps % options.full_check_every == 0);
    if (full) {
      full_check_due = false;
      auto report = engine->verify_ledger();
      count("ledger");
      if (!report.ok()) {
        fail("ledger", "verify_ledger failed: " + report.status().to_string());
      } else if (!report->ok()) {
        fail("ledger", "verify_ledger: " + report->problems.front());
      }
    }
    for (const auto& [id, party] : model.parties()) {
      Balances& last = compared[id];
      if (!full && !event_parties.contains(id) && same_balances(last, party.balances)) continue;
      last = party.balances;
      auto balances = engine->balances(party.market, id);
      count("balances");
      if (!balances.ok()) {
        fail("balances", "balances unreadable: " + balances.status().to_string());
        return;
      }
      if (!same_balances(*balances, party.balances)) {
        fail("balances", "party " + std::to_string(id) + " has " + show(*balances) +
                             "; the model says " + show(party.balances));
        return;
      }
    }
    event_parties.clear();
    count("holds");
    if (due_ran) check_stuck();
  }

  void check_stuck() {
    const int64_t now = clock->now_ms();
    for (auto& [id, job] : model.jobs()) {
      if (model.terminal(job)) continue;
      count("stuck");
      const std::optional<int64_t> leave_by = model.leave_by_ms(job);
      if (!leave_by) {
        fail("stuck", "job " + std::to_string(id) + " in '" + job.state + "' has no timer");
      } else if (*leave_by < now) {
        auto stored = engine->job(id);
        auto parked = engine->stuck_due_work(1000);
        std::string why;
        if (parked.ok()) {
          for (const StuckDueWork& work : *parked) {
            if (work.job_id == id) why += "; parked: " + work.transition + " " + work.last_error;
          }
        }
        fail("stuck", "job " + std::to_string(id) + " still in '" + job.state + "' " +
                          std::to_string(now - *leave_by) + " ms after its timer was due" +
                          (stored.ok() && stored->expires_at_ms
                               ? " (its expires_at is " +
                                     std::to_string(*stored->expires_at_ms - now) + " ms from now)"
                               : std::string(" (no expires_at)")) +
                          why);
      }
    }
    auto stuck = engine->count_stuck_due_work();
    count("stuck");
    if (!stuck.ok() || *stuck != 0) {
      auto list = engine->stuck_due_work(1);
      fail("stuck",
           "due work parked: " + (list.ok() && !list->empty()
                                      ? list->front().transition + " of job " +
                                            std::to_string(list->front().job_id.value_or(0)) +
                                            ": " + list->front().last_error
                                      : std::string("?")));
    }
  }

  // --- steps ---------------------------------------------------------------------------------
  void maybe_key(Op& op, Rng& rng, bool unique) {
    std::optional<IdempotencyKey>* key = key_of(op);
    if (key == nullptr) return;
    if (unique) {
      *key = IdempotencyKey{principal_of(op), "u" + std::to_string(++key_counter)};
    } else if (rng.percent(30)) {
      *key = IdempotencyKey{principal_of(op), "k" + std::to_string(rng.below(4))};
    }
  }

  Op next_op(Rng& rng, size_t market) {
    World w = world(market, rng);
    return modules[market]->next(w);
  }

  // One operation per market (markets share nothing, so the order of commits inside the
  // batch cannot change the outcome).
  std::vector<Op> batch(Rng& rng, bool keyed) {
    std::vector<Op> ops;
    for (size_t m = 0; m < modules.size(); ++m) {
      if (!rng.percent(70)) continue;
      Op op = next_op(rng, m);
      maybe_key(op, rng, keyed);
      ops.push_back(std::move(op));
    }
    if (ops.empty()) ops.push_back(next_op(rng, 0));
    return ops;
  }

  void run_batch(std::vector<Op> ops, bool faulted) {
    step_text = "batch of " + std::to_string(ops.size()) + ":";
    for (const Op& op : ops) step_text += " [" + describe(op) + "]";
    std::vector<Outcome> outcomes =
        options.threads ? run_concurrently(ops) : std::vector<Outcome>{};
    if (!options.threads) {
      for (const Op& op : ops) outcomes.push_back(execute(*engine, op));
      stats.operations += static_cast<int64_t>(ops.size());
    }
    if (faulted) return finish_faulted(ops, outcomes);
    for (size_t i = 0; i < ops.size(); ++i) {
      if (transient(outcomes[i].status)) outcomes[i] = run_with_retries(ops[i]);
      settle(ops[i], outcomes[i]);
    }
    observe();
  }

  // After a fault: outcomes of failed calls are unknown until retried with the same key.
  void finish_faulted(const std::vector<Op>& ops, std::vector<Outcome>& outcomes) {
    uncertain = true;
    recover();
    for (size_t i = 0; i < ops.size() && !violation; ++i) {
      if (!outcomes[i].status.ok()) {
        ++stats.retries;
        outcomes[i] = run_with_retries(ops[i]);
      }
      settle(ops[i], outcomes[i]);
    }
    observe();
    uncertain = false;
  }

  // Brings a faulted engine back: reopens it if its writer is broken, makes parked due work
  // due again and lets due work run.
  void recover() {
    auto due = engine->run_due();
    if (!due.ok()) reopen(false);
    if (violation) return;
    auto stuck = engine->stuck_due_work(1000);
    if (stuck.ok()) {
      for (const StuckDueWork& work : *stuck) {
        engine->retry_stuck_due_work(work.kind, work.id).ignore();
      }
    }
    auto advanced = engine->advance_ms(1);
    if (!advanced.ok())
      fail("stuck", "due work failed without faults: " + advanced.status().to_string());
  }

  void race(Rng& rng) {
    const size_t market = static_cast<size_t>(rng.below(static_cast<int64_t>(modules.size())));
    World w = world(market, rng);
    std::optional<Op> op = random_fire(w);
    if (!op) return single(rng);
    const bool keyed = rng.percent(50);
    if (keyed) maybe_key(*op, rng, true);
    const int copies = static_cast<int>(rng.between(2, 4));
    std::vector<Op> ops(static_cast<size_t>(copies), *op);
    step_text = "race x" + std::to_string(copies) + ": " + describe(*op);
    std::vector<Outcome> outcomes = run_concurrently(ops);
    int executed = 0;
    for (const Outcome& out : outcomes) executed += out.status.ok() && !out.replayed ? 1 : 0;
    const ModelJob* job = model.job(op->fire.job_id);
    const TransitionDef* t =
        job ? model.lifecycle(job->lifecycle).transition(op->fire.transition) : nullptr;
    const bool leaves =
        t != nullptr && std::find(t->from.begin(), t->from.end(), t->to) == t->from.end();
    count("races");
    if (leaves && executed > 1) {
      fail("races", std::to_string(executed) + " of " + std::to_string(copies) +
                        " identical firings executed");
    }
    for (Outcome& out : outcomes) {
      if (transient(out.status)) out = run_with_retries(*op);
      settle(*op, out);
    }
    observe();
  }

  void single(Rng& rng) {
    const size_t market = static_cast<size_t>(rng.below(static_cast<int64_t>(modules.size())));
    Op op = next_op(rng, market);
    maybe_key(op, rng, false);
    if (key_of(op) != nullptr && *key_of(op)) last_keyed = op;
    if (options.verbose)
      std::printf("  step %lld: %s\n", static_cast<long long>(step), describe(op).c_str());
    run_single(op);
  }

  void retry(Rng& rng) {
    if (!last_keyed) return single(rng);
    Op op = *last_keyed;
    if (rng.percent(40)) {  // the same key with another body
      if (op.kind == Op::Kind::fire) op.fire.result_text += " (changed)";
      if (op.kind == Op::Kind::create) op.create.title += " (changed)";
    }
    run_single(op);
  }

  void jump(Rng& rng) {
    // From a millisecond to three weeks, short jumps more often than long ones.
    static constexpr int64_t kScales[] = {1'000,
                                          60'000,
                                          3'600'000,
                                          kMillisecondsPerDay,
                                          7 * kMillisecondsPerDay,
                                          21 * kMillisecondsPerDay};
    static constexpr int64_t kWeights[] = {25, 25, 20, 15, 10, 5};
    int64_t pick = rng.below(100), scale = 0;
    while (pick >= kWeights[scale]) pick -= kWeights[scale++];
    const int64_t delta = rng.between(1, kScales[scale]);
    step_text = "advance " + std::to_string(delta) + " ms";
    auto advanced = engine->advance_ms(delta);
    if (!advanced.ok()) {
      fail("stuck", "advance failed without faults: " + advanced.status().to_string());
    }
    observe();
  }

  void fault(Rng& rng) {
    const int64_t kind = rng.below(4);
    if (kind == 3) {  // a tiny write queue for a while
      ++stats.faults["write_queue_small"];
      queue_max = static_cast<int32_t>(rng.between(1, 2));
      queue_epoch_end = step + rng.between(5, 40);
      step_text = "reopen with a write queue of " + std::to_string(queue_max);
      reopen(rng.percent(30));
      return;
    }
    std::vector<Op> ops = batch(rng, /*keyed=*/true);
    if (kind == 0) {
      ++stats.faults["crash"];
      vfs->arm_crash(rng.between(1, 40));
      run_batch_raw(ops, "crash", [&] {
        engine.reset();  // no clean close: nothing more reaches the files
        vfs->disarm();
        if (open_engine(rng.percent(50))) full_sweep("durable");
      });
    } else if (kind == 1) {
      ++stats.faults["io_error"];
      vfs->arm(rng.between(1, 30),
               rng.percent(25) ? FaultVfs::Fault::disk_full : FaultVfs::Fault::io_error);
      run_batch_raw(ops, "io_error", [&] { vfs->disarm(); });
    } else {
      ++stats.faults["commit_failed"];
      auto faults = std::make_unique<ControlFaults>(store::sqlite::ControlStatement::commit,
                                                    rng.between(1, 2));
      run_batch_raw(ops, "commit_failed", [&] { faults.reset(); });
    }
  }

  template <typename After>
  void run_batch_raw(const std::vector<Op>& ops, const char* what, After&& after) {
    step_text = std::string(what) + " during batch of " + std::to_string(ops.size()) + ":";
    for (const Op& op : ops) step_text += " [" + describe(op) + "]";
    std::vector<Outcome> outcomes;
    if (options.threads) {
      outcomes = run_concurrently(ops);
    } else {
      for (const Op& op : ops) outcomes.push_back(execute(*engine, op));
      stats.operations += static_cast<int64_t>(ops.size());
    }
    after();
    if (violation) return;
    finish_faulted(ops, outcomes);
  }

  void run_step(int64_t number) {
    step = number;
    Rng rng(mix(options.seed, static_cast<uint64_t>(number)));
    const int64_t roll = rng.below(100);
    if (options.skip.contains(number)) return;
    ++stats.steps;
    if (queue_epoch_end >= 0 && number >= queue_epoch_end) {
      queue_max = 4096;
      queue_epoch_end = -1;
      reopen(false);
    }
    bool due_ran = false;
    if (roll < 62) {
      single(rng);
    } else if (roll < 72) {
      if (options.threads) {
        run_batch(batch(rng, false), false);
      } else {
        single(rng);
      }
    } else if (roll < 76) {
      if (options.threads) {
        race(rng);
      } else {
        single(rng);
      }
    } else if (roll < 80) {
      retry(rng);
    } else if (roll < 95 || !options.faults) {
      jump(rng);
      due_ran = true;
    } else {
      fault(rng);
      due_ran = true;
    }
    if (options.verbose)
      std::printf("  step %lld: %s\n", static_cast<long long>(number), step_text.c_str());
    check_all(due_ran);
    if (options.webhooks && !violation) {
      // Its own stream: the market steps are the same with or without webhooks.
      Rng webhook_rng(mix(options.seed ^ 0x5745424B484F4F4BULL, static_cast<uint64_t>(number)));
      webhooks.step(*engine, webhook_rng);
    }
  }
};

Simulator::Simulator(SimOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.directory.empty()) {
    impl_->options.directory = std::filesystem::temp_directory_path().string();
  }
}

Simulator::~Simulator() {
  impl_->engine.reset();
  if (!impl_->path.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(impl_->path + suffix, ignored);
    }
  }
}

const SimStats& Simulator::stats() const {
  return impl_->stats;
}

std::optional<Violation> Simulator::run() {
  Impl& s = *impl_;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  s.step = 0;
  s.step_text = "setup";
  s.setup();
  for (int64_t number = 1; !s.violation; ++number) {
    if (s.options.steps > 0 && number > s.options.steps) break;
    if (s.options.max_seconds > 0 && elapsed() >= s.options.max_seconds) break;
    if (g_stop.load()) break;
    s.run_step(number);
  }
  s.stats.seconds = elapsed();
  s.stats.market_time_ms = s.clock->now_ms() - kStartMs;
  return s.violation;
}

void request_stop() {
  g_stop.store(true);
}

std::set<int64_t> shrink(const SimOptions& options, const Violation& violation,
                         void (*progress)(const std::string&)) {
  // Delta debugging over the steps before the failing one: drop chunks that the failure does
  // not need, halving the chunk size when no chunk can go.
  std::vector<int64_t> kept;
  for (int64_t s = 1; s < violation.step; ++s) {
    if (!options.skip.contains(s)) kept.push_back(s);
  }
  auto fails_without = [&](const std::vector<int64_t>& keep) {
    SimOptions trial = options;
    trial.steps = violation.step;
    trial.verbose = false;
    trial.skip.clear();
    std::set<int64_t> keep_set(keep.begin(), keep.end());
    for (int64_t s = 1; s < violation.step; ++s) {
      if (!keep_set.contains(s)) trial.skip.insert(s);
    }
    Simulator simulator(trial);
    std::optional<Violation> found = simulator.run();
    return found && found->invariant == violation.invariant;
  };
  size_t chunks = 2;
  int trials = 0;
  while (!kept.empty() && trials < 300) {
    const size_t size = std::max<size_t>(1, kept.size() / chunks);
    bool removed = false;
    for (size_t start = 0; start < kept.size() && trials < 300; start += size) {
      std::vector<int64_t> candidate(kept.begin(), kept.begin() + static_cast<long>(start));
      candidate.insert(candidate.end(),
                       kept.begin() + static_cast<long>(std::min(kept.size(), start + size)),
                       kept.end());
      ++trials;
      if (fails_without(candidate)) {
        kept = std::move(candidate);
        removed = true;
        if (progress != nullptr) {
          progress(std::to_string(kept.size()) + " steps still fail (" + std::to_string(trials) +
                   " trials)");
        }
        break;
      }
    }
    if (!removed) {
      if (size == 1) break;
      chunks = std::min(kept.size(), chunks * 2);
    } else {
      chunks = std::max<size_t>(2, chunks - 1);
    }
  }
  std::set<int64_t> skip;
  std::set<int64_t> keep_set(kept.begin(), kept.end());
  for (int64_t s = 1; s < violation.step; ++s) {
    if (!keep_set.contains(s)) skip.insert(s);
  }
  return skip;
}

}  // namespace mc::sim
