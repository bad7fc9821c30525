// Statement fault hook: a test seam of the SQLite store (not public API).
//
// Every statement the store prepares (Connection::prepare, cached or not) and every step of a
// statement (Statement::step, so also Statement::run and Connection::exec) asks
// `statement_fault` first, on the writer's connection and on the readers' alike. With no hook
// installed — always, outside tests — that is one atomic load answering SQLITE_OK. A test
// installs a hook to make the prepare or step it chooses fail with an SQLite result code (an
// I/O error, say): the call then reports that code, mapped by sqlite_status, as if SQLite had
// returned it, with " (injected fault)" in the message, and SQLite is not called. This is how
// the statement-level fault sweeps (tests/engine/statement_sweep*.cpp) reach the error
// return after every store call of every engine operation, the way SQLite's own tests fail the
// Nth I/O of an operation.
//
// An injected fault is a statement-level error: unlike some real I/O errors, it never makes
// SQLite roll the whole transaction back, so the writer takes the unit out with ROLLBACK TO
// as it does after any failed unit. The writer's transaction-control statements (BEGIN,
// SAVEPOINT, RELEASE, ROLLBACK TO, ROLLBACK, COMMIT) reach this hook too (they run through
// Connection::exec); tests that do not mean to fail them leave them alone (see
// control_statement_sql), and fail them through control_fault.h instead. Migrations and
// pragmas (Connection::exec_script) do not reach it.
//
// Thread-safety: the hook is process-wide; installing it and calling statement_fault may race
// safely (a mutex guards it). The hook runs on the thread using the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace mc::store::sqlite {

enum class StatementPhase : int32_t { prepare, step };

// Returns SQLITE_OK to let the prepare or step of `sql` go ahead, or the SQLite result code it
// fails with.
using StatementFaultHook = std::function<int(StatementPhase phase, std::string_view sql)>;

// Installs `hook` for every connection of the process; an empty hook removes it.
void set_statement_fault_hook(StatementFaultHook hook);

// True while a hook is installed (one atomic load).
bool statement_fault_hook_installed();

// SQLITE_OK, or what the installed hook answers for `sql` in `phase`.
int statement_fault(StatementPhase phase, std::string_view sql);

}  // namespace mc::store::sqlite
