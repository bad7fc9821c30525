// server/main.cpp — marketcore-server: flags and config → Server → run until a signal.
#include <cstdio>
#include <exception>

#include "config.h"
#include "delivery/event_delivery.h"
#include "dialects/humanops/mcp_dialect.h"
#include "marketcore/engine.h"
#include "server.h"

int main(int argc, char** argv) {
  // Before anything opens a database: no SQLite allocation takes the memory-statistics mutex.
  mc::disable_sqlite_memory_statistics();
  try {
    mc::Result<mc::server::CommandLine> line = mc::server::parse_command_line(argc, argv);
    if (!line.ok()) {
      std::fprintf(stderr, "marketcore-server: %s\n", line.status().message().c_str());
      return 2;
    }
    if (line->show_help) {
      std::fputs(mc::server::help_text().c_str(), stdout);
      return 0;
    }
    if (line->show_version) {
      std::puts("marketcore-server 0.1.0");
      return 0;
    }
    if (line->mcp_stdio) return mc::server::humanops::run_mcp_stdio(line->config);
    auto server = mc::server::Server::create(std::move(line->config));
    if (!server.ok()) {
      std::fprintf(stderr, "marketcore-server: cannot start: %s\n",
                   server.status().to_string().c_str());
      return 1;
    }
    mc::Status delivery = mc::server::delivery::add_event_delivery(*server.value());
    if (!delivery.ok()) {
      std::fprintf(stderr, "marketcore-server: %s\n", delivery.message().c_str());
      return 2;
    }
    mc::Status ran = server.value()->run();
    if (!ran.ok()) {
      std::fprintf(stderr, "marketcore-server: %s\n", ran.to_string().c_str());
      return 1;
    }
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "marketcore-server: fatal: %s\n", error.what());
    return 1;
  }
}
