// c_json_in.h — reads the C ABI's JSON requests into the C++ request structs of engine.h.
//
// Every request is one JSON object. A key given the value null reads as absent. Keys a request
// does not know are refused (invalid_argument/"unknown_param", param naming the key), so a
// misspelt field never silently falls back to its default. Errors, in the order checked:
// invalid_argument/"invalid_json" (not JSON, or not an object), "invalid_type" (a field of
// the wrong JSON type; param names it), "missing_param" (a required field), "invalid_value"
// (an enumerator name that does not exist), "unknown_param".
//
// Thread-safety: JsonIn is used by one thread; the parse functions are pure.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/status.h"

namespace mc::c_api {

// One JSON object of a request, with the keys read so far.
class JsonIn {
 public:
  JsonIn(simdjson::dom::object object, std::string path);

  // Each reader leaves `out` unchanged when the key is absent or null.
  Status text(std::string_view key, std::string& out);
  Status text(std::string_view key, std::optional<std::string>& out);
  Status integer(std::string_view key, int64_t& out);
  Status integer(std::string_view key, int32_t& out);
  Status integer(std::string_view key, std::optional<int64_t>& out);
  Status integer(std::string_view key, std::optional<int32_t>& out);
  Status flag(std::string_view key, bool& out);
  Status texts(std::string_view key, std::vector<std::string>& out);
  // Any JSON value, stored minified.
  Status raw(std::string_view key, std::string& out);
  // A nested object, read by `read`.
  Status object(std::string_view key, const std::function<Status(JsonIn&)>& read);
  // An array; `read` receives each element and its param path ("transitions[2]").
  Status elements(std::string_view key,
                  const std::function<Status(simdjson::dom::element, const std::string&)>& read);
  // invalid_argument/"missing_param" for the first key absent or null.
  Status require(std::initializer_list<std::string_view> keys) const;
  // invalid_argument/"unknown_param" for the first key no reader asked for.
  Status finish() const;

  // The param path of `key` inside this object ("limits.categories").
  std::string param(std::string_view key) const;

 private:
  std::optional<simdjson::dom::element> find(std::string_view key);

  simdjson::dom::object object_;
  std::string path_;
  std::vector<std::string> seen_;
};

// invalid_argument/"invalid_type" for `param`, expecting `expected` ("a string").
Status wrong_type(const std::string& param, std::string_view expected);

// Parses `text` as a JSON object and hands it to `read`, then checks for unknown keys.
Status read_object(std::string_view text, const std::function<Status(JsonIn&)>& read);
// Reads a JSON object element (nested inside a larger request) the same way.
Status read_element(simdjson::dom::element element, const std::string& path,
                    const std::function<Status(JsonIn&)>& read);

// The requests of marketcore_c.h, each as documented there.
Result<EngineOptions> parse_engine_options(std::string_view text);
Result<MarketConfig> parse_market_config(std::string_view text);
Result<Party> parse_party(std::string_view text);
Result<Deposit> parse_deposit(std::string_view text);
Result<Withdrawal> parse_withdrawal(std::string_view text);
Result<CreateJob> parse_create_job(std::string_view text);
Result<FireTransition> parse_fire(std::string_view text);
Result<JobQuery> parse_job_query(std::string_view text);
Result<EventQuery> parse_event_query(std::string_view text);

}  // namespace mc::c_api
