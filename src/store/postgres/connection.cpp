// Connection and Statement: the only place that calls the libpq C API (see connection.h).
#include "store/postgres/connection.h"

#include <charconv>
#include <utility>

namespace mc::store::postgres {
namespace {

int64_t parse_int64(const char* text) {
  int64_t value = 0;
  const std::string_view view(text);
  std::from_chars(view.data(), view.data() + view.size(), value);
  return value;
}

}  // namespace

std::string numbered_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// The $N placeholders `sql` uses (index N - 1 set); the vector's size is the highest N.
std::vector<bool> parameters_used(std::string_view sql) {
  std::vector<bool> used;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '$') continue;
    size_t value = 0;
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') {
      value = value * 10 + static_cast<size_t>(sql[j] - '0');
      ++j;
    }
    if (value == 0) continue;
    if (value > used.size()) used.resize(value, false);
    used[value - 1] = true;
  }
  return used;
}

constexpr Oid kInt8Oid = 20;

}  // namespace

Status Connection::result_status(PGresult* result, std::string_view what) {
  std::string message(what);
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  message += ": ";
  message += result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  failed_ = true;
  if (sqlstate == "40001" || sqlstate == "40P01") {
    retry_needed_ = true;
    return Status(Code::unavailable, "store_conflict", std::move(message));
  }
  if (sqlstate.starts_with("23")) return aborted("constraint_violation", std::move(message));
  if (sqlstate.empty() || sqlstate.starts_with("08") || sqlstate.starts_with("53") ||
      sqlstate.starts_with("57") || PQstatus(conn_) != CONNECTION_OK) {
    return Status(Code::unavailable, "store_unavailable", std::move(message));
  }
  return internal_error("postgres_error", std::move(message));
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) {
    return Status(Code::unavailable, "store_unavailable", "out of memory opening a connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn);
    return Status(Code::unavailable, "store_unavailable", std::move(message));
  }
  auto connection = std::unique_ptr<Connection>(new Connection(conn));
  // Quiet: notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  MC_TRY(connection->exec("SET TIME ZONE 'UTC'"));
  return connection;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Status Connection::reset() {
  PQreset(conn_);
  prepared_.clear();
  shapes_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status(Code::unavailable, "store_unavailable",
                  std::string("cannot reconnect to PostgreSQL: ") + PQerrorMessage(conn_));
  }
  return exec("SET TIME ZONE 'UTC'");
}

Status Connection::exec(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  Status out = ok_status();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out = result_status(result, sql.substr(0, 60));
  }
  if (result != nullptr) PQclear(result);
  return out;
}

Status Connection::begin(const std::string& begin_sql) {
  failed_ = false;
  retry_needed_ = false;
  return exec(begin_sql);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  auto found = prepared_.find(std::string(sql));
  if (found == prepared_.end()) {
    const std::string text = numbered_parameters(sql);
    auto name = std::make_unique<std::string>("mc" + std::to_string(prepared_.size() + 1));
    // A placeholder the text skips (a filter left out) still needs a type: bigint.
    const std::vector<bool> used = parameters_used(text);
    std::vector<Oid> types(used.size(), 0);
    for (size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) types[i] = kInt8Oid;
    }
    PGresult* result = PQprepare(conn_, name->c_str(), text.c_str(), static_cast<int>(types.size()),
                                 types.empty() ? nullptr : types.data());
    const bool ok = result != nullptr && PQresultStatus(result) == PGRES_COMMAND_OK;
    Status status = ok ? ok_status() : result_status(result, "prepare " + text.substr(0, 80));
    if (result != nullptr) PQclear(result);
    if (!ok) return status;
    shapes_[name.get()] = {static_cast<int>(used.size())};
    found = prepared_.emplace(std::string(sql), std::move(name)).first;
  }
  const std::string* name = found->second.get();
  return Statement(this, name, shapes_[name].parameters);
}

Statement::Statement(Connection* connection, const std::string* name, int parameters)
    : connection_(connection), name_(name), parameters_(static_cast<size_t>(parameters)) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      name_(other.name_),
      parameters_(std::move(other.parameters_)),
      result_(std::exchange(other.result_, nullptr)),
      row_(other.row_),
      rows_(other.rows_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    clear_result();
    connection_ = other.connection_;
    name_ = other.name_;
    parameters_ = std::move(other.parameters_);
    result_ = std::exchange(other.result_, nullptr);
    row_ = other.row_;
    rows_ = other.rows_;
  }
  return *this;
}

Statement::~Statement() {
  clear_result();
}

void Statement::clear_result() {
  if (result_ != nullptr) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  rows_ = 0;
}

void Statement::reset() {
  clear_result();
  for (auto& parameter : parameters_) parameter.reset();
}

Statement& Statement::bind(int index, int64_t value) {
  if (index >= 1 && static_cast<size_t>(index) <= parameters_.size()) {
    parameters_[static_cast<size_t>(index - 1)] = std::to_string(value);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (index >= 1 && static_cast<size_t>(index) <= parameters_.size()) {
    parameters_[static_cast<size_t>(index - 1)] = std::string(text);
  }
  return *this;
}

Statement& Statement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (index >= 1 && static_cast<size_t>(index) <= parameters_.size()) {
    parameters_[static_cast<size_t>(index - 1)].reset();
  }
  return *this;
}

Status Statement::execute() {
  clear_result();
  std::vector<const char*> values(parameters_.size(), nullptr);
  for (size_t i = 0; i < parameters_.size(); ++i) {
    if (parameters_[i]) values[i] = parameters_[i]->c_str();
  }
  PGresult* result =
      PQexecPrepared(connection_->handle(), name_->c_str(), static_cast<int>(values.size()),
                     values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status failure = connection_->result_status(result, "statement " + *name_);
    if (result != nullptr) PQclear(result);
    return failure;
  }
  result_ = result;
  rows_ = PQntuples(result);
  row_ = -1;
  return ok_status();
}

Result<bool> Statement::step() {
  if (result_ == nullptr) MC_TRY(execute());
  if (row_ + 1 >= rows_) {
    row_ = rows_;
    return false;
  }
  ++row_;
  return true;
}

Result<int64_t> Statement::run() {
  MC_TRY(execute());
  const char* changed = PQcmdTuples(result_);
  const int64_t count = (changed != nullptr && *changed != '\0') ? parse_int64(changed) : 0;
  return count;
}

Result<int64_t> Statement::run_returning_id() {
  MC_TRY(execute());
  if (rows_ != 1) return internal_error("postgres_error", "INSERT ... RETURNING gave no row");
  row_ = 0;
  return column_int64(0);
}

int64_t Statement::column_int64(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_ || PQgetisnull(result_, row_, column)) {
    return 0;
  }
  return parse_int64(PQgetvalue(result_, row_, column));
}

std::optional<int64_t> Statement::column_optional_int64(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::string Statement::column_text(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_) return {};
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<size_t>(PQgetlength(result_, row_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

bool Statement::column_is_null(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= rows_) return true;
  return PQgetisnull(result_, row_, column) != 0;
}

}  // namespace mc::store::postgres
