// SIGTERM during a burst of writes, then restart on the same database: every write that was
// acknowledged with a 2xx is present and the ledger verifies.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "http_client.h"
#include "server_process.h"

namespace mc::test {
namespace {

constexpr int kWriters = 8;

struct Acknowledged {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> deposits;  // party id, transfer id
  std::vector<std::string> jobs;
};

void write_burst(uint16_t port, int writer, std::atomic<bool>& stop, Acknowledged& acked) {
  HttpClient client(port);
  const std::map<std::string, std::string> admin{
      {"Authorization", std::string("Bearer ") + kAdminKey}};
  HttpResult party = client.request("POST", "/v1/markets/j0/parties", "{}", admin);
  if (party.status != 201) return;
  const std::string party_id = json_field(party.body, "/party/id");
  for (int i = 0; !stop.load(); ++i) {
    auto headers = admin;
    headers["Idempotency-Key"] = "w" + std::to_string(writer) + "-" + std::to_string(i);
    HttpResult deposit = client.request("POST", "/v1/parties/" + party_id + "/deposits",
                                        R"({"amount_minor":20})", headers);
    if (deposit.status == 0) return;  // server gone
    if (deposit.status == 201 || deposit.status == 200) {
      std::lock_guard lock(acked.mutex);
      acked.deposits.emplace_back(party_id, json_field(deposit.body, "/transfer_id"));
    }
    headers["Idempotency-Key"] += "-job";
    HttpResult job = client.request(
        "POST", "/v1/jobs",
        R"({"poster_id":)" + party_id +
            R"(,"amount_minor":10,"category":"opus","prompt":"p","work_timeout_ms":30000})",
        headers);
    if (job.status == 0) return;
    if (job.status == 201 || job.status == 200) {
      std::lock_guard lock(acked.mutex);
      acked.jobs.push_back(json_field(job.body, "/id"));
    }
  }
}

TEST_CASE("e2e shutdown: SIGTERM mid-burst loses no acknowledged write") {
  ServerProcess server;
  REQUIRE_MESSAGE(
      server.start({"--rate-limit", "native.write=0/60", "--rate-limit", "native.admin=0/60"}),
      server.log());
  std::atomic<bool> stop{false};
  Acknowledged acked;
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] { write_burst(server.port(), i, stop, acked); });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int exit_code = server.terminate();
  stop.store(true);
  for (std::thread& writer : writers) writer.join();
  CHECK_MESSAGE(exit_code == 0, server.log());
  REQUIRE(acked.deposits.size() > 0);
  MESSAGE("acknowledged deposits: " << acked.deposits.size() << ", jobs: " << acked.jobs.size());

  // The verification reads one job per acknowledged write: a fast (release) build acknowledges
  // more than a client's read limit allows per minute, and the limit is not what is tested.
  REQUIRE_MESSAGE(
      server.start({"--rate-limit", "native.read=0/60", "--rate-limit", "native.admin=0/60"}),
      server.log());
  HttpClient client(server.port());
  const std::map<std::string, std::string> admin{
      {"Authorization", std::string("Bearer ") + kAdminKey}};
  for (const std::string& job : acked.jobs) {
    HttpResult found = client.request("GET", "/v1/jobs/" + job, "", admin);
    CHECK_MESSAGE(found.status == 200, "job " << job);
  }
  std::map<std::string, std::set<std::string>> transfers_by_party;
  for (const auto& [party, transfer] : acked.deposits) transfers_by_party[party].insert(transfer);
  for (auto& [party, wanted] : transfers_by_party) {
    std::string cursor;
    std::set<std::string> seen;
    for (int page = 0; page < 1000; ++page) {
      HttpResult list = client.request("GET",
                                       "/v1/parties/" + party + "/transfers?limit=100" +
                                           (cursor.empty() ? "" : "&starting_after=" + cursor),
                                       "", admin);
      REQUIRE(list.status == 200);
      for (int i = 0; i < 100; ++i) {
        const std::string id = json_field(list.body, "/data/" + std::to_string(i) + "/id");
        if (id.empty()) break;
        seen.insert(id);
        cursor = id;
      }
      if (json_field(list.body, "/has_more") != "true") break;
    }
    for (const std::string& transfer : wanted) CHECK_MESSAGE(seen.count(transfer) == 1, transfer);
  }
  HttpResult verified = client.request("GET", "/v1/ledger/verify", "", admin);
  CHECK_MESSAGE(json_field(verified.body, "/ok") == "true", verified.body);
  CHECK(server.terminate() == 0);
}

}  // namespace
}  // namespace mc::test
