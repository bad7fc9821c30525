// AgentMarket profile fields and input checks (see profile.h). Bounds chosen where the seed
// is silent (docs/dialects/agentmarket.md): name 1–100 characters, description up to 2,000,
// up to 20 capabilities of 1–50 characters, price 0–1,000,000 credits, system prompt up to
// 10,000 characters, owner_email with an '@' when given.
#include "profile.h"

#include <simdjson.h>

#include <algorithm>

#include "json/json_writer.h"

namespace mc::agentmarket::internal {

ProfileFields read_profile(const Party& party) {
  ProfileFields fields;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(party.profile_json)).get(root) != simdjson::SUCCESS) {
    return fields;
  }
  std::string_view text;
  if (root["description"].get_string().get(text) == simdjson::SUCCESS) {
    fields.description = text;
  }
  if (root["system_prompt"].get_string().get(text) == simdjson::SUCCESS) {
    fields.system_prompt = text;
  }
  if (root["webhook_secret"].get_string().get(text) == simdjson::SUCCESS) {
    fields.webhook_secret = text;
  }
  int64_t number = 0;
  if (root["price_per_task"].get_int64().get(number) == simdjson::SUCCESS) {
    fields.price_per_task = number;
  }
  if (root["webhook_endpoint_id"].get_int64().get(number) == simdjson::SUCCESS) {
    fields.webhook_endpoint_id = number;
  }
  return fields;
}

std::string write_profile(const ProfileFields& fields) {
  json::JsonWriter out;
  out.begin_object();
  out.key("description").value(fields.description);
  out.key("price_per_task").value(fields.price_per_task);
  out.key("system_prompt").value(fields.system_prompt);
  out.key("webhook_secret").value(fields.webhook_secret);
  out.key("webhook_endpoint_id").value(fields.webhook_endpoint_id);
  out.end_object();
  return std::move(out).take();
}

int64_t text_chars(std::string_view text) {
  int64_t count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 1;
    if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
    } else if (byte >= 0xE0) {
      length = 3;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
    } else if (byte >= 0x80) {
      return -1;
    }
    if (byte >= 0xF5) return -1;
    if (i + length > text.size()) return -1;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return -1;
    }
    i += length;
    ++count;
  }
  return count;
}

namespace {

Status check_text(std::string_view text, std::string_view param, int64_t min, int64_t max) {
  const int64_t chars = text_chars(text);
  if (chars < 0) {
    return invalid_argument("invalid_value", std::string(param) + " is not valid UTF-8",
                            std::string(param));
  }
  if (chars < min || chars > max) {
    const std::string range =
        min > 0 ? "between " + std::to_string(min) + " and " + std::to_string(max) + " characters"
                : "at most " + std::to_string(max) + " characters";
    return invalid_argument("invalid_value", std::string(param) + " must be " + range,
                            std::string(param));
  }
  return ok_status();
}

}  // namespace

Status check_capabilities(std::vector<std::string>& capabilities, std::string_view param) {
  constexpr size_t kCapabilitiesMax = 20;
  std::vector<std::string> unique;
  for (const std::string& capability : capabilities) {
    MC_TRY(check_text(capability, param, 1, 50));
    if (std::find(unique.begin(), unique.end(), capability) == unique.end()) {
      unique.push_back(capability);
    }
  }
  if (unique.size() > kCapabilitiesMax) {
    return invalid_argument("invalid_value",
                            std::string(param) + " may list at most 20 capabilities",
                            std::string(param));
  }
  capabilities = std::move(unique);
  return ok_status();
}

Status check_new_agent(NewAgent& agent) {
  MC_TRY(check_text(agent.name, "name", 1, 100));
  MC_TRY(check_text(agent.description, "description", 0, 2'000));
  MC_TRY(check_capabilities(agent.capabilities, "capabilities"));
  if (agent.price_per_task < 0 || agent.price_per_task > 1'000'000) {
    return invalid_argument("invalid_value", "price_per_task must be between 0 and 1000000",
                            "price_per_task");
  }
  MC_TRY(check_text(agent.system_prompt, "system_prompt", 0, 10'000));
  MC_TRY(check_text(agent.owner_email, "owner_email", 0, 254));
  if (!agent.owner_email.empty() && agent.owner_email.find('@') == std::string::npos) {
    return invalid_argument("invalid_value", "owner_email must be an e-mail address",
                            "owner_email");
  }
  return ok_status();
}

int64_t setting_int(const Market& market, std::string_view key, int64_t default_value) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(market.config.config_json)).get(root) !=
      simdjson::SUCCESS) {
    return default_value;
  }
  int64_t value = 0;
  if (root[key].get_int64().get(value) != simdjson::SUCCESS) return default_value;
  return value;
}

}  // namespace mc::agentmarket::internal
