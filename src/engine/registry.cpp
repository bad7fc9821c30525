// Registry of lifecycle definitions and host guards (see registry.h).
#include "engine/registry.h"

#include <mutex>
#include <utility>

namespace mc::engine {

Status Registry::add_lifecycle(LifecycleDefinition definition) {
  MC_TRY(validate_lifecycle(definition));
  auto shared = std::make_shared<const LifecycleDefinition>(std::move(definition));
  std::unique_lock lock(mutex_);
  if (lifecycles_.count(shared->name) != 0) {
    return Status(Code::already_exists, "lifecycle_exists",
                  "a lifecycle named '" + shared->name + "' is already registered");
  }
  lifecycles_.emplace(shared->name, std::move(shared));
  return ok_status();
}

Status Registry::add_guard(std::string name, GuardFunction guard) {
  if (name.empty()) return invalid_argument("guard_name_empty", "a guard needs a name", "name");
  if (!guard) return invalid_argument("guard_empty", "the guard function is empty", "guard");
  auto shared = std::make_shared<const GuardFunction>(std::move(guard));
  std::unique_lock lock(mutex_);
  guards_[std::move(name)] = std::move(shared);
  return ok_status();
}

std::shared_ptr<const LifecycleDefinition> Registry::find_lifecycle(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto found = lifecycles_.find(name);
  return found == lifecycles_.end() ? nullptr : found->second;
}

std::shared_ptr<const GuardFunction> Registry::find_guard(std::string_view name) const {
  std::shared_lock lock(mutex_);
  auto found = guards_.find(name);
  return found == guards_.end() ? nullptr : found->second;
}

}  // namespace mc::engine
