// Control-statement fault hook: a test seam of the group-commit writer (not public API).
//
// The writer runs its transaction-control statements (BEGIN, SAVEPOINT, RELEASE, ROLLBACK TO,
// ROLLBACK, COMMIT) through `control_fault` first. With no hook installed — always, outside
// tests — it answers SQLITE_OK after one atomic load. A test installs a hook to make the
// statement it chooses fail with an SQLite result code: the writer then reports that code as
// if SQLite had refused to start the statement, and the statement is not run. This is how the
// fault-injection tests reach the failures no VFS fault produces on demand (a failed
// ROLLBACK TO leaves the unit's writes inside the open transaction).
//
// Thread-safety: the hook is process-wide; installing it and calling control_fault may race
// safely (a mutex guards it). The hook itself is called on the writer's leader thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace mc::store::sqlite {

enum class ControlStatement : int32_t { begin, savepoint, release, rollback_to, rollback, commit };

// The SQL the writer runs for `statement`.
std::string_view control_statement_sql(ControlStatement statement);

// Returns SQLITE_OK to let the statement run, or the SQLite result code it fails with.
using ControlFaultHook = std::function<int(ControlStatement statement)>;

// Installs `hook` for every writer of the process; an empty hook removes it.
void set_control_fault_hook(ControlFaultHook hook);

// SQLITE_OK, or what the installed hook answers for `statement`.
int control_fault(ControlStatement statement);

}  // namespace mc::store::sqlite
