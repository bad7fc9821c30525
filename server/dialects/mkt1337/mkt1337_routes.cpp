// server/dialects/mkt1337/mkt1337_routes.cpp — accounts, leads, escrow, contracts, disputes and
// the completion webhook: parse, call marketcore/mkt1337.h, render.
#include <map>

#include "../../json_request.h"
#include "auth/rfc3339.h"
#include "marketcore/money.h"
#include "mkt1337_api.h"
#include "mkt1337_render.h"

namespace mc::server::mkt1337 {
namespace mk = mc::mkt1337;
namespace {

constexpr int32_t kUsdcScale = 6;

// Wallets of parties, read once per request.
WalletOf wallets(Mkt1337Api& api) {
  auto cache = std::make_shared<std::map<PartyId, std::string>>();
  return [&api, cache](PartyId id) -> std::string {
    auto found = cache->find(id);
    if (found != cache->end()) return found->second;
    Result<Party> party = api.service->binding().party(id);
    std::string wallet = party.ok() ? party->wallet_address : "";
    cache->emplace(id, wallet);
    return wallet;
  };
}

Response json_of(int status, json::JsonWriter& out) {
  return Response::json(status, std::move(out).take());
}

Result<int64_t> required_money(const JsonBody& body, std::string_view name) {
  MC_TRY_ASSIGN(std::optional<int64_t> amount, body.optional_money(name, kUsdcScale));
  if (!amount) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return *amount;
}

Result<Response> render_contract(Mkt1337Api& api, int status, const Job& contract) {
  MC_TRY_ASSIGN(std::optional<std::string> payout, api.service->payout_tx_hash(contract));
  json::JsonWriter out;
  write_contract(out, contract, wallets(api), api.now_ms(), payout);
  return json_of(status, out);
}

Result<Response> render_dispute(Mkt1337Api& api, int status, const Dispute& dispute) {
  MC_TRY_ASSIGN(std::vector<DisputeVote> votes, api.service->votes(dispute.id));
  json::JsonWriter out;
  write_dispute(out, dispute, votes, wallets(api));
  return json_of(status, out);
}

// --- accounts

Result<Response> get_or_create_account(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(mk::Account account, api.service->account(caller(context)));
  json::JsonWriter out;
  write_account(out, account);
  return json_of(200, out);
}

Result<Response> account_by_wallet(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(mk::Account account, api.service->account_by_wallet(context.params.get("wallet")));
  json::JsonWriter out;
  write_account(out, account);
  return json_of(200, out);
}

Result<Response> bond(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount"));
  MC_TRY_ASSIGN(std::optional<std::string> tx_hash, body.optional_string("tx_hash"));
  MC_TRY_ASSIGN(mk::Account account, api.service->bond(caller(context), amount, tx_hash));
  json::JsonWriter out;
  write_account(out, account);
  return json_of(200, out);
}

Result<Response> rep_events(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(mk::Account account, api.service->account_by_wallet(context.params.get("wallet")));
  MC_TRY_ASSIGN(std::vector<mk::RepEvent> events, api.service->rep_events(account.party.id));
  json::JsonWriter out;
  out.begin_object().key("events").begin_array();
  for (const mk::RepEvent& event : events) {
    out.begin_object();
    out.key("type").value(event.kind);
    out.key("delta").value(event.delta);
    out.key("contract_id");
    if (event.contract) {
      out.value(mk::contract_id(*event.contract));
    } else {
      out.null();
    }
    out.key("created_at").value(auth::format_rfc3339_ms(event.at_ms));
    out.end_object();
  }
  out.end_array().end_object();
  return json_of(200, out);
}

// --- leads

Result<Response> list_leads(Mkt1337Api& api, RequestContext& context) {
  const Request& request = context.request;
  mk::LeadFilter filter;
  if (auto type = request.query_param("type")) filter.type = std::string(*type);
  for (auto [name, target] : {std::pair{"min_payout", &filter.min_payout_minor},
                              std::pair{"max_payout", &filter.max_payout_minor}}) {
    if (auto text = request.query_param(name)) {
      Result<int64_t> amount = parse_decimal(*text, kUsdcScale);
      if (!amount.ok() || *amount < 0) {
        return invalid_argument("invalid_value", std::string(name) + " must be a USDC amount",
                                name);
      }
      *target = *amount;
    }
  }
  MC_TRY_ASSIGN(filter.min_leader_rep,
                query_int64(request.query_param("min_leader_rep"), "min_leader_rep", 0, 100));
  MC_TRY_ASSIGN(filter.limit, query_int64(request.query_param("limit"), "limit", 1, 1000));
  MC_TRY_ASSIGN(std::vector<Job> leads, api.service->leads(filter));
  const WalletOf wallet_of = wallets(api);
  json::JsonWriter out;
  out.begin_object().key("leads").begin_array();
  for (const Job& lead : leads) write_lead(out, lead, wallet_of);
  out.end_array().end_object();
  return json_of(200, out);
}

Result<Response> get_lead(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job lead, api.service->lead(context.params.get("id")));
  json::JsonWriter out;
  write_lead(out, lead, wallets(api));
  return json_of(200, out);
}

Result<Response> create_lead(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mk::NewLead lead;
  MC_TRY_ASSIGN(lead.title, body.required_string("title"));
  MC_TRY_ASSIGN(std::optional<std::string> description, body.optional_string("description"));
  lead.description = description.value_or("");
  MC_TRY_ASSIGN(lead.type, body.required_string("type"));
  MC_TRY_ASSIGN(lead.payout_minor, required_money(body, "payout"));
  MC_TRY_ASSIGN(std::optional<int64_t> slots, body.optional_int64("slots"));
  if (slots && (*slots < 1 || *slots > 1'000'000)) {
    return invalid_argument("invalid_value", "slots must be at least 1", "slots");
  }
  lead.slots = static_cast<int32_t>(slots.value_or(1));
  MC_TRY_ASSIGN(std::optional<std::string> criteria, body.optional_object_json("success_criteria"));
  if (!criteria) {
    return invalid_argument("missing_param", "success_criteria is required", "success_criteria");
  }
  lead.success_criteria_json = *criteria;
  MC_TRY_ASSIGN(std::optional<std::string> deadline, body.optional_string("deadline"));
  if (deadline) {
    std::optional<int64_t> ms = auth::parse_rfc3339_ms(*deadline);
    if (!ms) {
      return invalid_argument("invalid_value", "deadline must be an RFC 3339 time", "deadline");
    }
    lead.deadline_ms = ms;
  }
  MC_TRY_ASSIGN(Job created, api.service->create_lead(caller(context), lead));
  json::JsonWriter out;
  write_lead(out, created, wallets(api));
  return json_of(201, out);
}

Result<Response> update_lead(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string status, body.required_string("status"));
  MC_TRY_ASSIGN(Job lead,
                api.service->set_lead_status(caller(context), context.params.get("id"), status));
  json::JsonWriter out;
  write_lead(out, lead, wallets(api));
  return json_of(200, out);
}

Result<Response> cancel_lead(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job lead, api.service->cancel_lead(caller(context), context.params.get("id")));
  json::JsonWriter out;
  write_lead(out, lead, wallets(api));
  return json_of(200, out);
}

Result<Response> webhook_secret(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(std::string secret,
                api.service->webhook_secret(caller(context), context.params.get("id")));
  json::JsonWriter out;
  out.begin_object();
  out.key("lead_id").value(std::string(context.params.get("id")));
  out.key("webhook_secret").value(secret);
  out.end_object();
  return json_of(200, out);
}

// --- escrow

Result<Response> deposit(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string lead, body.required_string("lead_id"));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount"));
  MC_TRY_ASSIGN(std::string tx_hash, body.required_string("tx_hash"));
  MC_TRY_ASSIGN(mk::EscrowStatus escrow,
                api.service->deposit(caller(context), lead, amount, tx_hash));
  json::JsonWriter out;
  write_escrow(out, escrow);
  return json_of(200, out);
}

Result<Response> escrow(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(mk::EscrowStatus escrow, api.service->escrow(context.params.get("lead_id")));
  json::JsonWriter out;
  write_escrow(out, escrow);
  return json_of(200, out);
}

// --- contracts

Result<Response> accept(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string lead, body.required_string("lead_id"));
  MC_TRY_ASSIGN(Job contract, api.service->accept(caller(context), lead));
  return render_contract(api, 201, contract);
}

Result<Response> accept_batch(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  if (!body.has("lead_ids")) {
    return invalid_argument("missing_param", "lead_ids is required", "lead_ids");
  }
  MC_TRY_ASSIGN(std::vector<std::string> leads, body.string_array("lead_ids"));
  MC_TRY_ASSIGN(mk::BatchResult result, api.service->accept_batch(caller(context), leads));
  const WalletOf wallet_of = wallets(api);
  json::JsonWriter out;
  out.begin_object().key("accepted").begin_array();
  for (const Job& contract : result.accepted) {
    write_contract(out, contract, wallet_of, api.now_ms(), std::nullopt);
  }
  out.end_array().key("rejected").begin_array();
  for (const mk::BatchRejection& rejection : result.rejected) {
    out.begin_object();
    out.key("lead_id").value(rejection.lead_id);
    out.key("reason").value(rejection.reason.detail());
    out.key("message").value(rejection.reason.message());
    out.end_object();
  }
  out.end_array().end_object();
  return json_of(200, out);
}

Result<Response> list_contracts(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(context.request.query_param("limit"), "limit", 1, 1000));
  MC_TRY_ASSIGN(std::vector<Job> contracts,
                api.service->contracts(caller(context), static_cast<int32_t>(limit.value_or(50))));
  const WalletOf wallet_of = wallets(api);
  json::JsonWriter out;
  out.begin_object().key("contracts").begin_array();
  for (const Job& contract : contracts) {
    MC_TRY_ASSIGN(std::optional<std::string> payout, api.service->payout_tx_hash(contract));
    write_contract(out, contract, wallet_of, api.now_ms(), payout);
  }
  out.end_array().end_object();
  return json_of(200, out);
}

Result<Response> get_contract(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job contract, api.service->contract(caller(context), context.params.get("id")));
  return render_contract(api, 200, contract);
}

Result<Response> proof(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::optional<std::string> url, body.optional_string("url"));
  MC_TRY_ASSIGN(std::optional<std::string> tx_hash, body.optional_string("tx_hash"));
  MC_TRY_ASSIGN(Job contract,
                api.service->submit_proof(caller(context), context.params.get("id"), url, tx_hash));
  return render_contract(api, 200, contract);
}

Result<Response> cpv_proof(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string video_url, body.required_string("video_url"));
  MC_TRY_ASSIGN(std::optional<int64_t> duration, body.optional_int64("duration_s"));
  MC_TRY_ASSIGN(Job contract, api.service->submit_cpv_proof(
                                  caller(context), context.params.get("id"), video_url, duration));
  return render_contract(api, 200, contract);
}

Result<Response> approve(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job contract, api.service->approve(caller(context), context.params.get("id")));
  return render_contract(api, 200, contract);
}

Result<Response> reject(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::optional<std::string> reason, body.optional_string("reason"));
  MC_TRY_ASSIGN(Dispute dispute, api.service->reject(caller(context), context.params.get("id"),
                                                     reason.value_or("")));
  return render_dispute(api, 200, dispute);
}

Result<Response> payout(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string tx_hash, body.required_string("tx_hash"));
  MC_TRY_ASSIGN(Job contract,
                api.service->record_payout(caller(context), context.params.get("id"), tx_hash));
  return render_contract(api, 200, contract);
}

// --- webhooks

Result<Response> completion(Mkt1337Api& api, RequestContext& context) {
  const std::string signature(context.request.header("x-webhook-signature").value_or(""));
  MC_TRY_ASSIGN(mk::Service::Completion done,
                api.service->completion_signal(context.request.body, signature));
  MC_TRY_ASSIGN(std::optional<std::string> payout, api.service->payout_tx_hash(done.contract));
  json::JsonWriter out;
  out.begin_object();
  out.key("received").value(true);
  out.key("replayed").value(done.replayed);
  out.key("contract");
  write_contract(out, done.contract, wallets(api), api.now_ms(), payout);
  out.end_object();
  return json_of(200, out);
}

// --- referral links and conversions

Result<Response> create_referral_link(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string contract, body.required_string("contract_id"));
  MC_TRY_ASSIGN(std::optional<std::string> target, body.optional_string("target_url"));
  MC_TRY_ASSIGN(mk::Service::ReferralLink link,
                api.service->referral_link(caller(context), contract, target));
  json::JsonWriter out;
  out.begin_object();
  out.key("code").value(link.code);
  out.key("url").value(api.mounted_prefix + "/r/" + link.code);
  out.key("contract_id").value(mk::contract_id(link.contract));
  out.key("target_url").value(link.target_url);
  out.end_object();
  return json_of(201, out);
}

Result<Response> redirect(Mkt1337Api& api, RequestContext& context) {
  const Request& request = context.request;
  // A visitor is its address and user agent (cookies are easily dropped to inflate clicks).
  const std::string visitor =
      request.remote_ip + "|" + std::string(request.header("user-agent").value_or(""));
  MC_TRY_ASSIGN(mk::Service::Click click, api.service->click(context.params.get("code"), visitor));
  Response response;
  response.status = 302;
  response.content_type = "text/plain";
  response.set_header("Location", click.link.target_url);
  response.set_header("Set-Cookie", "mkt_ref=" + click.link.code +
                                        "; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax");
  return response;
}

Result<Response> convert(Mkt1337Api& api, RequestContext& context, std::string_view kind) {
  const Request& request = context.request;
  std::optional<std::string> code;
  std::optional<std::string> conversion_id;
  if (request.method == "GET") {
    if (auto text = request.query_param("code")) code = std::string(*text);
    if (auto text = request.query_param("conversion_id")) conversion_id = std::string(*text);
  } else {
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(request.body));
    MC_TRY_ASSIGN(code, body.optional_string("code"));
    const char* id_field = kind == "install" ? "install_id" : "conversion_id";
    MC_TRY_ASSIGN(conversion_id, body.optional_string(id_field));
  }
  if (!code) {
    if (auto ref = request.cookie("mkt_ref")) code = std::string(*ref);
  }
  if (!code) return invalid_argument("missing_param", "code is required", "code");
  if (!conversion_id) {
    return invalid_argument("missing_param", "conversion id is required",
                            kind == "install" ? "install_id" : "conversion_id");
  }
  MC_TRY_ASSIGN(mk::Service::Completion done, api.service->conversion(*code, kind, *conversion_id));
  json::JsonWriter out;
  out.begin_object();
  out.key("received").value(true);
  out.key("replayed").value(done.replayed);
  out.key("contract_id").value(mk::contract_id(done.contract.id));
  out.key("status").value(contract_status(done.contract));
  out.end_object();
  return json_of(200, out);
}

Result<Response> install(Mkt1337Api& api, RequestContext& context) {
  return convert(api, context, "install");
}

Result<Response> pixel(Mkt1337Api& api, RequestContext& context) {
  return convert(api, context, "pixel");
}

// --- disputes

Result<Response> file_dispute(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string contract, body.required_string("contract_id"));
  MC_TRY_ASSIGN(std::string reason, body.required_string("reason"));
  MC_TRY_ASSIGN(Dispute dispute, api.service->file_dispute(caller(context), contract, reason));
  return render_dispute(api, 201, dispute);
}

Result<Response> list_disputes(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(std::vector<Dispute> disputes, api.service->eligible_disputes(caller(context)));
  const WalletOf wallet_of = wallets(api);
  json::JsonWriter out;
  out.begin_object().key("disputes").begin_array();
  for (const Dispute& dispute : disputes) {
    MC_TRY_ASSIGN(std::vector<DisputeVote> votes, api.service->votes(dispute.id));
    write_dispute(out, dispute, votes, wallet_of);
  }
  out.end_array().end_object();
  return json_of(200, out);
}

Result<Response> join_dispute(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Dispute dispute, api.service->join(caller(context), context.params.get("id")));
  return render_dispute(api, 200, dispute);
}

Result<Response> vote(Mkt1337Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string choice, body.required_string("vote"));
  MC_TRY_ASSIGN(Dispute dispute,
                api.service->vote(caller(context), context.params.get("id"), choice));
  return render_dispute(api, 200, dispute);
}

}  // namespace

std::vector<RouteSpec> market_routes(Mkt1337Api& api) {
  auto bind = [&api](Result<Response> (*function)(Mkt1337Api&, RequestContext&)) -> Handler {
    return [&api, function](RequestContext& context) { return function(api, context); };
  };
  auto route = [&bind](const char* method, const char* pattern, const char* route_class,
                       Access access, Result<Response> (*function)(Mkt1337Api&, RequestContext&),
                       const char* summary, int success = 200) {
    return RouteSpec{.method = method,
                     .pattern = pattern,
                     .route_class = route_class,
                     .access = access,
                     .handler = bind(function),
                     .summary = summary,
                     .success_status = success};
  };
  const Access open = Access::open;
  const Access auth = Access::authenticated;
  std::vector<RouteSpec> routes = {
      route("GET", "/accounts", "read", auth, &get_or_create_account, "Get or create account"),
      route("POST", "/accounts", "write", auth, &get_or_create_account, "Get or create account"),
      route("POST", "/accounts/bond", "write", auth, &bond, "Bond USDC to Rep Score registry"),
      route("GET", "/accounts/:wallet", "public", open, &account_by_wallet,
            "Get account info: rep_score, tier, bond, karma, completions"),
      route("GET", "/accounts/:wallet/rep-events", "public", open, &rep_events,
            "Rep Score event history"),
      route("GET", "/leads", "public", open, &list_leads, "List tasks"),
      route("POST", "/leads", "write", auth, &create_lead, "Create a new task", 201),
      route("GET", "/leads/:id", "public", open, &get_lead, "Get full task detail"),
      route("PATCH", "/leads/:id", "write", auth, &update_lead, "Update task status"),
      route("DELETE", "/leads/:id", "write", auth, &cancel_lead,
            "Cancel task and return escrowed USDC"),
      route("GET", "/leads/:id/webhook-secret", "read", auth, &webhook_secret,
            "Get webhook secret for a task"),
      route("POST", "/escrow/deposit", "write", auth, &deposit, "Deposit escrow for a task"),
      route("GET", "/escrow/:lead_id", "public", open, &escrow, "Get escrow status for a task"),
      route("POST", "/contracts", "write", auth, &accept, "Accept a task", 201),
      route("POST", "/contracts/batch", "batch", auth, &accept_batch,
            "Accept up to 50 tasks in one call"),
      route("GET", "/contracts", "read", auth, &list_contracts,
            "List contracts for authenticated wallet"),
      route("GET", "/contracts/:id", "read", auth, &get_contract,
            "Get contract status, time remaining, proof status"),
      route("POST", "/contracts/:id/proof", "write", auth, &proof, "Submit completion proof"),
      route("POST", "/contracts/:id/approve", "write", auth, &approve, "Leader approves proof"),
      route("POST", "/contracts/:id/reject", "write", auth, &reject, "Leader rejects proof"),
      route("POST", "/contracts/:id/payout", "write", auth, &payout,
            "Record payout transaction hash"),
      route("POST", "/contracts/:id/cpv-proof", "write", auth, &cpv_proof,
            "Submit CPV video proof"),
      route("POST", "/webhooks/completion", "webhook", open, &completion,
            "Leader completion signal (CPR/CPA/CPD)"),
      route("POST", "/disputes", "write", auth, &file_dispute, "File a dispute on a contract", 201),
      route("GET", "/disputes", "read", auth, &list_disputes, "List disputes eligible for judging"),
      route("POST", "/disputes/:id/join", "write", auth, &join_dispute, "Join dispute as Judge"),
      route("POST", "/disputes/:id/vote", "write", auth, &vote, "Cast verdict vote on dispute"),
      route("POST", "/referral-links", "write", auth, &create_referral_link,
            "Create referral link for a contract", 201),
      route("GET", "/r/:code", "public", open, &redirect,
            "Referral redirect (sets attribution cookie, records click)", 302),
      route("POST", "/conversions/install", "webhook", open, &install, "CPI install callback"),
      route("GET", "/conversions/pixel", "webhook", open, &pixel,
            "JS pixel callback for CPR/CPA conversions"),
      route("POST", "/conversions/pixel", "webhook", open, &pixel,
            "JS pixel callback for CPR/CPA conversions"),
  };
  routes[5].query_params = {"type", "min_payout", "max_payout", "min_leader_rep", "limit"};
  return routes;
}

}  // namespace mc::server::mkt1337
