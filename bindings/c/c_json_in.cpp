// The C ABI's JSON requests (see c_json_in.h for the rules, marketcore_c.h for the fields).
#include "c_json_in.h"

#include <algorithm>
#include <limits>

#include "c_lifecycle_json.h"

namespace mc::c_api {

using simdjson::dom::element;
using simdjson::dom::element_type;

Status wrong_type(const std::string& param, std::string_view expected) {
  return invalid_argument("invalid_type", param + " must be " + std::string(expected), param);
}

JsonIn::JsonIn(simdjson::dom::object object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string JsonIn::param(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<element> JsonIn::find(std::string_view key) {
  seen_.emplace_back(key);
  element value;
  if (object_.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_null()) return std::nullopt;
  return value;
}

Status JsonIn::text(std::string_view key, std::string& out) {
  const std::optional<element> value = find(key);
  if (!value) return ok_status();
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) return wrong_type(param(key), "a string");
  out = std::string(text);
  return ok_status();
}

Status JsonIn::text(std::string_view key, std::optional<std::string>& out) {
  if (!find(key)) return ok_status();
  std::string value;
  MC_TRY(text(key, value));
  out = std::move(value);
  return ok_status();
}

Status JsonIn::integer(std::string_view key, int64_t& out) {
  const std::optional<element> value = find(key);
  if (!value) return ok_status();
  if (value->get_int64().get(out) != simdjson::SUCCESS) {
    return wrong_type(param(key), "an integer (int64)");
  }
  return ok_status();
}

Status JsonIn::integer(std::string_view key, int32_t& out) {
  int64_t wide = out;
  MC_TRY(integer(key, wide));
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return wrong_type(param(key), "an integer (int32)");
  }
  out = static_cast<int32_t>(wide);
  return ok_status();
}

Status JsonIn::integer(std::string_view key, std::optional<int64_t>& out) {
  if (!find(key)) return ok_status();
  int64_t value = 0;
  MC_TRY(integer(key, value));
  out = value;
  return ok_status();
}

Status JsonIn::integer(std::string_view key, std::optional<int32_t>& out) {
  if (!find(key)) return ok_status();
  int32_t value = 0;
  MC_TRY(integer(key, value));
  out = value;
  return ok_status();
}

Status JsonIn::flag(std::string_view key, bool& out) {
  const std::optional<element> value = find(key);
  if (!value) return ok_status();
  if (value->get_bool().get(out) != simdjson::SUCCESS) return wrong_type(param(key), "a boolean");
  return ok_status();
}

Status JsonIn::texts(std::string_view key, std::vector<std::string>& out) {
  return elements(key, [&](element item, const std::string& path) -> Status {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) return wrong_type(path, "a string");
    out.emplace_back(text);
    return ok_status();
  });
}

Status JsonIn::raw(std::string_view key, std::string& out) {
  const std::optional<element> value = find(key);
  if (value) out = simdjson::minify(*value);
  return ok_status();
}

Status JsonIn::object(std::string_view key, const std::function<Status(JsonIn&)>& read) {
  const std::optional<element> value = find(key);
  if (!value) return ok_status();
  return read_element(*value, param(key), read);
}

Status JsonIn::elements(std::string_view key,
                        const std::function<Status(element, const std::string&)>& read) {
  const std::optional<element> value = find(key);
  if (!value) return ok_status();
  simdjson::dom::array array;
  if (value->get_array().get(array) != simdjson::SUCCESS) {
    return wrong_type(param(key), "an array");
  }
  size_t index = 0;
  for (element item : array) {
    MC_TRY(read(item, param(key) + "[" + std::to_string(index) + "]"));
    ++index;
  }
  return ok_status();
}

Status JsonIn::require(std::initializer_list<std::string_view> keys) const {
  for (std::string_view key : keys) {
    element value;
    if (object_.at_key(key).get(value) != simdjson::SUCCESS || value.is_null()) {
      return invalid_argument("missing_param", param(key) + " is required", param(key));
    }
  }
  return ok_status();
}

Status JsonIn::finish() const {
  for (simdjson::dom::key_value_pair member : object_) {
    if (std::find(seen_.begin(), seen_.end(), member.key) == seen_.end()) {
      const std::string name = param(member.key);
      return invalid_argument("unknown_param", "unknown field " + name, name);
    }
  }
  return ok_status();
}

Status read_element(element value, const std::string& path,
                    const std::function<Status(JsonIn&)>& read) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    return wrong_type(path.empty() ? "request" : path, "an object");
  }
  JsonIn in(object, path);
  MC_TRY(read(in));
  return in.finish();
}

Status read_object(std::string_view text, const std::function<Status(JsonIn&)>& read) {
  simdjson::dom::parser parser;
  element document;
  if (parser.parse(text.data(), text.size()).get(document) != simdjson::SUCCESS) {
    return invalid_argument("invalid_json", "the request is not valid JSON");
  }
  if (document.type() != element_type::OBJECT) {
    return invalid_argument("invalid_json", "the request must be a JSON object");
  }
  return read_element(document, "", read);
}

namespace {

Status read_idempotency(JsonIn& in, std::optional<IdempotencyKey>& out) {
  return in.object("idempotency", [&](JsonIn& key) -> Status {
    MC_TRY(key.require({"scope", "key"}));
    IdempotencyKey value;
    MC_TRY(key.text("scope", value.scope));
    MC_TRY(key.text("key", value.key));
    out = std::move(value);
    return ok_status();
  });
}

Status read_account_kind(JsonIn& in, std::string_view key, AccountKind& out) {
  std::optional<std::string> name;
  MC_TRY(in.text(key, name));
  if (!name) return ok_status();
  MC_TRY_ASSIGN(out, account_kind_from_name(*name, in.param(key)));
  return ok_status();
}

Status read_fees(JsonIn& in, FeePolicy& fees) {
  std::optional<std::string> mode;
  std::optional<std::string> rounding;
  MC_TRY(in.text("mode", mode));
  if (mode) {
    MC_TRY_ASSIGN(fees.mode, fee_mode_from_name(*mode, in.param("mode")));
  }
  MC_TRY(in.integer("platform_fee_bps", fees.platform_fee_bps));
  MC_TRY(in.integer("platform_fee_min_minor", fees.platform_fee_min_minor));
  MC_TRY(in.integer("evaluator_fee_bps", fees.evaluator_fee_bps));
  MC_TRY(in.integer("trailing_window_ms", fees.trailing_window_ms));
  MC_TRY(in.flag("tier_boundary_inclusive", fees.tier_boundary_inclusive));
  MC_TRY(in.elements("tiers", [&](simdjson::dom::element item, const std::string& path) {
    return read_element(item, path, [&](JsonIn& tier_in) -> Status {
      FeeTier tier;
      MC_TRY(tier_in.integer("spend_from_minor", tier.spend_from_minor));
      MC_TRY(tier_in.integer("fee_bps", tier.fee_bps));
      fees.tiers.push_back(tier);
      return ok_status();
    });
  }));
  MC_TRY(in.text("rounding", rounding));
  if (rounding) {
    MC_TRY_ASSIGN(fees.rounding, rounding_from_name(*rounding, in.param("rounding")));
  }
  return ok_status();
}

Status read_limits(JsonIn& in, JobLimits& limits) {
  MC_TRY(in.integer("amount_min_minor", limits.amount_min_minor));
  MC_TRY(in.integer("amount_max_minor", limits.amount_max_minor));
  MC_TRY(in.integer("title_chars_max", limits.title_chars_max));
  MC_TRY(in.integer("description_chars_max", limits.description_chars_max));
  MC_TRY(in.integer("prompt_chars_max", limits.prompt_chars_max));
  MC_TRY(in.integer("payload_bytes_max", limits.payload_bytes_max));
  MC_TRY(in.texts("categories", limits.categories));
  MC_TRY(in.integer("work_timeout_min_ms", limits.work_timeout_min_ms));
  MC_TRY(in.integer("work_timeout_max_ms", limits.work_timeout_max_ms));
  MC_TRY(in.integer("contracts_max", limits.contracts_max));
  return ok_status();
}

}  // namespace

Result<EngineOptions> parse_engine_options(std::string_view text) {
  EngineOptions options;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"database_path"}));
    MC_TRY(in.text("database_path", options.database_path));
    std::string clock = "system";
    int64_t clock_start_ms = 0;
    MC_TRY(in.text("clock", clock));
    MC_TRY(in.integer("clock_start_ms", clock_start_ms));
    if (clock == "manual") {
      options.clock = std::make_shared<ManualClock>(clock_start_ms);
    } else if (clock == "system") {
      options.clock = system_clock();
    } else {
      return invalid_argument("invalid_value", "clock must be \"system\" or \"manual\"", "clock");
    }
    std::string durability = "full";
    MC_TRY(in.text("durability", durability));
    if (durability == "full" || durability == "normal") {
      options.durability = durability == "full" ? Durability::full : Durability::normal;
    } else {
      return invalid_argument("invalid_value", "durability must be \"full\" or \"normal\"",
                              "durability");
    }
    MC_TRY(in.integer("reader_connections", options.reader_connections));
    MC_TRY(in.flag("verify_ledger_at_open", options.verify_ledger_at_open));
    return ok_status();
  }));
  return options;
}

Result<MarketConfig> parse_market_config(std::string_view text) {
  MarketConfig config;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"name", "lifecycle"}));
    MC_TRY(in.text("name", config.name));
    MC_TRY(in.text("lifecycle", config.lifecycle));
    MC_TRY(in.object("asset", [&](JsonIn& asset) -> Status {
      MC_TRY(asset.text("code", config.asset.code));
      return asset.integer("scale", config.asset.scale);
    }));
    MC_TRY(in.object("fees", [&](JsonIn& fees) { return read_fees(fees, config.fees); }));
    MC_TRY(in.object("limits", [&](JsonIn& limits) { return read_limits(limits, config.limits); }));
    MC_TRY(in.integer("settlement_hold_ms", config.settlement_hold_ms));
    MC_TRY(in.flag("test_mode", config.test_mode));
    MC_TRY(in.integer("movement_max_minor", config.movement_max_minor));
    MC_TRY(in.integer("balance_max_minor", config.balance_max_minor));
    MC_TRY(in.flag("unique_email", config.unique_email));
    MC_TRY(in.flag("unique_wallet", config.unique_wallet));
    MC_TRY(in.flag("unique_external_id", config.unique_external_id));
    return in.raw("config", config.config_json);
  }));
  return config;
}

Result<Party> parse_party(std::string_view text) {
  Party party;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"market_id"}));
    MC_TRY(in.integer("market_id", party.market_id));
    MC_TRY(in.text("kind", party.kind));
    MC_TRY(in.text("display_name", party.display_name));
    MC_TRY(in.text("email", party.email));
    MC_TRY(in.text("wallet_address", party.wallet_address));
    MC_TRY(in.text("external_id", party.external_id));
    MC_TRY(in.texts("capabilities", party.capabilities));
    MC_TRY(in.text("kyc_status", party.kyc_status));
    MC_TRY(in.text("endpoint_url", party.endpoint_url));
    MC_TRY(in.text("webhook_url", party.webhook_url));
    MC_TRY(in.integer("reputation", party.reputation));
    MC_TRY(in.text("tier", party.tier));
    return in.raw("profile", party.profile_json);
  }));
  return party;
}

Result<Deposit> parse_deposit(std::string_view text) {
  Deposit deposit;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"market_id", "party_id", "amount_minor"}));
    MC_TRY(in.integer("market_id", deposit.market_id));
    MC_TRY(in.integer("party_id", deposit.party_id));
    MC_TRY(in.integer("amount_minor", deposit.amount_minor));
    MC_TRY(read_account_kind(in, "into", deposit.into));
    MC_TRY(in.text("reason", deposit.reason));
    MC_TRY(in.text("external_ref", deposit.external_ref));
    return read_idempotency(in, deposit.idempotency);
  }));
  return deposit;
}

Result<Withdrawal> parse_withdrawal(std::string_view text) {
  Withdrawal withdrawal;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"market_id", "party_id", "amount_minor"}));
    MC_TRY(in.integer("market_id", withdrawal.market_id));
    MC_TRY(in.integer("party_id", withdrawal.party_id));
    MC_TRY(in.integer("amount_minor", withdrawal.amount_minor));
    MC_TRY(read_account_kind(in, "from", withdrawal.from));
    MC_TRY(in.text("reason", withdrawal.reason));
    MC_TRY(in.text("external_ref", withdrawal.external_ref));
    return read_idempotency(in, withdrawal.idempotency);
  }));
  return withdrawal;
}

Result<CreateJob> parse_create_job(std::string_view text) {
  CreateJob job;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"market_id", "poster_id", "amount_minor"}));
    MC_TRY(in.integer("market_id", job.market_id));
    MC_TRY(in.integer("poster_id", job.poster_id));
    MC_TRY(in.integer("amount_minor", job.amount_minor));
    MC_TRY(in.integer("evaluator_id", job.evaluator_id));
    MC_TRY(in.integer("worker_id", job.worker_id));
    MC_TRY(in.integer("parent_job_id", job.parent_job_id));
    MC_TRY(in.text("title", job.title));
    MC_TRY(in.text("description", job.description));
    MC_TRY(in.text("prompt", job.prompt));
    MC_TRY(in.text("category", job.category));
    MC_TRY(in.texts("capabilities", job.capabilities));
    MC_TRY(in.integer("deadline_at_ms", job.deadline_at_ms));
    MC_TRY(in.integer("work_timeout_ms", job.work_timeout_ms));
    MC_TRY(in.integer("contracts_max", job.contracts_max));
    MC_TRY(in.raw("payload", job.payload_json));
    MC_TRY(in.text("then_fire", job.then_fire));
    return read_idempotency(in, job.idempotency);
  }));
  return job;
}

Result<FireTransition> parse_fire(std::string_view text) {
  FireTransition fire;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.require({"job_id", "transition"}));
    MC_TRY(in.integer("job_id", fire.job_id));
    MC_TRY(in.text("transition", fire.transition));
    MC_TRY(in.integer("actor_id", fire.actor_id));
    MC_TRY(in.flag("as_platform", fire.as_platform));
    MC_TRY(in.text("result_text", fire.result_text));
    MC_TRY(in.raw("proof", fire.proof_json));
    MC_TRY(in.raw("verdict", fire.verdict_json));
    MC_TRY(in.integer("confidence", fire.confidence));
    MC_TRY(in.integer("worker_id", fire.worker_id));
    return read_idempotency(in, fire.idempotency);
  }));
  return fire;
}

Result<JobQuery> parse_job_query(std::string_view text) {
  JobQuery query;
  if (text.empty()) return query;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.integer("market_id", query.market_id));
    MC_TRY(in.text("state", query.state));
    MC_TRY(in.integer("poster_id", query.poster_id));
    MC_TRY(in.integer("worker_id", query.worker_id));
    MC_TRY(in.integer("any_party_id", query.any_party_id));
    MC_TRY(in.integer("parent_job_id", query.parent_job_id));
    MC_TRY(in.text("category", query.category));
    MC_TRY(in.text("capability", query.capability));
    MC_TRY(in.integer("before_id", query.before_id));
    MC_TRY(in.integer("limit", query.limit));
    return in.integer("offset", query.offset);
  }));
  return query;
}

Result<EventQuery> parse_event_query(std::string_view text) {
  EventQuery query;
  if (text.empty()) return query;
  MC_TRY(read_object(text, [&](JsonIn& in) -> Status {
    MC_TRY(in.integer("after_sequence", query.after_sequence));
    MC_TRY(in.integer("market_id", query.market_id));
    MC_TRY(in.integer("party_id", query.party_id));
    return in.integer("limit", query.limit);
  }));
  return query;
}

}  // namespace mc::c_api
