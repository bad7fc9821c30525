// Dialect kit: a dialect's binding to its market (marketcore/market_binding.h).
#include "marketcore/market_binding.h"

#include <algorithm>
#include <charconv>

namespace mc {

Result<MarketBinding> MarketBinding::open(Engine& engine, MarketBindingOptions options) {
  Result<Market> market = engine.market_by_name(options.market_name);
  if (!market.ok() && market.status().code() == Code::not_found) {
    MC_TRY_ASSIGN(MarketConfig config, builtin_market_config(options.market_name));
    if (options.test_mode) config.test_mode = *options.test_mode;
    market = engine.ensure_market(config);
  }
  MC_TRY(market);
  if (!options.lifecycle.empty() && market->config.lifecycle != options.lifecycle) {
    return failed_precondition(
        "wrong_lifecycle",
        "the " + options.market_name + " market must run the " + options.lifecycle + " lifecycle");
  }
  return MarketBinding(engine, std::move(market).value(), std::move(options));
}

Status MarketBinding::job_not_found() const {
  return not_found(options_.job_not_found_detail, options_.job_not_found_message);
}

Status MarketBinding::party_not_found() const {
  return not_found(options_.party_not_found_detail, options_.party_not_found_message);
}

Result<Job> MarketBinding::job(JobId id) const {
  if (id <= 0) return job_not_found();
  Result<Job> found = engine_->job(id);
  if (!found.ok() && found.status().code() != Code::not_found) return found.status();
  if (!found.ok() || found->market_id != market_.id) return job_not_found();
  return found;
}

Result<Job> MarketBinding::job_as_seen_by(JobId id, const JobViewer& viewer) const {
  MC_TRY_ASSIGN(Job found, job(id));
  return engine_->as_seen_by(std::move(found), viewer);
}

Result<std::vector<Job>> MarketBinding::jobs_as_seen_by(JobQuery query,
                                                        const JobViewer& viewer) const {
  query.market_id = market_.id;
  query.limit = clamp_limit(query.limit);
  return engine_->jobs_as_seen_by(query, viewer);
}

Result<Party> MarketBinding::party(PartyId id) const {
  if (id <= 0) return party_not_found();
  Result<Party> found = engine_->party(id);
  if (!found.ok() && found.status().code() != Code::not_found) return found.status();
  if (!found.ok() || found->market_id != market_.id) return party_not_found();
  return found;
}

Result<Party> MarketBinding::party_for_wallet(std::string_view wallet_address) const {
  Result<Party> found = engine_->party_by_wallet(market_.id, wallet_address);
  if (found.ok() || found.status().code() != Code::not_found) return found;
  Result<Party> created = engine_->register_party(
      {.market_id = market_.id, .kind = "wallet", .wallet_address = std::string(wallet_address)});
  if (created.ok() || created.status().code() != Code::already_exists) return created;
  return engine_->party_by_wallet(market_.id, wallet_address);  // a concurrent first login
}

Result<Party> MarketBinding::party_for_api_key(auth::ApiKeys& keys, std::string_view api_key,
                                               std::string_view prefix,
                                               std::string_view kind) const {
  const Status invalid = unauthenticated("api_key_invalid", "Invalid API key");
  if (api_key.substr(0, prefix.size()) != prefix) return invalid;
  Result<auth::ApiKeyRecord> record = keys.authenticate(api_key);
  if (!record.ok()) {
    if (record.status().code() == Code::unauthenticated) return invalid;
    return record.status();
  }
  int64_t id = 0;
  const std::string& owner = record->owner_id;
  const auto [end, error] = std::from_chars(owner.data(), owner.data() + owner.size(), id);
  if (error != std::errc() || end != owner.data() + owner.size()) return invalid;
  Result<Party> party = engine_->party(id);
  if (!party.ok()) return party.status().code() == Code::not_found ? invalid : party.status();
  if (party->market_id != market_.id || (!kind.empty() && party->kind != kind)) return invalid;
  return party;
}

Result<int32_t> MarketBinding::list_limit(std::optional<int64_t> requested) const {
  if (!requested) return options_.list_limit_default;
  if (*requested < 1) {
    return invalid_argument(options_.invalid_limit_detail, "limit must be a positive integer",
                            "limit");
  }
  return clamp_limit(*requested);
}

int32_t MarketBinding::clamp_limit(int64_t limit) const {
  return static_cast<int32_t>(std::clamp<int64_t>(limit, 1, options_.list_limit_max));
}

}  // namespace mc
