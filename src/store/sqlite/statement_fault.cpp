// The store's statement fault hook (see statement_fault.h).
#include "store/sqlite/statement_fault.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <utility>

namespace mc::store::sqlite {
namespace {

std::mutex hook_mutex;
StatementFaultHook installed_hook;      // guarded by hook_mutex
std::atomic<bool> hook_present{false};  // fast path: no hook, no lock

}  // namespace

void set_statement_fault_hook(StatementFaultHook hook) {
  std::lock_guard<std::mutex> lock(hook_mutex);
  installed_hook = std::move(hook);
  hook_present.store(static_cast<bool>(installed_hook), std::memory_order_release);
}

bool statement_fault_hook_installed() {
  return hook_present.load(std::memory_order_acquire);
}

int statement_fault(StatementPhase phase, std::string_view sql) {
  if (!statement_fault_hook_installed()) return SQLITE_OK;
  std::lock_guard<std::mutex> lock(hook_mutex);
  return installed_hook ? installed_hook(phase, sql) : SQLITE_OK;
}

}  // namespace mc::store::sqlite
