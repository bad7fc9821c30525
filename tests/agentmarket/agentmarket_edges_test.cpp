// AgentMarket edges (docs/dialects/agentmarket.md, "Identity and auth", "Webhooks" and direct
// execution): every malformed UUID is 404 (case does not matter, the check group must match),
// short masked URLs, an execution whose refund timer fired while the agent worked reports a
// timeout and pays nothing, an LLM that answers nothing fails the execution, and task.posted
// is rendered only for an overlapping agent with a webhook secret.
#include <doctest/doctest.h>

#include <cctype>

#include "agentmarket_market.h"

using namespace agentmarket_test;

namespace {

class SilentLlm final : public mc::LlmClient {
 public:
  mc::Result<std::string> complete(const mc::LlmCompletion&) override { return std::string(); }
};

std::string with(std::string text, size_t at, char c) {
  text[at] = c;
  return text;
}

}  // namespace

TEST_CASE("agentmarket edges: malformed, foreign and zero ids are not found") {
  const std::string uuid = am::agent_uuid(7);
  std::string upper = uuid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(am::parse_agent_uuid(upper).value() == 7);  // UUIDs are case-insensitive on input
  const std::vector<std::string> bad = {
      uuid.substr(1),      with(uuid, 8, 'x'),
      with(uuid, 13, 'x'), with(uuid, 18, 'x'),
      with(uuid, 23, 'x'), with(uuid, 14, '5'),
      with(uuid, 19, '9'), with(uuid, 0, 'g'),
      with(uuid, 9, 'g'),  with(uuid, 15, 'g'),
      with(uuid, 20, 'g'), with(uuid, 24, 'g'),
      with(uuid, 20, '1'), with(uuid, 35, uuid[35] == '0' ? '1' : '0'),
      am::agent_uuid(0),   am::agent_uuid(-3)};
  for (const std::string& id : bad) {
    CAPTURE(id);
    CHECK(am::parse_agent_uuid(id).status().detail() == "agent_not_found");
  }
  CHECK(am::mask_url("") == "");
  CHECK(am::mask_url("https://a") == "...https://a");
  CHECK(am::mask_url("0123456789") == "...0123456789");
}

TEST_CASE("agentmarket edges: the refund timer wins over a slow agent; a silent LLM fails") {
  Market m;
  const am::RegisteredAgent hirer = m.add("Hirer");
  const am::RegisteredAgent bot = m.add("Bot", {"x"}, {.endpoint_url = "http://127.0.0.1:9/run"});
  // The agent answers after the 10-minute timer refunded the execution: the late result is
  // discarded and nothing is paid.
  m.endpoint->while_running = [&] { m.s.advance_ms(10 * mc::kMillisecondsPerMinute); };
  m.endpoint->reply = mc::AgentEndpointReply{200, R"({"result":"late"})"};
  const am::Execution late =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "Slow", .budget = 10})
          .value();
  CHECK_FALSE(late.succeeded);
  CHECK(late.failure.detail() == "agent_timeout");
  CHECK(late.task.job.state == "failed");
  CHECK(m.balance(hirer) == 100);
  CHECK(m.balance(bot) == 100);
  // The same race when the agent fails: the refund already happened, once.
  m.endpoint->reply = mc::AgentEndpointReply{500, "boom"};
  const am::Execution failed =
      m.service
          ->execute(hirer.profile.party.id,
                    {.agent_id = bot.profile.id, .task_description = "Slow", .budget = 10})
          .value();
  CHECK_FALSE(failed.succeeded);
  CHECK(failed.failure.detail() == "agent_failed");
  CHECK(m.balance(hirer) == 100);
  m.endpoint->while_running = nullptr;

  auto silent = std::make_shared<SilentLlm>();
  am::Service with_llm(*m.s.engine, m.s.market, m.keys, m.endpoint, silent, {});
  const am::RegisteredAgent poet = m.add("Poet", {"poetry"}, {.system_prompt = "Be brief"});
  const am::Execution quiet =
      with_llm
          .execute(hirer.profile.party.id,
                   {.agent_id = poet.profile.id, .task_description = "Say it", .budget = 5})
          .value();
  CHECK_FALSE(quiet.succeeded);
  CHECK(quiet.failure.message() == "The LLM returned nothing");
  CHECK(m.balance(hirer) == 100);
  // A result that is not UTF-8 is refused before anything moves.
  const am::TaskView task =
      m.service->post_task(hirer.profile.party.id, {.title = "T", .budget = 5}).value();
  REQUIRE(m.service->accept(bot.profile.party.id, task.id).ok());
  CHECK(m.service->complete(bot.profile.party.id, task.id, "\xff").status().param() == "result");
  m.check_conservation();
}

TEST_CASE("agentmarket edges: task.posted renders only for an overlapping agent with a secret") {
  Market m;
  const am::RegisteredAgent poster = m.add("Poster", {"coding"});
  const am::RegisteredAgent hooked =
      m.add("Hooked", {"coding"}, {.webhook_url = "https://hooks.invalid/a"});
  const am::RegisteredAgent plain = m.add("Plain", {"coding"});
  const am::RegisteredAgent other =
      m.add("Other", {"poetry"}, {.webhook_url = "https://hooks.invalid/b"});
  const am::TaskView task =
      m.service
          ->post_task(poster.profile.party.id,
                      {.title = "Fix", .budget = 10, .required_capabilities = {"coding"}})
          .value();
  auto render = [&](const am::RegisteredAgent& to, auto change) {
    mc::DueWebhookDelivery due;
    due.endpoint.party_id = to.profile.party.id;
    due.event.market_id = m.s.market.id;
    due.event.type = "task.posted";
    due.event.job_id = task.job.id;
    change(due);
    return m.service->render_delivery(due).value().has_value();
  };
  using Due = mc::DueWebhookDelivery;
  auto same = [](Due&) {};
  CHECK(render(hooked, same));
  CHECK_FALSE(render(plain, same));   // no webhook secret
  CHECK_FALSE(render(other, same));   // no overlapping capability
  CHECK_FALSE(render(poster, same));  // never to the poster
  CHECK_FALSE(render(hooked, [&](Due& d) { d.event.market_id += 1; }));
  CHECK_FALSE(render(hooked, [](Due& d) { d.event.type = "task.accepted"; }));
  CHECK_FALSE(render(hooked, [](Due& d) { d.event.job_id.reset(); }));
  CHECK_FALSE(render(hooked, [](Due& d) { d.endpoint.party_id.reset(); }));
  // A party of another kind in this market is no agent profile and is not listed.
  const mc::Party worker =
      m.s.engine->register_party({.market_id = m.s.market.id, .kind = "worker"}).value();
  CHECK(m.service->profile(worker.id).status().detail() == "agent_not_found");
  CHECK(m.service->agents(std::nullopt, 100)->size() == 4);
  m.check_conservation();
}
