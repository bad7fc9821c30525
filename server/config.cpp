// server/config.cpp — flags, --help, and the glue between them and the config file.
#include "config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "marketcore/money.h"

namespace mc::server {
namespace {

Status bad_flag(std::string_view flag, std::string message) {
  return invalid_argument("bad_flag", std::string(flag) + ": " + message, std::string(flag));
}

Result<int64_t> parse_integer(std::string_view flag, std::string_view text, int64_t min,
                              int64_t max) {
  Result<int64_t> value = parse_decimal(text, 0);
  if (!value.ok() || value.value() < min || value.value() > max) {
    return bad_flag(flag, "expected an integer from " + std::to_string(min) + " to " +
                              std::to_string(max) + ", got '" + std::string(text) + "'");
  }
  return value.value();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return invalid_argument("config_unreadable", "cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Applies one flag that takes a value. Returns false in `known` for an unknown flag.
Status apply_valued_flag(std::string_view flag, std::string_view value, ServerConfig& config,
                         bool& known) {
  known = true;
  if (flag == "--listen") return parse_listen(value, config);
  if (flag == "--database") {
    config.database_path = std::string(value);
  } else if (flag == "--admin-key") {
    config.admin_key = std::string(value);
  } else if (flag == "--dialect") {
    config.dialects.push_back({std::string(value), ""});
  } else if (flag == "--prefix") {
    if (config.dialects.empty()) return bad_flag(flag, "must follow --dialect NAME");
    config.dialects.back().prefix = std::string(value);
  } else if (flag == "--markets") {
    config.markets.clear();
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      if (comma != 0) config.markets.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (flag == "--threads") {
    MC_TRY_ASSIGN(int64_t n, parse_integer(flag, value, 1, 1024));
    config.io_threads = static_cast<int32_t>(n);
  } else if (flag == "--handler-threads") {
    MC_TRY_ASSIGN(int64_t n, parse_integer(flag, value, 1, 4096));
    config.handler_threads = static_cast<int32_t>(n);
  } else if (flag == "--outbound-calls") {
    MC_TRY_ASSIGN(int64_t n, parse_integer(flag, value, 1, 4096));
    config.outbound_calls_max = static_cast<int32_t>(n);
  } else if (flag == "--outbound-calls-per-principal") {
    MC_TRY_ASSIGN(int64_t n, parse_integer(flag, value, 1, 4096));
    config.outbound_calls_per_principal = static_cast<int32_t>(n);
  } else if (flag == "--body-limit") {
    MC_TRY_ASSIGN(config.body_bytes_max, parse_integer(flag, value, 1024, 1LL << 30));
  } else if (flag == "--header-limit") {
    MC_TRY_ASSIGN(config.header_bytes_max, parse_integer(flag, value, 1024, 1 << 20));
  } else if (flag == "--read-timeout-ms") {
    MC_TRY_ASSIGN(config.read_timeout_ms, parse_integer(flag, value, 100, 3'600'000));
  } else if (flag == "--idle-timeout-ms") {
    MC_TRY_ASSIGN(config.idle_timeout_ms, parse_integer(flag, value, 100, 3'600'000));
  } else if (flag == "--shutdown-grace-ms") {
    MC_TRY_ASSIGN(config.shutdown_grace_ms, parse_integer(flag, value, 0, 3'600'000));
  } else if (flag == "--rate-limit") {
    return parse_rate_limit_flag(value, config);
  } else if (flag == "--durability") {
    if (value != "full" && value != "normal") return bad_flag(flag, "expected full or normal");
    config.durability_full = value == "full";
  } else if (flag == "--config") {
    // Read in the first pass.
  } else {
    known = false;
  }
  return ok_status();
}

}  // namespace

Status parse_listen(std::string_view text, ServerConfig& config) {
  const size_t colon = text.rfind(':');
  std::string_view host = colon == std::string_view::npos ? "" : text.substr(0, colon);
  const std::string_view port = colon == std::string_view::npos ? text : text.substr(colon + 1);
  Result<int64_t> number = parse_integer("--listen", port, 0, 65535);
  if (!number.ok()) return number.status();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!host.empty()) config.listen_host = std::string(host);
  config.listen_port = static_cast<uint16_t>(number.value());
  return ok_status();
}

Status parse_rate_limit_flag(std::string_view text, ServerConfig& config) {
  const size_t equals = text.find('=');
  const size_t slash = text.find('/');
  if (equals == std::string_view::npos || slash == std::string_view::npos || slash < equals) {
    return bad_flag("--rate-limit", "expected CLASS=REQUESTS/WINDOW_S[:KEY]");
  }
  const size_t colon = text.find(':', slash);
  RateLimitRule rule;
  MC_TRY_ASSIGN(
      rule.requests,
      parse_integer("--rate-limit", text.substr(equals + 1, slash - equals - 1), 0, 1'000'000'000));
  const std::string_view window = text.substr(
      slash + 1, colon == std::string_view::npos ? std::string_view::npos : colon - slash - 1);
  MC_TRY_ASSIGN(int64_t window_s, parse_integer("--rate-limit", window, 1, 86'400));
  rule.window_ms = window_s * 1000;
  if (colon != std::string_view::npos && !parse_rate_limit_key(text.substr(colon + 1), rule.key)) {
    return bad_flag("--rate-limit", "key must be ip, ip_path or principal");
  }
  config.rate_limits[std::string(text.substr(0, equals))] = rule;
  return ok_status();
}

Result<CommandLine> parse_command_line(int argc, const char* const* argv) {
  CommandLine line;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--config") line.config.config_path = argv[i + 1];
  }
  if (!line.config.config_path.empty()) {
    MC_TRY_ASSIGN(std::string text, read_file(line.config.config_path));
    MC_TRY(apply_config_toml(text, line.config.config_path, line.config));
  }
  bool dialects_from_flags = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      line.show_help = true;
    } else if (flag == "--version") {
      line.show_version = true;
    } else if (flag == "--production") {
      line.config.test_mode = false;
    } else if (flag == "--test-mode") {
      line.config.test_mode = true;
    } else if (flag == "--mcp-stdio") {
      line.mcp_stdio = true;
    } else if (flag == "--no-access-log") {
      line.config.access_log = false;
    } else if (flag == "--verify-ledger") {
      line.config.verify_ledger = true;
    } else {
      if (i + 1 >= argc) return bad_flag(flag, "unknown flag or missing value (see --help)");
      if (flag == "--dialect" && !dialects_from_flags) {
        line.config.dialects.clear();  // flags replace the file's dialect list
        dialects_from_flags = true;
      }
      bool known = false;
      MC_TRY(apply_valued_flag(flag, argv[i + 1], line.config, known));
      if (!known) return bad_flag(flag, "unknown flag (see --help)");
      ++i;
    }
  }
  if (const char* secret = std::getenv("MARKETCORE_ADMIN_KEY"); secret != nullptr && *secret) {
    line.config.admin_key = secret;
  }
  return line;
}

std::string help_text() {
  return R"(marketcore-server — the marketcore HTTP server (native API and dialects)

Usage: marketcore-server [flags]

With no flags: listens on 127.0.0.1:8080, stores ./marketcore.db, ensures every built-in market
(j0, agentmarket, humanops, aacp, 1337mkt), mounts every dialect at its default prefix (native
API at /v1), test mode on. Settings apply in this order: defaults, --config file, flags,
environment (MARKETCORE_ADMIN_KEY).

Flags:
  --config FILE            read settings from a TOML file (keys below)
  --listen HOST:PORT       listen address (default 127.0.0.1:8080; port 0 = any free port,
                           printed on start-up)
  --database PATH|URL      SQLite database file (default marketcore.db), or a postgres:// or
                           postgresql:// URL of a PostgreSQL database that several servers
                           may share (docs/scaling.md)
  --dialect NAME           mount a dialect (repeatable; replaces the default list). Names:
                           native, j0, agentmarket, humanops, humanops-mcp, aacp, 1337mkt
  --prefix PATH            prefix for the preceding --dialect ("/" serves it at the root)
  --markets A,B,...        built-in markets to ensure at start-up (default: all five)
  --production             production mode: test shortcuts (test deposits, open party
                           registration) are off and an admin key must be configured
  --test-mode              test mode (default)
  --admin-key KEY          admin secret (prefer MARKETCORE_ADMIN_KEY); generated and printed
                           in test mode when absent
  --durability full|normal full (default): no acknowledged write lost even on power loss;
                           normal: survives a process crash
  --threads N              I/O threads (default: hardware threads)
  --handler-threads N      request handler threads (default: 64, or 4 × I/O threads if more)
  --outbound-calls N       outbound calls (agent execution, verifiers) in flight over the
                           server, each on its own thread (default 32); beyond: 503
  --outbound-calls-per-principal N
                           outbound calls in flight per caller (default 4); beyond: 429
  --body-limit BYTES       largest request body (default 1048576); larger gets 413
  --header-limit BYTES     largest request header block (default 16384); larger gets 431
  --read-timeout-ms MS     time from a request's first byte to its last (default 30000);
                           beyond it the request is answered 408 and the connection closed
  --idle-timeout-ms MS     keep-alive idle time before closing (default 60000)
  --shutdown-grace-ms MS   on SIGTERM/SIGINT, time for in-flight requests (default 10000)
  --rate-limit CLASS=N/WINDOW_S[:KEY]
                           fixed-window limit for a route class, e.g.
                           native.write=600/60:principal; KEY is ip, ip_path or principal
                           (API key / wallet / party); N=0 disables the class's limit.
                           Native classes: public, read, write, admin
  --no-access-log          do not write the JSON access log to stdout
  --mcp-stdio              run the HumanOps MCP server on stdin/stdout (JSON-RPC, one message
                           per line) over --database, as the agent whose API key is in
                           HUMANOPS_API_KEY, instead of the HTTP server
  --verify-ledger          verify the ledger (every balance recomputed from the transfers,
                           every hold) while opening the database; refuse to start, naming
                           the first problem, if it does not verify
  --version                print the version
  --help                   this text

Config file (TOML), every key optional:
  listen = "127.0.0.1:8080"
  database = "marketcore.db"
  mode = "test"                     # or "production"
  admin_key = "..."
  durability = "full"
  markets = ["j0", "agentmarket", "humanops", "aacp", "1337mkt"]
  access_log = true
  verify_ledger = false             # true: as --verify-ledger
  [server]
  io_threads = 0                    # 0 = hardware threads
  handler_threads = 0
  body_bytes_max = 1048576
  header_bytes_max = 16384
  read_timeout_ms = 30000
  idle_timeout_ms = 60000
  shutdown_grace_ms = 10000
  requests_in_flight_max = 4096     # beyond this, 503 at once
  connections_max = 10000
  outbound_calls_max = 32           # as --outbound-calls
  outbound_calls_per_principal = 4
  [[dialects]]                      # repeat per dialect; absent = all at default prefixes
  name = "native"
  prefix = "/v1"
  [rate_limits."native.write"]      # per "<dialect>.<route class>"
  requests = 600
  window_s = 60
  key = "principal"

Signals: SIGTERM and SIGINT stop accepting, finish in-flight requests (up to the grace time),
then exit 0. Every write acknowledged with a 2xx is durable before the response is sent.

Operations: GET /healthz (process up), GET /readyz (database open, markets ready),
GET /metrics (Prometheus text). Access log: one JSON line per request on stdout.
)";
}

bool database_is_postgres(const std::string& database) {
  return database.starts_with("postgres://") || database.starts_with("postgresql://");
}

std::string database_for_display(const std::string& database) {
  if (!database_is_postgres(database)) return database;
  // scheme://user:password@host... → scheme://user:***@host...
  const size_t authority = database.find("://") + 3;
  const size_t at = database.find('@', authority);
  const size_t slash = database.find('/', authority);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return database;
  const size_t colon = database.find(':', authority);
  if (colon == std::string::npos || colon > at) return database;
  return database.substr(0, colon + 1) + "***" + database.substr(at);
}

std::string local_files_directory(const ServerConfig& config, const std::string& name) {
  if (database_is_postgres(config.database_path)) return "marketcore." + name;
  return config.database_path + "." + name;
}

}  // namespace mc::server
