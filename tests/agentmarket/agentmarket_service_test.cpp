// The AgentMarket market definition (marketcore/agentmarket.h) in process, on the manual
// clock: registration, the seed's money (100 → 75 at posting, 90 % floor to the worker), one
// winner among concurrent accepts, direct execution that succeeds, fails, times out or is
// refused, task.posted recipients and signatures, ids. After every scenario the credits are
// conserved: what the agents hold, what is in escrow and the platform's fees add up to the
// signup credits handed out, and the ledger verifies.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "agentmarket_market.h"
#include "marketcore/agentmarket.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/webhook_signatures.h"

using namespace agentmarket_test;

TEST_CASE("agentmarket: ids are UUIDs that round-trip and never cross kinds") {
  for (int64_t id : {int64_t{1}, int64_t{2}, int64_t{42}, int64_t{1} << 40}) {
    const std::string agent = am::agent_uuid(id);
    CHECK(agent.size() == 36);
    CHECK(agent[14] == '4');
    CHECK(am::parse_agent_uuid(agent).value() == id);
    CHECK(am::parse_task_uuid(am::task_uuid(id)).value() == id);
    CHECK(am::parse_task_uuid(agent).status().detail() == "task_not_found");
  }
  CHECK(am::parse_agent_uuid("not-a-uuid").status().detail() == "agent_not_found");
  CHECK(am::mask_url("https://my-agent.com/webhooks/agentmarket") == "...gentmarket");
}

TEST_CASE("agentmarket: register gives a key, 100 credits, and bad input changes nothing") {
  Market m;
  const am::RegisteredAgent bot = m.add("MyBot");
  CHECK(bot.balance == 100);
  CHECK(bot.api_key.rfind("am_test_", 0) == 0);
  CHECK(bot.webhook_secret.empty());
  CHECK(m.service->authenticate(bot.api_key).value().id == bot.profile.party.id);
  CHECK(m.service->authenticate("am_test_nope").status().detail() == "api_key_invalid");

  CHECK(m.service->register_agent({.name = ""}).status().param() == "name");
  CHECK(m.service->register_agent({.name = "X", .webhook_url = "http://example.com/hook"})
            .status()
            .param() == "webhook_url");
  CHECK(m.service->register_agent({.name = "X", .price_per_task = -1}).status().param() ==
        "price_per_task");
  CHECK(m.s.engine->parties(m.s.market.id, std::nullopt, 100, 0).value().size() == 1);
  m.check_conservation();
}

TEST_CASE("agentmarket: URLs are checked by form only, never resolved at registration") {
  Market m;
  // .invalid never resolves (RFC 6761): registering it must not depend on DNS at all.
  const am::RegisteredAgent bot = m.add(
      "Remote", {"coding"},
      {.endpoint_url = "https://agent.invalid/run", .webhook_url = "https://hooks.invalid/in"});
  CHECK(bot.profile.party.endpoint_url == "https://agent.invalid/run");
  CHECK_FALSE(bot.webhook_secret.empty());
  CHECK(m.service->set_webhook(bot.profile.party.id, "https://other.invalid/in").ok());
  auto refused = [&](const char* url) {
    return m.service->register_agent({.name = "X", .endpoint_url = url}).status().detail();
  };
  CHECK(refused("https://user:secret@agent.example.com/") == "webhook_url_invalid");
  CHECK(refused("https://10.1.2.3/run") == "webhook_url_forbidden_address");
  CHECK(refused("ftp://agent.example.com/") == "webhook_url_invalid");
  m.check_conservation();
}

TEST_CASE("agentmarket: one owner_email registers many agents") {
  Market m;
  const am::RegisteredAgent first = m.add("BotOne", {"coding"}, {.owner_email = "me@example.com"});
  const am::RegisteredAgent second = m.add("BotTwo", {"coding"}, {.owner_email = "me@example.com"});
  CHECK(first.profile.party.id != second.profile.party.id);
  CHECK(second.profile.party.email == "me@example.com");
  CHECK(m.service->authenticate(second.api_key).value().id == second.profile.party.id);
  m.check_conservation();
}

TEST_CASE("agentmarket: a signup bonus that fails leaves no agent and no key behind") {
  Market m;
  // A market whose signup bonus is beyond its largest single movement: the bonus is refused,
  // and with it the whole registration.
  mc::MarketConfig config = mc::builtin_market_config("agentmarket").value();
  config.name = "agentmarket_big_bonus";
  config.config_json = R"({"signup_credits":2000000000})";
  const mc::Market market = m.s.engine->ensure_market(config).value();
  am::Service service(*m.s.engine, market, m.keys, m.endpoint, nullptr, am::ServiceOptions{});
  auto refused = service.register_agent({.name = "Greedy", .owner_email = "me@example.com"});
  CHECK(refused.status().detail() == "amount_too_large");
  CHECK(m.s.engine->parties(market.id, std::nullopt, 100, 0).value().empty());
  CHECK(m.s.engine->auth_stores().api_keys->list_by_owner("1").value().empty());
  m.s.verify();
}

TEST_CASE("agentmarket: post 25 → 75, accept, complete pays 22 and 3") {
  Market m;
  const am::RegisteredAgent poster = m.add("Poster");
  const am::RegisteredAgent worker = m.add("Worker");
  const am::TaskView task =
      m.service
          ->post_task(poster.profile.party.id, {.title = "Summarize this research paper",
                                                .budget = 25,
                                                .required_capabilities = {"research"}})
          .value();
  CHECK(task.job.state == "open");
  CHECK(m.balance(poster) == 75);
  m.check_conservation();

  CHECK(m.service->post_task(poster.profile.party.id, {.title = "Too much", .budget = 76})
            .status()
            .detail() == "insufficient_funds");
  CHECK(
      m.service->post_task(poster.profile.party.id, {.title = "", .budget = 5}).status().param() ==
      "title");
  CHECK(m.balance(poster) == 75);

  CHECK(m.service->accept(poster.profile.party.id, task.id).status().detail() == "own_task");
  const am::TaskView assigned = m.service->accept(worker.profile.party.id, task.id).value();
  CHECK(assigned.job.state == "assigned");
  CHECK(assigned.assigned_to == worker.profile.id);
  CHECK(m.service->accept(worker.profile.party.id, task.id).status().detail() == "task_not_open");
  CHECK(m.service->complete(poster.profile.party.id, task.id, "x").status().detail() ==
        "not_assignee");
  const am::TaskView done =
      m.service->complete(worker.profile.party.id, task.id, "Here is the summary").value();
  CHECK(done.job.state == "completed");
  CHECK(done.job.result_text == "Here is the summary");
  CHECK(m.balance(worker) == 122);
  CHECK(m.balance(poster) == 75);
  CHECK(m.service->profile(worker.profile.party.id).value().total_tasks == 1);
  m.check_conservation();

  const auto open = m.service->tasks({.status = "open"}).value();
  CHECK(open.empty());
  CHECK(m.service->tasks({.status = "bogus"}).status().param() == "status");
  CHECK(m.service->tasks({.capability = "research"}).value().size() == 1);
}

TEST_CASE("agentmarket: concurrent accepts have exactly one winner") {
  Market m;
  const am::RegisteredAgent poster = m.add("Poster");
  std::vector<am::RegisteredAgent> workers;
  for (int i = 0; i < 8; ++i) workers.push_back(m.add("W" + std::to_string(i)));
  const am::TaskView task =
      m.service->post_task(poster.profile.party.id, {.title = "Race", .budget = 10}).value();
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (const am::RegisteredAgent& worker : workers) {
    threads.emplace_back([&, id = worker.profile.party.id] {
      if (m.service->accept(id, task.id).ok()) ++winners;
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(winners.load() == 1);
  CHECK(m.service->task(task.id).value().job.state == "assigned");
  m.check_conservation();
}

TEST_CASE("agentmarket: execute pays on success, refunds on failure and timeout") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  const am::RegisteredAgent bot =
      m.add("Bot", {"poetry"}, {.endpoint_url = "http://127.0.0.1:9/execute"});

  m.endpoint->reply = mc::AgentEndpointReply{200, R"({"result":"Packets flow like streams"})"};
  am::Execution ok =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "Write a haiku", .budget = 15})
          .value();
  CHECK(ok.succeeded);
  CHECK(ok.result == "Packets flow like streams");
  CHECK(ok.task.job.state == "completed");
  CHECK(m.balance(hirer) == 85);
  CHECK(m.balance(bot) == 113);
  REQUIRE(m.endpoint->calls.size() == 1);
  CHECK(m.endpoint->calls[0].url == "http://127.0.0.1:9/execute");
  CHECK(m.endpoint->calls[0].body_json.find("\"task_description\":\"Write a haiku\"") !=
        std::string::npos);
  CHECK(m.service->accept(bot.profile.party.id, ok.task.id).status().detail() == "task_not_open");
  m.check_conservation();

  m.endpoint->reply = mc::AgentEndpointReply{500, "boom"};
  am::Execution failed =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "Fail please", .budget = 20})
          .value();
  CHECK_FALSE(failed.succeeded);
  CHECK(failed.task.job.state == "failed");
  CHECK(m.balance(hirer) == 85);
  m.check_conservation();

  m.endpoint->reply = mc::Status(mc::Code::deadline_exceeded, "agent_timeout", "slow");
  am::Execution late =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "Hang", .budget = 20})
          .value();
  CHECK_FALSE(late.succeeded);
  CHECK(late.failure.code() == mc::Code::deadline_exceeded);
  CHECK(m.balance(hirer) == 85);
  m.check_conservation();

  CHECK(m.service
            ->execute(hirer.profile.party.id,
                      {.agent_id = bot.profile.id, .task_description = "x", .budget = 86})
            .status()
            .detail() == "insufficient_funds");
  CHECK(m.service
            ->execute(bot.profile.party.id,
                      {.agent_id = bot.profile.id, .task_description = "x", .budget = 1})
            .status()
            .param() == "agent_id");
  CHECK(m.service
            ->execute(hirer.profile.party.id,
                      {.agent_id = am::agent_uuid(999), .task_description = "x", .budget = 1})
            .status()
            .detail() == "agent_not_found");
  CHECK(m.balance(hirer) == 85);
  m.check_conservation();
}

TEST_CASE("agentmarket: while a direct execution runs, no other agent can take or finish it") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  const am::RegisteredAgent bot = m.add("Bot", {"poetry"}, {.endpoint_url = "http://127.0.0.1:9/"});
  const am::RegisteredAgent rival = m.add("Rival", {"poetry"});
  const mc::PartyId rival_id = rival.profile.party.id;
  const int64_t units_before = m.s.engine->writer_statistics().units_committed;
  bool ran = false;
  m.endpoint->while_running = [&] {
    ran = true;
    // Creation and start were one write unit: the task was never open for anyone to take.
    CHECK(m.s.engine->writer_statistics().units_committed == units_before + 1);
    const std::vector<mc::Job> latest =
        m.s.engine->jobs({.market_id = m.s.market.id, .limit = 1}).value();
    REQUIRE(latest.size() == 1);
    const mc::Job& task = latest[0];
    CHECK(task.state == "executing");
    const std::vector<mc::JobTransitionRecord> history = m.s.engine->job_history(task.id).value();
    REQUIRE(history.size() == 2);
    CHECK(history[1].transition == "start_execution");
    // Through the engine (what /v1 calls) and through the dialect, as the rival and as the
    // hired agent itself: nothing takes or finishes the task.
    for (mc::PartyId actor : {rival_id, bot.profile.party.id}) {
      for (const char* transition : {"accept", "complete", "cancel", "deliver_execution"}) {
        CAPTURE(transition);
        mc::FireTransition attempt{.job_id = task.id, .transition = transition, .actor_id = actor};
        attempt.result_text = "stolen";
        CHECK_FALSE(m.s.engine->fire(attempt).ok());
      }
    }
    CHECK(m.service->accept(rival_id, am::task_uuid(task.id)).status().detail() == "task_not_open");
    CHECK(m.service->complete(rival_id, am::task_uuid(task.id), "stolen").status().detail() ==
          "not_assignee");
  };
  m.endpoint->reply = mc::AgentEndpointReply{200, R"({"result":"verse"})"};
  const am::Execution done =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "A poem", .budget = 20})
          .value();
  CHECK(ran);
  CHECK(done.succeeded);
  CHECK(done.task.job.worker_id == bot.profile.party.id);
  CHECK(m.balance(hirer) == 80);
  CHECK(m.balance(bot) == 118);
  CHECK(m.balance(rival) == 100);
  m.check_conservation();
}

TEST_CASE("agentmarket: a system-prompt agent runs through the LLM, or is refused without one") {
  Market without;
  const am::RegisteredAgent hirer = without.add("Hirer");
  const am::RegisteredAgent poet = without.add("Poet", {"poetry"}, {.system_prompt = "Be brief"});
  CHECK(without.service
            ->execute(hirer.profile.party.id,
                      {.agent_id = poet.profile.id, .task_description = "A haiku", .budget = 10})
            .status()
            .detail() == "llm_not_configured");
  CHECK(without.balance(hirer) == 100);
  const am::RegisteredAgent plain = without.add("Plain", {"poetry"});
  CHECK(without.service
            ->execute(hirer.profile.party.id,
                      {.agent_id = plain.profile.id, .task_description = "A haiku", .budget = 10})
            .status()
            .detail() == "agent_not_executable");
  without.check_conservation();

  Market with(true);
  const am::RegisteredAgent hirer2 = with.add("Hirer");
  const am::RegisteredAgent poet2 = with.add("Poet", {"poetry"}, {.system_prompt = "Be brief"});
  am::Execution ran =
      with.service
          ->execute(hirer2.profile.party.id,
                    {.agent_id = poet2.profile.id, .task_description = "A haiku", .budget = 10})
          .value();
  CHECK(ran.succeeded);
  CHECK(ran.result == "echo: Be brief / A haiku");
  CHECK(with.balance(poet2) == 109);
  with.check_conservation();
}

TEST_CASE("agentmarket: an execution whose host died is refunded by the 10-minute timer") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  const am::RegisteredAgent bot = m.add("Bot", {"x"}, {.endpoint_url = "http://127.0.0.1:9/"});
  // What execute() does before its outbound call, then no answer ever comes.
  const mc::Job job = m.s.create({.poster_id = hirer.profile.party.id,
                                  .amount_minor = 30,
                                  .worker_id = bot.profile.party.id,
                                  .title = "Direct execution",
                                  .payload_json = R"({"direct":true})"});
  m.s.fire_ok(job.id, "start_execution", hirer.profile.party.id);
  CHECK(m.balance(hirer) == 70);
  m.s.advance_ms(10 * mc::kMillisecondsPerMinute);
  CHECK(m.s.job(job.id).state == "failed");
  CHECK(m.balance(hirer) == 100);
  m.check_conservation();
}

TEST_CASE("agentmarket: webhook secret once, masked URL, task.posted to overlapping agents") {
  Market m;
  const am::RegisteredAgent poster =
      m.add("Poster", {"research"}, {.webhook_url = "http://127.0.0.1:1/poster"});
  CHECK_FALSE(poster.webhook_secret.empty());
  const am::RegisteredAgent match = m.add("Match", {"research", "coding"});
  const am::RegisteredAgent other = m.add("Other", {"poetry"});
  const am::WebhookSetting first =
      m.service->set_webhook(match.profile.party.id, "http://127.0.0.1:1/match/agentmarket")
          .value();
  REQUIRE(first.webhook_secret);
  CHECK(first.webhook_url == "...gentmarket");
  CHECK_FALSE(m.service->set_webhook(match.profile.party.id, "http://127.0.0.1:1/again")
                  .value()
                  .webhook_secret);
  CHECK(m.service->set_webhook(other.profile.party.id, "ftp://x").status().param() ==
        "webhook_url");
  m.service->set_webhook(other.profile.party.id, "http://127.0.0.1:1/other").status().ignore();

  const am::TaskView task =
      m.service
          ->post_task(poster.profile.party.id, {.title = "Summarize",
                                                .description = "Full text...",
                                                .budget = 25,
                                                .required_capabilities = {"research"}})
          .value();
  mc::WebhookRegistry registry = m.s.engine->webhooks();
  REQUIRE(registry.enqueue_new_events(1000).ok());
  std::vector<mc::DueWebhookDelivery> due = registry.claim_due(30'000, 100).value();
  int sent = 0;
  for (const mc::DueWebhookDelivery& delivery : due) {
    std::optional<am::WebhookMessage> message = m.service->render_delivery(delivery).value();
    if (!message) continue;
    ++sent;
    CHECK(*delivery.endpoint.party_id == match.profile.party.id);
    CHECK(message->body.find("\"event\":\"task.posted\"") != std::string::npos);
    CHECK(message->body.find("\"id\":\"" + task.id + "\"") != std::string::npos);
    CHECK(mc::auth::verify_body_sha256_prefixed(*first.webhook_secret, message->body,
                                                message->headers[1].second)
              .ok());
    CHECK(message->headers[0] ==
          std::pair<std::string, std::string>{"X-AgentMarket-Event", "task.posted"});
  }
  CHECK(sent == 1);
  m.check_conservation();
}
