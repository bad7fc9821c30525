// Several marketcore-server processes on one PostgreSQL database (--database postgresql://…):
// the AgentMarket lifecycle with its requests spread over the servers, accepts of one task
// racing across servers (exactly one winner), the credits conserved; then one server is
// SIGKILLed mid-load, while it holds webhook deliveries in flight at a receiver that answers
// nothing yet and after it scheduled timers of tasks it assigned. Afterwards: every
// acknowledged task and deposit is there, the deliveries the dead server held (and every
// other) reach the receiver through the other servers exactly once each (the receiver counts,
// it does not dedupe), the dead server's timers fire on another server, and the ledger
// verifies. Skipped unless MC_TEST_POSTGRES is set (tests/store/run_on_postgres.sh runs it
// inside ./dev.sh test).
#include <doctest/doctest.h>
#include <stdlib.h>

#include <atomic>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "holding_receiver.h"
#include "http_client.h"
#include "native_parties.h"
#include "server_process.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

// The string value that follows `"key":"` first in `body` ("" if absent).
std::string string_field(const std::string& body, const std::string& key) {
  const std::string marker = "\"" + key + "\":\"";
  const size_t at = body.find(marker);
  if (at == std::string::npos) return "";
  const size_t start = at + marker.size();
  return body.substr(start, body.find('"', start) - start);
}

struct Agent {
  std::string id;
  std::string key;
};

Agent register_agent(HttpClient& client, const std::string& name) {
  HttpResult registered = client.request("POST", "/agentmarket/api/agents/register",
                                         R"({"name":")" + name + R"(","capabilities":["coding"]})",
                                         {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(registered.status == 201, registered.body);
  return {string_field(registered.body, "id"), string_field(registered.body, "api_key")};
}

}  // namespace

TEST_CASE("e2e postgres: three servers on one database serve one AgentMarket") {
  if (!testing_postgres()) return;
  ServerProcess first_dir;  // only its temporary directory names the shared schema
  const std::string database = database_location(first_dir.database_path());
  // An attempt may take 20 s, so a claim's lease is 2 × 20 + 5 s. The receiver holds requests
  // for less than an attempt's timeout (so no live server gives up on one and sends it again),
  // but the dead server's claims wait for their lease. Idle webhook workers look for work every
  // 3 s, so the deposits below are all written (and queued together) before most workers wake.
  setenv("MARKETCORE_WEBHOOK_POLL_MS", "3000", 1);
  setenv("MARKETCORE_WEBHOOK_TIMEOUT_MS", "20000", 1);
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 3; ++i) {
    servers.push_back(std::make_unique<ServerProcess>());
    REQUIRE_MESSAGE(servers.back()->start({"--database", database, "--markets", "agentmarket,j0",
                                           "--rate-limit", "agentmarket.api=0/60"}),
                    servers.back()->log());
    clients.push_back(std::make_unique<HttpClient>(servers.back()->port()));
  }
  const Agent poster = register_agent(*clients[0], "Poster");
  std::vector<Agent> workers;
  for (int i = 0; i < 6; ++i) {
    workers.push_back(
        register_agent(*clients[static_cast<size_t>(i % 3)], "W" + std::to_string(i)));
  }

  for (int round = 0; round < 3; ++round) {
    // Posted on one server, raced for from all three: exactly one accept wins.
    HttpResult posted = clients[static_cast<size_t>(round % 3)]->request(
        "POST", "/agentmarket/api/tasks", R"({"title":"Fix a bug","budget":10})",
        {{"Content-Type", "application/json"}, {"X-API-Key", poster.key}});
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    const std::string task = string_field(posted.body, "id");
    REQUIRE_FALSE(task.empty());
    std::vector<int> statuses(workers.size());
    std::latch start(static_cast<std::ptrdiff_t>(workers.size()));
    std::vector<std::thread> threads;
    for (size_t i = 0; i < workers.size(); ++i) {
      threads.emplace_back([&, i] {
        HttpClient client(servers[i % 3]->port());
        start.arrive_and_wait();
        statuses[i] = client
                          .request("POST", "/agentmarket/api/tasks/" + task + "/accept", "",
                                   {{"X-API-Key", workers[i].key}})
                          .status;
      });
    }
    for (std::thread& thread : threads) thread.join();
    int winners = 0;
    size_t winner = 0;
    for (size_t i = 0; i < statuses.size(); ++i) {
      if (statuses[i] == 200) {
        ++winners;
        winner = i;
      } else {
        CHECK_MESSAGE(statuses[i] == 409, statuses[i]);
      }
    }
    REQUIRE(winners == 1);
    // Completed through a server that did not take the accept; read back on a third.
    HttpResult completed = clients[(winner + 1) % 3]->request(
        "POST", "/agentmarket/api/tasks/" + task + "/complete", R"({"result":"done"})",
        {{"Content-Type", "application/json"}, {"X-API-Key", workers[winner].key}});
    REQUIRE_MESSAGE(completed.status == 200, completed.body);
    HttpResult read = clients[(winner + 2) % 3]->request("GET", "/agentmarket/api/tasks/" + task);
    CHECK(string_field(read.body, "status") == "completed");
  }
  // Credits: 7 agents × 100 free, the poster paid 3 × 10, the workers got 3 × 9 (10 % fee).
  HttpResult me =
      clients[2]->request("GET", "/agentmarket/api/agents/me", "", {{"X-API-Key", poster.key}});
  CHECK_MESSAGE(me.body.find("\"balance\":70") != std::string::npos, me.body);

  // Timers the dead server wrote: three tasks posted and accepted through server 1 are
  // assigned, each with its 24-hour timeout timer.
  std::vector<std::string> timed_tasks;
  const Agent timed_worker = workers[0];
  for (int i = 0; i < 3; ++i) {
    HttpResult posted =
        clients[1]->request("POST", "/agentmarket/api/tasks", R"({"title":"Times out","budget":5})",
                            {{"Content-Type", "application/json"}, {"X-API-Key", poster.key}});
    REQUIRE_MESSAGE(posted.status == 201, posted.body);
    timed_tasks.push_back(string_field(posted.body, "id"));
    HttpResult accepted =
        clients[1]->request("POST", "/agentmarket/api/tasks/" + timed_tasks.back() + "/accept", "",
                            {{"X-API-Key", timed_worker.key}});
    REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  }

  // Webhooks in flight: a j0 party's balance.updated events go to a receiver that holds every
  // request unanswered, until each server's two workers wait on one (6 held). The deposits
  // go through all three servers at once.
  HoldingReceiver receiver;
  const NewParty payee = register_party(*clients[0]);
  HttpResult endpoint = clients[0]->request(
      "POST", "/v1/webhook_endpoints",
      R"({"url":")" + receiver.url("/hooks") + R"(","enabled_events":["balance.updated"]})",
      bearer(payee.key));
  REQUIRE_MESSAGE(endpoint.status == 201, endpoint.body);
  receiver.hold(true);
  constexpr int kDeposits = 60;
  {
    std::vector<std::thread> depositors;
    for (size_t server = 0; server < 3; ++server) {
      depositors.emplace_back([&, server] {
        HttpClient client(servers[server]->port());
        for (int i = 0; i < kDeposits / 3; ++i) {
          HttpResult deposited = client.request("POST", "/v1/parties/" + payee.id + "/deposits",
                                                R"({"amount_minor":1})", bearer(payee.key));
          CHECK_MESSAGE(deposited.status == 201, deposited.body);
        }
      });
    }
    for (std::thread& thread : depositors) thread.join();
  }
  REQUIRE_MESSAGE(
      HoldingReceiver::wait_until([&] { return receiver.held() == 6; }, std::chrono::seconds(20)),
      receiver.held());

  // Mid-load crash: six posters (two per server) post tasks; once 30 are acknowledged, server
  // 1 is SIGKILLed. Its clients then see transport errors (unacknowledged); every task
  // acknowledged by any server must exist afterwards, and the ledger must verify.
  std::vector<Agent> posters;
  for (int i = 0; i < 6; ++i) {
    posters.push_back(
        register_agent(*clients[static_cast<size_t>(i % 3)], "P" + std::to_string(i)));
  }
  std::mutex acknowledged_mutex;
  std::vector<std::string> acknowledged;  // guarded by acknowledged_mutex
  std::atomic<int> acknowledged_count{0};
  std::latch crashed(1);
  std::vector<std::thread> load;
  for (size_t i = 0; i < posters.size(); ++i) {
    load.emplace_back([&, i] {
      HttpClient client(servers[i % 3]->port());
      for (int n = 0; n < 20; ++n) {
        if (i % 3 == 1 && n == 10) crashed.wait();  // the crash lands while these still post
        HttpResult posted =
            client.request("POST", "/agentmarket/api/tasks", R"({"title":"Load","budget":1})",
                           {{"Content-Type", "application/json"}, {"X-API-Key", posters[i].key}});
        if (posted.status == 201) {
          std::lock_guard lock(acknowledged_mutex);
          acknowledged.push_back(string_field(posted.body, "id"));
          ++acknowledged_count;
        } else if (i % 3 == 1) {
          CHECK_MESSAGE(posted.status == 0, posted.body);  // only the killed server fails
          return;
        } else {
          FAIL_CHECK(posted.body);
        }
      }
    });
  }
  while (acknowledged_count.load() < 30) std::this_thread::yield();
  servers[1]->kill_now();
  crashed.count_down();
  for (std::thread& thread : load) thread.join();
  CHECK(acknowledged.size() >= 30);
  for (const std::string& task : acknowledged) {
    HttpResult read = clients[0]->request("GET", "/agentmarket/api/tasks/" + task);
    CHECK_MESSAGE(read.status == 200, task);
  }

  // The dead server's two in-flight deliveries lost their sender; the others are answered
  // now. Its claims (those two and the ones it had not sent yet) come back after their lease
  // and the live servers deliver them: every event exactly once.
  REQUIRE_MESSAGE(HoldingReceiver::wait_until([&] { return receiver.dropped().size() >= 2; },
                                              std::chrono::seconds(10)),
                  receiver.dropped().size());
  receiver.hold(false);
  const std::set<std::string> held_by_dead = receiver.dropped();
  CHECK(held_by_dead.size() == 2);
  const bool all_delivered = HoldingReceiver::wait_until(
      [&] { return receiver.delivered().size() == static_cast<size_t>(kDeposits); },
      std::chrono::seconds(120));
  const std::map<std::string, int> delivered = receiver.delivered();
  CHECK_MESSAGE(all_delivered, delivered.size());
  for (const std::string& event : held_by_dead) {
    CHECK_MESSAGE(delivered.contains(event), event);
  }
  for (const auto& entry : delivered) {
    const std::string message =
        entry.first + " delivered " + std::to_string(entry.second) + " times";
    CHECK_MESSAGE(entry.second == 1, message);
  }
  HttpResult balance =
      clients[2]->request("GET", "/v1/parties/" + payee.id + "/balance", "", bearer(payee.key));
  CHECK_MESSAGE(json_field(balance.body, "/available_minor") == std::to_string(kDeposits),
                balance.body);

  // The dead server's timers: another server's clock passes their due time and its scheduler
  // fires them (the tasks expire and the poster is refunded).
  HttpResult advanced =
      clients[2]->request("POST", "/v1/test/clock", R"({"advance_seconds":90000})",
                          {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(advanced.status == 200, advanced.body);
  for (const std::string& task : timed_tasks) {
    HttpResult read = clients[0]->request("GET", "/agentmarket/api/tasks/" + task);
    CHECK_MESSAGE(string_field(read.body, "status") == "expired", read.body);
  }
  HttpResult verified = clients[2]->request(
      "GET", "/v1/ledger/verify", "", {{"Authorization", std::string("Bearer ") + kAdminKey}});
  CHECK_MESSAGE(json_field(verified.body, "/ok") == "true", verified.body);
  for (size_t i = 0; i < servers.size(); ++i) {
    if (i != 1) CHECK(servers[i]->terminate() == 0);
  }
  drop_test_databases_under(std::filesystem::path(first_dir.database_path()).parent_path());
}

}  // namespace mc::test
