// tests/server/server_process.cpp — fork/exec, port discovery, readiness, SIGTERM.
#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "http_client.h"

namespace mc::test {

ServerProcess::ServerProcess() {
  char pattern[] = "/tmp/mc_server_test_XXXXXX";
  const char* made = mkdtemp(pattern);
  directory_ = made != nullptr ? made : "/tmp";
  database_path_ = directory_ + "/market.db";
  stderr_path_ = directory_ + "/server.err";
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string ServerProcess::log() const {
  std::ifstream in(stderr_path_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ServerProcess::start(const std::vector<std::string>& extra_flags) {
  std::vector<std::string> args = {
      MC_SERVER_BINARY, "--listen", "127.0.0.1:0", "--database", database_path_,
      "--admin-key",    kAdminKey,  "--threads",   "2",          "--no-access-log"};
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  const size_t log_offset = log().size();
  pid_ = fork();
  if (pid_ == 0) {
    const int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(err, 2);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string marker = "listening on http://127.0.0.1:";
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log().substr(log_offset);
    const size_t at = text.find(marker);
    if (at != std::string::npos) {
      port_ = static_cast<uint16_t>(std::atoi(text.c_str() + at + marker.size()));
      HttpClient client(port_);
      if (client.request("GET", "/readyz").status == 200) return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServerProcess::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
}

std::string json_field(const std::string& body, const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return "";
  simdjson::dom::element value;
  if (root.at_pointer(name).get(value) != simdjson::SUCCESS) return "";
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  return simdjson::minify(value);
}

}  // namespace mc::test
