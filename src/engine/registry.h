// registry.h — the engine's lifecycle definitions and host guards, shared across threads.
//
// Definitions are immutable once registered and handed out as shared_ptr<const ...>, so a
// write unit keeps using the definition it started with even if the host registers more.
//
// Thread-safety: every member is thread-safe (one shared_mutex; readers run concurrently).
//
// Example:
//   mc::engine::Registry registry;
//   MC_TRY(registry.add_lifecycle(my_definition));
//   auto definition = registry.find_lifecycle("gig");  // nullptr when unknown
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "marketcore/engine.h"
#include "marketcore/lifecycle.h"
#include "marketcore/status.h"

namespace mc::engine {

class Registry {
 public:
  // Validates and adds a definition. invalid_argument (validate_lifecycle's codes) or
  // already_exists/"lifecycle_exists".
  Status add_lifecycle(LifecycleDefinition definition);
  // Adds or replaces a host guard. invalid_argument/"guard_name_empty" for an empty name,
  // invalid_argument/"guard_empty" for an empty function.
  Status add_guard(std::string name, GuardFunction guard);

  // nullptr when unknown.
  std::shared_ptr<const LifecycleDefinition> find_lifecycle(std::string_view name) const;
  std::shared_ptr<const GuardFunction> find_guard(std::string_view name) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const LifecycleDefinition>, std::less<>> lifecycles_;
  std::map<std::string, std::shared_ptr<const GuardFunction>, std::less<>> guards_;
};

}  // namespace mc::engine
