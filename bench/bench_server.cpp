// bench_server — drives marketcore-server over loopback with wrk and prints requests per second
// and latency p50/p90/p99 for: a read (GET balance), a money-moving write (POST /v1/jobs:
// create + escrow), a full job lifecycle (create → accept → complete, chained by a wrk Lua
// script; once over /v1 and once over the j0 dialect's POST /jobs, accept and complete), next to a
// bare Boost.Beast server answering a fixed JSON body, measured in the same run, with the ratio to
// it. The servers are pinned to core 0 and wrk to core 1 (when the machine has two cores or more).
// Not a test: it prints figures.
//
// Environment: MC_BENCH_SECONDS (default 10), MC_BENCH_CONNECTIONS (default 32).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loopback_http.h"
#include "marketcore/ethereum.h"
#include "marketcore/wallet_auth.h"

namespace {

constexpr const char* kAdminKey = "bench-admin-secret-0123456789abcdef";

using bench::env_int;
using bench::free_port;

// One request; `bearer` (when not empty) is sent as an Authorization: Bearer credential.
std::string http(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body, const std::string& bearer) {
  return bench::http(port, method, target, body,
                     bearer.empty() ? "" : "Authorization: Bearer " + bearer + "\r\n");
}

// The value after "name": in a JSON text (a number or a quoted string), or "".
std::string field(const std::string& text, const std::string& name) {
  const size_t at = text.find("\"" + name + "\":");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 3;
  if (text[start] == '"') {
    const size_t end = text.find('"', start + 1);
    return text.substr(start + 1, end - start - 1);
  }
  size_t end = start;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) != 0)) ++end;
  return text.substr(start, end - start);
}

// Logs a wallet into the j0 dialect (challenge, personal_sign, verify); returns its session
// token and user id, or "" on failure.
std::pair<std::string, std::string> j0_login(uint16_t port, const std::string& private_key) {
  const auto address = mc::eth::address_of_private_key(private_key);
  if (!address.ok()) return {};
  const std::string wallet = mc::eth::to_checksum_address(address.value());
  const std::string challenge =
      http(port, "POST", "/j0/api/v1/auth/challenge", R"({"public_key":")" + wallet + R"("})", "");
  const std::string nonce = field(challenge, "nonce");
  const std::string message = mc::auth::ChallengeLogin::message(
      "j0.com", nonce, std::stoll("0" + field(challenge, "timestamp")));
  const auto signature = mc::eth::sign_personal_message(private_key, message);
  if (!signature.ok()) return {};
  const std::string verified = http(port, "POST", "/j0/api/v1/auth/verify",
                                    R"({"public_key":")" + wallet + R"(","challenge_nonce":")" +
                                        nonce + R"(","signature":")" + signature.value() + R"("})",
                                    "");
  const size_t user = verified.find("\"user\":");
  return {field(verified, "token"),
          user == std::string::npos ? "" : field(verified.substr(user), "id")};
}

pid_t spawn(const std::vector<std::string>& args, int core, const std::string& stdout_path,
            const std::string& stderr_path) {
  std::fflush(stdout);  // the child must not repeat what is still buffered
  const pid_t pid = fork();
  if (pid != 0) return pid;
  if (core >= 0 && std::thread::hardware_concurrency() >= 2) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    sched_setaffinity(0, sizeof set, &set);
  }
  if (!stdout_path.empty()) (void)!freopen(stdout_path.c_str(), "w", stdout);
  if (!stderr_path.empty()) (void)!freopen(stderr_path.c_str(), "w", stderr);
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  _exit(127);
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

bool wait_ready(uint16_t port, const std::string& path) {
  for (int i = 0; i < 600; ++i) {
    if (http(port, "GET", path, "", "").find(" 200 ") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

struct Figures {
  double requests_per_s = 0;
  double units_per_s = 0;  // lifecycles per second for the lifecycle scenario
  long p50_us = 0, p90_us = 0, p99_us = 0, errors = 0;
  bool ok = false;
};

const char* kDone = R"(
threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local units = 0
  for _, t in ipairs(threads) do units = units + (t:get("units") or 0) end
  local e = summary.errors
  io.write(string.format("MC_RESULT %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, units))
end
)";

std::string write_script(const std::string& directory, const std::string& name,
                         const std::string& body) {
  const std::string path = directory + "/" + name + ".lua";
  std::ofstream(path) << body << kDone;
  return path;
}

Figures run_wrk(uint16_t port, const std::string& script, int seconds, int connections,
                const std::string& directory) {
  const std::string out = directory + "/wrk.out";
  const pid_t pid =
      spawn({"wrk", "-t1", "-c" + std::to_string(connections), "-d" + std::to_string(seconds) + "s",
             "-s", script, "http://127.0.0.1:" + std::to_string(port)},
            1, out, directory + "/wrk.err");
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out);
  std::string line;
  Figures figures;
  while (std::getline(in, line)) {
    if (line.rfind("MC_RESULT ", 0) != 0) continue;
    std::istringstream fields(line.substr(10));
    long requests = 0, duration_us = 0, units = 0;
    fields >> requests >> duration_us >> figures.p50_us >> figures.p90_us >> figures.p99_us >>
        figures.errors >> units;
    figures.requests_per_s = static_cast<double>(requests) * 1e6 / static_cast<double>(duration_us);
    figures.units_per_s = static_cast<double>(units) * 1e6 / static_cast<double>(duration_us);
    figures.ok = true;
  }
  if (!figures.ok) std::fprintf(stderr, "bench_server: wrk failed (is wrk installed?)\n");
  return figures;
}

void print_row(const char* name, const Figures& figures, double baseline_rps) {
  std::printf("%-34s %10.0f %9.2f %9.2f %9.2f %7ld %8.3f\n", name, figures.requests_per_s,
              static_cast<double>(figures.p50_us) / 1000.0,
              static_cast<double>(figures.p90_us) / 1000.0,
              static_cast<double>(figures.p99_us) / 1000.0, figures.errors,
              baseline_rps > 0 ? figures.requests_per_s / baseline_rps : 0.0);
}

}  // namespace

int main() {
  const int seconds = env_int("MC_BENCH_SECONDS", 10);
  const int connections = env_int("MC_BENCH_CONNECTIONS", 32);
  char pattern[] = "/tmp/mc_bench_server_XXXXXX";
  const std::string directory = mkdtemp(pattern);
  const uint16_t port = free_port();
  const pid_t server = spawn({MC_SERVER_BINARY,
                              "--listen",
                              "127.0.0.1:" + std::to_string(port),
                              "--database",
                              directory + "/bench.db",
                              "--admin-key",
                              kAdminKey,
                              "--threads",
                              "1",
                              "--rate-limit",
                              "native.read=0/60",
                              "--rate-limit",
                              "native.write=0/60",
                              "--rate-limit",
                              "native.public=0/60",
                              "--rate-limit",
                              "native.admin=0/60",
                              "--rate-limit",
                              "j0.ip=0/60",
                              "--rate-limit",
                              "j0.user=0/60"},
                             0, "/dev/null", directory + "/server.err");
  if (!wait_ready(port, "/readyz")) {
    std::fprintf(stderr, "bench_server: server did not start (see %s/server.err)\n",
                 directory.c_str());
    stop(server);
    return 1;
  }
  const std::string poster_json = http(port, "POST", "/v1/markets/j0/parties", "{}", "");
  const std::string worker_json =
      http(port, "POST", "/v1/markets/j0/parties", R"({"capabilities":["opus"]})", "");
  const std::string poster_id = field(poster_json, "id");
  const std::string poster_key = field(poster_json, "secret");
  const std::string worker_key = field(worker_json, "secret");
  http(port, "POST", "/v1/parties/" + poster_id + "/deposits", R"({"amount_minor":1000000000000})",
       kAdminKey);

  const std::string job =
      R"({"amount_minor":5,"category":"opus","prompt":"p","work_timeout_ms":30000})";
  const std::string read_script =
      write_script(directory, "read",
                   "wrk.method = 'GET'\nwrk.path = '/v1/parties/" + poster_id + "/balance'\n" +
                       "wrk.headers['Authorization'] = 'Bearer " + poster_key + "'\n");
  const std::string write_script_path =
      write_script(directory, "write",
                   "wrk.method = 'POST'\nwrk.path = '/v1/jobs'\nwrk.body = '" + job + "'\n" +
                       "wrk.headers['Content-Type'] = 'application/json'\n" +
                       "wrk.headers['Authorization'] = 'Bearer " + poster_key + "'\n");
  const std::string lifecycle_script = write_script(
      directory, "lifecycle",
      "local poster = { ['Authorization'] = 'Bearer " + poster_key +
          "', ['Content-Type'] = 'application/json' }\n"
          "local worker = { ['Authorization'] = 'Bearer " +
          worker_key +
          "', ['Content-Type'] = 'application/json' }\n"
          "local queue = {}\nunits = 0\n"
          "function request()\n"
          "  local next = table.remove(queue, 1)\n"
          "  if next then return wrk.format('POST', '/v1/jobs/' .. next[1] .. '/actions/' .. "
          "next[2], worker, next[3]) end\n"
          "  return wrk.format('POST', '/v1/jobs', poster, '" +
          job +
          "')\n"
          "end\n"
          "function response(status, headers, body)\n"
          "  local id = string.match(body, '\"id\":(%d+)')\n"
          "  local state = string.match(body, '\"state\":\"(%a+)\"')\n"
          "  if not id or not state then return end\n"
          "  if state == 'posted' then table.insert(queue, {id, 'accept', ''})\n"
          "  elseif state == 'accepted' then table.insert(queue, {id, 'complete', "
          "'{\"result\":\"ok\"}'})\n"
          "  elseif state == 'completed' then units = units + 1 end\n"
          "end\n");

  std::printf(
      "marketcore-server over loopback: wrk -t1 -c%d -d%ds, server pinned to core 0 "
      "(1 I/O thread), wrk to core 1\n",
      connections, seconds);
  const Figures read = run_wrk(port, read_script, seconds, connections, directory);
  const Figures write = run_wrk(port, write_script_path, seconds, connections, directory);
  const Figures lifecycle = run_wrk(port, lifecycle_script, seconds, connections, directory);
  // j0 over its own dialect: POST /jobs → POST /jobs/:id/accept → POST /jobs/:id/complete.
  const auto [j0_poster, j0_poster_id] = j0_login(port, std::string(32, '\x01'));
  const auto [j0_worker, j0_worker_id] = j0_login(port, std::string(32, '\x02'));
  http(port, "POST", "/v1/parties/" + j0_poster_id + "/deposits",
       R"({"amount_minor":1000000000000})", kAdminKey);
  const std::string j0_job = R"({"capability":"opus","credits":5,"timeout_sec":60,"prompt":"p"})";
  const std::string j0_script = write_script(
      directory, "j0",
      "local poster = { ['Authorization'] = 'Bearer " + j0_poster +
          "', ['Content-Type'] = 'application/json' }\n"
          "local worker = { ['Authorization'] = 'Bearer " +
          j0_worker +
          "', ['Content-Type'] = 'application/json' }\n"
          "local queue = {}\nunits = 0\n"
          "function request()\n"
          "  local next = table.remove(queue, 1)\n"
          "  if next then return wrk.format('POST', '/j0/api/v1/jobs/' .. next[1] .. '/' .. "
          "next[2], worker, next[3]) end\n"
          "  return wrk.format('POST', '/j0/api/v1/jobs', poster, '" +
          j0_job +
          "')\n"
          "end\n"
          "function response(status, headers, body)\n"
          "  local id = string.match(body, '\"job_id\":(%d+)')\n"
          "  local state = string.match(body, '\"status\":\"(%a+)\"')\n"
          "  if not id or not state then return end\n"
          "  if state == 'posted' then table.insert(queue, {id, 'accept', ''})\n"
          "  elseif state == 'accepted' then table.insert(queue, {id, 'complete', "
          "'{\"result\":\"ok\"}'})\n"
          "  elseif state == 'completed' then units = units + 1 end\n"
          "end\n");
  const Figures j0_lifecycle = run_wrk(port, j0_script, seconds, connections, directory);
  stop(server);

  const uint16_t bare_port = free_port();
  const pid_t bare =
      spawn({MC_BARE_BINARY, std::to_string(bare_port), "1"}, 0, "/dev/null", "/dev/null");
  wait_ready(bare_port, "/");
  const std::string bare_script = write_script(directory, "bare", "wrk.method = 'GET'\n");
  const Figures baseline = run_wrk(bare_port, bare_script, seconds, connections, directory);
  stop(bare);

  std::printf("%-34s %10s %9s %9s %9s %7s %8s\n", "scenario", "req/s", "p50 ms", "p90 ms", "p99 ms",
              "errors", "vs bare");
  print_row("bare Beast, fixed JSON", baseline, baseline.requests_per_s);
  print_row("read: GET balance", read, baseline.requests_per_s);
  print_row("write: POST /v1/jobs (escrow)", write, baseline.requests_per_s);
  print_row("lifecycle: create/accept/complete", lifecycle, baseline.requests_per_s);
  print_row("j0: post/accept/complete", j0_lifecycle, baseline.requests_per_s);
  std::printf("lifecycles completed per second: %.0f (native), %.0f (j0)\n", lifecycle.units_per_s,
              j0_lifecycle.units_per_s);
  return read.ok && write.ok && lifecycle.ok && j0_lifecycle.ok && baseline.ok ? 0 : 1;
}
