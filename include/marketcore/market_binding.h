// marketcore/market_binding.h — dialect kit: a dialect's binding to its one market.
//
// Every dialect (j0, AgentMarket, and the ones to come) serves one market of the engine. The
// binding does what each of them needs around that market, once:
//   - opens it: the market of that name, created from builtin_market_config(name) if missing,
//     and checked to run the expected lifecycle;
//   - market-scoped lookups: a job or party of another market answers exactly like one that
//     does not exist (the dialect's own not_found detail and message), so ids never leak
//     across markets;
//   - jobs as the caller may see them (the lifecycle's field visibility, Engine::as_seen_by);
//   - list limits: absent → the dialect's default, above its maximum → the maximum, below 1 →
//     invalid_argument.
//
// Thread-safety: immutable after open(); every method may be called from any thread (the
// Engine is thread-safe).
//
// Example:
//   MC_TRY_ASSIGN(mc::MarketBinding market,
//                 mc::MarketBinding::open(engine, {.market_name = "j0", .lifecycle = "j0"}));
//   MC_TRY_ASSIGN(mc::Job job, market.job_as_seen_by(id, caller));   // not_found elsewhere
//   MC_TRY_ASSIGN(int32_t limit, market.list_limit(requested));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/api_keys.h"
#include "marketcore/engine.h"
#include "marketcore/status.h"

namespace mc {

struct MarketBindingOptions {
  std::string market_name;  // e.g. "j0"; also the built-in config used to create it
  std::string lifecycle;    // the lifecycle the market must run; "" accepts any
  // test_mode of the market when the binding creates it; unset: the built-in config's.
  std::optional<bool> test_mode;
  int32_t list_limit_default = 50;
  int32_t list_limit_max = 100;
  // What a lookup answers for an unknown id or one of another market.
  std::string job_not_found_detail = "job_not_found";
  std::string job_not_found_message = "Job not found";
  std::string party_not_found_detail = "party_not_found";
  std::string party_not_found_message = "Party not found";
  // The detail of a list limit below 1 (a dialect may name its validation detail).
  std::string invalid_limit_detail = "invalid_value";
};

class MarketBinding {
 public:
  // Binds to the market `options.market_name`, creating it from its built-in config when
  // missing. failed_precondition/"wrong_lifecycle" when it runs another lifecycle; the
  // engine's codes (not_found/"unknown_builtin_market" for a name without a built-in config).
  // Requires: `engine` outlives the binding.
  static Result<MarketBinding> open(Engine& engine, MarketBindingOptions options);
  // Binds to a market the host already holds (no store access). Requires: `engine` outlives
  // the binding and `market` is one of its markets.
  static MarketBinding of(Engine& engine, Market market, MarketBindingOptions options) {
    return MarketBinding(engine, std::move(market), std::move(options));
  }

  Engine& engine() const { return *engine_; }
  MarketId market_id() const { return market_.id; }
  const Market& market() const { return market_; }
  const MarketBindingOptions& options() const { return options_; }

  // A job of this market; not_found with the dialect's detail for any other id.
  Result<Job> job(JobId id) const;
  // The same, as `viewer` may see it (field visibility of the job's lifecycle).
  Result<Job> job_as_seen_by(JobId id, const JobViewer& viewer) const;
  // Jobs of this market (query.market_id is set to it), as `viewer` may see them.
  Result<std::vector<Job>> jobs_as_seen_by(JobQuery query, const JobViewer& viewer) const;
  // A party of this market; not_found with the dialect's detail for any other id.
  Result<Party> party(PartyId id) const;
  // The party of a wallet, registered (kind "wallet") on first use; safe under concurrent
  // first logins of one wallet.
  Result<Party> party_for_wallet(std::string_view wallet_address) const;
  // The party of this market that owns `api_key`, a key minted with `prefix` (and, when `kind`
  // is not empty, a party of that kind). unauthenticated/"api_key_invalid" ("Invalid API key")
  // for a key of another shape, an unknown or revoked key, or a party elsewhere.
  Result<Party> party_for_api_key(auth::ApiKeys& keys, std::string_view api_key,
                                  std::string_view prefix, std::string_view kind = {}) const;

  // The list size to use: absent → default, above the maximum → maximum; invalid_argument
  // (param "limit") below 1.
  Result<int32_t> list_limit(std::optional<int64_t> requested) const;
  // `limit` forced into 1..maximum.
  int32_t clamp_limit(int64_t limit) const;

 private:
  MarketBinding(Engine& engine, Market market, MarketBindingOptions options)
      : engine_(&engine), market_(std::move(market)), options_(std::move(options)) {}
  Status job_not_found() const;
  Status party_not_found() const;

  Engine* engine_;
  Market market_;
  MarketBindingOptions options_;
};

}  // namespace mc
