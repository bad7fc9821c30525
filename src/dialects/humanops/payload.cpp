// A HumanOps task's own fields, kept in the job's payload: read back (task_fields) with the
// domain and proof type inferred from the task type when a task (one created through /v1,
// say) does not carry them. The callback secret stays in the payload and is never returned.
#include <simdjson.h>

#include "marketcore/humanops.h"

namespace mc::humanops {

TaskFields task_fields(const Job& job) {
  TaskFields fields;
  const TaskType* type = find_task_type(job.category);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(job.payload_json)).get(root) == simdjson::SUCCESS &&
      root.is_object()) {
    simdjson::dom::element element;
    if (root["location"].get(element) == simdjson::SUCCESS && element.is_object()) {
      fields.location_json = simdjson::minify(element);
    }
    simdjson::dom::array requirements;
    if (root["proof_requirements"].get_array().get(requirements) == simdjson::SUCCESS) {
      for (simdjson::dom::element item : requirements) {
        std::string_view text;
        if (item.get_string().get(text) == simdjson::SUCCESS) {
          fields.proof_requirements.emplace_back(text);
        }
      }
    }
    auto read = [&](const char* name, std::string& into) {
      std::string_view text;
      if (root[name].get_string().get(text) == simdjson::SUCCESS) into = text;
    };
    read("task_domain", fields.task_domain);
    read("proof_type", fields.proof_type);
    read("digital_instructions", fields.digital_instructions);
    read("callback_url", fields.callback_url);
    read("agent_public_key", fields.agent_public_key);
    std::string secret;
    read("callback_secret", secret);
    fields.has_callback_secret = !secret.empty();
  }
  if (fields.task_domain.empty() && type != nullptr) {
    fields.task_domain = type->digital ? "DIGITAL" : "PHYSICAL";
  }
  if (fields.proof_type.empty() && type != nullptr) fields.proof_type = type->default_proof;
  if (fields.location_json == "null" && type != nullptr && type->digital) {
    fields.location_json = R"({"address":"Remote/Digital"})";
  }
  return fields;
}

}  // namespace mc::humanops
