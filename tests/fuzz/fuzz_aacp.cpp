// libFuzzer target: AACP's signed requests through the server core in-process (test mode,
// scratch database). The first byte picks a route, the second how it is signed: the X-Wallet-*
// headers taken raw from the input (address, signature, timestamp lines: the header parsing),
// or a valid personal_sign of a fixed key for the route's action at the server's time, so the
// body (the rest of the input) reaches the handler's decoding and the library's checks.
// Crashes, sanitizer reports and a 500 fail.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "marketcore/ethereum.h"
#include "server.h"

namespace {

struct Route {
  const char* method;
  const char* path;
  const char* action;
  const char* resource;
};

constexpr Route kRoutes[] = {
    {"POST", "/aacp/api/v1/agents/register", "register", "1"},
    {"POST", "/aacp/api/v1/staking/deposit", "deposit", "1"},
    {"POST", "/aacp/api/v1/staking/withdraw", "withdraw", "1"},
    {"POST", "/aacp/api/v1/balance/deposit", "balanceDeposit", "1"},
    {"POST", "/aacp/api/v1/jobs", "jobs", "1"},
    {"POST", "/aacp/api/v1/jobs/1/fund", "fund", "1"},
    {"POST", "/aacp/api/v1/jobs/1/offers", "offers", "1"},
    {"DELETE", "/aacp/api/v1/jobs/1/offers/2", "offers", "1"},
    {"POST", "/aacp/api/v1/jobs/1/provider", "provider", "1"},
    {"POST", "/aacp/api/v1/jobs/1/submit", "submit", "1"},
    {"POST", "/aacp/api/v1/jobs/1/evaluate", "evaluate", "1"},
    {"POST", "/aacp/api/v1/jobs/1/dispute", "dispute", "1"},
    {"POST", "/aacp/api/v1/jobs/1/snapshots", "snapshots", "1"},
    {"POST", "/aacp/api/v1/jobs/1/claimRefund", "claimRefund", "1"},
    {"POST", "/aacp/api/v1/disputes/1/commit", "commit", "1"},
    {"POST", "/aacp/api/v1/disputes/1/reveal", "reveal", "1"},
    {"GET", "/aacp/api/v1/jobs?status=OPEN&ownerAddress=0x1&page=2&limit=3", "", ""},
    {"GET", "/aacp/api/v1/events", "", ""},
};

mc::server::Server* the_server() {
  static mc::server::Server* server = [] {
    char directory[] = "/tmp/mc-fuzz-aacp-XXXXXX";
    if (mkdtemp(directory) == nullptr) std::abort();
    mc::server::ServerConfig config;
    config.listen_port = 0;
    config.database_path = std::string(directory) + "/fuzz.db";
    config.durability_full = false;
    config.access_log = false;
    // No rate limits: every input must reach the handlers, not a 429.
    config.rate_limits["aacp.read"] = {.requests = 0};
    config.rate_limits["aacp.write"] = {.requests = 0};
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

std::string_view next_line(std::string_view& input) {
  const size_t end = input.find('\n');
  const std::string_view line = input.substr(0, end);
  input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  mc::server::Server* server = the_server();
  const Route& route = kRoutes[data[0] % (sizeof kRoutes / sizeof kRoutes[0])];
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  auto request = std::make_shared<mc::server::Request>();
  request->method = route.method;
  request->target = route.path;
  request->remote_ip = "127.0.0.9";
  if ((data[1] & 1) == 0) {
    request->headers["x-wallet-address"] = std::string(next_line(input));
    request->headers["x-wallet-signature"] = std::string(next_line(input));
    request->headers["x-wallet-timestamp"] = std::string(next_line(input));
  } else {
    static const std::string key(31, '\0');
    const std::string private_key = key + '\x07';
    static const std::string address =
        mc::eth::to_checksum_address(mc::eth::address_of_private_key(private_key).value());
    const std::string timestamp = std::to_string(server->context().clock->now_ms());
    const std::string message =
        std::string("AACP:") + route.action + ":" + route.resource + ":" + timestamp;
    request->headers["x-wallet-address"] = address;
    request->headers["x-wallet-signature"] =
        mc::eth::sign_personal_message(private_key, message).value();
    request->headers["x-wallet-timestamp"] = timestamp;
  }
  if ((data[1] & 2) != 0) request->headers["last-event-id"] = std::string(next_line(input));
  request->headers["content-type"] = "application/json";
  request->body = std::string(input);
  if (!mc::server::split_target(request->target, request->path, request->query)) return 0;
  const mc::server::Response response = server->service().handle_and_wait(request);
  if (response.status == 500) std::abort();  // a handler failed on client input
  return 0;
}
