// server/dialects/agentmarket/agentmarket_dialect.cpp — auth, errors and routes of the
// AgentMarket dialect. Handlers parse, call mc::agentmarket::Service, render.
#include "agentmarket_dialect.h"

#include <cstdio>
#include <cstdlib>

#include "../../errors.h"
#include "../../json_request.h"
#include "../../outbound/outbound_calls.h"
#include "agentmarket_render.h"
#include "http_agent_client.h"
#include "marketcore/agentmarket.h"

namespace mc::server::agentmarket {
namespace {

using mc::agentmarket::Service;

// Messages the seed words itself; other unauthenticated refusals ask for the key.
constexpr DetailRow<std::string_view> kMessageByDetail[] = {
    {"api_key_invalid", "Invalid API key"},
    {kDetailRouteNotFound, "Not found"},
};

class AgentMarketDialect final : public Dialect {
 public:
  AgentMarketDialect(std::shared_ptr<Service> service, OutboundCalls& outbound)
      : service_(std::move(service)), outbound_(outbound) {}

  std::string name() const override { return "agentmarket"; }
  std::string default_prefix() const override { return "/agentmarket/api"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"api", {.requests = 1200, .window_ms = 60'000, .key = RateLimitKey::principal}}};
  }

  Result<Principal> authenticate(const Request& request) const override {
    const std::optional<std::string_view> key = request.header("x-api-key");
    if (!key) return Principal{};
    MC_TRY_ASSIGN(Party party, service_->authenticate(*key));
    return Principal{.kind = Principal::Kind::party,
                     .party_id = party.id,
                     .market_id = party.market_id,
                     .subject = "party:" + std::to_string(party.id)};
  }

  Response render_error(const Status& status) const override {
    std::string message = status.message();
    if (auto seed_message = lookup_detail(kMessageByDetail, status.detail())) {
      message = std::string(*seed_message);
    } else if (status.code() == Code::unauthenticated) {
      message = "Authentication required: pass your API key in the X-API-Key header";
    }
    return error_response(agentmarket_status_for(status), message);
  }

  Response render_rate_limited(const Status& status, int64_t retry_after_s) const override {
    (void)status;
    return error_response(
        429, "Rate limit exceeded: retry after " + std::to_string(retry_after_s) + " seconds");
  }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override;

 private:
  std::optional<int64_t> balance_of(const Principal& principal) const {
    if (!principal.is_party()) return std::nullopt;
    Result<int64_t> balance = service_->balance(principal.party_id);
    if (!balance.ok()) return std::nullopt;
    return *balance;
  }

  // `balance_before`: the caller's balance read before a write that moves none of its money.
  Result<Response> task_response(const RequestContext& context,
                                 const Result<mc::agentmarket::TaskView>& task, int status,
                                 std::optional<int64_t> balance_before = std::nullopt) {
    MC_TRY(task.status());
    json::JsonWriter out;
    write_task(out, *task);
    // The write's own balance when it changed the caller's; else the one read before; else a
    // read now.
    const auto written = task->balances.find(context.principal.party_id);
    if (context.principal.is_party() && written != task->balances.end()) {
      balance_before = written->second;
    }
    return envelope(status, std::move(out).take(),
                    balance_before ? balance_before : balance_of(context.principal));
  }

  // A task call that writes, answered from the write's completion: the handler's thread is
  // released at once and no thread waits for the commit (Service::post_task_async). The
  // request's context lives until the answer is delivered.
  Response task_response_later(RequestContext& context, int status,
                               std::function<void(Service::TaskDone)> call,
                               std::optional<int64_t> balance_before = std::nullopt) {
    return Response::later(
        [this, &context, status, balance_before, call = std::move(call)](ResponseCompletion done) {
          call([this, &context, status, balance_before,
                done = std::move(done)](Result<mc::agentmarket::TaskView> task) {
            done(task_response(context, task, status, balance_before));
          });
        });
  }

  Result<Response> register_agent(RequestContext& context);
  Result<Response> list_agents(RequestContext& context);
  Result<Response> show_agent(RequestContext& context, bool own);
  Result<Response> get_webhook(RequestContext& context);
  Result<Response> put_webhook(RequestContext& context);
  Result<Response> post_task(RequestContext& context);
  Result<Response> list_tasks(RequestContext& context);
  Result<Response> complete_task(RequestContext& context);
  Result<Response> wallet(RequestContext& context);
  Result<Response> execute(RequestContext& context);
  Result<Response> run_execution(const Principal& principal,
                                 const mc::agentmarket::ExecuteRequest& request);

  std::shared_ptr<Service> service_;
  OutboundCalls& outbound_;
};

Result<int64_t> list_limit(const Service& service, const Request& request) {
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(request.query_param("limit"), "limit", 1, INT64_MAX));
  MC_TRY_ASSIGN(int32_t clamped, service.binding().list_limit(limit));
  return int64_t{clamped};
}

std::optional<std::string> query_text(const Request& request, std::string_view name) {
  std::optional<std::string_view> value = request.query_param(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

Result<Response> AgentMarketDialect::register_agent(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::agentmarket::NewAgent agent;
  MC_TRY_ASSIGN(agent.name, body.required_string("name"));
  MC_TRY_ASSIGN(std::optional<std::string> text, body.optional_string("description"));
  agent.description = text.value_or("");
  MC_TRY_ASSIGN(agent.capabilities, body.string_array("capabilities"));
  MC_TRY_ASSIGN(std::optional<int64_t> price, body.optional_int64("price_per_task"));
  agent.price_per_task = price.value_or(0);
  MC_TRY_ASSIGN(text, body.optional_string("endpoint_url"));
  agent.endpoint_url = text.value_or("");
  MC_TRY_ASSIGN(text, body.optional_string("system_prompt"));
  agent.system_prompt = text.value_or("");
  MC_TRY_ASSIGN(text, body.optional_string("webhook_url"));
  agent.webhook_url = text.value_or("");
  MC_TRY_ASSIGN(text, body.optional_string("owner_email"));
  agent.owner_email = text.value_or("");
  MC_TRY_ASSIGN(mc::agentmarket::RegisteredAgent registered, service_->register_agent(agent));
  json::JsonWriter out;
  out.begin_object();
  out.key("id").value(registered.profile.id);
  out.key("name").value(registered.profile.party.display_name);
  out.key("api_key").value(registered.api_key);
  out.key("capabilities").begin_array();
  for (const std::string& capability : registered.profile.party.capabilities) {
    out.value(capability);
  }
  out.end_array();
  out.key("price_per_task").value(registered.profile.price_per_task);
  out.key("webhook_secret");
  if (registered.webhook_secret.empty()) {
    out.null();
  } else {
    out.value(registered.webhook_secret);
  }
  out.end_object();
  return envelope(201, std::move(out).take(), registered.balance);
}

Result<Response> AgentMarketDialect::list_agents(RequestContext& context) {
  MC_TRY_ASSIGN(int64_t limit, list_limit(*service_, context.request));
  MC_TRY_ASSIGN(std::vector<mc::agentmarket::AgentProfile> agents,
                service_->agents(query_text(context.request, "capability"), limit));
  json::JsonWriter out;
  out.begin_array();
  for (const auto& agent : agents) write_agent(out, agent, false);
  out.end_array();
  return envelope(200, std::move(out).take(), balance_of(context.principal));
}

Result<Response> AgentMarketDialect::show_agent(RequestContext& context, bool own) {
  Result<mc::agentmarket::AgentProfile> agent = own ? service_->profile(context.principal.party_id)
                                                    : service_->agent(context.params.get("id"));
  MC_TRY(agent.status());
  json::JsonWriter out;
  write_agent(out, *agent, own);
  return envelope(200, std::move(out).take(), balance_of(context.principal));
}

Result<Response> AgentMarketDialect::get_webhook(RequestContext& context) {
  MC_TRY_ASSIGN(mc::agentmarket::WebhookSetting setting,
                service_->webhook(context.principal.party_id));
  json::JsonWriter out;
  out.begin_object().key("webhook_url");
  if (setting.webhook_url.empty()) {
    out.null();
  } else {
    out.value(setting.webhook_url);
  }
  out.end_object();
  return envelope(200, std::move(out).take(), balance_of(context.principal));
}

Result<Response> AgentMarketDialect::put_webhook(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string url, body.required_string("webhook_url"));
  MC_TRY_ASSIGN(mc::agentmarket::WebhookSetting setting,
                service_->set_webhook(context.principal.party_id, url));
  json::JsonWriter out;
  out.begin_object().key("webhook_url").value(setting.webhook_url);
  if (setting.webhook_secret) out.key("webhook_secret").value(*setting.webhook_secret);
  out.end_object();
  return envelope(200, std::move(out).take(), balance_of(context.principal));
}

Result<Response> AgentMarketDialect::post_task(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::agentmarket::NewTask task;
  MC_TRY_ASSIGN(task.title, body.required_string("title"));
  MC_TRY_ASSIGN(std::optional<std::string> description, body.optional_string("description"));
  task.description = description.value_or("");
  MC_TRY_ASSIGN(task.budget, body.required_int64("budget"));
  MC_TRY_ASSIGN(task.required_capabilities, body.string_array("required_capabilities"));
  return task_response_later(
      context, 201,
      [this, poster = context.principal.party_id, task = std::move(task)](Service::TaskDone done) {
        service_->post_task_async(poster, task, std::move(done));
      });
}

Result<Response> AgentMarketDialect::list_tasks(RequestContext& context) {
  MC_TRY_ASSIGN(int64_t limit, list_limit(*service_, context.request));
  MC_TRY_ASSIGN(std::vector<mc::agentmarket::TaskView> tasks,
                service_->tasks({.status = query_text(context.request, "status"),
                                 .capability = query_text(context.request, "capability"),
                                 .limit = limit}));
  json::JsonWriter out;
  out.begin_array();
  for (const auto& task : tasks) write_task(out, task);
  out.end_array();
  return envelope(200, std::move(out).take(), balance_of(context.principal));
}

Result<Response> AgentMarketDialect::complete_task(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string result, body.required_string("result"));
  return task_response_later(
      context, 200,
      [this, agent = context.principal.party_id, id = std::string(context.params.get("id")),
       result = std::move(result)](Service::TaskDone done) {
        service_->complete_async(agent, id, result, std::move(done));
      });
}

Result<Response> AgentMarketDialect::wallet(RequestContext& context) {
  MC_TRY_ASSIGN(int64_t balance, service_->balance(context.principal.party_id));
  json::JsonWriter out;
  out.begin_object();
  out.key("agent_id").value(mc::agentmarket::agent_uuid(context.principal.party_id));
  out.key("balance").value(balance);
  out.end_object();
  return envelope(200, std::move(out).take(), balance);
}

// The call to the hired agent may take up to the execute time limit, so it runs on the
// outbound pool (a slot per call, admitted per principal); the handler thread is released and
// the client gets the same synchronous answer when the call completes.
Result<Response> AgentMarketDialect::execute(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::agentmarket::ExecuteRequest request;
  MC_TRY_ASSIGN(request.agent_id, body.required_string("agent_id"));
  MC_TRY_ASSIGN(request.task_description, body.required_string("task_description"));
  MC_TRY_ASSIGN(request.budget, body.required_int64("budget"));
  Result<OutboundCalls::Slot> admitted = outbound_.admit(context.principal.subject);
  if (!admitted.ok()) return outbound_refusal(*this, admitted.status(), outbound_.limits());
  auto slot = std::make_shared<OutboundCalls::Slot>(std::move(admitted).value());
  return Response::later([this, slot, principal = context.principal,
                          request = std::move(request)](ResponseCompletion done) {
    outbound_.run(std::move(*slot), [this, principal, request, done = std::move(done)] {
      done(run_execution(principal, request));
    });
  });
}

Result<Response> AgentMarketDialect::run_execution(const Principal& principal,
                                                   const mc::agentmarket::ExecuteRequest& request) {
  MC_TRY_ASSIGN(mc::agentmarket::Execution execution,
                service_->execute(principal.party_id, request));
  if (execution.succeeded) {
    json::JsonWriter out;
    out.begin_object();
    out.key("task_id").value(execution.task.id);
    out.key("status").value(execution.task.job.state);
    out.key("result").value(execution.result);
    out.end_object();
    return envelope(200, std::move(out).take(), balance_of(principal));
  }
  const bool timed_out = execution.failure.code() == Code::deadline_exceeded;
  json::JsonWriter out;
  out.begin_object();
  out.key("success").value(false);
  out.key("error").value((timed_out ? "Agent execution timed out; the budget was refunded: "
                                    : "Agent execution failed; the budget was refunded: ") +
                         execution.failure.message());
  out.key("data").begin_object();
  out.key("task_id").value(execution.task.id);
  out.key("status").value(execution.task.job.state);
  out.end_object();
  if (std::optional<int64_t> balance = balance_of(principal)) {
    out.key("balance").value(*balance);
  }
  out.end_object();
  return Response::json(timed_out ? 504 : 502, std::move(out).take());
}

std::vector<RouteSpec> AgentMarketDialect::routes(const std::string& mounted_prefix) {
  // At the root the seed's own paths apply (/api/...); under a prefix, the prefix replaces
  // "/api" (/agentmarket/api/agents/register).
  const std::string base = mounted_prefix.empty() || mounted_prefix == "/" ? "/api" : "";
  auto route = [&](const char* method, const std::string& pattern, Access access, Handler handler,
                   const char* summary) {
    return RouteSpec{.method = method,
                     .pattern = base + pattern,
                     .route_class = "api",
                     .access = access,
                     .handler = std::move(handler),
                     .summary = summary};
  };
  const Access open = Access::open;
  const Access authenticated = Access::authenticated;
  return {
      route(
          "POST", "/agents/register", open, [this](RequestContext& c) { return register_agent(c); },
          "Register an agent"),
      route(
          "GET", "/agents", open, [this](RequestContext& c) { return list_agents(c); },
          "List agents, by capability"),
      route(
          "GET", "/agents/me", authenticated,
          [this](RequestContext& c) { return show_agent(c, true); }, "Your own profile"),
      route(
          "GET", "/agents/me/webhook", authenticated,
          [this](RequestContext& c) { return get_webhook(c); }, "Your webhook URL, masked"),
      route(
          "PUT", "/agents/me/webhook", authenticated,
          [this](RequestContext& c) { return put_webhook(c); }, "Set your webhook URL"),
      route(
          "GET", "/agents/:id", open, [this](RequestContext& c) { return show_agent(c, false); },
          "An agent's profile"),
      route(
          "POST", "/tasks", authenticated, [this](RequestContext& c) { return post_task(c); },
          "Post a task"),
      route(
          "GET", "/tasks", open, [this](RequestContext& c) { return list_tasks(c); },
          "List tasks, by status and capability"),
      route(
          "GET", "/tasks/:id", open,
          [this](RequestContext& c) {
            return task_response(c, service_->task(c.params.get("id")), 200);
          },
          "A task"),
      route(
          "POST", "/tasks/:id/accept", authenticated,
          [this](RequestContext& c) {
            // An accept moves none of the accepting agent's money: its balance is read now,
            // not from the completion (which runs on the store's writer thread).
            return task_response_later(
                c, 200,
                [this, agent = c.principal.party_id, id = std::string(c.params.get("id"))](
                    Service::TaskDone done) { service_->accept_async(agent, id, std::move(done)); },
                balance_of(c.principal));
          },
          "Accept an open task"),
      route(
          "POST", "/tasks/:id/complete", authenticated,
          [this](RequestContext& c) { return complete_task(c); }, "Complete your task"),
      route(
          "GET", "/wallet", authenticated, [this](RequestContext& c) { return wallet(c); },
          "Your balance"),
      route(
          "POST", "/execute", authenticated, [this](RequestContext& c) { return execute(c); },
          "Hire an agent and get its result"),
  };
}

// MARKETCORE_AGENTMARKET_EXECUTE_TIMEOUT_MS overrides the market's execute time limit.
mc::agentmarket::ServiceOptions service_options(bool test_mode) {
  mc::agentmarket::ServiceOptions options{.test_mode = test_mode};
  const char* timeout = std::getenv("MARKETCORE_AGENTMARKET_EXECUTE_TIMEOUT_MS");
  if (timeout != nullptr && *timeout != '\0') {
    char* end = nullptr;
    const long long value = std::strtoll(timeout, &end, 10);
    if (end != nullptr && *end == '\0' && value > 0) options.execute_timeout_ms = value;
  }
  return options;
}

}  // namespace

std::shared_ptr<Dialect> make_agentmarket_dialect(ServerContext& context) {
  Result<MarketBinding> market =
      mc::agentmarket::open_market(*context.engine, context.config.test_mode);
  if (!market.ok()) {
    // The server ensured its markets before mounting dialects; only a broken store gets here.
    std::fprintf(stderr, "agentmarket: cannot open its market: %s\n",
                 market.status().to_string().c_str());
    std::abort();
  }
  auto service = std::make_shared<Service>(*context.engine, market->market(), *context.api_keys,
                                           make_http_agent_client(context.config.test_mode),
                                           make_llm_client_from_environment(),
                                           service_options(context.config.test_mode));
  // task.posted: the seed's body and headers, to capability-matching agents only.
  context.webhook_renderers[market->market_id()] =
      [service](const DueWebhookDelivery& due) -> Result<std::optional<RenderedWebhook>> {
    MC_TRY_ASSIGN(std::optional<mc::agentmarket::WebhookMessage> message,
                  service->render_delivery(due));
    if (!message) return std::optional<RenderedWebhook>();
    return std::optional<RenderedWebhook>(
        RenderedWebhook{.body = std::move(message->body), .headers = std::move(message->headers)});
  };
  return std::make_shared<AgentMarketDialect>(std::move(service), *context.outbound);
}

}  // namespace mc::server::agentmarket
