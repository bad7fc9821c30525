// The 1337MKT market binding, identities, lead types with their typed success criteria, and
// the built-in engine guards "mkt1337_lead" and "mkt1337_proof".
#include <charconv>

#include "internal.h"
#include "marketcore/mkt1337.h"

namespace mc::mkt1337 {
namespace {

std::optional<int64_t> parse_prefixed(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
  text.remove_prefix(prefix.size());
  if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Status bad_criteria(const std::string& message) {
  return invalid_argument("invalid_success_criteria", message, "success_criteria");
}

Status need_string(std::string_view criteria, std::string_view type, const char* key) {
  const std::optional<std::string> value = internal::json_string_member(criteria, key);
  if (!value || value->empty() || internal::text_chars(*value) < 0 ||
      internal::text_chars(*value) > 2048) {
    return bad_criteria(std::string(type) + " success_criteria." + key +
                        " must be a non-empty string");
  }
  return ok_status();
}

Status need_int(std::string_view criteria, std::string_view type, const char* key, int64_t min,
                int64_t max, bool required) {
  const std::string raw = internal::json_raw_member(criteria, key);
  if (raw.empty() && !required) return ok_status();
  const std::optional<int64_t> value = internal::json_int_member(criteria, key);
  if (!value || *value < min || *value > max) {
    return bad_criteria(std::string(type) + " success_criteria." + key + " must be an integer " +
                        std::to_string(min) + ".." + std::to_string(max));
  }
  return ok_status();
}

}  // namespace

MarketBindingOptions market_binding_options(std::optional<bool> test_mode) {
  return {.market_name = "1337mkt",
          .lifecycle = "mkt1337_lead",
          .test_mode = test_mode,
          .list_limit_default = 50,
          .list_limit_max = 100,
          .job_not_found_detail = "lead_not_found",
          .job_not_found_message = "Lead not found",
          .party_not_found_detail = "account_not_found",
          .party_not_found_message = "Account not found"};
}

Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode) {
  return MarketBinding::open(engine, market_binding_options(test_mode));
}

std::string lead_id(JobId id) {
  return "lead_" + std::to_string(id);
}
std::string contract_id(JobId id) {
  return "contract_" + std::to_string(id);
}
std::string dispute_id(int64_t id) {
  return "dispute_" + std::to_string(id);
}
std::optional<JobId> parse_lead_id(std::string_view text) {
  return parse_prefixed(text, "lead_");
}
std::optional<JobId> parse_contract_id(std::string_view text) {
  return parse_prefixed(text, "contract_");
}
std::optional<int64_t> parse_dispute_id(std::string_view text) {
  return parse_prefixed(text, "dispute_");
}

const std::vector<std::string_view>& lead_types() {
  static const std::vector<std::string_view> types = {"CPR", "CPA", "CPV",
                                                      "CPC", "CPD", "REVSHARE"};
  return types;
}

Status check_success_criteria(std::string_view type, std::string_view criteria) {
  if (!internal::is_json_object(criteria))
    return bad_criteria("success_criteria must be an object");
  if (type == "CPR") return need_string(criteria, type, "url");
  if (type == "CPA") return need_string(criteria, type, "action");
  if (type == "CPV") return need_int(criteria, type, "min_duration_s", 1, 86'400, true);
  if (type == "CPC") {
    MC_TRY(need_string(criteria, type, "target_url"));
    return need_int(criteria, type, "clicks", 1, 1'000'000, false);
  }
  if (type == "CPD") return need_string(criteria, type, "download_url");
  if (type == "REVSHARE") return need_int(criteria, type, "revenue_share_bps", 1, 10'000, true);
  return invalid_argument("unknown_lead_type",
                          "type must be one of CPR, CPA, CPV, CPC, CPD, REVSHARE", "type");
}

Status check_lead(const Job& job, std::optional<PartyId>, const FireTransition&) {
  bool known = false;
  for (std::string_view type : lead_types()) known = known || job.category == type;
  if (!known) {
    return invalid_argument("unknown_lead_type",
                            "type must be one of CPR, CPA, CPV, CPC, CPD, REVSHARE", "type");
  }
  if (job.contracts_max < 1 || job.amount_minor % job.contracts_max != 0 ||
      job.amount_minor / job.contracts_max < 1) {
    return invalid_argument("invalid_value", "the budget must be payout × slots", "slots");
  }
  const std::string criteria = internal::json_raw_member(job.payload_json, "success_criteria");
  if (!criteria.empty()) MC_TRY(check_success_criteria(job.category, criteria));
  return ok_status();
}

Status check_proof(const Job&, std::optional<PartyId>, const FireTransition& request) {
  for (const char* key : {"url", "tx_hash", "video_url"}) {
    const std::optional<std::string> value = internal::json_string_member(request.proof_json, key);
    if (value && !value->empty()) return ok_status();
  }
  return invalid_argument("proof_required", "proof needs at least url or tx_hash", "url");
}

std::string lead_status(const Job& lead) {
  if (lead.state == "unfunded" || lead.state == "funded") return "active";
  return lead.state;
}

int64_t lead_payout_minor(const Job& lead) {
  return lead.contracts_max > 0 ? lead.amount_minor / lead.contracts_max : lead.amount_minor;
}

std::string lead_success_criteria(const Job& lead) {
  std::string criteria = internal::json_raw_member(lead.payload_json, "success_criteria");
  return criteria.empty() ? "{}" : criteria;
}

}  // namespace mc::mkt1337
