// job_validation.h — pure checks of requests against a market's limits.
//
// Every check returns invalid_argument with a stable detail and `param` naming the request
// field at fault, so dialects can render "prompt: too long" without parsing messages. Text
// sizes count Unicode code points of UTF-8 text (what a user calls characters), not bytes.
//
// Thread-safety: pure functions.
//
// Example:
//   MC_TRY(validate_create_job(request, market.config, now_ms));
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "marketcore/engine.h"
#include "marketcore/market.h"
#include "marketcore/status.h"

namespace mc::engine {

// Number of code points of `text`, or nullopt when it is not valid UTF-8.
std::optional<int64_t> utf8_code_points(std::string_view text);

// ok when `text` is one valid JSON value; else invalid_argument/"invalid_json" naming `param`.
Status validate_json(std::string_view text, std::string_view param);

// Checks amount_minor > 0 and ≤ the int64 range; invalid_argument/"amount_not_positive".
Status validate_positive_amount(int64_t amount_minor, std::string_view param);

// Checks a CreateJob against `limits` at `now_ms`: amount bounds ("amount_not_positive",
// "amount_below_minimum", "amount_above_maximum"), text sizes ("title_too_long",
// "description_too_long", "prompt_too_long", "invalid_utf8"), category ("unknown_category"),
// work timeout ("work_timeout_required", "work_timeout_out_of_range"), deadline
// ("deadline_in_past"), contracts ("contracts_out_of_range"), payload ("invalid_json",
// "payload_too_large"). Child jobs (parent_job_id set) skip the amount bounds: their amount
// is derived from the parent.
Status validate_create_job(const CreateJob& request, const JobLimits& limits, int64_t now_ms);

// invalid_argument/"amount_too_large" (param "amount_minor") when `amount_minor` is above the
// market's largest single movement (MarketConfig::movement_max_minor).
Status validate_movement_bound(int64_t amount_minor, const MarketConfig& config);

// validate_create_job against the market's limits plus its largest movement (not for child
// jobs, whose amount is derived from the parent).
Status validate_create_job(const CreateJob& request, const MarketConfig& config, int64_t now_ms);

}  // namespace mc::engine
