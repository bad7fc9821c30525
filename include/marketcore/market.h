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
};

struct Market {
  MarketId id = 0;
  MarketConfig config;
  int64_t created_at_ms = 0;
};

}  // namespace mc
