// AgentMarket agents: registration (API key shown once, signup credits), authentication,
// public profiles, balances and the agent's webhook URL.
//
// Registration checks everything before it writes anything, so bad input changes nothing;
// the agent, its signup credits and its API key are then one engine write unit
// (Engine::register_party with RegisterParty), so a failure leaves no agent without a key.
// The webhook endpoint is set after that unit. URLs are checked by form only: no DNS lookup
// of a client-chosen name happens in the request path.
// A webhook URL gets a delivery endpoint in the engine's WebhookRegistry (scheme sha256,
// header X-AgentMarket-Signature, event task.posted) for queueing and retries, and a secret
// of its own kept in the agent's profile: the secret outlives URL changes and is returned
// only when the agent's first URL is set.
#include <string>

#include "marketcore/agentmarket.h"
#include "profile.h"

namespace mc::agentmarket {
namespace {

constexpr const char* kSignatureHeader = "x-agentmarket-signature";

// check_webhook_url with the seed's wording and `param` as the field. Only the URL's form is
// checked here (https, no credentials, no literal non-public address): its host is never
// resolved in the request path, so a slow or failing DNS cannot hold a request. The addresses
// actually connected to are checked when the endpoint is called or a webhook delivered.
Status check_url(std::string_view url, bool test_mode, const std::string& param) {
  Result<WebhookUrl> parsed = check_webhook_url(url, test_mode);
  if (!parsed.ok()) {
    const Status& status = parsed.status();
    std::string message = param + ": " + status.message();
    if (status.detail() == "webhook_url_not_https") message = param + " must start with https://";
    return Status(status.code(), status.detail(), message, param);
  }
  return ok_status();
}

}  // namespace

Service::Service(Engine& engine, Market market, auth::ApiKeys& keys,
                 std::shared_ptr<AgentEndpointClient> endpoints, std::shared_ptr<LlmClient> llm,
                 ServiceOptions options)
    : engine_(engine),
      market_(std::move(market)),
      keys_(keys),
      endpoints_(std::move(endpoints)),
      llm_(std::move(llm)),
      options_(std::move(options)) {}

std::string Service::api_key_prefix(bool test_mode) {
  return test_mode ? "am_test_" : "am_live_";
}

Result<RegisteredAgent> Service::register_agent(const NewAgent& request) {
  NewAgent agent = request;
  MC_TRY(internal::check_new_agent(agent));
  if (!agent.endpoint_url.empty()) {
    MC_TRY(check_url(agent.endpoint_url, options_.test_mode, "endpoint_url"));
  }
  if (!agent.webhook_url.empty()) {
    MC_TRY(check_url(agent.webhook_url, options_.test_mode, "webhook_url"));
  }
  internal::ProfileFields fields{.description = agent.description,
                                 .price_per_task = agent.price_per_task,
                                 .system_prompt = agent.system_prompt};
  Party party;
  party.market_id = market_.id;
  party.kind = "agent";
  party.display_name = agent.name;
  party.email = agent.owner_email;
  party.capabilities = agent.capabilities;
  party.endpoint_url = agent.endpoint_url;
  party.profile_json = internal::write_profile(fields);
  RegisterParty registration{.party = std::move(party)};
  const int64_t signup = internal::setting_int(market_, "signup_credits", 100);
  if (signup > 0) {
    // Credited once: it commits with the agent it belongs to, or not at all.
    registration.opening_deposit = Deposit{.amount_minor = signup, .reason = "signup_bonus"};
  }
  MC_TRY_ASSIGN(auth::CreatedApiKey key,
                keys_.mint("", api_key_prefix(options_.test_mode), "registration"));
  registration.api_key = key.record;
  MC_TRY_ASSIGN(RegisteredParty created, engine_.register_party(registration));
  party = std::move(created.party);
  RegisteredAgent registered;
  registered.api_key = std::move(key.key);
  if (!agent.webhook_url.empty()) {
    MC_TRY_ASSIGN(WebhookSetting setting, set_webhook(party.id, agent.webhook_url));
    registered.webhook_secret = setting.webhook_secret.value_or("");
  }
  MC_TRY_ASSIGN(registered.profile, profile(party.id));
  MC_TRY_ASSIGN(registered.balance, balance(party.id));
  return registered;
}

Result<Party> Service::authenticate(std::string_view api_key) {
  return binding_.party_for_api_key(keys_, api_key, api_key_prefix(options_.test_mode));
}

Result<AgentProfile> Service::profile(PartyId id) {
  Result<Party> party = engine_.party(id);
  if (!party.ok() && party.status().code() == Code::not_found) {
    return not_found("agent_not_found", "Agent not found");
  }
  MC_TRY(party.status());
  if (party->market_id != market_.id || party->kind != "agent") {
    return not_found("agent_not_found", "Agent not found");
  }
  const internal::ProfileFields fields = internal::read_profile(*party);
  MC_TRY_ASSIGN(
      std::vector<Job> done,
      engine_.jobs(
          {.market_id = market_.id, .state = "completed", .worker_id = party->id, .limit = 1000}));
  AgentProfile result;
  result.id = agent_uuid(party->id);
  result.description = fields.description;
  result.price_per_task = fields.price_per_task;
  result.has_system_prompt = !fields.system_prompt.empty();
  result.total_tasks = static_cast<int64_t>(done.size());
  result.party = std::move(party).value();
  return result;
}

Result<AgentProfile> Service::agent(std::string_view uuid) {
  MC_TRY_ASSIGN(PartyId id, parse_agent_uuid(uuid));
  return profile(id);
}

Result<std::vector<AgentProfile>> Service::agents(std::optional<std::string> capability,
                                                  int64_t limit) {
  MC_TRY_ASSIGN(std::vector<Party> parties,
                engine_.parties(market_.id, std::move(capability), static_cast<int32_t>(limit), 0));
  std::vector<AgentProfile> result;
  for (const Party& party : parties) {
    if (party.kind != "agent") continue;
    MC_TRY_ASSIGN(AgentProfile one, profile(party.id));
    result.push_back(std::move(one));
  }
  return result;
}

Result<int64_t> Service::balance(PartyId id) {
  MC_TRY_ASSIGN(Balances balances, engine_.balances(market_.id, id));
  return balances.available_minor + balances.promo_minor;
}

Result<WebhookSetting> Service::webhook(PartyId agent) {
  MC_TRY_ASSIGN(Party party, engine_.party(agent));
  return WebhookSetting{.webhook_url = mask_url(party.webhook_url)};
}

Result<WebhookSetting> Service::set_webhook(PartyId agent, const std::string& url) {
  if (url.empty()) {
    return invalid_argument("missing_param", "webhook_url is required", "webhook_url");
  }
  MC_TRY(check_url(url, options_.test_mode, "webhook_url"));
  MC_TRY_ASSIGN(Party party, engine_.party(agent));
  internal::ProfileFields fields = internal::read_profile(party);
  const bool first = fields.webhook_secret.empty();
  if (first) {
    MC_TRY_ASSIGN(fields.webhook_secret, generate_webhook_secret());
  }
  WebhookRegistry registry = engine_.webhooks();
  MC_TRY_ASSIGN(CreatedWebhookEndpoint created,
                registry.create_endpoint({.market_id = market_.id,
                                          .party_id = party.id,
                                          .url = url,
                                          .scheme = WebhookScheme::sha256,
                                          .signature_header = kSignatureHeader,
                                          .event_types = {"task.posted"}}));
  const int64_t previous = fields.webhook_endpoint_id;
  fields.webhook_endpoint_id = created.endpoint.id;
  MC_TRY(
      engine_
          .update_party_fields(
              {.id = party.id, .webhook_url = url, .profile_json = internal::write_profile(fields)})
          .status());
  if (previous != 0) {
    Status deleted = registry.delete_endpoint(previous);
    if (!deleted.ok() && deleted.code() != Code::not_found) return deleted;
  }
  WebhookSetting setting{.webhook_url = mask_url(url)};
  if (first) setting.webhook_secret = fields.webhook_secret;
  return setting;
}

}  // namespace mc::agentmarket
