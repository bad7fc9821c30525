// Engine: opening, registry, markets and read-only queries. Parties live in
// engine_parties.cpp, money movement in engine_money.cpp, jobs in engine_jobs.cpp, disputes
// in engine_disputes.cpp and time in engine_time.cpp; all of them go through Engine::Impl
// (engine_impl.h).
#include <algorithm>
#include <string>
#include <utility>

#include "common/planted.h"
#include "engine/engine_impl.h"
#include "engine/job_validation.h"
#include "marketcore/errors.h"
#include "marketcore/humanops.h"
#include "marketcore/mkt1337.h"

namespace mc {
namespace {

Status validate_market_config(const MarketConfig& config, const engine::Registry& registry) {
  if (config.name.empty()) {
    return invalid_argument("market_name_empty", "a market needs a name", "name");
  }
  if (!registry.find_lifecycle(config.lifecycle)) {
    return invalid_argument("unknown_lifecycle",
                            "no lifecycle named '" + config.lifecycle + "' is registered",
                            "lifecycle");
  }
  if (config.asset.code.empty() || config.asset.scale < 0 || config.asset.scale > 18) {
    return invalid_argument("bad_asset", "the asset needs a code and a scale within [0, 18]",
                            "asset");
  }
  const FeePolicy& fees = config.fees;
  const bool bad_bps = fees.platform_fee_bps < 0 || fees.platform_fee_bps > 10'000 ||
                       fees.evaluator_fee_bps < 0 || fees.evaluator_fee_bps > 10'000;
  if (bad_bps || fees.platform_fee_min_minor < 0 || fees.trailing_window_ms < 0) {
    return invalid_argument("bad_fee_policy", "fee rates must be within [0, 10000] bps", "fees");
  }
  if (config.movement_max_minor <= 0 || config.balance_max_minor < config.movement_max_minor ||
      config.balance_max_minor > (int64_t{1} << 62)) {
    return invalid_argument("bad_arithmetic_bounds",
                            "need 0 < movement_max_minor <= balance_max_minor <= 2^62",
                            "balance_max_minor");
  }
  if (config.settlement_hold_ms < 0) {
    return invalid_argument("bad_settlement_hold", "settlement_hold_ms must not be negative",
                            "settlement_hold_ms");
  }
  return engine::validate_json(config.config_json, "config_json");
}

int32_t clamp_limit(int32_t limit) {
  return std::clamp(limit, 1, 1000);
}

}  // namespace

namespace engine {

Status validate_idempotency_key(const std::optional<IdempotencyKey>& key) {
  if (key && (key->scope.empty() || key->key.empty() || key->key.size() > 255)) {
    return invalid_argument(kDetailIdempotencyKeyInvalid,
                            "an idempotency key needs a scope and 1–255 bytes of key",
                            "idempotency");
  }
  return ok_status();
}

Result<std::optional<std::string>> find_replay(store::Transaction& tx,
                                               const std::optional<IdempotencyKey>& key,
                                               const std::string& request_hash) {
  if (!key) return std::optional<std::string>();
#if MC_PLANTED_KEY_WITHOUT_ACTOR
  MC_TRY_ASSIGN(std::optional<store::IdempotencyRecord> record,
                tx.find_idempotency("any", key->key));
#else
  MC_TRY_ASSIGN(std::optional<store::IdempotencyRecord> record,
                tx.find_idempotency(key->scope, key->key));
#endif
  if (!record) return std::optional<std::string>();
  if (record->request_hash != request_hash) {
    return invalid_argument("idempotency_key_reused",
                            "the idempotency key was used for a different request", "idempotency");
  }
  return std::optional<std::string>(std::move(record->result_json));
}

Status save_replay(store::Transaction& tx, const std::optional<IdempotencyKey>& key,
                   const std::string& request_hash, const std::string& result_json) {
  if (!key) return ok_status();
#if MC_PLANTED_KEY_WITHOUT_ACTOR
  return tx.save_idempotency("any", key->key, request_hash, result_json);
#else
  return tx.save_idempotency(key->scope, key->key, request_hash, result_json);
#endif
}

}  // namespace engine

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() {
  // Pending asynchronous calls run engine code: finish them while all of it is alive.
  if (impl_ && impl_->store) impl_->store->wait_for_async_writes();
}

Result<std::unique_ptr<Engine>> Engine::open(EngineOptions options) {
  if (options.idempotency_retention_ms < kMillisecondsPerDay) {
    return invalid_argument("retention_too_short", "idempotency keys must be kept at least 24 h",
                            "idempotency_retention_ms");
  }
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock ? options.clock : system_clock();
  store::StoreOptions store_options;
  store_options.path = options.database_path;
  store_options.durability =
      options.durability == Durability::full ? store::Durability::full : store::Durability::normal;
  store_options.reader_connections = options.reader_connections;
  store_options.progress = options.progress;
  store_options.queue_units_max = options.write_queue_units_max;
  store_options.speculative_batches = options.speculative_batches;
  Result<std::unique_ptr<store::Store>> store = store::open_store(store_options);
  if (!store.ok()) {
    return Status(Code::unavailable, "store_open_failed", store.status().to_string());
  }
  impl->store = std::move(store).value();
  if (options.verify_ledger_at_open) {
    MC_TRY_ASSIGN(LedgerReport report,
                  impl->store->read_result<LedgerReport>(
                      [](store::Reader& reader) { return reader.verify_ledger(); }));
    if (!report.ok()) {
      std::string message = "the ledger does not verify: " + report.problems.front();
      if (report.problems.size() > 1) {
        message += " (and " + std::to_string(report.problems.size() - 1) + " more problems)";
      }
      return Status(Code::data_loss, "ledger_inconsistent", std::move(message));
    }
  }
  impl->options = std::move(options);
  for (const LifecycleDefinition* definition : builtin_lifecycles()) {
    MC_TRY(impl->registry.add_lifecycle(*definition));
  }
  // The host guard of a built-in lifecycle: HumanOps task rules on creation.
  MC_TRY(impl->registry.add_guard("humanops_task", &humanops::check_task));
  // 1337MKT: lead rules on creation, proof rules on submit_proof.
  MC_TRY(impl->registry.add_guard("mkt1337_lead", &mkt1337::check_lead));
  MC_TRY(impl->registry.add_guard("mkt1337_proof", &mkt1337::check_proof));
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const Clock& Engine::clock() const {
  return *impl_->clock;
}

Engine::WriterStatistics Engine::writer_statistics() const {
  const store::StoreStats stats = impl_->store->stats();
  return {.batches_committed = stats.batches_committed,
          .units_committed = stats.units_committed,
          .units_failed = stats.units_failed,
          .batch_units_largest = stats.batch_units_largest,
          .unit_nanos = stats.unit_nanos,
          .commit_nanos = stats.commit_nanos,
          .pages_written = stats.pages_written,
          .batches_rerun = stats.batches_rerun};
}

Status Engine::register_lifecycle(LifecycleDefinition definition) {
  return impl_->registry.add_lifecycle(std::move(definition));
}

Status Engine::register_guard(std::string name, GuardFunction guard) {
  return impl_->registry.add_guard(std::move(name), std::move(guard));
}

Result<LifecycleDefinition> Engine::lifecycle(std::string_view name) const {
  auto definition = impl_->registry.find_lifecycle(name);
  if (!definition) {
    return not_found("lifecycle_not_found", "no lifecycle named '" + std::string(name) + "'");
  }
  return *definition;
}

Result<Market> Engine::create_market(const MarketConfig& config) {
  MC_TRY(validate_market_config(config, impl_->registry));
  return impl_->write<Market>([&](store::Transaction& tx) -> Result<Market> {
    Result<Market> existing = tx.market_by_name(config.name);
    if (existing.ok()) {
      return Status(Code::already_exists, "market_exists",
                    "a market named '" + config.name + "' exists");
    }
    if (existing.status().code() != Code::not_found) return existing.status();
    MC_TRY_ASSIGN(MarketId id, tx.insert_market(config));
    return tx.market(id);
  });
}

Result<Market> Engine::ensure_market(const MarketConfig& config) {
  MC_TRY(validate_market_config(config, impl_->registry));
  return impl_->write<Market>([&](store::Transaction& tx) -> Result<Market> {
    Result<Market> existing = tx.market_by_name(config.name);
    if (existing.ok() || existing.status().code() != Code::not_found) return existing;
    MC_TRY_ASSIGN(MarketId id, tx.insert_market(config));
    return tx.market(id);
  });
}

Result<Market> Engine::market(MarketId id) {
  return impl_->read<Market>([&](store::Reader& reader) { return reader.market(id); });
}

Result<Market> Engine::market_by_name(std::string_view name) {
  return impl_->read<Market>([&](store::Reader& reader) { return reader.market_by_name(name); });
}

Result<Balances> Engine::balances(MarketId market, PartyId party) {
  return impl_->read<Balances>(
      [&](store::Reader& reader) { return reader.balances(market, party); });
}

Result<std::vector<Transfer>> Engine::transfers(MarketId market, PartyId party,
                                                std::optional<TransferId> before_id,
                                                int32_t limit) {
  store::TransferFilter filter;
  filter.market_id = market;
  filter.party_id = party;
  filter.before_id = before_id;
  filter.limit = clamp_limit(limit);
  return impl_->read<std::vector<Transfer>>(
      [&](store::Reader& reader) { return reader.transfers(filter); });
}

Result<LedgerReport> Engine::verify_ledger() {
  return impl_->read<LedgerReport>([](store::Reader& reader) { return reader.verify_ledger(); });
}

Result<Job> Engine::job(JobId id) {
  return impl_->read<Job>([&](store::Reader& reader) { return reader.job(id); });
}

Result<std::vector<Job>> Engine::jobs(const JobQuery& query) {
  JobQuery bounded = query;
  bounded.limit = clamp_limit(query.limit);
  bounded.offset = std::max(0, query.offset);
  return impl_->read<std::vector<Job>>([&](store::Reader& reader) { return reader.jobs(bounded); });
}

Result<std::vector<JobTransitionRecord>> Engine::job_history(JobId id) {
  return impl_->read<std::vector<JobTransitionRecord>>(
      [&](store::Reader& reader) -> Result<std::vector<JobTransitionRecord>> {
        MC_TRY(reader.job(id).status());
        return reader.job_history(id);
      });
}

Result<std::vector<Event>> Engine::events(const EventQuery& query) {
  EventQuery bounded = query;
  bounded.limit = clamp_limit(query.limit);
  return impl_->read<std::vector<Event>>(
      [&](store::Reader& reader) { return reader.events(bounded); });
}

Result<std::vector<Offer>> Engine::offers(JobId job) {
  return impl_->read<std::vector<Offer>>([&](store::Reader& reader) -> Result<std::vector<Offer>> {
    MC_TRY(reader.job(job).status());
    return reader.offers(job);
  });
}

Result<Dispute> Engine::dispute(int64_t dispute_id) {
  return impl_->read<Dispute>([&](store::Reader& reader) { return reader.dispute(dispute_id); });
}

Result<Event> Engine::append_job_event(JobId job_id, std::string type, std::string payload_json) {
  return append_job_event(job_id, std::move(type), std::move(payload_json), JobEventRules{});
}

Result<Event> Engine::append_job_event(JobId job_id, std::string type, std::string payload_json,
                                       const JobEventRules& rules) {
  MC_TRY(engine::validate_json(payload_json, "payload_json"));
  return impl_->write<Event>([&](store::Transaction& tx) -> Result<Event> {
    MC_TRY_ASSIGN(Job job, tx.job(job_id));
    if (rules.worker && job.worker_id != rules.worker) {
      return permission_denied("role_not_allowed", "only the job's worker reports this");
    }
    if (!rules.states.empty() &&
        std::find(rules.states.begin(), rules.states.end(), job.state) == rules.states.end()) {
      return failed_precondition("wrong_state", "the job is " + job.state + "; not reported now");
    }
    Event event;
    event.market_id = job.market_id;
    event.type = type;
    event.job_id = job.id;
    event.party_ids = {job.poster_id};
    if (job.worker_id) event.party_ids.push_back(*job.worker_id);
    if (job.evaluator_id) event.party_ids.push_back(*job.evaluator_id);
    event.payload_json = payload_json;
    event.created_at_ms = tx.now_ms();
    MC_TRY_ASSIGN(event.sequence, tx.append_event(event));
    return event;
  });
}

Result<std::vector<Hold>> Engine::job_holds(JobId job) {
  return impl_->read<std::vector<Hold>>([&](store::Reader& reader) -> Result<std::vector<Hold>> {
    MC_TRY_ASSIGN(std::vector<Hold> holds, reader.holds_of_job(job));
    std::sort(holds.begin(), holds.end(), [](const Hold& a, const Hold& b) { return a.id < b.id; });
    return holds;
  });
}

Result<std::vector<Dispute>> Engine::open_disputes(MarketId market, int32_t limit) {
  return impl_->read<std::vector<Dispute>>(
      [&](store::Reader& reader) { return reader.open_disputes(market, limit); });
}

}  // namespace mc
