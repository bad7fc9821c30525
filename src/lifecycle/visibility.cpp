// Field visibility (LifecycleDefinition::visibility): the copy of a job a viewer may read.
// A restricted field is shown in full to the roles its entry names; everyone else gets the
// first preview_chars code points of a text field, or nothing of a JSON field.
#include <algorithm>
#include <string>

#include "marketcore/lifecycle.h"

namespace mc {
namespace {

bool has_role(const Job& job, const JobViewer& viewer, Role role) {
  switch (role) {
    case Role::platform:
      return viewer.platform;
    case Role::anyone:
      return true;
    case Role::poster:
      return viewer.party_id && *viewer.party_id == job.poster_id;
    case Role::worker:
      return viewer.party_id && job.worker_id && *viewer.party_id == *job.worker_id;
    case Role::evaluator:
      return viewer.party_id && job.evaluator_id && *viewer.party_id == *job.evaluator_id;
    default:
      return false;
  }
}

bool sees_in_full(const Job& job, const JobViewer& viewer, const FieldVisibility& rule) {
  if (viewer.platform) return true;
  return std::any_of(rule.full_view.begin(), rule.full_view.end(),
                     [&](Role role) { return has_role(job, viewer, role); });
}

// The first `chars` code points of UTF-8 `text` (a continuation byte never starts one).
std::string preview(const std::string& text, int32_t chars) {
  size_t index = 0;
  for (int32_t taken = 0; index < text.size() && taken < chars; ++taken) {
    ++index;
    while (index < text.size() && (static_cast<unsigned char>(text[index]) & 0xC0) == 0x80) {
      ++index;
    }
  }
  return text.substr(0, index);
}

// Cuts `field` of `job` to what a viewer without full view may see.
void cut(Job& job, JobField field, int32_t preview_chars) {
  std::string* text = nullptr;
  std::string hidden;
  switch (field) {
    case JobField::prompt:
      text = &job.prompt;
      break;
    case JobField::description:
      text = &job.description;
      break;
    case JobField::result:
      text = &job.result_text;
      break;
    case JobField::proof:
      text = &job.proof_json;
      preview_chars = 0;
      break;
    case JobField::verdict:
      text = &job.verdict_json;
      preview_chars = 0;
      break;
    case JobField::payload:
      text = &job.payload_json;
      preview_chars = 0;
      hidden = "{}";
      break;
  }
  if (text == nullptr) return;
  *text = preview_chars > 0 ? preview(*text, preview_chars) : hidden;
}

}  // namespace

const char* job_field_name(JobField field) {
  switch (field) {
    case JobField::prompt:
      return "prompt";
    case JobField::description:
      return "description";
    case JobField::result:
      return "result";
    case JobField::proof:
      return "proof";
    case JobField::verdict:
      return "verdict";
    case JobField::payload:
      return "payload";
  }
  return "unknown";
}

bool is_redacted(const Job& job, JobField field) {
  return std::find(job.redacted_fields.begin(), job.redacted_fields.end(), field) !=
         job.redacted_fields.end();
}

Job job_as_seen_by(const LifecycleDefinition& definition, Job job, const JobViewer& viewer) {
  for (const FieldVisibility& rule : definition.visibility) {
    if (sees_in_full(job, viewer, rule)) continue;
    // Listed even when the cut changed nothing (a short prompt, an empty result).
    cut(job, rule.field, rule.preview_chars);
    if (!is_redacted(job, rule.field)) job.redacted_fields.push_back(rule.field);
  }
  return job;
}

}  // namespace mc
