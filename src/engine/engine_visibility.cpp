// Engine's read path with field visibility: jobs as a viewer may see them (marketcore/
// lifecycle.h FieldVisibility, applied by job_as_seen_by).
#include "engine/engine_impl.h"

namespace mc {

Result<Job> Engine::as_seen_by(Job job, const JobViewer& viewer) const {
  std::shared_ptr<const LifecycleDefinition> definition =
      impl_->registry.find_lifecycle(job.lifecycle);
  if (!definition) {
    return internal_error("unknown_lifecycle", "job lifecycle '" + job.lifecycle + "'");
  }
  return mc::job_as_seen_by(*definition, std::move(job), viewer);
}

Result<Job> Engine::job_as_seen_by(JobId id, const JobViewer& viewer) {
  MC_TRY_ASSIGN(Job found, job(id));
  return as_seen_by(std::move(found), viewer);
}

Result<std::vector<Job>> Engine::jobs_as_seen_by(const JobQuery& query, const JobViewer& viewer) {
  MC_TRY_ASSIGN(std::vector<Job> found, jobs(query));
  for (Job& one : found) {
    MC_TRY_ASSIGN(one, as_seen_by(std::move(one), viewer));
  }
  return found;
}

}  // namespace mc
