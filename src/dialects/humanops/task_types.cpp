// The seed's 13 task types and the creation guard "humanops_task" (marketcore/humanops.h):
// what a HumanOps task may be, checked inside the engine's write for every API.
#include <simdjson.h>

#include <string>

#include "marketcore/e2ee.h"
#include "marketcore/humanops.h"

namespace mc::humanops {
namespace {

constexpr int64_t kDigitalInstructionsCharsMax = 10'000;

int64_t code_points(std::string_view text) {
  int64_t count = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool known_proof_type(std::string_view proof) {
  return proof == "PHOTO" || proof == "SCREENSHOT" || proof == "CONFIRMATION" ||
         proof == "ARTIFACT";
}

bool is_number(simdjson::dom::element element) {
  return element.is_double() || element.is_int64() || element.is_uint64();
}

Status check_location(simdjson::dom::element payload) {
  simdjson::dom::element location;
  if (payload["location"].get(location) != simdjson::SUCCESS || location.is_null()) {
    return invalid_argument("missing_param", "location is required for physical tasks", "location");
  }
  simdjson::dom::element lat;
  simdjson::dom::element lng;
  if (!location.is_object() || location["lat"].get(lat) != simdjson::SUCCESS ||
      location["lng"].get(lng) != simdjson::SUCCESS || !is_number(lat) || !is_number(lng)) {
    return invalid_argument("invalid_value", "location must be an object with numbers lat and lng",
                            "location");
  }
  const double latitude = lat.get_double().value_unsafe();
  const double longitude = lng.get_double().value_unsafe();
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
    return invalid_argument("invalid_value", "location lat must be within ±90 and lng within ±180",
                            "location");
  }
  return ok_status();
}

}  // namespace

const std::vector<TaskType>& task_types() {
  static const std::vector<TaskType> types = {
      {"VERIFICATION", false, false, 0, "PHOTO", "Verify something at a physical location"},
      {"PHOTO", false, false, 0, "PHOTO", "Take photos at a physical location"},
      {"DELIVERY", false, false, 0, "PHOTO", "Deliver an item to a physical location"},
      {"INSPECTION", false, false, 0, "PHOTO", "Inspect a place or an object in person"},
      {"CAPTCHA_SOLVING", true, false, 1'000, "SCREENSHOT",
       "Solve CAPTCHAs and visual challenges that AI cannot handle"},
      {"FORM_FILLING", true, false, 5'000, "CONFIRMATION",
       "Fill out web forms, applications, or registration flows"},
      {"BROWSER_INTERACTION", true, false, 10'000, "SCREENSHOT",
       "Perform browser-based interactions requiring human judgment"},
      {"CONTENT_REVIEW", true, false, 2'500, "CONFIRMATION",
       "Review and assess content for quality, accuracy, or compliance"},
      {"DATA_VALIDATION", true, false, 5'000, "CONFIRMATION",
       "Validate data accuracy by cross-referencing real-world sources"},
      {"ACCOUNT_CREATION", true, true, 10'000, "ARTIFACT",
       "Create accounts on third-party services"},
      {"API_KEY_PROCUREMENT", true, true, 20'000, "ARTIFACT",
       "Sign up and retrieve API keys from services"},
      {"PHONE_VERIFICATION", true, true, 2'500, "ARTIFACT",
       "Receive SMS codes and verify phone numbers"},
      {"SUBSCRIPTION_SETUP", true, true, 50'000, "ARTIFACT",
       "Configure paid service subscriptions"},
  };
  return types;
}

const TaskType* find_task_type(std::string_view name) {
  for (const TaskType& type : task_types()) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

Status check_task(const Job& job, std::optional<PartyId> actor, const FireTransition& request) {
  (void)actor;
  (void)request;
  const TaskType* type = find_task_type(job.category);
  if (type == nullptr) {
    return invalid_argument("unknown_task_type", "task_type '" + job.category + "' is not offered",
                            "task_type");
  }
  if (!job.deadline_at_ms) {
    return invalid_argument("missing_param", "deadline is required", "deadline");
  }
  if (type->reward_max_minor > 0 && job.amount_minor > type->reward_max_minor) {
    return invalid_argument("reward_above_category_maximum",
                            "reward_usd for " + std::string(type->name) + " is at most $" +
                                std::to_string(type->reward_max_minor / 100),
                            "reward_usd");
  }
  simdjson::dom::parser parser;
  simdjson::dom::element payload;
  if (parser.parse(simdjson::padded_string(job.payload_json)).get(payload) != simdjson::SUCCESS ||
      !payload.is_object()) {
    return invalid_argument("invalid_json", "the task payload must be a JSON object", "payload");
  }
  std::string_view text;
  if (payload["task_domain"].get_string().get(text) == simdjson::SUCCESS) {
    const std::string_view domain = type->digital ? "DIGITAL" : "PHYSICAL";
    if (text != domain) {
      return invalid_argument(
          "task_domain_mismatch",
          "task_domain of " + std::string(type->name) + " is " + std::string(domain),
          "task_domain");
    }
  }
  if (payload["proof_type"].get_string().get(text) == simdjson::SUCCESS &&
      !known_proof_type(text)) {
    return invalid_argument("invalid_value",
                            "proof_type must be PHOTO, SCREENSHOT, CONFIRMATION or ARTIFACT",
                            "proof_type");
  }
  if (payload["digital_instructions"].get_string().get(text) == simdjson::SUCCESS &&
      code_points(text) > kDigitalInstructionsCharsMax) {
    return invalid_argument("digital_instructions_too_long",
                            "digital_instructions has at most 10000 characters",
                            "digital_instructions");
  }
  if (!type->digital) MC_TRY(check_location(payload));
  if (type->credential) {
    if (payload["agent_public_key"].get_string().get(text) != simdjson::SUCCESS || text.empty()) {
      return invalid_argument("agent_public_key_required",
                              "agent_public_key is required for Tier 2 credential tasks",
                              "agent_public_key");
    }
    Result<e2ee::EncryptedCredential> probe = e2ee::encrypt_credential(text, "{}");
    if (!probe.ok()) {
      return invalid_argument("agent_public_key_invalid",
                              "agent_public_key must be base64 of a P-256 public key",
                              "agent_public_key");
    }
  }
  return ok_status();
}

}  // namespace mc::humanops
