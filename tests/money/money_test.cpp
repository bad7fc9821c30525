// Tests of marketcore/money.h: checked arithmetic at the int64 edges, mul_div rounding
// (including negative values), and exact decimal parsing/formatting with its refusals.
#include "marketcore/money.h"

#include <doctest/doctest.h>

#include <limits>

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

void check_overflow(const mc::Result<int64_t>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == mc::Code::out_of_range);
  CHECK(result.status().detail() == "amount_overflow");
}

}  // namespace

TEST_CASE("money: checked_add at the edges") {
  CHECK(mc::checked_add(kMax - 1, 1).value() == kMax);
  CHECK(mc::checked_add(kMin + 1, -1).value() == kMin);
  CHECK(mc::checked_add(kMax, kMin).value() == -1);
  check_overflow(mc::checked_add(kMax, 1));
  check_overflow(mc::checked_add(kMin, -1));
}

TEST_CASE("money: checked_sub at the edges") {
  CHECK(mc::checked_sub(kMin + 1, 1).value() == kMin);
  CHECK(mc::checked_sub(0, kMax).value() == -kMax);
  check_overflow(mc::checked_sub(0, kMin));
  check_overflow(mc::checked_sub(kMin, 1));
  check_overflow(mc::checked_sub(kMax, -1));
}

TEST_CASE("money: checked_mul at the edges") {
  CHECK(mc::checked_mul(kMax, 1).value() == kMax);
  CHECK(mc::checked_mul(kMin, 1).value() == kMin);
  CHECK(mc::checked_mul(-1, kMax).value() == -kMax);
  CHECK(mc::checked_mul(3'037'000'499, 3'037'000'499).value() == 9'223'372'030'926'249'001);
  check_overflow(mc::checked_mul(kMin, -1));
  check_overflow(mc::checked_mul(3'037'000'500, 3'037'000'500));
  check_overflow(mc::checked_mul(kMax, 2));
}

TEST_CASE("money: mul_div rounding modes on positive values") {
  using mc::Rounding;
  CHECK(mc::mul_div(2500, 1800, 10'000, Rounding::half_up).value() == 450);
  CHECK(mc::mul_div(5, 9000, 10'000, Rounding::down).value() == 4);     // 4.5
  CHECK(mc::mul_div(5, 9000, 10'000, Rounding::up).value() == 5);       // 4.5
  CHECK(mc::mul_div(5, 9000, 10'000, Rounding::half_up).value() == 5);  // 4.5 tie
  CHECK(mc::mul_div(7, 1, 3, Rounding::down).value() == 2);             // 2.33
  CHECK(mc::mul_div(7, 1, 3, Rounding::up).value() == 3);
  CHECK(mc::mul_div(7, 1, 3, Rounding::half_up).value() == 2);
  CHECK(mc::mul_div(8, 1, 3, Rounding::half_up).value() == 3);  // 2.67
  CHECK(mc::mul_div(9, 1, 3, Rounding::up).value() == 3);       // exact stays exact
  CHECK(mc::mul_div(0, 5, 7, Rounding::up).value() == 0);
}

TEST_CASE("money: mul_div rounds negative values symmetrically") {
  using mc::Rounding;
  CHECK(mc::mul_div(-5, 9000, 10'000, Rounding::down).value() == -4);     // toward zero
  CHECK(mc::mul_div(-5, 9000, 10'000, Rounding::up).value() == -5);       // away from zero
  CHECK(mc::mul_div(-5, 9000, 10'000, Rounding::half_up).value() == -5);  // tie away
  CHECK(mc::mul_div(7, -1, 3, Rounding::down).value() == -2);
  CHECK(mc::mul_div(-7, 1, 3, Rounding::half_up).value() == -2);
  CHECK(mc::mul_div(-8, 1, 3, Rounding::half_up).value() == -3);
  CHECK(mc::mul_div(-7, -1, 3, Rounding::up).value() == 3);
}

TEST_CASE("money: mul_div uses 128 bits and checks the result") {
  using mc::Rounding;
  // The intermediate product overflows int64 but the result fits.
  CHECK(mc::mul_div(kMax, 10'000, 10'000, Rounding::down).value() == kMax);
  CHECK(mc::mul_div(kMin, 3, 3, Rounding::down).value() == kMin);
  CHECK(mc::mul_div(kMax, kMax, kMax, Rounding::up).value() == kMax);
  check_overflow(mc::mul_div(kMax, 2, 1, Rounding::down));
  check_overflow(mc::mul_div(kMin, -1, 1, Rounding::down));
  check_overflow(mc::mul_div(kMax, 3, 2, Rounding::up));
  auto zero = mc::mul_div(1, 1, 0, Rounding::down);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().code() == mc::Code::invalid_argument);
  CHECK(zero.status().detail() == "zero_denominator");
  CHECK(mc::mul_div(1, 1, -3, Rounding::down).status().detail() == "zero_denominator");
}

TEST_CASE("money: parse_decimal accepts exact decimals") {
  CHECK(mc::parse_decimal("29.50", 2).value() == 2950);
  CHECK(mc::parse_decimal("29.5", 2).value() == 2950);
  CHECK(mc::parse_decimal("29", 2).value() == 2900);
  CHECK(mc::parse_decimal("-3", 0).value() == -3);
  CHECK(mc::parse_decimal("-0.05", 2).value() == -5);
  CHECK(mc::parse_decimal("-0", 2).value() == 0);
  CHECK(mc::parse_decimal("100.000001", 6).value() == 100'000'001);
  CHECK(mc::parse_decimal("007", 0).value() == 7);
  CHECK(mc::parse_decimal("9223372036854775807", 0).value() == kMax);
  CHECK(mc::parse_decimal("-9223372036854775808", 0).value() == kMin);
  CHECK(mc::parse_decimal("92233720368547758.07", 2).value() == kMax);
  CHECK(mc::parse_decimal("-9.223372036854775808", 18).value() == kMin);
}

TEST_CASE("money: parse_decimal refuses what is not an exact decimal") {
  for (const char* text : {"", "-", ".", "1.", ".5", "1e3", " 1", "1 ", "+1", "1,5", "1.2.3", "--1",
                           "0x10", "1.-5", "abc", "١"}) {
    CAPTURE(text);
    auto result = mc::parse_decimal(text, 2);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == mc::Code::invalid_argument);
    CHECK(result.status().detail() == "invalid_decimal");
  }
  CHECK(mc::parse_decimal("1.234", 2).status().detail() == "too_many_decimals");
  CHECK(mc::parse_decimal("1.0", 0).status().detail() == "too_many_decimals");
  CHECK(mc::parse_decimal("1", -1).status().detail() == "invalid_scale");
  CHECK(mc::parse_decimal("1", 19).status().detail() == "invalid_scale");
  check_overflow(mc::parse_decimal("9223372036854775808", 0));
  check_overflow(mc::parse_decimal("-9223372036854775809", 0));
  check_overflow(mc::parse_decimal("92233720368547758.08", 2));
  check_overflow(mc::parse_decimal("99999999999999999999999999999999999999999999", 0));
}

TEST_CASE("money: format_decimal") {
  CHECK(mc::format_decimal(2950, 2) == "29.50");
  CHECK(mc::format_decimal(-5, 2) == "-0.05");
  CHECK(mc::format_decimal(7, 0) == "7");
  CHECK(mc::format_decimal(0, 2) == "0.00");
  CHECK(mc::format_decimal(1, 6) == "0.000001");
  CHECK(mc::format_decimal(kMax, 0) == "9223372036854775807");
  CHECK(mc::format_decimal(kMin, 2) == "-92233720368547758.08");
}

TEST_CASE("money: parse and format round-trip") {
  for (int32_t scale : {0, 2, 6, 18}) {
    for (int64_t amount : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{2950}, int64_t{-100'001},
                           kMax, kMin, kMax / 7, kMin / 3}) {
      CAPTURE(scale);
      CAPTURE(amount);
      const std::string text = mc::format_decimal(amount, scale);
      CHECK(mc::parse_decimal(text, scale).value() == amount);
    }
  }
}

TEST_CASE("money: mul_div at the negative edge and with an unknown rounding") {
  // INT64_MIN itself is representable; one unit past it is not.
  CHECK(mc::mul_div(kMin, 1, 1, mc::Rounding::down).value() == kMin);
  check_overflow(mc::mul_div(kMin, 2, 1, mc::Rounding::down));
  check_overflow(mc::mul_div(kMin / 2 - 1, 2, 1, mc::Rounding::up));
  // Rounding has a fixed underlying type; an unknown mode is refused.
  const mc::Status unknown = mc::mul_div(10, 1, 3, static_cast<mc::Rounding>(9)).status();
  CHECK(unknown.code() == mc::Code::invalid_argument);
  CHECK(unknown.detail() == "invalid_rounding");
}

TEST_CASE("money: parse_decimal overflows in the fraction, in the scale padding, after the whole") {
  // The whole part fits; the fraction's last digit takes it past 2^63 (or to exactly 2^63,
  // which only a negative amount may reach).
  check_overflow(mc::parse_decimal("922337203685477580.9", 1));
  check_overflow(mc::parse_decimal("922337203685477580.8", 1));
  // Every written digit fits; padding to the scale does not.
  check_overflow(mc::parse_decimal("922337203685477581", 1));
  // The whole part is already too large; neither the fraction nor the padding is pushed.
  check_overflow(mc::parse_decimal("99999999999999999999.5", 1));
  check_overflow(mc::parse_decimal("99999999999999999999", 2));
  // The largest values at each of those steps still parse.
  CHECK(mc::parse_decimal("922337203685477580.7", 1).value() == kMax);
  CHECK(mc::parse_decimal("-922337203685477580.8", 1).value() == kMin);
}
