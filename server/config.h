// server/config.h — marketcore-server settings: defaults, the TOML config file, flags.
//
// Precedence: built-in defaults < config file (--config FILE, TOML) < flags < environment for
// secrets (MARKETCORE_ADMIN_KEY, so a secret need not appear in the process list). With
// nothing given the server listens on 127.0.0.1:8080, stores ./marketcore.db, ensures every
// built-in market, mounts every dialect at its default prefix and runs in test mode.
// help_text() documents every flag and config key.
//
// Thread-safety: plain values; parse once at start-up.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "marketcore/status.h"
#include "rate_limiter.h"

namespace mc::server {

struct DialectMountConfig {
  std::string name;    // "native", "j0", "agentmarket", "humanops", "aacp", "1337mkt"
  std::string prefix;  // "" = the dialect's default prefix; "/" = the root
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  // An SQLite file, or a postgres:// / postgresql:// URL (several servers on one database).
  std::string database_path = "marketcore.db";
  bool test_mode = true;
  bool durability_full = true;  // false: survives a process crash, not a power loss
  // Admin secret (market creation, test deposits, ledger verification). Empty in test mode: a
  // random one is generated and printed at start-up. Production without one: admin routes
  // refuse every caller.
  std::string admin_key;
  std::vector<std::string> markets = {"j0", "agentmarket", "humanops", "aacp", "1337mkt"};
  std::vector<DialectMountConfig> dialects;  // empty = every dialect at its default prefix
  int32_t io_threads = 0;                    // 0 = the number of hardware threads
  int32_t handler_threads = 0;               // 0 = 4 × io threads (handlers block on commits)
  int64_t body_bytes_max = 1024 * 1024;
  int64_t header_bytes_max = 16 * 1024;
  int64_t read_timeout_ms = 30'000;    // a whole request must arrive within this
  int64_t idle_timeout_ms = 60'000;    // keep-alive connection with no request
  int64_t shutdown_grace_ms = 10'000;  // in-flight requests get this long after SIGTERM
  int32_t requests_in_flight_max = 4096;
  // Outbound calls (agent execution, verifiers): slots over the server and per principal
  // (server/outbound/outbound_calls.h); beyond them a call is refused 503 / 429.
  int32_t outbound_calls_max = 32;
  int32_t outbound_calls_per_principal = 4;
  int32_t connections_max = 10'000;
  bool access_log = true;
  // Verify the ledger while opening the database; refuse to start if it does not verify.
  bool verify_ledger = false;
  // Overrides by "<dialect>.<route class>" (e.g. "native.write").
  std::map<std::string, RateLimitRule> rate_limits;
  std::string config_path;  // the file that was read, for the start-up line
};

struct CommandLine {
  ServerConfig config;
  // --mcp-stdio: run the HumanOps MCP server on stdin/stdout instead of the HTTP server.
  bool mcp_stdio = false;
  bool show_help = false;
  bool show_version = false;
};

// Parses flags (and the config file they name). invalid_argument with a message naming the
// flag or key on any error.
Result<CommandLine> parse_command_line(int argc, const char* const* argv);
// Applies a TOML document's settings onto `config`.
Status apply_config_toml(std::string_view toml_text, std::string_view source, ServerConfig& config);
// Parses "CLASS=REQUESTS/WINDOW_S[:KEY]", e.g. "native.write=600/60:principal".
Status parse_rate_limit_flag(std::string_view text, ServerConfig& config);
// "HOST:PORT" or ":PORT" or "PORT".
Status parse_listen(std::string_view text, ServerConfig& config);

std::string help_text();

// True when `database` is a postgres:// or postgresql:// URL.
bool database_is_postgres(const std::string& database);
// `database` for log lines: a URL's password replaced by "***".
std::string database_for_display(const std::string& database);
// Where this server keeps files beside its database (`name` e.g. "uploads"): "<file>.<name>"
// beside an SQLite file; "marketcore.<name>" in the working directory with a PostgreSQL URL
// (per server, not shared between servers; see docs/scaling.md).
std::string local_files_directory(const ServerConfig& config, const std::string& name);

}  // namespace mc::server
