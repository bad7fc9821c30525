// marketcore/market.h — a market's configuration: asset, lifecycle, fees, limits, holds.
//
// One database may hold several markets; each dialect binds to one. A market's settings are
// fixed at creation except where an update function says otherwise; jobs lock their fee
// quote at creation, so later changes never alter a job in flight.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "marketcore/fees.h"
#include "marketcore/ledger.h"
#include "marketcore/money.h"

namespace mc {

// Bounds a job must satisfy at creation. Zero means "no bound" for the *_max fields.
struct JobLimits {
  int64_t amount_min_minor = 1;
  int64_t amount_max_minor = 0;
  int32_t title_chars_max = 0;
  int32_t description_chars_max = 0;
  int32_t prompt_chars_max = 0;
  int32_t payload_bytes_max = 64 * 1024;
  // Allowed categories; empty allows any.
  std::vector<std::string> categories;
  int64_t work_timeout_min_ms = 0;
  int64_t work_timeout_max_ms = 0;
  int32_t contracts_max = 1;  // > 1 only for many-contract markets
};

struct MarketConfig {
  std::string name;       // unique, e.g. "j0"
  Asset asset;            // e.g. {"credits", 0}, {"USD", 2}, {"USDC", 6}
  std::string lifecycle;  // name of the lifecycle definition for its jobs
  FeePolicy fees;
  JobLimits limits;
  // Earnings go to the worker's `pending` account for this long before `available`
  // (0: paid straight to `available`). HumanOps: 7 days.
  int64_t settlement_hold_ms = 0;
  // Test mode allows shortcuts the seeds document (instant deposits, dev headers).
  bool test_mode = true;
  std::string config_json = "{}";  // dialect-specific settings, stored verbatim

  // Arithmetic bounds: no client can push the market's counter-account (the world account,
  // −Σ of all money in the market) to the int64 edge. A deposit, withdrawal or job amount
  // above movement_max_minor is invalid_argument/"amount_too_large"; a deposit that would take
  // a party account above balance_max_minor is failed_precondition/"balance_limit". Money
  // enters a market only by deposits, so the world reaches the int64 edge only after
  // 2^63 / movement_max_minor deposits, and a party holds at most balance_max_minor per
  // account; every other account (and any sum of them) holds part of the money the world
  // gave out, so while the world is within int64 nothing else can overflow. The defaults (10^11 per
  // movement, 10^12 per balance) leave room for 2^63 / 10^12 ≈ 9.2 million accounts at their
  // largest balance, and for 9.2 × 10^7 deposits of the largest size; the built-in markets state
  // their own (builtin_markets.cpp). Both must be positive and movement_max_minor ≤
  // balance_max_minor ≤ 2^62.
  int64_t movement_max_minor = 100'000'000'000;
  int64_t balance_max_minor = 1'000'000'000'000;

  // Identity uniqueness inside the market: when set, no two parties of the market share a
  // non-empty email (wallet address, external id); registering or updating a party onto a
  // taken one is already_exists/"party_identity_taken" with param naming the field. When
  // unset (AgentMarket owner emails: an owner runs many agents), lookups by that field return
  // the oldest party that has it.
  bool unique_email = true;
  bool unique_wallet = true;
  bool unique_external_id = true;
};

struct Market {
  MarketId id = 0;
  MarketConfig config;
  int64_t created_at_ms = 0;
};

}  // namespace mc
