// AgentMarket refusals (docs/dialects/agentmarket.md, "Input bounds" and "Money and
// lifecycle"): every bound of an agent and a task, accept and complete by the wrong agent or
// in the wrong status with the seed's wording, unknown ids, and the endpoint's answers that
// count as a failed execution (non-2xx, no result, empty, too long). Refusals change nothing:
// the credits stay conserved.
#include <doctest/doctest.h>

#include "agentmarket_market.h"
#include "lifecycle/refusal_text.h"

using mc::testing::refusal_text;
using namespace agentmarket_test;

TEST_CASE("agentmarket refusals: every bound of an agent, checked before anything is written") {
  Market m;
  auto reg = [&](am::NewAgent agent) {
    if (agent.name.empty()) agent.name = "Bot";
    return refusal_text(m.service->register_agent(agent));
  };
  CHECK(reg({.name = std::string(101, 'n')}) == "invalid_value/name");
  CHECK(reg({.name = "\xc0\xaf"}) == "invalid_value/name");  // overlong: not UTF-8
  CHECK(reg({.description = std::string(2001, 'd')}) == "invalid_value/description");
  CHECK(reg({.capabilities = {""}}) == "invalid_value/capabilities");
  CHECK(reg({.capabilities = {std::string(51, 'c')}}) == "invalid_value/capabilities");
  std::vector<std::string> many;
  for (int i = 0; i < 21; ++i) many.push_back("c" + std::to_string(i));
  CHECK(reg({.capabilities = many}) == "invalid_value/capabilities");
  CHECK(reg({.price_per_task = 1'000'001}) == "invalid_value/price_per_task");
  CHECK(reg({.system_prompt = std::string(10'001, 's')}) == "invalid_value/system_prompt");
  CHECK(reg({.owner_email = "owner"}) == "invalid_value/owner_email");
  CHECK(reg({.endpoint_url = "ftp://agent.example/run"}) == "webhook_url_invalid/endpoint_url");
  CHECK(m.s.engine->parties(m.s.market.id, std::nullopt, 100, 0)->empty());

  // Duplicated capabilities are dropped; 20 distinct ones (with repeats) are accepted.
  many.pop_back();
  many.push_back("c0");
  const am::RegisteredAgent bot = m.add("Bot", many);
  CHECK(bot.profile.party.capabilities.size() == 20);
  // Only agents of this market are profiles; unknown ids are 404.
  CHECK(refusal_text(m.service->profile(999)) == "agent_not_found/");
  CHECK(refusal_text(m.service->agent("00000000-0000-4000-8000-000000000000")) ==
        "agent_not_found/");
  CHECK(m.service->agents(std::string("c7"), 10)->size() == 1);
  CHECK(m.service->agents(std::string("nothing"), 10)->empty());
  m.check_conservation();
}

TEST_CASE("agentmarket refusals: task bounds, list filters, accept and complete out of turn") {
  Market m;
  const am::RegisteredAgent poster = m.add("Poster");
  const am::RegisteredAgent worker = m.add("Worker");
  const am::RegisteredAgent other = m.add("Other");
  const mc::PartyId p = poster.profile.party.id;
  auto post = [&](am::NewTask task) { return refusal_text(m.service->post_task(p, task)); };
  CHECK(post({.title = "", .budget = 1}) == "invalid_value/title");
  CHECK(post({.title = std::string(201, 't'), .budget = 1}) == "invalid_value/title");
  CHECK(post({.title = "T", .description = std::string(10'001, 'd'), .budget = 1}) ==
        "invalid_value/description");
  CHECK(post({.title = "T", .description = "\xff", .budget = 1}) == "invalid_value/description");
  CHECK(post({.title = "T", .budget = 0}) == "invalid_value/budget");
  CHECK(post({.title = "T", .budget = 1, .required_capabilities = {""}}) ==
        "invalid_value/required_capabilities");
  mc::Result<am::TaskView> poor = m.service->post_task(p, {.title = "T", .budget = 101});
  CHECK(refusal_text(poor) == "insufficient_funds/");
  CHECK(poor.status().message() == "Insufficient credits: the budget is 101, your balance is 100");
  CHECK(m.balance(poster) == 100);

  const am::TaskView task = m.service->post_task(p, {.title = "T", .budget = 10}).value();
  CHECK(refusal_text(m.service->tasks({.status = std::string("lost")})) == "invalid_value/status");
  CHECK(m.service->tasks({.status = std::string("open")})->size() == 1);
  CHECK(m.service->tasks({.status = std::string("completed")})->empty());
  CHECK(m.service->tasks({.limit = 500})->size() == 1);  // clamped, not refused
  CHECK(refusal_text(m.service->task("not-a-task")) == "task_not_found/");
  CHECK(refusal_text(m.service->accept(worker.profile.party.id, poster.profile.id)) ==
        "task_not_found/");

  // Own task: 403; completing an open task: 403 for a non-assignee.
  CHECK(refusal_text(m.service->accept(p, task.id)) == "own_task/");
  CHECK(refusal_text(m.service->complete(worker.profile.party.id, task.id, "done")) ==
        "not_assignee/");
  REQUIRE(m.service->accept(worker.profile.party.id, task.id).ok());
  mc::Result<am::TaskView> again = m.service->accept(other.profile.party.id, task.id);
  CHECK(refusal_text(again) == "task_not_open/");
  CHECK(again.status().message() == "Task is not open (status: assigned)");
  CHECK(refusal_text(m.service->complete(worker.profile.party.id, task.id, "")) ==
        "missing_param/result");
  CHECK(refusal_text(m.service->complete(worker.profile.party.id, task.id,
                                         std::string(100'001, 'r'))) == "invalid_value/result");
  CHECK(refusal_text(m.service->complete(other.profile.party.id, task.id, "mine")) ==
        "not_assignee/");
  REQUIRE(m.service->complete(worker.profile.party.id, task.id, "done").ok());
  mc::Result<am::TaskView> twice = m.service->complete(worker.profile.party.id, task.id, "again");
  CHECK(refusal_text(twice) == "task_not_assigned/");
  CHECK(twice.status().message() == "Task is not assigned (status: completed)");
  CHECK(m.service->profile(worker.profile.party.id)->total_tasks == 1);
  m.check_conservation();
}

TEST_CASE("agentmarket refusals: webhook URLs, and what an execution needs to run") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  CHECK(refusal_text(m.service->set_webhook(hirer.profile.party.id, "")) ==
        "missing_param/webhook_url");
  mc::Result<am::WebhookSetting> plain =
      m.service->set_webhook(hirer.profile.party.id, "http://example.com/hook");
  CHECK(refusal_text(plain) == "webhook_url_not_https/webhook_url");
  CHECK(plain.status().message() == "webhook_url must start with https://");
  CHECK(m.service->webhook(hirer.profile.party.id)->webhook_url.empty());
  // The first URL returns the secret; a change keeps it and returns none.
  const am::WebhookSetting first =
      m.service->set_webhook(hirer.profile.party.id, "https://hooks.invalid/first").value();
  REQUIRE(first.webhook_secret);
  const am::WebhookSetting second =
      m.service->set_webhook(hirer.profile.party.id, "https://hooks.invalid/second").value();
  CHECK_FALSE(second.webhook_secret);
  CHECK(m.service->webhook(hirer.profile.party.id)->webhook_url == "...lid/second");
  CHECK(m.s.engine->webhooks().endpoints(m.s.market.id, hirer.profile.party.id)->size() == 1);

  const am::RegisteredAgent idle = m.add("Idle");
  const am::RegisteredAgent prompt = m.add("Poet", {"poetry"}, {.system_prompt = "Be a poet"});
  auto run = [&](const std::string& agent, std::string description = "Do it", int64_t budget = 5) {
    return refusal_text(m.service->execute(
        hirer.profile.party.id,
        {.agent_id = agent, .task_description = std::move(description), .budget = budget}));
  };
  CHECK(run("") == "missing_param/agent_id");
  CHECK(run(idle.profile.id, "") == "invalid_value/task_description");
  CHECK(run(idle.profile.id, std::string(10'001, 'x')) == "invalid_value/task_description");
  CHECK(run(idle.profile.id, "Do it", 0) == "invalid_value/budget");
  CHECK(run(idle.profile.id) == "agent_not_executable/");
  CHECK(run(prompt.profile.id) == "llm_not_configured/");
  // A server without an endpoint client cannot call an endpoint.
  const am::RegisteredAgent remote =
      m.add("Remote", {"x"}, {.endpoint_url = "https://a.invalid/r"});
  am::Service no_endpoints(*m.s.engine, m.s.market, m.keys, nullptr, nullptr, {});
  CHECK(refusal_text(no_endpoints.execute(
            hirer.profile.party.id,
            {.agent_id = remote.profile.id, .task_description = "Do it", .budget = 5})) ==
        "agent_not_executable/");
  CHECK(m.balance(hirer) == 100);
  m.check_conservation();
}

TEST_CASE("agentmarket refusals: endpoint answers that fail an execution refund it") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  const am::RegisteredAgent bot = m.add("Bot", {"x"}, {.endpoint_url = "http://127.0.0.1:9/run"});
  auto execute = [&](mc::AgentEndpointReply reply) {
    m.endpoint->reply = std::move(reply);
    return m.service
        ->execute(hirer.profile.party.id, {.agent_id = bot.profile.id,
                                           .task_description = "A long task description "
                                                               "that makes the title longer "
                                                               "than eighty characters ok",
                                           .budget = 10})
        .value();
  };
  for (const mc::AgentEndpointReply& reply :
       {mc::AgentEndpointReply{404, "{}"}, mc::AgentEndpointReply{200, R"({"result":null})"},
        mc::AgentEndpointReply{200, R"({"other":1})"}, mc::AgentEndpointReply{200, ""},
        mc::AgentEndpointReply{200, R"({"result":""})"},
        mc::AgentEndpointReply{200, std::string(100'001, 'r')},
        mc::AgentEndpointReply{200, "\xff\xfe"}}) {
    CAPTURE(reply.body.substr(0, 20));
    const am::Execution failed = execute(reply);
    CHECK_FALSE(failed.succeeded);
    CHECK(failed.failure.detail() == "agent_failed");
    CHECK(failed.task.job.state == "failed");
    CHECK(failed.task.job.title.size() <= 80);
    CHECK(m.balance(hirer) == 100);
  }
  // A result that is not a string is kept as its JSON text; plain text is the result.
  const am::Execution object = execute({200, R"({"result":{"a":[1,2]}})"});
  CHECK(object.succeeded);
  CHECK(object.result == R"({"a":[1,2]})");
  const am::Execution text = execute({201, "plain answer"});
  CHECK(text.succeeded);
  CHECK(text.result == "plain answer");
  CHECK(text.task.direct);
  m.check_conservation();
}
