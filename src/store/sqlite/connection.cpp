// Connection and Statement: the only place that calls the sqlite3 C API directly.
#include "store/sqlite/connection.h"

#include <string>
#include <utility>

#include "store/sqlite/statement_fault.h"

namespace mc::store::sqlite {

Status sqlite_status(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + sqlite3_errstr(rc);
  if (db != nullptr && sqlite3_errcode(db) == rc)
    message += std::string(" (") + sqlite3_errmsg(db) + ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOMEM:
      return Status(Code::unavailable, "store_unavailable", std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status(Code::data_loss, "store_corrupt", std::move(message));
    case SQLITE_CONSTRAINT:
      return aborted("constraint_violation", std::move(message));
    case SQLITE_READONLY:
      return Status(Code::internal, "store_read_only", std::move(message));
    default:
      return internal_error("sqlite_error", std::move(message));
  }
}

Statement::Statement(sqlite3_stmt* stmt, bool owned, bool* in_use)
    : stmt_(stmt), owned_(owned), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    owned_ = other.owned_;
    in_use_ = std::exchange(other.in_use_, nullptr);
    bind_rc_ = other.bind_rc_;
  }
  return *this;
}

Statement::~Statement() {
  release();
}

void Statement::release() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (in_use_ != nullptr) *in_use_ = false;
  }
  stmt_ = nullptr;
  in_use_ = nullptr;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

Statement& Statement::bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's buffer may die first.
  const int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Statement::step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return sqlite_status(db, bind_rc_, "bind");
  if (statement_fault_hook_installed()) {
    const std::string_view sql = sqlite3_sql(stmt_);
    const int injected = statement_fault(StatementPhase::step, sql);
    if (injected != SQLITE_OK) {
      return sqlite_status(nullptr, injected, std::string(sql) + " (injected fault)");
    }
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(db, rc, sqlite3_sql(stmt_));
}

Result<int64_t> Statement::run() {
  while (true) {
    MC_TRY_ASSIGN(bool has_row, step());
    if (!has_row) break;
  }
  return sqlite3_changes64(sqlite3_db_handle(stmt_));
}

int64_t Statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::optional<int64_t> Statement::column_optional_int64(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.read_only ? 0 : SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = sqlite_status(db, rc, "open " + options.path);
    sqlite3_close_v2(db);
    return Status(Code::unavailable, "store_open_failed", status.message());
  }
  std::unique_ptr<Connection> connection(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (!options.read_only) {
    pragmas += "PRAGMA journal_mode=WAL;";
    // The writer's savepoint around every unit keeps a statement journal of the pages the
    // unit changes; in memory, not in a temporary file (bench_core: units 250 -> 87 us).
    pragmas += "PRAGMA temp_store=MEMORY;";
    pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  } else {
    pragmas += "PRAGMA query_only=ON;";
  }
  MC_TRY(connection->exec_script(pragmas));
  return connection;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  cache_.clear();
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  if (statement_fault_hook_installed()) {
    const int injected = statement_fault(StatementPhase::prepare, sql);
    if (injected != SQLITE_OK) {
      return sqlite_status(nullptr, injected, "prepare " + std::string(sql) + " (injected fault)");
    }
  }
  auto found = cache_.find(sql);
  if (found != cache_.end() && !found->second->in_use) {
    found->second->in_use = true;
    return Statement(found->second->stmt, false, &found->second->in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_status(db_, rc, "prepare " + std::string(sql));
  if (found != cache_.end() || cache_.size() >= kCachedStatementsMax) {
    return Statement(stmt, true, nullptr);
  }
  auto cached = std::make_unique<CachedStatement>();
  cached->stmt = stmt;
  cached->in_use = true;
  bool* in_use = &cached->in_use;
  cache_.emplace(std::string(sql), std::move(cached));
  return Statement(stmt, false, in_use);
}

Status Connection::exec(std::string_view sql) {
  MC_TRY_ASSIGN(Statement stmt, prepare(sql));
  MC_TRY(stmt.run());
  return ok_status();
}

Status Connection::exec_script(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    Status status = sqlite_status(db_, rc, "exec");
    return Status(status.code(), status.detail(), status.message() + ": " + message);
  }
  return ok_status();
}

}  // namespace mc::store::sqlite
