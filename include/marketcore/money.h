// marketcore/money.h — exact money: assets, integer minor units and checked arithmetic.
//
// Every amount in marketcore is an int64 count of an asset's minor units (cents, credits,
// USDC micro-units). Arithmetic is checked: an overflow is an `out_of_range` Status, never a
// wrap. Division rounds only where a caller names the rounding rule. Decimal text ("29.50",
// "100000000") converts to and from minor units exactly, never through a double.
//
// Thread-safety: all functions are pure.
//
// Example:
//   mc::Asset usd{"USD", 2};
//   mc::Result<int64_t> cents = mc::parse_decimal("29.50", usd.scale);   // 2950
//   mc::Result<int64_t> fee = mc::mul_div(2500, 1800, 10'000, mc::Rounding::half_up);  // 450
//   std::string text = mc::format_decimal(2950, 2);                       // "29.50"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc {

// A currency or credit unit. `scale` is the number of decimal places of one major unit:
// USD cents → 2, j0 credits → 0, USDC raw units → 6.
struct Asset {
  std::string code;
  int32_t scale = 0;
};

// How a division that does not come out even is rounded.
enum class Rounding : int32_t {
  down = 0,     // toward zero (floor for non-negative values)
  up = 1,       // away from zero (ceiling for non-negative values)
  half_up = 2,  // to nearest; ties away from zero
};

// a + b. Returns out_of_range/"amount_overflow" on overflow.
Result<int64_t> checked_add(int64_t a, int64_t b);
// a - b. Returns out_of_range/"amount_overflow" on overflow.
Result<int64_t> checked_sub(int64_t a, int64_t b);
// a × b. Returns out_of_range/"amount_overflow" on overflow.
Result<int64_t> checked_mul(int64_t a, int64_t b);
// amount × numerator / denominator, computed in 128 bits and rounded as told.
// Requires: denominator > 0 (else invalid_argument/"zero_denominator").
// Returns out_of_range/"amount_overflow" when the result does not fit int64.
Result<int64_t> mul_div(int64_t amount, int64_t numerator, int64_t denominator, Rounding rounding);

// Parses a non-negative or negative decimal ("29.5", "-3", "100.000001") into minor units of
// `scale` decimals. Refuses exponents, spaces, empty text, more than `scale` fractional digits
// (invalid_argument/"too_many_decimals") and values beyond int64 (out_of_range).
Result<int64_t> parse_decimal(std::string_view text, int32_t scale);

// Formats minor units with exactly `scale` fractional digits ("29.50", "-0.05", "7").
std::string format_decimal(int64_t amount_minor, int32_t scale);

}  // namespace mc
