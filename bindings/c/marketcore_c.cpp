// The C ABI (marketcore/marketcore_c.h) over mc::Engine.
//
// Every entry point runs its body through `guarded`, which turns a failed Status into an
// mc_status for the caller and any C++ exception (std::bad_alloc included) into
// MC_ERROR_INTERNAL/"unexpected_exception", so nothing ever unwinds into C. Strings handed out
// are malloc'ed copies the caller frees with mc_free.
#include "marketcore/marketcore_c.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "c_json_in.h"
#include "c_json_out.h"
#include "c_lifecycle_json.h"
#include "marketcore/engine.h"

struct mc_engine {
  std::unique_ptr<mc::Engine> engine;
};

struct mc_status {
  mc::Status status;
};

namespace {

std::string_view view(const char* text, size_t bytes) {
  return text == nullptr ? std::string_view() : std::string_view(text, bytes);
}

mc_code report(const mc::Status& status, mc_status** status_out) {
  if (status_out != nullptr) {
    *status_out = nullptr;
    if (!status.ok()) *status_out = new (std::nothrow) mc_status{status};
  }
  return static_cast<mc_code>(status.code());
}

// Runs `body` (returning mc::Status) with every exception caught at this boundary.
template <typename Body>
mc_code guarded(mc_status** status_out, Body&& body) noexcept {
  try {
    return report(body(), status_out);
  } catch (const std::exception& error) {
    return report(mc::internal_error("unexpected_exception", error.what()), status_out);
  } catch (...) {
    return report(mc::internal_error("unexpected_exception", "unknown exception"), status_out);
  }
}

mc::Status missing(const char* what) {
  return mc::invalid_argument("missing_param", std::string(what) + " must not be NULL", what);
}

// Hands `text` to the caller as a malloc'ed NUL-terminated copy.
mc::Status hand_out(const std::string& text, char** out, size_t* bytes_out) {
  if (out == nullptr) return mc::ok_status();
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  *out = copy;
  if (bytes_out != nullptr) *bytes_out = text.size();
  return mc::ok_status();
}

// The common shape: parse a JSON request, call the engine, render its result.
template <typename Parse, typename Call, typename Render>
mc_code json_call(mc_engine* engine, const char* json, size_t json_bytes, char** out,
                  size_t* bytes_out, mc_status** status_out, Parse parse, Call call,
                  Render render) noexcept {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    if (json == nullptr) return missing("request_json");
    MC_TRY_ASSIGN(auto request, parse(std::string_view(json, json_bytes)));
    MC_TRY_ASSIGN(auto result, call(*engine->engine, request));
    return hand_out(render(result), out, bytes_out);
  });
}

}  // namespace

extern "C" {

const char* mc_version(void) {
  return MC_VERSION_STRING;
}

int32_t mc_abi_version(void) {
  return MC_C_ABI_VERSION;
}

const char* mc_code_name(mc_code code) {
  if (code < 0 || code > MC_ERROR_DATA_LOSS) return "unknown";
  return mc::code_name(static_cast<mc::Code>(code)).data();  // names are string literals
}

int32_t mc_code_is_transient(mc_code code) {
  if (code < 0 || code > MC_ERROR_DATA_LOSS) return 0;
  return mc::code_is_transient(static_cast<mc::Code>(code)) ? 1 : 0;
}

void mc_free(void* pointer) {
  std::free(pointer);
}

mc_code mc_status_code(const mc_status* status) {
  return status == nullptr ? MC_OK : static_cast<mc_code>(status->status.code());
}

static const char* status_text(const std::string* text, size_t* bytes_out) {
  static const std::string empty;
  if (text == nullptr) text = &empty;
  if (bytes_out != nullptr) *bytes_out = text->size();
  return text->c_str();
}

const char* mc_status_detail(const mc_status* status, size_t* bytes_out) {
  return status_text(status == nullptr ? nullptr : &status->status.detail(), bytes_out);
}

const char* mc_status_message(const mc_status* status, size_t* bytes_out) {
  return status_text(status == nullptr ? nullptr : &status->status.message(), bytes_out);
}

const char* mc_status_param(const mc_status* status, size_t* bytes_out) {
  return status_text(status == nullptr ? nullptr : &status->status.param(), bytes_out);
}

void mc_status_free(mc_status* status) {
  delete status;
}

mc_code mc_engine_open(const char* options_json, size_t options_json_bytes, mc_engine** engine_out,
                       mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (options_json == nullptr) return missing("options_json");
    if (engine_out == nullptr) return missing("engine_out");
    MC_TRY_ASSIGN(mc::EngineOptions options,
                  mc::c_api::parse_engine_options(view(options_json, options_json_bytes)));
    MC_TRY_ASSIGN(std::unique_ptr<mc::Engine> engine, mc::Engine::open(std::move(options)));
    *engine_out = new mc_engine{std::move(engine)};
    return mc::ok_status();
  });
}

void mc_engine_close(mc_engine* engine) {
  delete engine;
}

int64_t mc_engine_now_ms(const mc_engine* engine) {
  return engine == nullptr ? 0 : engine->engine->clock().now_ms();
}

mc_code mc_engine_advance_ms(mc_engine* engine, int64_t delta_ms, int64_t* processed_out,
                             mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(int64_t processed, engine->engine->advance_ms(delta_ms));
    if (processed_out != nullptr) *processed_out = processed;
    return mc::ok_status();
  });
}

mc_code mc_engine_run_due(mc_engine* engine, int64_t* attempted_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(int64_t attempted, engine->engine->run_due());
    if (attempted_out != nullptr) *attempted_out = attempted;
    return mc::ok_status();
  });
}

mc_code mc_engine_register_lifecycle(mc_engine* engine, const char* definition_json,
                                     size_t definition_json_bytes, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    if (definition_json == nullptr) return missing("definition_json");
    MC_TRY_ASSIGN(mc::LifecycleDefinition definition,
                  mc::c_api::parse_lifecycle(view(definition_json, definition_json_bytes)));
    return engine->engine->register_lifecycle(std::move(definition));
  });
}

mc_code mc_engine_lifecycle(mc_engine* engine, const char* name, size_t name_bytes,
                            char** definition_json_out, size_t* definition_json_bytes_out,
                            mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::LifecycleDefinition definition,
                  engine->engine->lifecycle(view(name, name_bytes)));
    return hand_out(mc::c_api::lifecycle_json(definition), definition_json_out,
                    definition_json_bytes_out);
  });
}

mc_code mc_engine_ensure_builtin_market(mc_engine* engine, const char* name, size_t name_bytes,
                                        char** market_json_out, size_t* market_json_bytes_out,
                                        mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::MarketConfig config, mc::builtin_market_config(view(name, name_bytes)));
    MC_TRY_ASSIGN(mc::Market market, engine->engine->ensure_market(config));
    return hand_out(mc::c_api::market_json(market), market_json_out, market_json_bytes_out);
  });
}

mc_code mc_engine_ensure_market(mc_engine* engine, const char* config_json,
                                size_t config_json_bytes, char** market_json_out,
                                size_t* market_json_bytes_out, mc_status** status_out) {
  return json_call(
      engine, config_json, config_json_bytes, market_json_out, market_json_bytes_out, status_out,
      mc::c_api::parse_market_config,
      [](mc::Engine& e, const mc::MarketConfig& config) { return e.ensure_market(config); },
      mc::c_api::market_json);
}

mc_code mc_engine_market(mc_engine* engine, int64_t market_id, char** market_json_out,
                         size_t* market_json_bytes_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::Market market, engine->engine->market(market_id));
    return hand_out(mc::c_api::market_json(market), market_json_out, market_json_bytes_out);
  });
}

mc_code mc_engine_register_party(mc_engine* engine, const char* party_json, size_t party_json_bytes,
                                 char** party_json_out, size_t* party_json_bytes_out,
                                 mc_status** status_out) {
  return json_call(
      engine, party_json, party_json_bytes, party_json_out, party_json_bytes_out, status_out,
      mc::c_api::parse_party,
      [](mc::Engine& e, const mc::Party& party) { return e.register_party(party); },
      mc::c_api::party_json);
}

mc_code mc_engine_party(mc_engine* engine, int64_t party_id, char** party_json_out,
                        size_t* party_json_bytes_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::Party party, engine->engine->party(party_id));
    return hand_out(mc::c_api::party_json(party), party_json_out, party_json_bytes_out);
  });
}

mc_code mc_engine_deposit(mc_engine* engine, const char* deposit_json, size_t deposit_json_bytes,
                          char** movement_json_out, size_t* movement_json_bytes_out,
                          mc_status** status_out) {
  return json_call(
      engine, deposit_json, deposit_json_bytes, movement_json_out, movement_json_bytes_out,
      status_out, mc::c_api::parse_deposit,
      [](mc::Engine& e, const mc::Deposit& deposit) { return e.deposit(deposit); },
      mc::c_api::movement_json);
}

mc_code mc_engine_withdraw(mc_engine* engine, const char* withdrawal_json,
                           size_t withdrawal_json_bytes, char** movement_json_out,
                           size_t* movement_json_bytes_out, mc_status** status_out) {
  return json_call(
      engine, withdrawal_json, withdrawal_json_bytes, movement_json_out, movement_json_bytes_out,
      status_out, mc::c_api::parse_withdrawal,
      [](mc::Engine& e, const mc::Withdrawal& withdrawal) { return e.withdraw(withdrawal); },
      mc::c_api::movement_json);
}

mc_code mc_engine_balances(mc_engine* engine, int64_t market_id, int64_t party_id,
                           char** balances_json_out, size_t* balances_json_bytes_out,
                           mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::Balances balances, engine->engine->balances(market_id, party_id));
    return hand_out(mc::c_api::balances_json(balances), balances_json_out, balances_json_bytes_out);
  });
}

mc_code mc_engine_transfers(mc_engine* engine, int64_t market_id, int64_t party_id, int32_t limit,
                            char** transfers_json_out, size_t* transfers_json_bytes_out,
                            mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(std::vector<mc::Transfer> transfers,
                  engine->engine->transfers(market_id, party_id, std::nullopt, limit));
    return hand_out(mc::c_api::transfers_json(transfers), transfers_json_out,
                    transfers_json_bytes_out);
  });
}

mc_code mc_engine_verify_ledger(mc_engine* engine, char** report_json_out,
                                size_t* report_json_bytes_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::LedgerReport report, engine->engine->verify_ledger());
    return hand_out(mc::c_api::ledger_report_json(report), report_json_out, report_json_bytes_out);
  });
}

mc_code mc_engine_create_job(mc_engine* engine, const char* request_json, size_t request_json_bytes,
                             char** outcome_json_out, size_t* outcome_json_bytes_out,
                             mc_status** status_out) {
  return json_call(
      engine, request_json, request_json_bytes, outcome_json_out, outcome_json_bytes_out,
      status_out, mc::c_api::parse_create_job,
      [](mc::Engine& e, const mc::CreateJob& request) { return e.create_job(request); },
      mc::c_api::outcome_json);
}

mc_code mc_engine_fire(mc_engine* engine, const char* request_json, size_t request_json_bytes,
                       char** outcome_json_out, size_t* outcome_json_bytes_out,
                       mc_status** status_out) {
  return json_call(
      engine, request_json, request_json_bytes, outcome_json_out, outcome_json_bytes_out,
      status_out, mc::c_api::parse_fire,
      [](mc::Engine& e, const mc::FireTransition& request) { return e.fire(request); },
      mc::c_api::outcome_json);
}

mc_code mc_engine_job(mc_engine* engine, int64_t job_id, char** job_json_out,
                      size_t* job_json_bytes_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(mc::Job job, engine->engine->job(job_id));
    return hand_out(mc::c_api::job_json(job), job_json_out, job_json_bytes_out);
  });
}

mc_code mc_engine_jobs(mc_engine* engine, const char* query_json, size_t query_json_bytes,
                       char** jobs_json_out, size_t* jobs_json_bytes_out, mc_status** status_out) {
  return json_call(
      engine, query_json == nullptr ? "" : query_json, query_json == nullptr ? 0 : query_json_bytes,
      jobs_json_out, jobs_json_bytes_out, status_out, mc::c_api::parse_job_query,
      [](mc::Engine& e, const mc::JobQuery& query) { return e.jobs(query); }, mc::c_api::jobs_json);
}

mc_code mc_engine_job_history(mc_engine* engine, int64_t job_id, char** history_json_out,
                              size_t* history_json_bytes_out, mc_status** status_out) {
  return guarded(status_out, [&]() -> mc::Status {
    if (engine == nullptr) return missing("engine");
    MC_TRY_ASSIGN(std::vector<mc::JobTransitionRecord> history,
                  engine->engine->job_history(job_id));
    return hand_out(mc::c_api::history_json(history), history_json_out, history_json_bytes_out);
  });
}

mc_code mc_engine_events(mc_engine* engine, const char* query_json, size_t query_json_bytes,
                         char** events_json_out, size_t* events_json_bytes_out,
                         mc_status** status_out) {
  return json_call(
      engine, query_json == nullptr ? "" : query_json, query_json == nullptr ? 0 : query_json_bytes,
      events_json_out, events_json_bytes_out, status_out, mc::c_api::parse_event_query,
      [](mc::Engine& e, const mc::EventQuery& query) { return e.events(query); },
      mc::c_api::events_json);
}

}  // extern "C"
