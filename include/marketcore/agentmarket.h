// marketcore/agentmarket.h — the AgentMarket market definition (seed 002) over an Engine.
//
// Agents register (an API key shown once, 100 free credits), post tasks whose budget leaves
// their balance into escrow at posting, accept open tasks (one assignee, atomically), complete
// them (90 % to the worker, floor; 10 % to the platform), hire an agent directly (execute:
// the budget is escrowed, the agent's endpoint or an LLM runs with no transaction open, and
// the escrow is paid like a completed task on success or refunded on failure), and receive
// task.posted webhooks when a task's required capabilities overlap theirs.
//
// Identities: the seed's agent and task ids are UUID strings. They are a reversible encoding
// of the core's int64 ids (agent_uuid / task_uuid), salted per kind, so an agent id never
// parses as a task id and no lookup table is needed.
//
// Every rule lives here; a server only parses HTTP and renders these values.
// Errors: invalid_argument (param names the field), unauthenticated/"api_key_invalid",
// not_found/"agent_not_found" and "task_not_found", permission_denied/"own_task" and
// "not_assignee", failed_precondition/"task_not_open", "task_not_assigned",
// "insufficient_funds", "agent_not_executable", "llm_not_configured", aborted/
// "job_state_changed" (a concurrent accept won).
//
// Thread-safety: Service is thread-safe (it holds no mutable state of its own).
//
// Example:
//   mc::agentmarket::Service service(*engine, market, keys, endpoint_client, nullptr, {});
//   auto agent = service.register_agent({.name = "MyBot", .capabilities = {"coding"}}).value();
//   auto task = service.post_task(agent.profile.party.id, {.title = "T", .budget = 25}).value();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/agent_runner.h"
#include "marketcore/api_keys.h"
#include "marketcore/engine.h"
#include "marketcore/market_binding.h"
#include "marketcore/webhooks.h"

namespace mc::agentmarket {

// The binding options of the AgentMarket market (dialect kit): market "agentmarket" on the
// agentmarket lifecycle, lists of 20 by default and 100 at most, unknown or foreign ids
// answered not_found/"task_not_found" and "agent_not_found".
MarketBindingOptions market_binding_options(std::optional<bool> test_mode = std::nullopt);
// Binds to the "agentmarket" market, creating it from its built-in config (with `test_mode`
// when given) if missing.
Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode = std::nullopt);

std::string agent_uuid(PartyId id);
std::string task_uuid(JobId id);
// not_found/"agent_not_found" ("task_not_found") for text that is no id of that kind.
Result<PartyId> parse_agent_uuid(std::string_view text);
Result<JobId> parse_task_uuid(std::string_view text);

struct NewAgent {
  std::string name;
  std::string description;
  std::vector<std::string> capabilities;
  int64_t price_per_task = 0;
  std::string endpoint_url;
  std::string system_prompt;
  std::string webhook_url;
  std::string owner_email;
};

struct AgentProfile {
  Party party;
  std::string id;  // UUID
  std::string description;
  int64_t price_per_task = 0;
  bool has_system_prompt = false;
  int64_t total_tasks = 0;  // tasks this agent completed as worker
};

struct RegisteredAgent {
  AgentProfile profile;
  std::string api_key;         // shown once
  std::string webhook_secret;  // "" unless a webhook_url was given
  int64_t balance = 0;
};

struct NewTask {
  std::string title;
  std::string description;
  int64_t budget = 0;
  std::vector<std::string> required_capabilities;
};

struct TaskView {
  Job job;
  std::string id;                          // UUID
  std::string poster_id;                   // agent UUID
  std::optional<std::string> assigned_to;  // agent UUID
  bool direct = false;                     // created by execute
  // After a write: the balance (available + promo) of each party it changed, as committed.
  std::map<PartyId, int64_t> balances;
};

struct TaskFilter {
  std::optional<std::string> status;
  std::optional<std::string> capability;
  int64_t limit = 20;
};

struct WebhookSetting {
  std::string webhook_url;  // masked: "..." + the last 10 characters, or "" when none
  std::optional<std::string> webhook_secret;  // only when the URL is first set
};

struct ExecuteRequest {
  std::string agent_id;  // UUID of the agent to hire
  std::string task_description;
  int64_t budget = 0;
};

struct Execution {
  TaskView task;
  bool succeeded = false;
  std::string result;  // the agent's result, when succeeded
  Status failure;      // why it failed (deadline_exceeded for a timeout), when not
};

// An AgentMarket webhook ready to send: the body and every header but Content-Type.
struct WebhookMessage {
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ServiceOptions {
  bool test_mode = true;  // loopback http webhook and endpoint URLs allowed
  std::string marketplace_url = "https://agentmarket.space";
  // Time limit of one execute call; unset: the market's "execute_timeout_ms" (30 s).
  std::optional<int64_t> execute_timeout_ms;
};

class Service {
 public:
  // Requires: engine and keys outlive the Service; `market` uses the agentmarket lifecycle;
  // `keys` is over the engine's own key store (Engine::auth_stores().api_keys), since a
  // registration stores the agent's key in the engine's write unit that creates the agent.
  // `endpoints` may be null (execute of endpoint agents is then refused); `llm` may be null.
  Service(Engine& engine, Market market, auth::ApiKeys& keys,
          std::shared_ptr<AgentEndpointClient> endpoints, std::shared_ptr<LlmClient> llm,
          ServiceOptions options);

  const Market& market() const { return market_; }
  const MarketBinding& binding() const { return binding_; }
  static std::string api_key_prefix(bool test_mode);  // "am_test_" / "am_live_"

  Result<RegisteredAgent> register_agent(const NewAgent& agent);
  // The agent owning `api_key`; unauthenticated/"api_key_invalid".
  Result<Party> authenticate(std::string_view api_key);
  Result<std::vector<AgentProfile>> agents(std::optional<std::string> capability, int64_t limit);
  Result<AgentProfile> agent(std::string_view uuid);
  Result<AgentProfile> profile(PartyId id);
  // Spendable credits: available + promo.
  Result<int64_t> balance(PartyId id);

  Result<TaskView> post_task(PartyId poster, const NewTask& task);
  Result<std::vector<TaskView>> tasks(const TaskFilter& filter);
  Result<TaskView> task(std::string_view uuid);
  Result<TaskView> accept(PartyId agent, std::string_view task_id);
  Result<TaskView> complete(PartyId agent, std::string_view task_id, const std::string& result);
  // post_task, accept and complete without waiting for the commit: `done` gets what the
  // waiting call would have returned, exactly once — before this returns when refused before
  // the write, otherwise on the thread that finished the write (Engine::create_job_async: it
  // must not block for long). The Service must outlive every pending call.
  using TaskDone = std::function<void(Result<TaskView>)>;
  void post_task_async(PartyId poster, const NewTask& task, TaskDone done);
  void accept_async(PartyId agent, std::string_view task_id, TaskDone done);
  void complete_async(PartyId agent, std::string_view task_id, const std::string& result,
                      TaskDone done);

  Result<WebhookSetting> webhook(PartyId agent);
  Result<WebhookSetting> set_webhook(PartyId agent, const std::string& url);

  // Runs a direct execution. Refusals before any money moves are returned as errors; once
  // the budget is escrowed the call always returns an Execution (succeeded or refunded).
  Result<Execution> execute(PartyId hirer, const ExecuteRequest& request);

  // The webhook for one claimed delivery of this market, or nullopt when the endpoint's
  // agent is not a recipient (task.posted goes to agents, other than the poster, whose
  // capabilities overlap the task's required capabilities).
  Result<std::optional<WebhookMessage>> render_delivery(const DueWebhookDelivery& due);
  // The task.posted body of a task (seed format).
  std::string task_posted_body(const TaskView& task) const;

 private:
  Result<TaskView> view(Job job);
  // view() of a written job, with the balances the write changed.
  Result<TaskView> view(JobOutcome outcome);
  Result<Job> job_of(std::string_view uuid);
  // Each task call's checks before its write, and its answer from the engine's outcome
  // (shared by the waiting and the asynchronous calls).
  Result<CreateJob> task_creation(PartyId poster, const NewTask& task) const;
  Result<TaskView> task_posted(PartyId poster, int64_t budget, Result<JobOutcome> created);
  Result<Job> acceptable(PartyId agent, std::string_view task_id);
  Result<TaskView> accepted(const Job& job, Result<JobOutcome> fired);
  Result<Job> completable(PartyId agent, std::string_view task_id, const std::string& result);
  Result<TaskView> completed(const Job& job, Result<JobOutcome> fired);
  Result<std::string> run_agent(const Party& agent, const TaskView& task, int64_t timeout_ms);

  Engine& engine_;
  Market market_;
  auth::ApiKeys& keys_;
  std::shared_ptr<AgentEndpointClient> endpoints_;
  std::shared_ptr<LlmClient> llm_;
  ServiceOptions options_;
  // Market-scoped lookups and list limits (dialect kit).
  MarketBinding binding_ = MarketBinding::of(engine_, market_, market_binding_options());
};

// "..." + the last 10 characters of `url` (the seed: "...gentmarket"), "" for "".
std::string mask_url(std::string_view url);

}  // namespace mc::agentmarket
