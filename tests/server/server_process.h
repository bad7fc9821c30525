// tests/server/server_process.h — runs marketcore-server as a child process for e2e tests.
//
// start() launches the binary on 127.0.0.1 port 0 with a database in a fresh temporary
// directory and a known admin key, reads the chosen port from its start-up line, and waits
// for /readyz. terminate() sends SIGTERM and waits for the exit status. The destructor kills a
// still-running child. Thread-safety: one owner thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mc::test {

inline constexpr const char* kAdminKey = "test-admin-secret-0123456789";

class ServerProcess {
 public:
  // A new temporary directory holding the database.
  ServerProcess();
  ~ServerProcess();

  // Starts the server with `extra_flags`; returns false (with log()) when it did not get ready.
  bool start(const std::vector<std::string>& extra_flags = {});
  // SIGTERM, then waits; returns the exit code (or -signal).
  int terminate();
  // SIGKILL (a crash: no drain, no clean close), then waits.
  void kill_now();
  uint16_t port() const { return port_; }
  const std::string& database_path() const { return database_path_; }
  std::string log() const;  // the server's stderr so far

 private:
  std::string directory_;
  std::string database_path_;
  std::string stderr_path_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// The value of a top-level JSON field (number or string) from a flat response, or "".
std::string json_field(const std::string& body, const std::string& name);

}  // namespace mc::test
