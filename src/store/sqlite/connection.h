// Connection: one RAII sqlite3 handle with a cache of prepared statements, and Statement, a
// borrowed prepared statement with bind/step/column helpers that report errors as Status.
//
// Statements are cached by their SQL text and reused (prepared once per connection). A cached
// statement that is already borrowed (a query nested in another's row loop with the same SQL)
// is prepared afresh and finalized after use, so two borrowers never share one. A Statement is
// reset and unbound when it goes out of scope.
//
// Thread-safety: none. A Connection is used by one thread at a time (the writer's leader, or
// the thread that borrowed a reader connection).
//
// Example:
//   MC_TRY_ASSIGN(Statement stmt, connection.prepare("SELECT balance_minor FROM accounts "
//                                                    "WHERE id = ?1"));
//   stmt.bind(1, account_id);
//   MC_TRY_ASSIGN(bool has_row, stmt.step());
//   int64_t balance_minor = has_row ? stmt.column_int64(0) : 0;
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "marketcore/status.h"

namespace mc::store::sqlite {

// Maps an SQLite result code to a Status: busy/locked/full/I/O → unavailable, corrupt →
// data_loss, constraint → aborted/"constraint_violation", anything else → internal.
Status sqlite_status(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement() = default;
  // Borrows `stmt`; when `owned`, finalizes it on destruction, else resets it and clears
  // `*in_use`.
  Statement(sqlite3_stmt* stmt, bool owned, bool* in_use);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based indexes; a bind failure is reported by the next step().
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::optional<int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // Rewinds the statement and clears its bindings, to run it again with new values.
  void reset();

  // Advances one row: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, ignoring rows. Returns the number of rows changed.
  Result<int64_t> run();

  int64_t column_int64(int column) const;
  std::optional<int64_t> column_optional_int64(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  bool column_is_null(int column) const;

 private:
  void release();

  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = false;
  bool* in_use_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

struct ConnectionOptions {
  std::string path;
  bool read_only = false;  // query_only connections for readers
  bool synchronous_full = true;
  int32_t busy_timeout_ms = 5000;
};

class Connection {
 public:
  // Opens (creating when writable) the database and applies the pragmas: WAL, synchronous,
  // foreign_keys, busy_timeout, and query_only for readers.
  static Result<std::unique_ptr<Connection>> open(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns a prepared statement for `sql` (cached; see the file comment).
  Result<Statement> prepare(std::string_view sql);
  // Runs `sql` (no parameters, rows ignored) through the statement cache.
  Status exec(std::string_view sql);
  // Runs a script of several statements, not cached (migrations, pragmas).
  Status exec_script(const std::string& sql);

  int64_t changes() const { return sqlite3_changes64(db_); }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };

  static constexpr size_t kCachedStatementsMax = 512;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>, TextHash, std::equal_to<>>
      cache_;
};

}  // namespace mc::store::sqlite
