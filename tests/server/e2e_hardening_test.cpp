// End-to-end tests, over loopback, of what a client must not be able to do to the server:
// stall it through outbound calls (agent execution against an endpoint that never answers
// while /healthz, reads and writes go on), make it resolve a name at registration, slip a
// request past the parser (smuggling through Transfer-Encoding, obsolete line folding, no
// Host), hold a connection by dribbling bytes; and the idempotency and error-type rules.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_client.h"
#include "native_parties.h"
#include "server_process.h"

namespace mc::test {
namespace {

using namespace std::chrono_literals;

int connect_to(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  return fd;
}

// Reads until the peer closes or `limit` passes; returns everything read and whether the
// peer closed.
std::pair<std::string, bool> read_until_closed(int fd, std::chrono::milliseconds limit) {
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd waiting{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&waiting, 1, 100) <= 0) continue;
    char chunk[4096];
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return {text, true};
    text.append(chunk, static_cast<size_t>(n));
  }
  return {text, false};
}

// Sends `raw` on a fresh connection and reads what comes back until the server closes.
std::pair<std::string, bool> exchange_raw(uint16_t port, const std::string& raw) {
  const int fd = connect_to(port);
  REQUIRE(send(fd, raw.data(), raw.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(raw.size()));
  auto answer = read_until_closed(fd, 20s);
  close(fd);
  return answer;
}

size_t count_responses(const std::string& text) {
  size_t count = 0;
  for (size_t at = text.find("HTTP/1.1 "); at != std::string::npos;
       at = text.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

// An agent endpoint that takes every call and answers none until release(): the stand-in for
// an agent that sleeps.
class StallingEndpoint {
 public:
  StallingEndpoint() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    REQUIRE(listen(listener_, 64) == 0);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~StallingEndpoint() {
    release();
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    acceptor_.join();
    for (std::thread& thread : calls_) thread.join();
  }

  uint16_t port() const { return port_; }
  // Waits until `count` calls are held, or `limit` passes.
  bool wait_for_calls(int count, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return held_ >= count; });
  }
  int held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  void accept_loop() {
    while (true) {
      const int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      calls_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string request;
    char chunk[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      request.append(chunk, static_cast<size_t>(n));
    }
    {
      std::unique_lock lock(mutex_);
      ++held_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
    const std::string body = R"({"result":"done"})";
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    close(fd);
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> calls_;
  int held_ = 0;
  bool released_ = false;
};

struct Agent {
  std::string id;
  std::string key;
};

Agent register_agent(HttpClient& client, const std::string& name, const std::string& endpoint) {
  std::string body = R"({"name":")" + name + R"(","capabilities":["coding"])";
  if (!endpoint.empty()) body += R"(,"endpoint_url":")" + endpoint + "\"";
  body += "}";
  HttpResult result = client.request("POST", "/agentmarket/api/agents/register", body);
  REQUIRE_MESSAGE(result.status == 201, result.body);
  return {json_field(result.body, "/data/id"), json_field(result.body, "/data/api_key")};
}

HttpResult execute(uint16_t port, const Agent& hirer, const Agent& hired) {
  HttpClient client(port);
  return client.request(
      "POST", "/agentmarket/api/execute",
      R"({"agent_id":")" + hired.id + R"(","task_description":"work","budget":1})",
      {{"X-API-Key", hirer.key}});
}

TEST_CASE("e2e hardening: executes against a stalled agent hold no handler thread") {
  StallingEndpoint endpoint;
  ServerProcess server;
  // The calls are held until the test releases them: give them a time limit no slow machine
  // reaches, so they end with the endpoint's answer rather than a timeout.
  setenv("MARKETCORE_AGENTMARKET_EXECUTE_TIMEOUT_MS", "300000", 1);
  // Two handler threads: on a server that runs outbound calls on them, two executes stall it.
  REQUIRE_MESSAGE(server.start({"--handler-threads", "2", "--outbound-calls", "4",
                                "--outbound-calls-per-principal", "2"}),
                  server.log());
  unsetenv("MARKETCORE_AGENTMARKET_EXECUTE_TIMEOUT_MS");
  HttpClient client(server.port());
  const Agent worker = register_agent(
      client, "Sleeper", "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/run");
  const Agent first = register_agent(client, "HirerOne", "");
  const Agent second = register_agent(client, "HirerTwo", "");
  const Agent third = register_agent(client, "HirerThree", "");

  std::vector<std::future<HttpResult>> executes;
  for (const Agent* hirer : {&first, &first, &second, &second}) {
    executes.push_back(std::async(std::launch::async, [&server, hirer, &worker] {
      return execute(server.port(), *hirer, worker);
    }));
  }
  const bool all_held = endpoint.wait_for_calls(4, 60s);
  CHECK_MESSAGE(all_held, "the endpoint holds " << endpoint.held() << " of 4 calls");

  // Every outbound slot is taken and every execute is pending: the rest of the server answers.
  auto healthz = std::async(std::launch::async, [&server] {
    return HttpClient(server.port()).request("GET", "/healthz");
  });
  const bool answered = healthz.wait_for(30s) == std::future_status::ready;
  CHECK_MESSAGE(answered, "/healthz did not answer while outbound calls were pending");
  if (answered && all_held) {
    CHECK(healthz.get().status == 200);
    for (auto& pending : executes) CHECK(pending.wait_for(0s) == std::future_status::timeout);
    CHECK(client.request("GET", "/agentmarket/api/agents").status == 200);
    CHECK(client.request("GET", "/agentmarket/api/wallet", "", {{"X-API-Key", third.key}}).status ==
          200);
    register_agent(client, "Latecomer", "");

    const HttpResult per_principal = execute(server.port(), first, worker);
    CHECK_MESSAGE(per_principal.status == 429, per_principal.body);
    CHECK(per_principal.header("retry-after").has_value());
    const HttpResult busy = execute(server.port(), third, worker);
    CHECK_MESSAGE(busy.status == 503, busy.body);
    CHECK(busy.header("retry-after").has_value());
  }
  endpoint.release();
  if (!answered) healthz.wait();
  for (auto& pending : executes) {
    const HttpResult result = pending.get();
    CHECK_MESSAGE(result.status == 200, result.body);
    CHECK(json_field(result.body, "/data/result") == "done");
  }
}

TEST_CASE("e2e hardening: a URL is registered without resolving its host") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  HttpClient client(server.port());
  const Agent agent = register_agent(client, "Remote", "https://agent.invalid/run");
  HttpResult webhook =
      client.request("PUT", "/agentmarket/api/agents/me/webhook",
                     R"({"webhook_url":"https://hooks.invalid/in"})", {{"X-API-Key", agent.key}});
  CHECK_MESSAGE(webhook.status == 200, webhook.body);
  HttpResult credentials = client.request(
      "POST", "/agentmarket/api/agents/register",
      R"({"name":"Creds","capabilities":["x"],"endpoint_url":"https://u:p@agent.invalid/"})");
  CHECK(credentials.status == 400);
}

TEST_CASE("e2e hardening: ambiguous framing is refused and the connection closed") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = "0\r\n\r\n" + smuggled;
  for (const char* coding : {"xchunked", "chunked, identity"}) {
    const auto [text_, closed] = exchange_raw(
        server.port(), std::string("POST /v1/markets/j0/parties HTTP/1.1\r\nHost: x\r\n") +
                           "Content-Type: application/json\r\nTransfer-Encoding: " + coding +
                           "\r\n\r\n" + body);
    const std::string text = text_;
    CAPTURE(coding);
    CHECK_MESSAGE(text.rfind("HTTP/1.1 400", 0) == 0, text);
    CHECK(count_responses(text) == 1);  // the smuggled request is never answered
    CHECK(closed);
  }
  {
    const auto [text_, closed] =
        exchange_raw(server.port(),
                     "POST /v1/markets/j0/parties HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                     "gzip, chunked\r\n\r\n0\r\n\r\n");
    const std::string text = text_;
    CHECK_MESSAGE(text.rfind("HTTP/1.1 501", 0) == 0, text);
    CHECK(closed);
  }
  {
    const auto [text_, closed] = exchange_raw(
        server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n\r\n");
    const std::string text = text_;
    CHECK_MESSAGE(text.rfind("HTTP/1.1 400", 0) == 0, text);
    CHECK(closed);
  }
  {
    const auto [text_, closed] = exchange_raw(server.port(), "GET /healthz HTTP/1.1\r\n\r\n");
    const std::string text = text_;
    CHECK_MESSAGE(text.rfind("HTTP/1.1 400", 0) == 0, text);
    CHECK(closed);
  }
  {  // a well-formed chunked request still works
    const auto [text_, closed] = exchange_raw(
        server.port(),
        "POST /v1/markets/j0/parties HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    const std::string text = text_;
    CHECK_MESSAGE(text.rfind("HTTP/1.1 201", 0) == 0, text);
  }
}

TEST_CASE("e2e hardening: the read timeout runs from a request's first byte to its last") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start({"--read-timeout-ms", "1000", "--idle-timeout-ms", "60000"}),
                  server.log());
  const std::string request =
      "POST /v1/markets/j0/parties HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}";
  const int fd = connect_to(server.port());
  std::string answer;
  size_t sent = 0;
  // One byte every 250 ms: the whole request would take ~20 s, far past the read timeout but
  // well inside the idle timeout.
  for (; sent < request.size() && answer.empty(); ++sent) {
    if (send(fd, request.data() + sent, 1, MSG_NOSIGNAL) != 1) break;
    answer = read_until_closed(fd, 250ms).first;
  }
  if (answer.empty()) answer = read_until_closed(fd, 5s).first;
  close(fd);
  CHECK_MESSAGE(answer.rfind("HTTP/1.1 408", 0) == 0, answer);
  CHECK(sent < request.size());
}

TEST_CASE("e2e hardening: bearer in any case, idempotency by value, documented error types") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start({"--body-limit", "1024"}), server.log());
  HttpClient client(server.port());
  const NewParty party = register_party(client);
  HttpResult lower = client.request("GET", "/v1/parties/" + party.id + "/balance", "",
                                    {{"Authorization", "bearer " + party.key}});
  CHECK_MESSAGE(lower.status == 200, lower.body);

  auto headers = bearer(party.key, "same-deposit");
  HttpResult first = client.request("POST", "/v1/parties/" + party.id + "/deposits",
                                    R"({"amount_minor":100,"reason":"r"})", headers);
  REQUIRE_MESSAGE(first.status == 201, first.body);
  HttpResult reordered = client.request("POST", "/v1/parties/" + party.id + "/deposits",
                                        "{ \"reason\": \"r\",\n  \"amount_minor\": 100 }", headers);
  CHECK_MESSAGE(reordered.status == 201, reordered.body);
  CHECK(reordered.header("idempotent-replayed") == std::optional<std::string>("true"));
  HttpResult other = client.request("POST", "/v1/parties/" + party.id + "/deposits",
                                    R"({"amount_minor":101,"reason":"r"})", headers);
  CHECK(other.status == 409);
  CHECK(json_field(other.body, "/error/code") == "idempotency_key_reused");

  HttpResult large = client.request("POST", "/v1/parties/" + party.id + "/deposits",
                                    std::string(4096, ' '), bearer(party.key));
  CHECK(large.status == 413);
  CHECK(json_field(large.body, "/error/type") == "invalid_request_error");
  CHECK(json_field(large.body, "/error/code") == "body_too_large");
}

}  // namespace
}  // namespace mc::test
