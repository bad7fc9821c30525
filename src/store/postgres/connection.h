// Connection: one libpq connection with a cache of server-side prepared statements, and
// Statement, a prepared statement with the same bind/step/column helpers as the SQLite
// backend's (store/sqlite/connection.h), so the *_sql.cpp files of both backends read alike.
//
// SQL is written with SQLite-style numbered parameters (?1, ?2, ...); prepare() rewrites them
// to PostgreSQL's $1, $2 (a '?' not followed by a digit is left alone). Statements are
// prepared once per connection (PQprepare, types inferred by the server) and run with text
// parameters; a result is fetched whole on the first step(). An INSERT that needs the new id
// ends in "RETURNING id" and reads it with run_returning_id().
//
// Errors: any failed statement aborts the surrounding transaction (PostgreSQL's rule), so the
// connection remembers it (failed()) and whether it was a serialization failure or deadlock
// (SQLSTATE 40001 / 40P01, retry_needed()): the store then rolls back and, for a conflict,
// runs the unit again. begin() clears both.
//
// Thread-safety: none. A Connection is used by one thread at a time (borrowed from the pool).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "marketcore/status.h"

namespace mc::store::postgres {

class Connection;

class Statement {
 public:
  Statement() = default;
  Statement(Connection* connection, const std::string* name, int parameters);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based indexes.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::optional<int64_t>& value);
  Statement& bind(int index, const std::optional<std::string>& text);
  Statement& bind_null(int index);

  // Drops the result and the bindings, to run the statement again with new values.
  void reset();

  // Runs the statement on the first call; then advances one row: true when a row is
  // available, false when done.
  Result<bool> step();
  // Runs the statement, ignoring rows. Returns the number of rows changed (or returned).
  Result<int64_t> run();
  // Runs an INSERT ... RETURNING id and returns the id.
  Result<int64_t> run_returning_id();

  int64_t column_int64(int column) const;
  std::optional<int64_t> column_optional_int64(int column) const;
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  bool column_is_null(int column) const;

 private:
  Status execute();
  void clear_result();

  Connection* connection_ = nullptr;
  const std::string* name_ = nullptr;
  std::vector<std::optional<std::string>> parameters_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

class Connection {
 public:
  // Opens a connection to `url` (a libpq connection URI, postgres:// or postgresql://).
  static Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Returns the statement for `sql` (?N placeholders), prepared on first use.
  Result<Statement> prepare(std::string_view sql);
  // Runs `sql` (no parameters; may hold several statements), rows ignored.
  Status exec(const std::string& sql);

  // Starts a transaction with `begin_sql` and clears the failure flags.
  Status begin(const std::string& begin_sql);
  // A statement of the current transaction failed / failed with a serialization failure or a
  // deadlock (the transaction must be rolled back; a conflict may be retried).
  bool failed() const { return failed_; }
  bool retry_needed() const { return retry_needed_; }
  // The connection to the server is gone (reset it before reuse).
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Reconnects a broken connection (prepared statements are prepared again on use).
  Status reset();

  PGconn* handle() const { return conn_; }

  // Maps a failed result to a Status and records the failure (see the file comment).
  Status result_status(PGresult* result, std::string_view what);

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<std::string>> prepared_;  // sql → name
  struct Shape {
    int parameters = 0;
  };
  std::unordered_map<const std::string*, Shape> shapes_;
  bool failed_ = false;
  bool retry_needed_ = false;
};

// Rewrites ?N placeholders to $N.
std::string numbered_parameters(std::string_view sql);

}  // namespace mc::store::postgres
