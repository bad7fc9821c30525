// Refusal parity: every refusal a dialect's tests exercise is a rule of the engine, so the same
// action through the native /v1 API over loopback and through mc::Engine in-process is refused
// with the same stable detail code. One row of kCases per refusal: add a case in one line.
//
// Each case starts from fresh parties in its market (a funded poster, a worker, a third
// party), brings a job to its stage (none, posted, accepted by the worker) the same way on
// both sides, then performs the action as the named party and compares the details.
#include <doctest/doctest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "http_client.h"
#include "marketcore/engine.h"
#include "server_process.h"

namespace mc::test {
namespace {

// hired: posted for the worker by name (a direct hire, CreateJob::worker_id).
enum class Stage { none, posted, hired, accepted };
enum class Who { poster, worker, third };

// The action: a transition name fired on the job, or one of
//   "post_over_budget"        the poster posts a job worth more than it holds
//   "post_long_idempotency_key"  the poster posts with a 300-character idempotency key
//   "post_over_category_max"  HumanOps: a CAPTCHA_SOLVING task above its $10 maximum
//   "post_credential_without_key"  HumanOps: a Tier 2 task without agent_public_key
//   "post_without_location"   HumanOps: a physical task without a location
//   "post_lead_unknown_type"  1337MKT: a lead of type CPX
//   "post_lead_bad_criteria"  1337MKT: a CPV lead whose min_duration_s is a string
//   "post_lead_over_tier"     1337MKT: a Bronze leader (reputation 0) posts a $600 budget
//   "take_contract"           1337MKT: the actor takes a contract (a child job) on the job
struct ParityCase {
  const char* name;
  const char* market;
  Stage stage;
  Who actor;
  const char* action;
  const char* detail;  // the engine's stable detail, the same for every API
};

constexpr ParityCase kCases[] = {
    // j0 (tests/j0): the dialect words these as own_job, not_worker, cannot_cancel_accepted,
    // job_already_accepted, job_not_accepted, not_requester, insufficient_credits.
    {"j0: accept own job", "j0", Stage::posted, Who::poster, "accept", "role_not_allowed"},
    {"j0: complete by a non-worker", "j0", Stage::accepted, Who::third, "complete",
     "role_not_allowed"},
    {"j0: cancel an accepted job", "j0", Stage::accepted, Who::poster, "cancel", "wrong_state"},
    {"j0: accept an accepted job", "j0", Stage::accepted, Who::third, "accept", "wrong_state"},
    {"j0: complete before acceptance", "j0", Stage::posted, Who::worker, "complete", "wrong_state"},
    {"j0: cancel by a non-requester", "j0", Stage::posted, Who::third, "cancel",
     "role_not_allowed"},
    {"j0: insufficient credits", "j0", Stage::none, Who::poster, "post_over_budget",
     "insufficient_funds"},
    {"j0: idempotency key too long", "j0", Stage::none, Who::poster, "post_long_idempotency_key",
     "idempotency_key_invalid"},
    // AgentMarket (tests/agentmarket): own_task, task_not_assigned, not_assignee,
    // task_not_open, insufficient_funds.
    {"agentmarket: accept own task", "agentmarket", Stage::posted, Who::poster, "accept",
     "role_not_allowed"},
    {"agentmarket: complete an unassigned task", "agentmarket", Stage::posted, Who::worker,
     "complete", "wrong_state"},
    {"agentmarket: complete another agent's task", "agentmarket", Stage::accepted, Who::third,
     "complete", "role_not_allowed"},
    {"agentmarket: accept an assigned task", "agentmarket", Stage::accepted, Who::third, "accept",
     "wrong_state"},
    {"agentmarket: cancel an assigned task", "agentmarket", Stage::accepted, Who::poster, "cancel",
     "wrong_state"},
    {"agentmarket: cancel by another agent", "agentmarket", Stage::posted, Who::third, "cancel",
     "role_not_allowed"},
    {"agentmarket: insufficient credits", "agentmarket", Stage::none, Who::poster,
     "post_over_budget", "insufficient_funds"},
    // A job posted for a named worker (AgentMarket direct execution, /v1 worker_id) is that
    // worker's only, whatever the API.
    {"agentmarket: accept a task hired for another", "agentmarket", Stage::hired, Who::third,
     "accept", "not_assigned_worker"},
    {"agentmarket: complete a task hired for another", "agentmarket", Stage::hired, Who::third,
     "complete", "wrong_state"},
    {"j0: accept a job posted for another worker", "j0", Stage::hired, Who::third, "accept",
     "not_assigned_worker"},
    {"j0: the poster cannot hire itself", "j0", Stage::none, Who::poster, "post_hiring_self",
     "worker_is_poster"},
    // HumanOps (tests/humanops): the dialect answers 403, 403, 402, 400, 400, 400, 409.
    {"humanops: accept without KYC", "humanops", Stage::posted, Who::worker, "accept",
     "kyc_required"},
    {"humanops: cancel by another agent", "humanops", Stage::posted, Who::third, "cancel",
     "role_not_allowed"},
    {"humanops: insufficient balance for escrow", "humanops", Stage::none, Who::poster,
     "post_over_budget", "insufficient_funds"},
    {"humanops: reward above the category maximum", "humanops", Stage::none, Who::poster,
     "post_over_category_max", "reward_above_category_maximum"},
    {"humanops: Tier 2 without agent_public_key", "humanops", Stage::none, Who::poster,
     "post_credential_without_key", "agent_public_key_required"},
    {"humanops: physical task without location", "humanops", Stage::none, Who::poster,
     "post_without_location", "missing_param"},
    {"humanops: manual verify before any proof", "humanops", Stage::posted, Who::poster, "approve",
     "wrong_state"},
    // AACP (tests/aacp): the dialect answers 403 and 400 (wrong_state).
    {"aacp: fund by another agent", "aacp", Stage::posted, Who::third, "fund", "role_not_allowed"},
    {"aacp: pick a provider before funding", "aacp", Stage::posted, Who::poster, "set_provider",
     "wrong_state"},
    {"aacp: submit before funding", "aacp", Stage::posted, Who::worker, "submit", "wrong_state"},
    {"aacp: evaluate before any submission", "aacp", Stage::posted, Who::third, "complete",
     "wrong_state"},
    {"aacp: claim the refund of an unfunded job", "aacp", Stage::posted, Who::third, "claim_refund",
     "wrong_state"},
    {"aacp: dispute before the evaluation", "aacp", Stage::posted, Who::poster, "dispute",
     "wrong_state"},
    // 1337MKT (tests/mkt1337): the dialect answers 400, 400, 409, 409, 403, 409.
    {"1337mkt: lead of an unknown type", "1337mkt", Stage::none, Who::poster,
     "post_lead_unknown_type", "unknown_category"},
    {"1337mkt: lead with mistyped success criteria", "1337mkt", Stage::none, Who::poster,
     "post_lead_bad_criteria", "invalid_success_criteria"},
    {"1337mkt: Bronze leader posts over $500", "1337mkt", Stage::none, Who::poster,
     "post_lead_over_tier", "tier_too_low"},
    {"1337mkt: contract on an unfunded lead", "1337mkt", Stage::posted, Who::worker,
     "take_contract", "parent_wrong_state"},
    {"1337mkt: cancel another leader's lead", "1337mkt", Stage::posted, Who::third, "cancel",
     "role_not_allowed"},
    {"1337mkt: pause an unfunded lead", "1337mkt", Stage::posted, Who::poster, "pause",
     "wrong_state"},
};

// Amounts per market: HumanOps tasks are worth $10–$10,000 (in cents).
int64_t scale(const std::string& market) {
  if (market == "1337mkt") return 1'000'000;  // USDC
  return market == "humanops" ? 250 : 1;
}
int64_t funds(const std::string& market) {
  return 20 * scale(market);
}
int64_t job_amount(const std::string& market) {
  return 10 * scale(market);
}
int64_t over_budget(const std::string& market) {
  return 50 * scale(market);
}

// The HumanOps shape of a task for `action` (category, amount, payload).
struct HumanOpsTask {
  std::string category = "VERIFICATION";
  std::optional<int64_t> amount;
  std::string payload = R"({"location":{"lat":40.7,"lng":-74.0,"address":"Main St"}})";
};
HumanOpsTask humanops_task(const std::string& action) {
  HumanOpsTask task;
  if (action == "post_lead_over_tier") task.amount = 600'000'000;
  if (action == "post_over_category_max") {
    task.category = "CAPTCHA_SOLVING";
    task.amount = 1001;
    task.payload = "{}";
  } else if (action == "post_credential_without_key") {
    task.category = "API_KEY_PROCUREMENT";
    task.payload = "{}";
  } else if (action == "post_without_location") {
    task.payload = "{}";
  }
  return task;
}
int64_t tomorrow_ms() {
  return static_cast<int64_t>(::time(nullptr)) * 1000 + 86'400'000;
}

// The 1337MKT lead of `action`: category and payload.
std::pair<std::string, std::string> lead_shape(const std::string& action) {
  if (action == "post_lead_unknown_type") return {"CPX", R"({"success_criteria":{}})"};
  if (action == "post_lead_bad_criteria") {
    return {"CPV", R"({"success_criteria":{"min_duration_s":"30"}})"};
  }
  return {"CPA", R"({"success_criteria":{"action":"signup"}})"};
}

std::string job_fields(const std::string& market, const std::string& action) {
  if (market == "j0") return R"("category":"opus","prompt":"Summarize","work_timeout_ms":30000)";
  if (market == "1337mkt") {
    const auto [category, payload] = lead_shape(action);
    return R"("title":"Parity lead","category":")" + category + R"(","payload":)" + payload;
  }
  if (market == "humanops") {
    const HumanOpsTask task = humanops_task(action);
    return R"("title":"Parity task","category":")" + task.category + R"(","deadline_at_ms":)" +
           std::to_string(tomorrow_ms()) + R"(,"payload":)" + task.payload;
  }
  if (market == "aacp") {
    return R"("title":"Parity task","category":"PROGRAM","deadline_at_ms":)" +
           std::to_string(tomorrow_ms());
  }
  return R"("title":"Parity task")";
}

// One side of the comparison: parties, a job brought to its stage, the action's detail
// ("" when the action succeeded).
class Side {
 public:
  virtual ~Side() = default;
  virtual std::string setup(const std::string& market) = 0;  // "" or why it failed
  // `hired`: the worker the job is posted for, by name.
  virtual std::string post(Who who, int64_t amount, const std::string& idempotency_key,
                           std::optional<Who> hired = std::nullopt) = 0;
  virtual std::string fire(Who who, const std::string& transition) = 0;
  // 1337MKT: `who` takes a contract of `amount` on the job (a child job).
  virtual std::string take(Who who, int64_t amount) = 0;

  std::string run(const ParityCase& c) {
    const std::string failed = setup(c.market);
    if (!failed.empty()) return "setup: " + failed;
    const std::string action = c.action;
    const int64_t amount = job_amount(c.market);
    if (action == "post_over_budget") return post(c.actor, over_budget(c.market), "");
    if (action == "post_hiring_self") return post(c.actor, amount, "", c.actor);
    if (action == "post_long_idempotency_key") {
      return post(c.actor, amount, std::string(300, 'k'));
    }
    if (action.rfind("post_", 0) == 0) {
      action_ = action;
      return post(c.actor, humanops_task(action).amount.value_or(amount), "");
    }
    if (c.stage != Stage::none) {
      const std::optional<Who> hired =
          c.stage == Stage::hired ? std::optional<Who>(Who::worker) : std::nullopt;
      if (std::string detail = post(Who::poster, amount, "", hired); !detail.empty()) {
        return "post: " + detail;
      }
    }
    if (c.stage == Stage::accepted) {
      if (std::string detail = fire(Who::worker, "accept"); !detail.empty()) {
        return "accept: " + detail;
      }
    }
    if (action == "take_contract") return take(c.actor, amount);
    return fire(c.actor, c.action);
  }

 protected:
  std::string action_;  // the post_* action being performed, "" for an ordinary post
};

class HttpSide final : public Side {
 public:
  explicit HttpSide(uint16_t port) : client_(port) {}

  std::string setup(const std::string& market) override {
    market_ = market;
    for (Party* party : {&poster_, &worker_, &third_}) {
      HttpResult created = client_.request("POST", "/v1/markets/" + market + "/parties", "{}");
      if (created.status != 201) return created.body;
      party->id = json_field(created.body, "/party/id");
      party->key = json_field(created.body, "/api_key/secret");
    }
    HttpResult deposit = client_.request(
        "POST", "/v1/parties/" + poster_.id + "/deposits",
        R"({"amount_minor":)" + std::to_string(funds(market)) + "}", bearer(poster_));
    return deposit.status == 201 ? "" : deposit.body;
  }

  std::string post(Who who, int64_t amount, const std::string& idempotency_key,
                   std::optional<Who> hired) override {
    std::map<std::string, std::string> headers = bearer(party(who));
    if (!idempotency_key.empty()) headers["Idempotency-Key"] = idempotency_key;
    const std::string worker = hired ? R"(,"worker_id":)" + party(*hired).id : "";
    HttpResult created = client_.request("POST", "/v1/jobs",
                                         R"({"amount_minor":)" + std::to_string(amount) + "," +
                                             job_fields(market_, action_) + worker + "}",
                                         headers);
    if (created.status == 201) {
      job_ = json_field(created.body, "/id");
      return "";
    }
    return json_field(created.body, "/error/code");
  }

  std::string take(Who who, int64_t amount) override {
    HttpResult created = client_.request("POST", "/v1/jobs",
                                         R"({"amount_minor":)" + std::to_string(amount) +
                                             R"(,"category":"CPA","parent_job_id":)" + job_ + "}",
                                         bearer(party(who)));
    return created.status == 201 ? "" : json_field(created.body, "/error/code");
  }

  std::string fire(Who who, const std::string& transition) override {
    HttpResult fired = client_.request("POST", "/v1/jobs/" + job_ + "/actions/" + transition,
                                       R"({"result":"done"})", bearer(party(who)));
    return fired.status == 200 ? "" : json_field(fired.body, "/error/code");
  }

 private:
  struct Party {
    std::string id;
    std::string key;
  };
  static std::map<std::string, std::string> bearer(const Party& party) {
    return {{"Authorization", "Bearer " + party.key}};
  }
  const Party& party(Who who) const {
    return who == Who::poster ? poster_ : who == Who::worker ? worker_ : third_;
  }

  HttpClient client_;
  std::string market_;
  Party poster_, worker_, third_;
  std::string job_;
};

class EngineSide final : public Side {
 public:
  explicit EngineSide(Engine& engine) : engine_(engine) {}

  std::string setup(const std::string& market) override {
    Result<MarketConfig> config = builtin_market_config(market);
    if (!config.ok()) return config.status().to_string();
    Result<Market> found = engine_.ensure_market(*config);
    if (!found.ok()) return found.status().to_string();
    market_ = *found;
    for (PartyId* party : {&poster_, &worker_, &third_}) {
      Result<Party> registered = engine_.register_party({.market_id = market_.id, .kind = "agent"});
      if (!registered.ok()) return registered.status().to_string();
      *party = registered->id;
    }
    return engine_
        .deposit({.market_id = market_.id, .party_id = poster_, .amount_minor = funds(market)})
        .status()
        .detail();
  }

  std::string post(Who who, int64_t amount, const std::string& idempotency_key,
                   std::optional<Who> hired) override {
    CreateJob request{.market_id = market_.id, .poster_id = party(who), .amount_minor = amount};
    if (hired) request.worker_id = party(*hired);
    if (market_.config.name == "j0") {
      request.prompt = "Summarize";
      request.category = "opus";
      request.work_timeout_ms = 30'000;
    } else if (market_.config.name == "humanops") {
      const HumanOpsTask task = humanops_task(action_);
      request.title = "Parity task";
      request.category = task.category;
      request.deadline_at_ms = tomorrow_ms();
      request.payload_json = task.payload;
    } else if (market_.config.name == "aacp") {
      request.title = "Parity task";
      request.category = "PROGRAM";
      request.deadline_at_ms = tomorrow_ms();
    } else if (market_.config.name == "1337mkt") {
      const auto [category, payload] = lead_shape(action_);
      request.title = "Parity lead";
      request.category = category;
      request.payload_json = payload;
    } else {
      request.title = "Parity task";
    }
    if (!idempotency_key.empty()) {
      request.idempotency =
          IdempotencyKey{.scope = "party:" + std::to_string(party(who)), .key = idempotency_key};
    }
    Result<JobOutcome> created = engine_.create_job(request);
    if (created.ok()) job_ = created->job.id;
    return created.status().detail();
  }

  std::string take(Who who, int64_t amount) override {
    return engine_
        .create_job({.market_id = market_.id,
                     .poster_id = party(who),
                     .amount_minor = amount,
                     .parent_job_id = job_,
                     .category = "CPA"})
        .status()
        .detail();
  }

  std::string fire(Who who, const std::string& transition) override {
    FireTransition request{.job_id = job_, .transition = transition, .actor_id = party(who)};
    request.result_text = "done";
    return engine_.fire(request).status().detail();
  }

 private:
  PartyId party(Who who) const {
    return who == Who::poster ? poster_ : who == Who::worker ? worker_ : third_;
  }

  Engine& engine_;
  Market market_;
  PartyId poster_ = 0, worker_ = 0, third_ = 0;
  JobId job_ = 0;
};

}  // namespace

TEST_CASE("refusal parity: /v1 over loopback and Engine in-process refuse with one detail") {
  ServerProcess server;
  REQUIRE_MESSAGE(server.start(), server.log());
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("mc-refusal-parity-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  {
    Result<std::unique_ptr<Engine>> engine =
        Engine::open({.database_path = (directory / "parity.db").string()});
    REQUIRE_MESSAGE(engine.ok(), engine.status().to_string());
    for (const ParityCase& c : kCases) {
      CAPTURE(c.name);
      HttpSide http(server.port());
      EngineSide in_process(**engine);
      const std::string over_http = http.run(c);
      const std::string in_engine = in_process.run(c);
      CHECK(over_http == c.detail);
      CHECK(in_engine == c.detail);
    }
  }
  std::filesystem::remove_all(directory);
  CHECK(server.terminate() == 0);
}

}  // namespace mc::test
