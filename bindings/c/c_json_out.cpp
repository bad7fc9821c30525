// Renders engine results as the C ABI's JSON (see c_json_out.h).
#include "c_json_out.h"

#include "c_lifecycle_json.h"
#include "json/json_writer.h"

namespace mc::c_api {
namespace {

using json::JsonWriter;

template <typename T>
void optional_value(JsonWriter& json, std::string_view key, const std::optional<T>& value) {
  json.key(key);
  if (value) {
    json.value(*value);
  } else {
    json.null();
  }
}

// Embeds stored JSON text; "" (never set) renders as null.
void stored_json(JsonWriter& json, std::string_view key, const std::string& text) {
  json.key(key);
  if (text.empty()) {
    json.null();
  } else {
    json.raw(text);
  }
}

void texts(JsonWriter& json, std::string_view key, const std::vector<std::string>& values) {
  json.key(key).begin_array();
  for (const std::string& value : values) json.value(value);
  json.end_array();
}

void write_job(JsonWriter& json, const Job& job) {
  json.begin_object();
  json.key("id").value(job.id);
  json.key("market_id").value(job.market_id);
  optional_value(json, "parent_job_id", job.parent_job_id);
  json.key("lifecycle").value(job.lifecycle);
  json.key("state").value(job.state);
  json.key("poster_id").value(job.poster_id);
  optional_value(json, "worker_id", job.worker_id);
  optional_value(json, "evaluator_id", job.evaluator_id);
  json.key("amount_minor").value(job.amount_minor);
  json.key("fees").begin_object();
  json.key("amount_minor").value(job.fees.amount_minor);
  json.key("platform_fee_bps").value(job.fees.platform_fee_bps);
  json.key("platform_fee_minor").value(job.fees.platform_fee_minor);
  json.key("evaluator_fee_minor").value(job.fees.evaluator_fee_minor);
  json.key("worker_minor").value(job.fees.worker_minor);
  json.key("escrow_minor").value(job.fees.escrow_minor);
  json.end_object();
  optional_value(json, "escrow_hold_id", job.escrow_hold_id);
  json.key("title").value(job.title);
  json.key("description").value(job.description);
  json.key("prompt").value(job.prompt);
  json.key("category").value(job.category);
  texts(json, "capabilities", job.capabilities);
  optional_value(json, "deadline_at_ms", job.deadline_at_ms);
  optional_value(json, "work_timeout_ms", job.work_timeout_ms);
  json.key("contracts_max").value(job.contracts_max);
  json.key("contracts_taken").value(job.contracts_taken);
  stored_json(json, "payload", job.payload_json);
  json.key("result_text").value(job.result_text);
  stored_json(json, "proof", job.proof_json);
  stored_json(json, "verdict", job.verdict_json);
  json.key("created_at_ms").value(job.created_at_ms);
  json.key("updated_at_ms").value(job.updated_at_ms);
  optional_value(json, "accepted_at_ms", job.accepted_at_ms);
  optional_value(json, "submitted_at_ms", job.submitted_at_ms);
  optional_value(json, "completed_at_ms", job.completed_at_ms);
  optional_value(json, "expires_at_ms", job.expires_at_ms);
  json.key("version").value(job.version);
  json.end_object();
}

}  // namespace

std::string market_json(const Market& market) {
  const MarketConfig& config = market.config;
  JsonWriter json;
  json.begin_object();
  json.key("id").value(market.id);
  json.key("name").value(config.name);
  json.key("asset").begin_object();
  json.key("code").value(config.asset.code);
  json.key("scale").value(config.asset.scale);
  json.end_object();
  json.key("lifecycle").value(config.lifecycle);
  json.key("fees").begin_object();
  json.key("mode").value(fee_mode_name(config.fees.mode));
  json.key("platform_fee_bps").value(config.fees.platform_fee_bps);
  json.key("platform_fee_min_minor").value(config.fees.platform_fee_min_minor);
  json.key("evaluator_fee_bps").value(config.fees.evaluator_fee_bps);
  json.key("rounding").value(rounding_name(config.fees.rounding));
  json.end_object();
  json.key("limits").begin_object();
  json.key("amount_min_minor").value(config.limits.amount_min_minor);
  json.key("amount_max_minor").value(config.limits.amount_max_minor);
  texts(json, "categories", config.limits.categories);
  json.key("work_timeout_min_ms").value(config.limits.work_timeout_min_ms);
  json.key("work_timeout_max_ms").value(config.limits.work_timeout_max_ms);
  json.key("contracts_max").value(config.limits.contracts_max);
  json.end_object();
  json.key("settlement_hold_ms").value(config.settlement_hold_ms);
  json.key("test_mode").value(config.test_mode);
  json.key("movement_max_minor").value(config.movement_max_minor);
  json.key("balance_max_minor").value(config.balance_max_minor);
  stored_json(json, "config", config.config_json);
  json.key("created_at_ms").value(market.created_at_ms);
  json.end_object();
  return std::move(json).take();
}

std::string party_json(const Party& party) {
  JsonWriter json;
  json.begin_object();
  json.key("id").value(party.id);
  json.key("market_id").value(party.market_id);
  json.key("kind").value(party.kind);
  json.key("display_name").value(party.display_name);
  json.key("email").value(party.email);
  json.key("wallet_address").value(party.wallet_address);
  json.key("external_id").value(party.external_id);
  texts(json, "capabilities", party.capabilities);
  json.key("kyc_status").value(party.kyc_status);
  json.key("endpoint_url").value(party.endpoint_url);
  json.key("webhook_url").value(party.webhook_url);
  json.key("reputation").value(party.reputation);
  json.key("tier").value(party.tier);
  stored_json(json, "profile", party.profile_json);
  json.key("created_at_ms").value(party.created_at_ms);
  json.key("updated_at_ms").value(party.updated_at_ms);
  json.end_object();
  return std::move(json).take();
}

std::string movement_json(const MoneyMovement& movement) {
  JsonWriter json;
  json.begin_object();
  json.key("transfer_id").value(movement.transfer_id);
  json.key("balance_after_minor").value(movement.balance_after_minor);
  json.key("replayed").value(movement.replayed);
  json.end_object();
  return std::move(json).take();
}

std::string balances_json(const Balances& balances) {
  JsonWriter json;
  json.begin_object();
  json.key("available_minor").value(balances.available_minor);
  json.key("promo_minor").value(balances.promo_minor);
  json.key("pending_minor").value(balances.pending_minor);
  json.key("stake_minor").value(balances.stake_minor);
  json.key("stake_locked_minor").value(balances.stake_locked_minor);
  json.key("escrow_minor").value(balances.escrow_minor);
  json.end_object();
  return std::move(json).take();
}

std::string transfers_json(const std::vector<Transfer>& transfers) {
  JsonWriter json;
  json.begin_array();
  for (const Transfer& transfer : transfers) {
    json.begin_object();
    json.key("id").value(transfer.id);
    json.key("market_id").value(transfer.market_id);
    json.key("debit_account_id").value(transfer.debit_account_id);
    json.key("credit_account_id").value(transfer.credit_account_id);
    json.key("amount_minor").value(transfer.amount_minor);
    json.key("reason").value(transfer.reason);
    optional_value(json, "job_id", transfer.job_id);
    optional_value(json, "hold_id", transfer.hold_id);
    optional_value(json, "external_ref", transfer.external_ref);
    json.key("created_at_ms").value(transfer.created_at_ms);
    json.end_object();
  }
  json.end_array();
  return std::move(json).take();
}

std::string ledger_report_json(const LedgerReport& report) {
  JsonWriter json;
  json.begin_object();
  json.key("ok").value(report.ok());
  json.key("markets_checked").value(report.markets_checked);
  json.key("accounts_checked").value(report.accounts_checked);
  json.key("transfers_checked").value(report.transfers_checked);
  texts(json, "problems", report.problems);
  json.end_object();
  return std::move(json).take();
}

std::string job_json(const Job& job) {
  JsonWriter json;
  write_job(json, job);
  return std::move(json).take();
}

std::string jobs_json(const std::vector<Job>& jobs) {
  JsonWriter json;
  json.begin_array();
  for (const Job& job : jobs) write_job(json, job);
  json.end_array();
  return std::move(json).take();
}

std::string outcome_json(const JobOutcome& outcome) {
  JsonWriter json;
  json.begin_object();
  json.key("job");
  write_job(json, outcome.job);
  json.key("fired").value(outcome.fired);
  json.key("replayed").value(outcome.replayed);
  json.end_object();
  return std::move(json).take();
}

std::string history_json(const std::vector<JobTransitionRecord>& history) {
  JsonWriter json;
  json.begin_array();
  for (const JobTransitionRecord& record : history) {
    json.begin_object();
    json.key("id").value(record.id);
    json.key("job_id").value(record.job_id);
    json.key("transition").value(record.transition);
    json.key("from_state").value(record.from_state);
    json.key("to_state").value(record.to_state);
    optional_value(json, "actor_id", record.actor_id);
    json.key("actor_role").value(record.actor_role);
    json.key("at_ms").value(record.at_ms);
    json.end_object();
  }
  json.end_array();
  return std::move(json).take();
}

std::string events_json(const std::vector<Event>& events) {
  JsonWriter json;
  json.begin_array();
  for (const Event& event : events) {
    json.begin_object();
    json.key("sequence").value(event.sequence);
    json.key("market_id").value(event.market_id);
    json.key("type").value(event.type);
    optional_value(json, "job_id", event.job_id);
    json.key("party_ids").begin_array();
    for (PartyId party : event.party_ids) json.value(party);
    json.end_array();
    json.key("broadcast").value(event.broadcast);
    stored_json(json, "payload", event.payload_json);
    json.key("created_at_ms").value(event.created_at_ms);
    json.end_object();
  }
  json.end_array();
  return std::move(json).take();
}

std::string lifecycle_json(const LifecycleDefinition& definition) {
  JsonWriter json;
  write_lifecycle(json, definition);
  return std::move(json).take();
}

}  // namespace mc::c_api
