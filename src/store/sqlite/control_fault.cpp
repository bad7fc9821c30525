// The writer's control-statement fault hook (see control_fault.h).
#include "store/sqlite/control_fault.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <utility>

namespace mc::store::sqlite {
namespace {

std::mutex hook_mutex;
ControlFaultHook installed_hook;        // guarded by hook_mutex
std::atomic<bool> hook_present{false};  // fast path: no hook, no lock

}  // namespace

std::string_view control_statement_sql(ControlStatement statement) {
  switch (statement) {
    case ControlStatement::begin:
      return "BEGIN IMMEDIATE";
    case ControlStatement::savepoint:
      return "SAVEPOINT unit";
    case ControlStatement::release:
      return "RELEASE unit";
    case ControlStatement::rollback_to:
      return "ROLLBACK TO unit";
    case ControlStatement::rollback:
      return "ROLLBACK";
    case ControlStatement::commit:
      return "COMMIT";
  }
  return "ROLLBACK";
}

void set_control_fault_hook(ControlFaultHook hook) {
  std::lock_guard<std::mutex> lock(hook_mutex);
  installed_hook = std::move(hook);
  hook_present.store(static_cast<bool>(installed_hook), std::memory_order_release);
}

int control_fault(ControlStatement statement) {
  if (!hook_present.load(std::memory_order_acquire)) return SQLITE_OK;
  std::lock_guard<std::mutex> lock(hook_mutex);
  return installed_hook ? installed_hook(statement) : SQLITE_OK;
}

}  // namespace mc::store::sqlite
