// Implements marketcore/money.h: checked int64 arithmetic, 128-bit mul_div with named
// rounding, and exact decimal text <-> minor units conversion (never through a double).
#include "marketcore/money.h"

#include <limits>

#include "common/int128.h"

namespace mc {
namespace {

constexpr int32_t kScaleMax = 18;  // 10^18 still fits int64

Status overflow(std::string_view what) {
  return out_of_range("amount_overflow", std::string(what) + " overflows int64");
}

Status bad_decimal(std::string_view text, std::string_view why) {
  return invalid_argument("invalid_decimal", "'" + std::string(text) +
                                                 "' is not a decimal amount: " + std::string(why));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Result<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return overflow("addition");
  return out;
}

Result<int64_t> checked_sub(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_sub_overflow(a, b, &out)) return overflow("subtraction");
  return out;
}

Result<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return overflow("multiplication");
  return out;
}

Result<int64_t> mul_div(int64_t amount, int64_t numerator, int64_t denominator, Rounding rounding) {
  if (denominator <= 0) {
    return invalid_argument("zero_denominator", "mul_div needs a positive denominator");
  }
  // |amount × numerator| < 2^126, so the product and the rounding adjustment fit 128 bits.
  const Int128 product = static_cast<Int128>(amount) * numerator;
  const bool negative = product < 0;
  const UInt128 magnitude =
      negative ? static_cast<UInt128>(-product) : static_cast<UInt128>(product);
  const auto divisor = static_cast<UInt128>(denominator);
  UInt128 quotient = magnitude / divisor;
  const UInt128 remainder = magnitude % divisor;
  switch (rounding) {
    case Rounding::down:
      break;
    case Rounding::up:
      if (remainder != 0) ++quotient;
      break;
    case Rounding::half_up:
      if (remainder != 0 && remainder >= divisor - remainder) ++quotient;
      break;
    default:
      return invalid_argument("invalid_rounding", "unknown rounding mode");
  }
  const auto limit = static_cast<UInt128>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (quotient > limit + 1) return overflow("mul_div");
    return static_cast<int64_t>(-static_cast<Int128>(quotient));
  }
  if (quotient > limit) return overflow("mul_div");
  return static_cast<int64_t>(quotient);
}

Result<int64_t> parse_decimal(std::string_view text, int32_t scale) {
  if (scale < 0 || scale > kScaleMax) {
    return invalid_argument("invalid_scale", "scale must be within 0..18");
  }
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  const size_t dot = rest.find('.');
  const std::string_view whole = rest.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  if (whole.empty()) return bad_decimal(text, "digits expected before the point");
  if (dot != std::string_view::npos && fraction.empty()) {
    return bad_decimal(text, "digits expected after the point");
  }
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!is_digit(c)) return bad_decimal(text, "only digits, one '-' and one '.' allowed");
    }
  }
  if (static_cast<int64_t>(fraction.size()) > scale) {
    return invalid_argument("too_many_decimals", "'" + std::string(text) + "' has more than " +
                                                     std::to_string(scale) + " decimals");
  }
  // Accumulate the magnitude; stop as soon as it passes 2^63 (the magnitude of INT64_MIN).
  const UInt128 magnitude_max = static_cast<UInt128>(std::numeric_limits<int64_t>::max()) + 1;
  UInt128 magnitude = 0;
  auto push_digit = [&](char c) {
    magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
    return magnitude <= magnitude_max;
  };
  bool fits = true;
  for (char c : whole) fits = fits && push_digit(c);
  for (char c : fraction) fits = fits && push_digit(c);
  for (int64_t i = static_cast<int64_t>(fraction.size()); i < scale; ++i) {
    fits = fits && push_digit('0');
  }
  if (!fits || (!negative && magnitude == magnitude_max)) {
    return out_of_range("amount_overflow", "'" + std::string(text) + "' does not fit int64");
  }
  if (negative) return static_cast<int64_t>(-static_cast<Int128>(magnitude));
  return static_cast<int64_t>(magnitude);
}

std::string format_decimal(int64_t amount_minor, int32_t scale) {
  const bool negative = amount_minor < 0;
  // Magnitude as unsigned so INT64_MIN has one.
  uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(amount_minor) : static_cast<uint64_t>(amount_minor);
  std::string digits = std::to_string(magnitude);
  const size_t places = scale > 0 ? static_cast<size_t>(scale) : 0;
  if (digits.size() <= places) digits.insert(0, places + 1 - digits.size(), '0');
  if (places > 0) digits.insert(digits.size() - places, 1, '.');
  if (negative) digits.insert(0, 1, '-');
  return digits;
}

}  // namespace mc
