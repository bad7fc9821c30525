// The AACP market binding, the seed's status names and the Service's shared helpers.
#include <simdjson.h>

#include "internal.h"
#include "marketcore/aacp.h"
#include "marketcore/ethereum.h"

namespace mc::aacp {

MarketBindingOptions market_binding_options(std::optional<bool> test_mode) {
  return {.market_name = "aacp",
          .lifecycle = "aacp",
          .test_mode = test_mode,
          .list_limit_default = 20,
          .list_limit_max = 100,
          .job_not_found_detail = "job_not_found",
          .job_not_found_message = "Job not found",
          .party_not_found_detail = "agent_not_found",
          .party_not_found_message = "Agent not found"};
}

Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode) {
  return MarketBinding::open(engine, market_binding_options(test_mode));
}

std::string job_status(std::string_view state) {
  if (state == "SETTLED_COMPLETED") return "COMPLETED";
  if (state == "SETTLED_REJECTED") return "REJECTED";
  return std::string(state);
}

Service::Service(Engine& engine, Market market, ServiceOptions options)
    : engine_(engine),
      market_(std::move(market)),
      options_(std::move(options)),
      binding_(MarketBinding::of(engine_, market_, market_binding_options(options_.test_mode))) {}

namespace internal {

Result<std::string> lower_address(std::string_view text, const char* param) {
  Result<eth::Address> address = eth::parse_address(text);
  if (!address.ok()) {
    return Status(Code::invalid_argument, "bad_address",
                  std::string(param) + " is not a wallet address", param);
  }
  return eth::to_lower_address(*address);
}

std::string checksum_address(std::string_view lower) {
  Result<eth::Address> address = eth::parse_address(lower);
  return address.ok() ? eth::to_checksum_address(*address) : std::string(lower);
}

Status check_text(std::string_view text, const char* name, size_t max_chars) {
  if (text.empty()) {
    return invalid_argument("missing_param", std::string(name) + " is required", name);
  }
  if (text.size() > max_chars) {
    return invalid_argument("invalid_value", std::string(name) + " is too long", name);
  }
  return ok_status();
}

std::string json_string_field(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) return "";
  std::string_view value;
  if (root[key].get_string().get(value) != simdjson::SUCCESS) return "";
  return std::string(value);
}

}  // namespace internal
}  // namespace mc::aacp
