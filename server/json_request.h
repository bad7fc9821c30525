// server/json_request.h — typed access to a JSON request body, errors naming the field.
//
// The body is validated in full with simdjson (DOM) before any field is read, so malformed
// JSON never reaches a handler half-read. It must be an object without duplicate names.
// Numbers are never read through a double: integers and money come from the number's own
// text (simdjson On Demand's raw token) through mc::parse_decimal, so 29.50 is exactly 2950
// cents, 1e3 and 1.5-as-an-integer are refused, and a value beyond int64 is out_of_range.
//
// Every failure is invalid_argument with `param` set to the field:
//   "malformed_json"   the body is not valid JSON (or has duplicate names)
//   "body_not_object"  the top-level value is not an object
//   "missing_param"    a required field is absent or null
//   "invalid_type"     a field has the wrong JSON type
//   "invalid_value"    a field is out of its documented range
//   plus parse_decimal's "too_many_decimals", "invalid_decimal" etc. for numbers.
//
// Thread-safety: a JsonBody is used by one thread; distinct bodies are independent.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/status.h"

namespace mc::server {

class JsonBody {
 public:
  // Parses `body`; an empty (or all-whitespace) body is an empty object when `empty_is_object`.
  static Result<JsonBody> parse(std::string_view body, bool empty_is_object = true);
  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;
  ~JsonBody();

  bool has(std::string_view name) const;  // present and not null

  Result<std::string> required_string(std::string_view name) const;
  Result<std::optional<std::string>> optional_string(std::string_view name) const;
  Result<std::optional<bool>> optional_bool(std::string_view name) const;
  // An integer number, read from its text. Refuses fractions and exponents.
  Result<std::optional<int64_t>> optional_int64(std::string_view name) const;
  Result<int64_t> required_int64(std::string_view name) const;
  // A decimal amount in major units with at most `scale` decimals, as a JSON number or a
  // JSON string ("29.50"), converted exactly to minor units.
  Result<std::optional<int64_t>> optional_money(std::string_view name, int32_t scale) const;
  // An array of strings (absent → empty).
  Result<std::vector<std::string>> string_array(std::string_view name) const;
  // Any JSON object, re-serialized compactly (absent → nullopt).
  Result<std::optional<std::string>> optional_object_json(std::string_view name) const;
  // Refuses fields not in `allowed` (invalid_argument/"unknown_param", param = the field).
  Status only(const std::vector<std::string_view>& allowed) const;

 private:
  struct Impl;
  explicit JsonBody(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses a query-string integer with bounds; `name` is the param in the error.
Result<std::optional<int64_t>> query_int64(std::optional<std::string_view> text,
                                           std::string_view name, int64_t min, int64_t max);

}  // namespace mc::server
