// libFuzzer target: raw bytes through the whole request path — strict framing
// (parse_request_bytes, up to four pipelined requests per input), target decoding, routing,
// every dialect's authentication, JSON decoding and handlers — over a real server core on a
// scratch database in test mode. Crashes, sanitizer reports and a 5xx from a handler fail.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "request_framing.h"
#include "server.h"

namespace {

mc::server::Server* the_server() {
  static mc::server::Server* server = [] {
    char directory[] = "/tmp/mc-fuzz-request-XXXXXX";
    if (mkdtemp(directory) == nullptr) std::abort();
    mc::server::ServerConfig config;
    config.listen_port = 0;
    config.database_path = std::string(directory) + "/fuzz.db";
    config.durability_full = false;
    config.access_log = false;
    config.admin_key = "fuzz-admin-key-0123456789";
    // Silence the start-up progress lines, then give libFuzzer its stderr back.
    const int saved = dup(2);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    auto created = mc::server::Server::create(config);
    dup2(saved, 2);
    close(null);
    close(saved);
    if (!created.ok()) std::abort();
    return created.value().release();  // lives for the process
  }();
  return server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mc::server::Server* server = the_server();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4 && !bytes.empty(); ++i) {
    mc::server::ParsedRequest parsed = mc::server::parse_request_bytes(bytes, 16 * 1024, 64 * 1024);
    if (!parsed.request) break;
    auto request = std::make_shared<mc::server::Request>(std::move(*parsed.request));
    request->remote_ip = "127.0.0." + std::to_string(1 + size % 200);
    if (!mc::server::split_target(request->target, request->path, request->query)) break;
    const mc::server::Response response = server->service().handle_and_wait(request);
    if (response.status == 500) std::abort();  // a handler failed on client input
    bytes.remove_prefix(parsed.consumed);
    if (!parsed.keep_alive) break;
  }
  return 0;
}
