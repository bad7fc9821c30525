// Tests for mc::Status, mc::Result and the MC_TRY macros.
#include "marketcore/status.h"

#include <doctest/doctest.h>

namespace {

mc::Result<int> parse_positive(int value) {
  if (value <= 0) return mc::invalid_argument("not_positive", "value must be > 0", "value");
  return value;
}

mc::Result<int> doubled(int value) {
  MC_TRY_ASSIGN(int parsed, parse_positive(value));
  return parsed * 2;
}

mc::Status check(int value) {
  MC_TRY(parse_positive(value));
  return mc::ok_status();
}

}  // namespace

TEST_CASE("status carries code, detail, message and param") {
  mc::Status status = mc::invalid_argument("too_long", "title is too long", "title");
  CHECK_FALSE(status.ok());
  CHECK(status.code() == mc::Code::invalid_argument);
  CHECK(status.detail() == "too_long");
  CHECK(status.param() == "title");
  CHECK(status.to_string() == "invalid_argument/too_long: title is too long (param title)");
  CHECK(mc::Status().ok());
  CHECK(mc::Status().to_string() == "ok");
}

TEST_CASE("code numbers are stable and transience is documented") {
  CHECK(static_cast<int>(mc::Code::invalid_argument) == 1);
  CHECK(static_cast<int>(mc::Code::aborted) == 7);
  CHECK(static_cast<int>(mc::Code::data_loss) == 13);
  CHECK(mc::code_is_transient(mc::Code::aborted));
  CHECK(mc::code_is_transient(mc::Code::unavailable));
  CHECK_FALSE(mc::code_is_transient(mc::Code::failed_precondition));
  CHECK(mc::code_name(mc::Code::failed_precondition) == "failed_precondition");
}

TEST_CASE("MC_TRY and MC_TRY_ASSIGN propagate failures") {
  CHECK(doubled(4).value() == 8);
  CHECK(doubled(-1).status().detail() == "not_positive");
  CHECK(check(3).ok());
  CHECK(check(0).code() == mc::Code::invalid_argument);
}
