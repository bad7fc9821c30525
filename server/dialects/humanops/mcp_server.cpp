// server/dialects/humanops/mcp_server.cpp — JSON-RPC dispatch and the 13 tools.
#include "mcp_server.h"

#include <simdjson.h>

#include "../../json_request.h"
#include "auth/rfc3339.h"
#include "humanops_render.h"
#include "json/json_writer.h"
#include "marketcore/e2ee.h"
#include "marketcore/money.h"

namespace mc::server::humanops {
namespace {

using mc::humanops::NewTask;
using mc::humanops::Service;

constexpr const char* kProtocolVersion = "2025-03-26";

// The seed's tools, their descriptions and JSON Schemas of their arguments.
struct ToolSpec {
  const char* name;
  const char* description;
  const char* schema;
};

#define MC_MONEY R"({"type":"number","minimum":0})"
#define MC_TEXT R"({"type":"string"})"
#define MC_TEXTS R"({"type":"array","items":{"type":"string"}})"

constexpr ToolSpec kTools[] = {
    {"search_operators",
     "Find verified human operators near a location. Filter by task type and minimum rating.",
     R"({"type":"object","properties":{"lat":{"type":"number"},"lng":{"type":"number"},)"
     R"("radius_km":{"type":"number","exclusiveMinimum":0},"task_type":)" MC_TEXT
     R"(,"min_rating":{"type":"number"}},"required":["lat","lng"]})"},
    {"post_task",
     "Create a task and escrow funds. Requires title, description, location, reward, deadline, "
     "proof requirements, and task type.",
     R"({"type":"object","properties":{"title":)" MC_TEXT R"(,"description":)" MC_TEXT
     R"(,"location":{"type":"object","properties":{"lat":{"type":"number"},)"
     R"("lng":{"type":"number"},"address":{"type":"string"}}},"reward_usd":)" MC_MONEY
     R"(,"deadline":{"type":"string","description":"ISO 8601"},"proof_requirements":)" MC_TEXTS
     R"(,"task_type":)" MC_TEXT R"(,"callback_url":)" MC_TEXT R"(,"callback_secret":)" MC_TEXT
     R"(,"idempotency_key":)" MC_TEXT
     R"(},"required":["title","description","location","reward_usd","deadline",)"
     R"("proof_requirements","task_type"]})"},
    {"dispatch_digital_task",
     "Create a digital task (remote) without a physical location. The server will set the "
     "correct domain/proof type defaults based on the category.",
     R"({"type":"object","properties":{"title":)" MC_TEXT R"(,"description":)" MC_TEXT
     R"(,"digital_category":{"type":"string","enum":["CAPTCHA_SOLVING","FORM_FILLING",)"
     R"("BROWSER_INTERACTION","CONTENT_REVIEW","DATA_VALIDATION"]},"reward_usd":)" MC_MONEY
     R"(,"deadline":)" MC_TEXT R"(,"proof_requirements":)" MC_TEXTS
     R"(,"digital_instructions":)" MC_TEXT R"(,"callback_url":)" MC_TEXT
     R"(,"callback_secret":)" MC_TEXT R"(,"idempotency_key":)" MC_TEXT
     R"(},"required":["title","description","digital_category","reward_usd","deadline",)"
     R"("proof_requirements"]})"},
    {"dispatch_credential_task",
     "Create a Tier 2 credential task with E2EE. Auto-generates keypair, sends public key with "
     "task.",
     R"({"type":"object","properties":{"title":)" MC_TEXT R"(,"description":)" MC_TEXT
     R"(,"credential_category":{"type":"string","enum":["ACCOUNT_CREATION",)"
     R"("API_KEY_PROCUREMENT","PHONE_VERIFICATION","SUBSCRIPTION_SETUP"]},"reward_usd":)" MC_MONEY
     R"(,"deadline":)" MC_TEXT R"(,"digital_instructions":)" MC_TEXT R"(,"callback_url":)" MC_TEXT
     R"(},"required":["title","description","credential_category","reward_usd","deadline"]})"},
    {"retrieve_credential",
     "Retrieve and decrypt the encrypted credential from a completed credential task.",
     R"({"type":"object","properties":{"task_id":)" MC_TEXT R"(,"private_key":{"type":"string",)"
     R"("description":"PKCS#8 base64, when this MCP process does not hold it"}},)"
     R"("required":["task_id"]})"},
    {"list_digital_categories",
     "List available digital task categories with default proof requirements and constraints.",
     R"({"type":"object","properties":{}})"},
    {"get_task_result", "Get task status, proof, and AI Guardian verification result.",
     R"({"type":"object","properties":{"task_id":)" MC_TEXT R"(},"required":["task_id"]})"},
    {"check_verification_status",
     "Get focused verification details: confidence score, decision, and requirement results.",
     R"({"type":"object","properties":{"task_id":)" MC_TEXT R"(},"required":["task_id"]})"},
    {"fund_account",
     "Deposit USDC on Base L2 to your HumanOps account. In test mode, funds are credited "
     "immediately.",
     R"({"type":"object","properties":{"amount_usdc":{"type":["number","string"],)"
     R"("description":"$5 - $10,000"},"tx_hash":)" MC_TEXT
     R"(},"required":["amount_usdc","tx_hash"]})"},
    {"request_payout",
     "Request a payout of available earnings. Minimum $10. Currently only via operator portal.",
     R"({"type":"object","properties":{"amount_usd":)" MC_MONEY R"(},"required":["amount_usd"]})"},
    {"get_balance", "Get your available and escrow balances.",
     R"({"type":"object","properties":{}})"},
    {"cancel_task", "Cancel a pending/accepted task and refund escrow (if allowed).",
     R"({"type":"object","properties":{"task_id":)" MC_TEXT R"(},"required":["task_id"]})"},
    {"list_tasks", "List your tasks with optional filtering and pagination.",
     R"({"type":"object","properties":{"status":)" MC_TEXT
     R"(,"limit":{"type":"integer","minimum":1,"maximum":100},)"
     R"("offset":{"type":"integer","minimum":0}}})"},
};

#undef MC_MONEY
#undef MC_TEXT
#undef MC_TEXTS

std::string rpc_result(std::string_view id_json, std::string_view result_json) {
  return std::string(R"({"jsonrpc":"2.0","id":)") + std::string(id_json) + R"(,"result":)" +
         std::string(result_json) + "}";
}

std::string rpc_error(std::string_view id_json, int code, std::string_view message) {
  json::JsonWriter out;
  out.begin_object();
  out.key("jsonrpc").value("2.0");
  out.key("id").raw(id_json);
  out.key("error").begin_object();
  out.key("code").value(code);
  out.key("message").value(message);
  out.end_object();
  out.end_object();
  return std::move(out).take();
}

std::string tool_result(std::string_view text, bool is_error) {
  json::JsonWriter out;
  out.begin_object();
  out.key("content").begin_array().begin_object();
  out.key("type").value("text");
  out.key("text").value(text);
  out.end_object().end_array();
  out.key("isError").value(is_error);
  out.end_object();
  return std::move(out).take();
}

Result<std::string> required_text(const JsonBody& args, std::string_view name) {
  return args.required_string(name);
}

Result<int64_t> required_money(const JsonBody& args, std::string_view name) {
  MC_TRY_ASSIGN(std::optional<int64_t> amount, args.optional_money(name, 2));
  if (!amount) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return *amount;
}

Result<int64_t> deadline_of(const JsonBody& args) {
  MC_TRY_ASSIGN(std::string text, args.required_string("deadline"));
  std::optional<int64_t> at = auth::parse_rfc3339_ms(text);
  if (!at) {
    return invalid_argument("invalid_value", "deadline must be an ISO 8601 date-time", "deadline");
  }
  return *at;
}

void write_task_created(json::JsonWriter& out, const Job& job) {
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  write_money(out, "reward_usd", job.amount_minor);
  write_money(out, "platform_fee", job.fees.platform_fee_minor);
  write_money(out, "total_escrow", job.fees.escrow_minor);
  write_time(out, "deadline", job.deadline_at_ms);
  write_time(out, "created_at", job.created_at_ms);
}

}  // namespace

McpServer::McpServer(std::shared_ptr<Service> service, Engine& engine, bool keep_private_keys)
    : service_(std::move(service)), engine_(engine), keep_private_keys_(keep_private_keys) {}

std::string McpServer::parse_error() {
  return rpc_error("null", -32700, "Parse error");
}

std::optional<std::string> McpServer::handle(std::string_view message, PartyId agent) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(message)).get(root) != simdjson::SUCCESS) {
    return parse_error();
  }
  if (!root.is_object()) return rpc_error("null", -32600, "Invalid Request");
  simdjson::dom::element id_element;
  const bool has_id = root["id"].get(id_element) == simdjson::SUCCESS && !id_element.is_null();
  const std::string id = has_id ? simdjson::minify(id_element) : "null";
  std::string_view method;
  if (root["method"].get_string().get(method) != simdjson::SUCCESS) {
    return has_id ? std::optional<std::string>(rpc_error(id, -32600, "Invalid Request"))
                  : std::nullopt;  // a response from the client: nothing to answer
  }
  if (!has_id) return std::nullopt;  // notifications (initialized, cancelled, ...)
  if (method == "initialize") {
    std::string_view requested;
    simdjson::dom::element params;
    std::string version = kProtocolVersion;
    if (root["params"].get(params) == simdjson::SUCCESS &&
        params["protocolVersion"].get_string().get(requested) == simdjson::SUCCESS &&
        (requested == "2024-11-05" || requested == "2025-03-26" || requested == "2025-06-18")) {
      version = std::string(requested);
    }
    json::JsonWriter out;
    out.begin_object();
    out.key("protocolVersion").value(version);
    out.key("capabilities").begin_object().key("tools").begin_object().end_object().end_object();
    out.key("serverInfo").begin_object();
    out.key("name").value("humanops");
    out.key("version").value("0.1.0");
    out.end_object();
    out.key("instructions")
        .value(
            "Commission real-world tasks from verified human operators (HumanOps on marketcore).");
    out.end_object();
    return rpc_result(id, std::move(out).take());
  }
  if (method == "ping") return rpc_result(id, "{}");
  if (method == "tools/list") {
    json::JsonWriter out;
    out.begin_object().key("tools").begin_array();
    for (const ToolSpec& tool : kTools) {
      out.begin_object();
      out.key("name").value(tool.name);
      out.key("description").value(tool.description);
      out.key("inputSchema").raw(tool.schema);
      out.end_object();
    }
    out.end_array().end_object();
    return rpc_result(id, std::move(out).take());
  }
  if (method == "tools/call") {
    simdjson::dom::element params;
    std::string_view name;
    if (root["params"].get(params) != simdjson::SUCCESS ||
        params["name"].get_string().get(name) != simdjson::SUCCESS) {
      return rpc_error(id, -32602, "Invalid params: name is required");
    }
    bool known = false;
    for (const ToolSpec& tool : kTools) known = known || name == tool.name;
    if (!known) return rpc_error(id, -32602, "Unknown tool: " + std::string(name));
    simdjson::dom::element arguments;
    std::string arguments_json = "{}";
    if (params["arguments"].get(arguments) == simdjson::SUCCESS && !arguments.is_null()) {
      if (!arguments.is_object()) return rpc_error(id, -32602, "Invalid params: arguments");
      arguments_json = simdjson::minify(arguments);
    }
    Result<std::string> called = call_tool(name, arguments_json, agent);
    if (!called.ok()) return rpc_result(id, tool_result(called.status().message(), true));
    return rpc_result(id, tool_result(*called, false));
  }
  return rpc_error(id, -32601, "Method not found: " + std::string(method));
}

Result<std::string> McpServer::call_tool(std::string_view name, const std::string& arguments_json,
                                         PartyId agent) {
  MC_TRY_ASSIGN(JsonBody args, JsonBody::parse(arguments_json));
  json::JsonWriter out;
  if (name == "get_balance") {
    MC_TRY_ASSIGN(Balances balances, service_->balances(agent));
    out.begin_object();
    write_money(out, "deposit_balance", balances.available_minor);
    write_money(out, "escrow_balance", balances.escrow_minor);
    out.key("currency").value("USD");
    out.end_object();
  } else if (name == "fund_account") {
    MC_TRY_ASSIGN(std::string tx_hash, required_text(args, "tx_hash"));
    MC_TRY_ASSIGN(int64_t amount, required_money(args, "amount_usdc"));
    MC_TRY_ASSIGN(mc::humanops::Deposited deposited,
                  service_->deposit_usdc(agent, tx_hash, amount));
    out.begin_object();
    out.key("transaction_id").value(deposited.transaction_id);
    write_money(out, "amount_usd", deposited.amount_minor);
    out.key("status").value(deposited.status);
    out.key("chain").value("base");
    out.end_object();
  } else if (name == "post_task" || name == "dispatch_digital_task" ||
             name == "dispatch_credential_task") {
    NewTask task;
    MC_TRY_ASSIGN(task.title, required_text(args, "title"));
    MC_TRY_ASSIGN(task.description, required_text(args, "description"));
    MC_TRY_ASSIGN(task.reward_minor, required_money(args, "reward_usd"));
    MC_TRY_ASSIGN(task.deadline_ms, deadline_of(args));
    MC_TRY_ASSIGN(task.callback_url, args.optional_string("callback_url"));
    MC_TRY_ASSIGN(task.digital_instructions, args.optional_string("digital_instructions"));
    std::optional<std::string> private_key;
    if (name == "post_task") {
      MC_TRY_ASSIGN(task.task_type, required_text(args, "task_type"));
      MC_TRY_ASSIGN(task.location_json, args.optional_object_json("location"));
      if (!task.location_json) {
        return invalid_argument("missing_param", "location is required", "location");
      }
    } else if (name == "dispatch_digital_task") {
      MC_TRY_ASSIGN(task.task_type, required_text(args, "digital_category"));
      const mc::humanops::TaskType* type = mc::humanops::find_task_type(task.task_type);
      if (type == nullptr || !type->digital || type->credential) {
        return invalid_argument("invalid_value",
                                "digital_category must be CAPTCHA_SOLVING, FORM_FILLING, "
                                "BROWSER_INTERACTION, CONTENT_REVIEW or DATA_VALIDATION "
                                "(credential tasks: dispatch_credential_task)",
                                "digital_category");
      }
    } else {
      MC_TRY_ASSIGN(task.task_type, required_text(args, "credential_category"));
      const mc::humanops::TaskType* type = mc::humanops::find_task_type(task.task_type);
      if (type == nullptr || !type->credential) {
        return invalid_argument("invalid_value",
                                "credential_category must be ACCOUNT_CREATION, "
                                "API_KEY_PROCUREMENT, PHONE_VERIFICATION or SUBSCRIPTION_SETUP",
                                "credential_category");
      }
      MC_TRY_ASSIGN(e2ee::KeyPair pair, e2ee::generate_key_pair());
      task.agent_public_key = pair.public_key_b64;
      private_key = pair.private_key_b64;
      task.proof_requirements = {"Credential delivered via the encrypted channel"};
    }
    if (name != "dispatch_credential_task") {
      if (!args.has("proof_requirements")) {
        return invalid_argument("missing_param", "proof_requirements is required",
                                "proof_requirements");
      }
      MC_TRY_ASSIGN(task.proof_requirements, args.string_array("proof_requirements"));
      MC_TRY_ASSIGN(task.callback_secret, args.optional_string("callback_secret"));
      MC_TRY_ASSIGN(std::optional<std::string> key, args.optional_string("idempotency_key"));
      task.idempotency_key = key.value_or("");
    }
    MC_TRY_ASSIGN(JobOutcome created, service_->create_task(agent, task));
    write_task_created(out, created.job);
    if (private_key) {
      out.key("agent_public_key").value(*task.agent_public_key);
      out.key("private_key").value(*private_key);
      if (keep_private_keys_) {
        std::lock_guard lock(keys_mutex_);
        private_keys_[mc::humanops::task_id(created.job.id)] = *private_key;
      }
    }
    out.end_object();
  } else if (name == "retrieve_credential") {
    MC_TRY_ASSIGN(std::string id, required_text(args, "task_id"));
    MC_TRY_ASSIGN(std::optional<std::string> private_key, args.optional_string("private_key"));
    if (!private_key && keep_private_keys_) {
      std::lock_guard lock(keys_mutex_);
      if (auto found = private_keys_.find(id); found != private_keys_.end()) {
        private_key = found->second;
      }
    }
    MC_TRY_ASSIGN(std::string blob_json, service_->retrieve_credential(agent, id));
    out.begin_object();
    out.key("task_id").value(id);
    if (!private_key) {
      out.key("encrypted_credential").raw(blob_json);
      out.key("decrypted").value(false);
    } else {
      simdjson::dom::parser parser;
      simdjson::dom::element blob;
      std::string_view ciphertext, iv, ephemeral;
      if (parser.parse(simdjson::padded_string(blob_json)).get(blob) != simdjson::SUCCESS ||
          blob["ciphertext"].get_string().get(ciphertext) != simdjson::SUCCESS ||
          blob["iv"].get_string().get(iv) != simdjson::SUCCESS ||
          blob["ephemeralPublicKey"].get_string().get(ephemeral) != simdjson::SUCCESS) {
        return invalid_argument("e2ee_bad_blob", "the stored credential is malformed", "task_id");
      }
      MC_TRY_ASSIGN(std::string plain,
                    e2ee::decrypt_credential(*private_key,
                                             {.ciphertext_b64 = std::string(ciphertext),
                                              .iv_b64 = std::string(iv),
                                              .ephemeral_public_key_b64 = std::string(ephemeral)}));
      simdjson::dom::parser plain_parser;
      simdjson::dom::element plain_json;
      out.key("credential");
      if (plain_parser.parse(simdjson::padded_string(plain)).get(plain_json) == simdjson::SUCCESS) {
        out.raw(simdjson::minify(plain_json));
      } else {
        out.value(plain);
      }
      out.key("decrypted").value(true);
    }
    out.end_object();
  } else if (name == "list_digital_categories") {
    out.begin_object().key("categories").begin_array();
    for (const mc::humanops::TaskType& type : mc::humanops::task_types()) {
      if (!type.digital) continue;
      out.begin_object();
      out.key("category").value(type.name);
      out.key("tier").value(type.credential ? 2 : 1);
      out.key("description").value(type.description);
      write_money(out, "max_reward_usd", type.reward_max_minor);
      out.key("default_proof_type").value(type.default_proof);
      out.key("requires_agent_public_key").value(type.credential);
      out.end_object();
    }
    out.end_array().end_object();
  } else if (name == "get_task_result" || name == "check_verification_status") {
    MC_TRY_ASSIGN(std::string id, required_text(args, "task_id"));
    MC_TRY_ASSIGN(Job job, service_->task(agent, id));
    if (name == "get_task_result") {
      std::optional<Party> op;
      if (job.worker_id) {
        Result<Party> party = engine_.party(*job.worker_id);
        if (party.ok()) op = *party;
      }
      write_task_detail(out, job, op, std::nullopt);
    } else {
      const mc::humanops::TaskFields fields = mc::humanops::task_fields(job);
      simdjson::dom::parser parser;
      simdjson::dom::element verdict;
      simdjson::dom::element guardian;
      const bool has_verdict =
          !job.verdict_json.empty() &&
          parser.parse(simdjson::padded_string(job.verdict_json)).get(verdict) == simdjson::SUCCESS;
      if (has_verdict && verdict["guardian"].get(guardian) == simdjson::SUCCESS) verdict = guardian;
      out.begin_object();
      out.key("task_id").value(id);
      out.key("status").value(job.state);
      std::string_view text;
      int64_t confidence = 0;
      out.key("decision");
      if (has_verdict && verdict["decision"].get_string().get(text) == simdjson::SUCCESS) {
        out.value(text);
      } else {
        out.null();
      }
      out.key("confidence");
      if (has_verdict && verdict["confidence"].get_int64().get(confidence) == simdjson::SUCCESS) {
        out.value(confidence);
      } else {
        out.null();
      }
      out.key("reasoning");
      if (has_verdict && verdict["reasoning"].get_string().get(text) == simdjson::SUCCESS) {
        out.value(text);
      } else {
        out.null();
      }
      out.key("requirement_results").begin_array();
      for (const std::string& requirement : fields.proof_requirements) {
        out.begin_object().key("requirement").value(requirement).key("met").null().end_object();
      }
      out.end_array();
      out.end_object();
    }
  } else if (name == "request_payout") {
    MC_TRY(required_money(args, "amount_usd").status());
    return failed_precondition("wrong_state",
                               "Payouts are requested by operators through the operator portal "
                               "(POST /operator/payout); agents withdraw no earnings");
  } else if (name == "cancel_task") {
    MC_TRY_ASSIGN(std::string id, required_text(args, "task_id"));
    MC_TRY_ASSIGN(Job job, service_->cancel(agent, id));
    out.begin_object();
    out.key("task_id").value(id);
    out.key("status").value(job.state);
    write_money(out, "refunded_usd", job.fees.escrow_minor);
    out.end_object();
  } else if (name == "list_tasks") {
    mc::humanops::TaskFilter filter;
    MC_TRY_ASSIGN(filter.status, args.optional_string("status"));
    MC_TRY_ASSIGN(std::optional<int64_t> limit, args.optional_int64("limit"));
    MC_TRY_ASSIGN(std::optional<int64_t> offset, args.optional_int64("offset"));
    filter.limit = limit.value_or(20);
    filter.offset = offset.value_or(0);
    MC_TRY_ASSIGN(mc::humanops::TaskPage page, service_->tasks(agent, filter));
    out.begin_object().key("data").begin_array();
    for (const Job& job : page.tasks) write_task_summary(out, job, std::nullopt);
    out.end_array();
    out.key("pagination").begin_object();
    out.key("limit").value(page.limit);
    out.key("offset").value(page.offset);
    out.key("total").value(page.total);
    out.end_object().end_object();
  } else if (name == "search_operators") {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    double lat = 0;
    double lng = 0;
    if (parser.parse(simdjson::padded_string(arguments_json)).get(root) != simdjson::SUCCESS ||
        root["lat"].get_double().get(lat) != simdjson::SUCCESS ||
        root["lng"].get_double().get(lng) != simdjson::SUCCESS) {
      return invalid_argument("missing_param", "lat and lng are required numbers", "lat");
    }
    std::optional<double> radius;
    double number = 0;
    if (root["radius_km"].get_double().get(number) == simdjson::SUCCESS) radius = number;
    MC_TRY_ASSIGN(std::optional<std::string> task_type, args.optional_string("task_type"));
    MC_TRY_ASSIGN(std::vector<Service::NearbyOperator> found,
                  service_->search_operators(lat, lng, radius, task_type));
    out.begin_object().key("operators").begin_array();
    for (const Service::NearbyOperator& one : found) {
      out.begin_object();
      out.key("operator_id").value(one.party.external_id);
      out.key("name").value(one.party.display_name);
      out.key("skills").begin_array();
      for (const std::string& skill : one.party.capabilities) out.value(skill);
      out.end_array();
      out.key("distance_km").value_double(one.distance_km);
      out.key("rating").null();
      out.end_object();
    }
    out.end_array().end_object();
  }
  return std::move(out).take();
}

}  // namespace mc::server::humanops
