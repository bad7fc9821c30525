// server/native/render.cpp — JSON shapes of the native API.
#include "render.h"

#include "marketcore/money.h"

namespace mc::server::native {
namespace {

void optional_int(json::JsonWriter& out, std::string_view name, const std::optional<int64_t>& v) {
  out.key(name);
  if (v) {
    out.value(*v);
  } else {
    out.null();
  }
}

void json_or_null(json::JsonWriter& out, std::string_view name, const std::string& text) {
  out.key(name);
  if (text.empty()) {
    out.null();
  } else {
    out.raw(text);
  }
}

void strings(json::JsonWriter& out, std::string_view name, const std::vector<std::string>& list) {
  out.key(name).begin_array();
  for (const std::string& item : list) out.value(item);
  out.end_array();
}

}  // namespace

void write_amount(json::JsonWriter& out, std::string_view name, int64_t amount_minor,
                  const Asset& asset) {
  out.key(std::string(name) + "_minor").value(amount_minor);
  out.key(name).value(format_decimal(amount_minor, asset.scale));
}

void write_market(json::JsonWriter& out, const Market& market) {
  const MarketConfig& config = market.config;
  out.begin_object();
  out.key("object").value("market");
  out.key("id").value(market.id);
  out.key("name").value(config.name);
  out.key("asset").begin_object();
  out.key("code").value(config.asset.code);
  out.key("scale").value(static_cast<int64_t>(config.asset.scale));
  out.end_object();
  out.key("lifecycle").value(config.lifecycle);
  out.key("fees").begin_object();
  out.key("mode").value(config.fees.mode == FeeMode::fee_on_top ? "fee_on_top" : "fee_deducted");
  out.key("platform_fee_bps").value(static_cast<int64_t>(config.fees.platform_fee_bps));
  out.key("evaluator_fee_bps").value(static_cast<int64_t>(config.fees.evaluator_fee_bps));
  out.key("platform_fee_min_minor").value(config.fees.platform_fee_min_minor);
  out.end_object();
  out.key("limits").begin_object();
  out.key("amount_min_minor").value(config.limits.amount_min_minor);
  out.key("amount_max_minor").value(config.limits.amount_max_minor);
  strings(out, "categories", config.limits.categories);
  out.key("contracts_max").value(static_cast<int64_t>(config.limits.contracts_max));
  out.end_object();
  out.key("settlement_hold_ms").value(config.settlement_hold_ms);
  out.key("test_mode").value(config.test_mode);
  out.key("created_at_ms").value(market.created_at_ms);
  out.end_object();
}

void write_party(json::JsonWriter& out, const Party& party) {
  out.begin_object();
  out.key("object").value("party");
  out.key("id").value(party.id);
  out.key("market_id").value(party.market_id);
  out.key("kind").value(party.kind);
  out.key("display_name").value(party.display_name);
  out.key("email").value(party.email);
  out.key("wallet_address").value(party.wallet_address);
  out.key("external_id").value(party.external_id);
  strings(out, "capabilities", party.capabilities);
  out.key("kyc_status").value(party.kyc_status);
  out.key("endpoint_url").value(party.endpoint_url);
  out.key("webhook_url").value(party.webhook_url);
  out.key("reputation").value(party.reputation);
  out.key("tier").value(party.tier);
  json_or_null(out, "profile", party.profile_json);
  out.key("created_at_ms").value(party.created_at_ms);
  out.end_object();
}

void write_job(json::JsonWriter& out, const Job& job, const Asset& asset) {
  out.begin_object();
  out.key("object").value("job");
  out.key("id").value(job.id);
  out.key("market_id").value(job.market_id);
  optional_int(out, "parent_job_id", job.parent_job_id);
  out.key("lifecycle").value(job.lifecycle);
  out.key("state").value(job.state);
  out.key("poster_id").value(job.poster_id);
  optional_int(out, "worker_id", job.worker_id);
  optional_int(out, "evaluator_id", job.evaluator_id);
  out.key("currency").value(asset.code);
  write_amount(out, "amount", job.amount_minor, asset);
  out.key("fees").begin_object();
  out.key("platform_fee_bps").value(static_cast<int64_t>(job.fees.platform_fee_bps));
  write_amount(out, "platform_fee", job.fees.platform_fee_minor, asset);
  write_amount(out, "evaluator_fee", job.fees.evaluator_fee_minor, asset);
  write_amount(out, "worker", job.fees.worker_minor, asset);
  write_amount(out, "escrow", job.fees.escrow_minor, asset);
  out.end_object();
  out.key("title").value(job.title);
  out.key("description").value(job.description);
  out.key("prompt").value(job.prompt);
  out.key("category").value(job.category);
  strings(out, "capabilities", job.capabilities);
  optional_int(out, "deadline_at_ms", job.deadline_at_ms);
  optional_int(out, "work_timeout_ms", job.work_timeout_ms);
  out.key("contracts_max").value(static_cast<int64_t>(job.contracts_max));
  out.key("contracts_taken").value(static_cast<int64_t>(job.contracts_taken));
  json_or_null(out, "payload", job.payload_json);
  out.key("result").value(job.result_text);
  json_or_null(out, "proof", job.proof_json);
  json_or_null(out, "verdict", job.verdict_json);
  out.key("created_at_ms").value(job.created_at_ms);
  out.key("updated_at_ms").value(job.updated_at_ms);
  optional_int(out, "accepted_at_ms", job.accepted_at_ms);
  optional_int(out, "submitted_at_ms", job.submitted_at_ms);
  optional_int(out, "completed_at_ms", job.completed_at_ms);
  optional_int(out, "expires_at_ms", job.expires_at_ms);
  out.key("version").value(job.version);
  // Fields this caller sees cut to a preview or not at all (the market's visibility rules).
  out.key("redacted_fields").begin_array();
  for (JobField field : job.redacted_fields) out.value(job_field_name(field));
  out.end_array();
  out.end_object();
}

void write_history(json::JsonWriter& out, const JobTransitionRecord& record) {
  out.begin_object();
  out.key("object").value("job_transition");
  out.key("id").value(record.id);
  out.key("job_id").value(record.job_id);
  out.key("transition").value(record.transition);
  out.key("from_state").value(record.from_state);
  out.key("to_state").value(record.to_state);
  optional_int(out, "actor_id", record.actor_id);
  out.key("actor_role").value(record.actor_role);
  out.key("at_ms").value(record.at_ms);
  out.end_object();
}

void write_transfer(json::JsonWriter& out, const Transfer& transfer, const Asset& asset) {
  out.begin_object();
  out.key("object").value("transfer");
  out.key("id").value(transfer.id);
  out.key("market_id").value(transfer.market_id);
  out.key("debit_account_id").value(transfer.debit_account_id);
  out.key("credit_account_id").value(transfer.credit_account_id);
  write_amount(out, "amount", transfer.amount_minor, asset);
  out.key("reason").value(transfer.reason);
  optional_int(out, "job_id", transfer.job_id);
  optional_int(out, "hold_id", transfer.hold_id);
  out.key("external_ref");
  if (transfer.external_ref) {
    out.value(*transfer.external_ref);
  } else {
    out.null();
  }
  out.key("created_at_ms").value(transfer.created_at_ms);
  out.end_object();
}

void write_balances(json::JsonWriter& out, PartyId party, const Balances& balances,
                    const Asset& asset) {
  out.begin_object();
  out.key("object").value("balance");
  out.key("party_id").value(party);
  out.key("currency").value(asset.code);
  write_amount(out, "available", balances.available_minor, asset);
  write_amount(out, "promo", balances.promo_minor, asset);
  write_amount(out, "pending", balances.pending_minor, asset);
  write_amount(out, "stake", balances.stake_minor, asset);
  write_amount(out, "stake_locked", balances.stake_locked_minor, asset);
  write_amount(out, "escrow", balances.escrow_minor, asset);
  out.end_object();
}

void write_event(json::JsonWriter& out, const Event& event) {
  out.begin_object();
  out.key("object").value("event");
  out.key("sequence").value(event.sequence);
  out.key("market_id").value(event.market_id);
  out.key("type").value(event.type);
  optional_int(out, "job_id", event.job_id);
  out.key("party_ids").begin_array();
  for (PartyId id : event.party_ids) out.value(id);
  out.end_array();
  out.key("broadcast").value(event.broadcast);
  json_or_null(out, "data", event.payload_json);
  out.key("created_at_ms").value(event.created_at_ms);
  out.end_object();
}

void write_api_key(json::JsonWriter& out, const auth::ApiKeyRecord& key) {
  out.begin_object();
  out.key("object").value("api_key");
  out.key("id").value(key.id);
  out.key("prefix").value(key.display_prefix);
  out.key("label").value(key.label);
  out.key("created_at_ms").value(key.created_at_ms);
  optional_int(out, "revoked_at_ms", key.revoked_at_ms);
  optional_int(out, "last_used_at_ms", key.last_used_at_ms);
  out.end_object();
}

void write_dispute(json::JsonWriter& out, const Dispute& dispute) {
  out.begin_object();
  out.key("object").value("dispute");
  out.key("id").value(dispute.id);
  out.key("job_id").value(dispute.job_id);
  out.key("filed_by").value(dispute.filed_by);
  out.key("status").value(dispute.status);
  out.key("reason").value(dispute.reason);
  out.key("judges_needed").value(static_cast<int64_t>(dispute.judges_needed));
  out.key("verdict").value(dispute.verdict);
  out.key("outcome").value(dispute.outcome);
  out.key("created_at_ms").value(dispute.created_at_ms);
  optional_int(out, "resolved_at_ms", dispute.resolved_at_ms);
  out.end_object();
}

void write_offer(json::JsonWriter& out, const Offer& offer) {
  out.begin_object();
  out.key("object").value("offer");
  out.key("id").value(offer.id);
  out.key("job_id").value(offer.job_id);
  out.key("party_id").value(offer.party_id);
  out.key("status").value(offer.status);
  json_or_null(out, "payload", offer.payload_json);
  out.key("created_at_ms").value(offer.created_at_ms);
  out.end_object();
}

}  // namespace mc::server::native
