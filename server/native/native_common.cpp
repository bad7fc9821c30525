// server/native/native_common.cpp — lookups with visibility, ids, market cache.
#include "native_common.h"

#include "marketcore/money.h"

namespace mc::server::native {

Result<int64_t> parse_id(std::string_view text, std::string_view param) {
  Result<int64_t> value = parse_decimal(text, 0);
  if (!value.ok() || value.value() <= 0) {
    return invalid_argument("invalid_id", std::string(param) + " must be a positive integer id",
                            std::string(param));
  }
  return value.value();
}

std::string api_key_prefix(bool test_mode) {
  return test_mode ? "mc_test_" : "mc_live_";
}

Result<Market> NativeApi::market(MarketId id) {
  {
    std::lock_guard lock(mutex_);
    if (auto found = markets_.find(id); found != markets_.end()) return found->second;
  }
  MC_TRY_ASSIGN(Market market, engine().market(id));
  std::lock_guard lock(mutex_);
  markets_.emplace(id, market);
  return market;
}

Result<Market> NativeApi::market(std::string_view id_or_name) {
  Result<int64_t> id = parse_decimal(id_or_name, 0);
  if (id.ok() && id.value() > 0) return market(id.value());
  return engine().market_by_name(id_or_name);
}

Result<Party> NativeApi::visible_party(const Principal& principal, std::string_view id_text) {
  MC_TRY_ASSIGN(PartyId id, parse_id(id_text, "id"));
  if (!principal.is_admin() && !(principal.is_party() && principal.party_id == id)) {
    return not_found("party_not_found", "no such party");
  }
  return engine().party(id);
}

Result<Party> NativeApi::own_party(const Principal& principal, std::string_view id_text) {
  return visible_party(principal, id_text);
}

Result<Job> NativeApi::visible_job(const Principal& principal, std::string_view id_text) {
  MC_TRY_ASSIGN(JobId id, parse_id(id_text, "id"));
  Result<Job> job = engine().job(id);
  if (!job.ok()) return job.status();
  if (!principal.is_admin() && job->market_id != principal.market_id) {
    return not_found("job_not_found", "no such job");
  }
  return job;
}

std::optional<IdempotencyKey> NativeApi::idempotency(const RequestContext& request) {
  if (request.idempotency_key.empty()) return std::nullopt;
  return IdempotencyKey{.scope = request.principal.subject, .key = request.idempotency_key};
}

}  // namespace mc::server::native
