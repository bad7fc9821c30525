// bench_humanops — the HumanOps dialect over loopback: task creation (reward + tier fee escrowed,
// the trailing-spend query included) and the operator's accept + submit, each measured as
// requests per second and latency p50/p99 with MC_BENCH_CONNECTIONS client threads (default
// 8) doing MC_BENCH_REQUESTS requests in all (default 2000), one connection per request.
// The dialect's per-IP rate limits are lifted for the run. Not a test: it prints figures.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_http.h"

namespace {

using bench::env_int;
using bench::free_port;
using bench::http;

bool status_ok(const std::string& response) {
  return response.rfind("HTTP/1.1 2", 0) == 0;
}

std::string field(const std::string& text, const std::string& name) {
  const size_t at = text.find("\"" + name + "\":\"");
  if (at == std::string::npos) return "";
  const size_t start = at + name.size() + 4;
  return text.substr(start, text.find('"', start) - start);
}

struct Figures {
  double per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int failed = 0;
};

// Runs `count` calls of `one(i)` on `threads` threads; each call is timed.
Figures measure(int count, int threads, const std::function<bool(int)>& one) {
  std::vector<double> latencies(static_cast<size_t>(count));
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < count; i = next++) {
        const auto begin = std::chrono::steady_clock::now();
        if (!one(i)) ++failed;
        latencies[static_cast<size_t>(i)] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
                .count();
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  Figures figures;
  figures.per_s = count / seconds;
  figures.p50_ms = latencies[latencies.size() / 2];
  figures.p99_ms = latencies[latencies.size() * 99 / 100];
  figures.failed = failed;
  return figures;
}

void print_row(const char* name, const Figures& figures) {
  std::printf("%-44s %9.0f %9.2f %9.2f %7d\n", name, figures.per_s, figures.p50_ms, figures.p99_ms,
              figures.failed);
}

}  // namespace

int main() {
  const int count = env_int("MC_BENCH_REQUESTS", 2000);
  const int threads = env_int("MC_BENCH_CONNECTIONS", 8);
  const uint16_t port = free_port();
  char directory[] = "/tmp/mc-bench-humanops-XXXXXX";
  if (mkdtemp(directory) == nullptr) return 1;
  const std::string database = std::string(directory) + "/bench.db";
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    (void)!freopen((std::string(directory) + "/server.err").c_str(), "w", stderr);
    (void)!freopen("/dev/null", "w", stdout);
    execl(MC_SERVER_BINARY, MC_SERVER_BINARY, "--listen",
          ("127.0.0.1:" + std::to_string(port)).c_str(), "--database", database.c_str(),
          "--no-access-log", "--dialect", "humanops", "--markets", "humanops", "--rate-limit",
          "humanops.api=0/60", nullptr);
    _exit(127);
  }
  bool ready = false;
  for (int i = 0; i < 600 && !ready; ++i) {
    ready = status_ok(http(port, "GET", "/readyz", "", ""));
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!ready) {
    std::fprintf(stderr, "bench_humanops: server did not start (see %s/server.err)\n", directory);
    kill(pid, SIGTERM);
    return 1;
  }
  const std::string registered = http(port, "POST", "/humanops/api/v1/agents/register",
                                      R"({"name":"bench","email":"bench@example.com"})", "");
  const std::string key_header = "X-API-Key: " + field(registered, "api_key") + "\r\n";
  // $10 + $2 fee per task: enough $10,000 deposits for every task.
  for (int i = 0; i * 1'000'000 < count * 1200; ++i) {
    http(port, "POST", "/humanops/api/v1/agents/deposit/usdc",
         R"({"tx_hash":"0xbench)" + std::to_string(i) + R"(","amount_usdc":"10000.00"})",
         key_header);
  }
  const std::string op_header = "X-Operator-Id: op_bench\r\n";
  http(port, "POST", "/humanops/api/v1/operator/register",
       R"({"name":"Bench Op","email":"op@example.com"})", op_header);
  const std::string task =
      R"({"title":"Verify signage","description":"Photo of the sign","location":{"lat":40.7,)"
      R"("lng":-74.0},"reward_usd":10,"deadline":"2099-01-01T00:00:00Z",)"
      R"("proof_requirements":["Photo"],"task_type":"VERIFICATION"})";
  std::vector<std::string> ids(static_cast<size_t>(count));
  const Figures create = measure(count, threads, [&](int i) {
    const std::string response = http(port, "POST", "/humanops/api/v1/tasks", task, key_header);
    ids[static_cast<size_t>(i)] = field(response, "task_id");
    return status_ok(response);
  });
  const Figures accept_submit = measure(count, threads, [&](int i) {
    const std::string& id = ids[static_cast<size_t>(i)];
    const bool accepted = status_ok(
        http(port, "POST", "/humanops/api/v1/operator/tasks/" + id + "/accept", "", op_header));
    return accepted &&
           status_ok(http(port, "POST", "/humanops/api/v1/operator/tasks/" + id + "/submit",
                          R"({"photos":["https://r2.example/p.jpg"]})", op_header));
  });
  std::printf("bench_humanops: %d requests per scenario, %d client threads\n", count, threads);
  std::printf("%-44s %9s %9s %9s %7s\n", "scenario", "per s", "p50 ms", "p99 ms", "failed");
  print_row("humanops: POST /tasks (escrow + tier fee)", create);
  print_row("humanops: accept + submit (two requests)", accept_submit);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  return 0;
}
