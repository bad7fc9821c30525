// Pure request validation against market limits (see job_validation.h).
#include "engine/job_validation.h"

#include <simdjson.h>

#include <algorithm>
#include <string>

namespace mc::engine {
namespace {

Status check_text(std::string_view text, int32_t chars_max, const char* param) {
  const std::optional<int64_t> chars = utf8_code_points(text);
  if (!chars) {
    return invalid_argument("invalid_utf8", std::string(param) + " is not valid UTF-8", param);
  }
  if (chars_max > 0 && *chars > chars_max) {
    return invalid_argument(std::string(param) + "_too_long",
                            std::string(param) + " has " + std::to_string(*chars) +
                                " characters; at most " + std::to_string(chars_max) +
                                " are allowed",
                            param);
  }
  return ok_status();
}

Status check_amount(int64_t amount_minor, const JobLimits& limits) {
  MC_TRY(validate_positive_amount(amount_minor, "amount_minor"));
  if (amount_minor < limits.amount_min_minor) {
    return invalid_argument(
        "amount_below_minimum",
        "amount_minor must be at least " + std::to_string(limits.amount_min_minor), "amount_minor");
  }
  if (limits.amount_max_minor > 0 && amount_minor > limits.amount_max_minor) {
    return invalid_argument(
        "amount_above_maximum",
        "amount_minor must be at most " + std::to_string(limits.amount_max_minor), "amount_minor");
  }
  return ok_status();
}

Status check_work_timeout(const std::optional<int64_t>& timeout_ms, const JobLimits& limits) {
  if (!timeout_ms) {
    if (limits.work_timeout_min_ms > 0) {
      return invalid_argument("work_timeout_required", "this market needs a work timeout",
                              "work_timeout_ms");
    }
    return ok_status();
  }
  const bool below = *timeout_ms <= 0 || *timeout_ms < limits.work_timeout_min_ms;
  const bool above = limits.work_timeout_max_ms > 0 && *timeout_ms > limits.work_timeout_max_ms;
  if (below || above) {
    return invalid_argument("work_timeout_out_of_range",
                            "work_timeout_ms must be within [" +
                                std::to_string(limits.work_timeout_min_ms) + ", " +
                                std::to_string(limits.work_timeout_max_ms) + "]",
                            "work_timeout_ms");
  }
  return ok_status();
}

}  // namespace

std::optional<int64_t> utf8_code_points(std::string_view text) {
  int64_t count = 0;
  size_t index = 0;
  while (index < text.size()) {
    const auto lead = static_cast<unsigned char>(text[index]);
    size_t length = 0;
    uint32_t minimum = 0;
    if (lead < 0x80) {
      length = 1;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      minimum = 0x10000;
    } else {
      return std::nullopt;
    }
    if (index + length > text.size()) return std::nullopt;
    uint32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
      const auto next = static_cast<unsigned char>(text[index + i]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < minimum || code_point > 0x10FFFF || surrogate) return std::nullopt;
    index += length;
    ++count;
  }
  return count;
}

Status validate_json(std::string_view text, std::string_view param) {
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  if (parser.parse(simdjson::padded_string(text)).get(element) != simdjson::SUCCESS) {
    return invalid_argument("invalid_json", std::string(param) + " is not valid JSON",
                            std::string(param));
  }
  return ok_status();
}

Status validate_positive_amount(int64_t amount_minor, std::string_view param) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", std::string(param) + " must be positive",
                            std::string(param));
  }
  return ok_status();
}

Status validate_create_job(const CreateJob& request, const JobLimits& limits, int64_t now_ms) {
  if (!request.parent_job_id) MC_TRY(check_amount(request.amount_minor, limits));
  MC_TRY(check_text(request.title, limits.title_chars_max, "title"));
  MC_TRY(check_text(request.description, limits.description_chars_max, "description"));
  MC_TRY(check_text(request.prompt, limits.prompt_chars_max, "prompt"));
  MC_TRY(check_text(request.category, 0, "category"));
  if (!limits.categories.empty() && std::find(limits.categories.begin(), limits.categories.end(),
                                              request.category) == limits.categories.end()) {
    return invalid_argument("unknown_category",
                            "category '" + request.category + "' is not offered by this market",
                            "category");
  }
  for (const std::string& capability : request.capabilities) {
    MC_TRY(check_text(capability, 0, "capabilities"));
  }
  MC_TRY(check_work_timeout(request.work_timeout_ms, limits));
  if (request.deadline_at_ms && *request.deadline_at_ms <= now_ms) {
    return invalid_argument("deadline_in_past", "deadline_at_ms must be in the future",
                            "deadline_at_ms");
  }
  if (request.contracts_max < 1 || request.contracts_max > std::max(1, limits.contracts_max)) {
    return invalid_argument("contracts_out_of_range",
                            "contracts_max must be within [1, " +
                                std::to_string(std::max(1, limits.contracts_max)) + "]",
                            "contracts_max");
  }
  // Each contract draws amount / contracts_max (floored) from the lead: below one minor unit
  // per contract a contract would hold nothing, and nothing could pay it.
  if (request.contracts_max > 1 && request.amount_minor < request.contracts_max) {
    return invalid_argument("amount_below_contracts",
                            "amount_minor must be at least contracts_max (" +
                                std::to_string(request.contracts_max) +
                                ") so that every contract pays at least one minor unit",
                            "amount_minor");
  }
  if (limits.payload_bytes_max > 0 &&
      request.payload_json.size() > static_cast<size_t>(limits.payload_bytes_max)) {
    return invalid_argument(
        "payload_too_large",
        "payload_json exceeds " + std::to_string(limits.payload_bytes_max) + " bytes",
        "payload_json");
  }
  return validate_json(request.payload_json, "payload_json");
}

Status validate_movement_bound(int64_t amount_minor, const MarketConfig& config) {
  if (amount_minor <= config.movement_max_minor) return ok_status();
  return invalid_argument("amount_too_large",
                          "amount_minor " + std::to_string(amount_minor) +
                              " exceeds the largest single movement of market '" + config.name +
                              "', " + std::to_string(config.movement_max_minor),
                          "amount_minor");
}

Status validate_create_job(const CreateJob& request, const MarketConfig& config, int64_t now_ms) {
  MC_TRY(validate_create_job(request, config.limits, now_ms));
  if (request.parent_job_id) return ok_status();
  return validate_movement_bound(request.amount_minor, config);
}

}  // namespace mc::engine
