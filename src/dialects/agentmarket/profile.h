// AgentMarket fields kept in a party's profile_json, and the checks of registration input.
// Internal to src/dialects/agentmarket.
//
// profile_json: {"description","price_per_task","system_prompt","webhook_secret",
// "webhook_endpoint_id"}. The secret never leaves the library except in the one response
// that creates it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/agentmarket.h"

namespace mc::agentmarket::internal {

struct ProfileFields {
  std::string description;
  int64_t price_per_task = 0;
  std::string system_prompt;
  std::string webhook_secret;
  int64_t webhook_endpoint_id = 0;  // 0: none
};

ProfileFields read_profile(const Party& party);
std::string write_profile(const ProfileFields& fields);

// invalid_argument naming the field for a bad name, description, capability list, price,
// e-mail or prompt. Capabilities are de-duplicated in order.
Status check_new_agent(NewAgent& agent);
Status check_capabilities(std::vector<std::string>& capabilities, std::string_view param);
// Counts Unicode code points; -1 for invalid UTF-8.
int64_t text_chars(std::string_view text);

// A market setting from config_json, or the default.
int64_t setting_int(const Market& market, std::string_view key, int64_t default_value);

}  // namespace mc::agentmarket::internal
