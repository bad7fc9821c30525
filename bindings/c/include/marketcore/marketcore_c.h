/* marketcore/marketcore_c.h — the stable C ABI of marketcore (libmarketcore.so).
 *
 * For hosts written in C, and for other languages through their C foreign-function interface
 * (the Python module in bindings/python is built on it). It covers what a host needs: open and
 * close an engine with a system or manual clock, ensure a built-in market or define a custom
 * lifecycle and market, register parties, deposit and withdraw, create jobs, fire transitions,
 * advance the manual clock, read jobs, balances and events, and verify the ledger.
 *
 * Conventions (every function):
 *   - Handles are opaque. mc_engine_open creates an engine, mc_engine_close destroys it.
 *   - A call that can fail returns an mc_code: MC_OK (0), or one of the MC_ERROR_* codes below,
 *     whose numbers equal mc::Code's and are never reused. When it fails and `status_out` is not
 *     NULL, *status_out receives a new mc_status (code, stable detail such as
 *     "insufficient_funds", human message, param) that the caller frees with mc_status_free.
 *     On success *status_out is set to NULL. No C++ exception ever crosses this boundary: an
 *     unexpected one becomes MC_ERROR_INTERNAL/"unexpected_exception".
 *   - Strings in are UTF-8 with an explicit length in bytes (no NUL needed). Strings out are
 *     UTF-8, NUL-terminated, with their length in bytes stored through `*_bytes_out` when that
 *     pointer is not NULL; the caller owns them and frees them with mc_free.
 *   - Structured values travel as JSON text: requests in (unknown keys are refused with
 *     MC_ERROR_INVALID_ARGUMENT/"unknown_param", so a typo never goes unnoticed), results out.
 *     Money is always an integer number of minor units (`*_minor`), time integer milliseconds
 *     since the Unix epoch (`*_ms`). Each function names its JSON fields; they mirror the C++
 *     structs of marketcore/engine.h field by field (see the README's "Embedding" section).
 *   - Out-parameters are written only on success.
 *
 * Thread-safety: an mc_engine may be used from any number of threads at once (mc::Engine is
 * thread-safe); mc_engine_close must not run concurrently with other calls on the same engine.
 * mc_status values are immutable.
 *
 * ABI: functions are only ever added; MC_C_ABI_VERSION grows when one is. The shared library's
 * SONAME changes only if this header changes incompatibly.
 *
 * Example:
 *   mc_engine* engine = NULL;
 *   mc_status* status = NULL;
 *   const char* options = "{\"database_path\":\"market.db\",\"clock\":\"manual\","
 *                         "\"clock_start_ms\":1700000000000}";
 *   if (mc_engine_open(options, strlen(options), &engine, &status) != MC_OK) {
 *     fprintf(stderr, "%s\n", mc_status_message(status, NULL));
 *     mc_status_free(status);
 *     return 1;
 *   }
 *   char* market = NULL;
 *   mc_engine_ensure_builtin_market(engine, "j0", 2, &market, NULL, NULL);
 *   ...
 *   mc_free(market);
 *   mc_engine_close(engine);
 */
#ifndef MARKETCORE_MARKETCORE_C_H_
#define MARKETCORE_MARKETCORE_C_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Grows by one whenever a function is added. */
#define MC_C_ABI_VERSION 1

/* Result codes: what the caller should do next (see marketcore/status.h for each). */
typedef int32_t mc_code;
#define MC_OK 0
#define MC_ERROR_INVALID_ARGUMENT 1    /* fix the request; retrying unchanged never succeeds */
#define MC_ERROR_NOT_FOUND 2           /* the job, party, market or key does not exist */
#define MC_ERROR_ALREADY_EXISTS 3      /* what the request would create exists already */
#define MC_ERROR_PERMISSION_DENIED 4   /* the actor's role does not allow this */
#define MC_ERROR_UNAUTHENTICATED 5     /* the caller could not be identified */
#define MC_ERROR_FAILED_PRECONDITION 6 /* wrong state, insufficient funds, deadline passed */
#define MC_ERROR_ABORTED 7             /* a concurrent call won a race; re-read and retry */
#define MC_ERROR_OUT_OF_RANGE 8        /* an arithmetic result left its range */
#define MC_ERROR_RESOURCE_EXHAUSTED 9  /* a queue or quota is full; retry later */
#define MC_ERROR_UNAVAILABLE 10        /* transient store failure; the call may be retried */
#define MC_ERROR_INTERNAL 11           /* a broken invariant or an unexpected failure */
#define MC_ERROR_DEADLINE_EXCEEDED 12  /* a time limit passed; a retry may succeed */
#define MC_ERROR_DATA_LOSS 13          /* stored data is unreadable or inconsistent */

typedef struct mc_engine mc_engine; /* an open engine over one database file */
typedef struct mc_status mc_status; /* a failure: code, detail, message, param */

/* ---- library ------------------------------------------------------------------------------ */

/* The library's version, "major.minor.patch". Static storage; never free it. */
const char* mc_version(void);
/* MC_C_ABI_VERSION of the library actually loaded (may be newer than the header's). */
int32_t mc_abi_version(void);
/* Lower-case name of a code ("failed_precondition"), or "unknown". Static storage. */
const char* mc_code_name(mc_code code);
/* 1 when retrying the identical call later may succeed, else 0. */
int32_t mc_code_is_transient(mc_code code);

/* Frees a string returned by the library. NULL is allowed. */
void mc_free(void* pointer);

/* ---- status ------------------------------------------------------------------------------- */

mc_code mc_status_code(const mc_status* status);
/* The stable snake_case detail ("insufficient_funds"), the human message and the request field
 * at fault ("" when none). Owned by `status`: valid until mc_status_free. `bytes_out` may be
 * NULL. */
const char* mc_status_detail(const mc_status* status, size_t* bytes_out);
const char* mc_status_message(const mc_status* status, size_t* bytes_out);
const char* mc_status_param(const mc_status* status, size_t* bytes_out);
/* NULL is allowed. */
void mc_status_free(mc_status* status);

/* ---- engine ------------------------------------------------------------------------------- */

/* Opens (creating if needed) the SQLite database and its engine. Options JSON:
 *   database_path (string, required), clock ("system" default, or "manual"), clock_start_ms
 *   (manual clock's start, default 0), durability ("full" default, or "normal"),
 *   reader_connections (default 4), verify_ledger_at_open (default false).
 * Errors: MC_ERROR_INVALID_ARGUMENT for bad options; MC_ERROR_UNAVAILABLE/"store_open_failed".
 * Ownership: *engine_out is the caller's; close it with mc_engine_close. */
mc_code mc_engine_open(const char* options_json, size_t options_json_bytes, mc_engine** engine_out,
                       mc_status** status_out);
/* Closes the engine and its database. NULL is allowed. */
void mc_engine_close(mc_engine* engine);

/* The engine clock's current time. */
int64_t mc_engine_now_ms(const mc_engine* engine);
/* Requires a manual clock (else MC_ERROR_FAILED_PRECONDITION/"not_manual_clock"). Moves time
 * forward by `delta_ms` in steps, firing every timer and timed hold at its due time; stores the
 * number of due items processed in *processed_out (may be NULL). */
mc_code mc_engine_advance_ms(mc_engine* engine, int64_t delta_ms, int64_t* processed_out,
                             mc_status** status_out);
/* Fires every timer and timed hold due now; stores how many were attempted (may be NULL).
 * A host on the system clock calls this periodically. */
mc_code mc_engine_run_due(mc_engine* engine, int64_t* attempted_out, mc_status** status_out);

/* ---- lifecycles and markets --------------------------------------------------------------- */

/* Registers a host-defined lifecycle, given as JSON:
 *   {"name": "bounty", "states": ["open", {"name": "paid", "terminal": true}, ...],
 *    "creation": <transition>, "transitions": [<transition>...], "timers": [<timer>...],
 *    "visibility": [{"field": "prompt", "full_view": ["poster", "worker"],
 *                    "preview_chars": 100}]}
 *   <transition>: {"name", "from": [states], "to", "roles": ["poster" | "worker" |
 *     "evaluator" | "candidate" | "judge" | "system" | "platform" | "anyone"],
 *     "guards": [{"kind": "before_deadline" | ..., "value", "name", "role"}],
 *     "effects": [{"kind": "fund_escrow" | "pay_worker" | "refund_poster" | ..., "role",
 *                  "beneficiary", "bps", "fixed_minor", "to_payer"}],
 *     "records": ["worker" | "result" | "proof" | ...], "events": ["job.accepted"], "group"}
 *   <timer>: {"state", "transition", "base": "entered_state" | "work_timeout" | "deadline" |
 *             "submitted", "after_ms"}
 * The names are those of marketcore/lifecycle.h's enumerators. Errors: MC_ERROR_INVALID_ARGUMENT
 * (bad JSON, unknown name as "invalid_value", or a rule of mc::validate_lifecycle such as
 * "state_without_timed_exit"); MC_ERROR_ALREADY_EXISTS/"lifecycle_exists". */
mc_code mc_engine_register_lifecycle(mc_engine* engine, const char* definition_json,
                                     size_t definition_json_bytes, mc_status** status_out);
/* A registered lifecycle (built-in or the host's) as JSON in the form above.
 * MC_ERROR_NOT_FOUND/"lifecycle_not_found". */
mc_code mc_engine_lifecycle(mc_engine* engine, const char* name, size_t name_bytes,
                            char** definition_json_out, size_t* definition_json_bytes_out,
                            mc_status** status_out);

/* Returns the market of a built-in dialect ("j0", "agentmarket", "humanops", "aacp",
 * "1337mkt"), creating it if missing, as JSON {"id", "name", "asset": {"code", "scale"},
 * "lifecycle", "fees": {...}, "settlement_hold_ms", "test_mode", "created_at_ms", ...}.
 * MC_ERROR_NOT_FOUND/"unknown_builtin_market". */
mc_code mc_engine_ensure_builtin_market(mc_engine* engine, const char* name, size_t name_bytes,
                                        char** market_json_out, size_t* market_json_bytes_out,
                                        mc_status** status_out);
/* Returns the market named in the config, creating it if missing. Config JSON: name and
 * lifecycle (required), asset {"code", "scale"}, fees {"mode": "fee_deducted" | "fee_on_top",
 * "platform_fee_bps", "platform_fee_min_minor", "evaluator_fee_bps", "rounding": "down" | "up"
 * | "half_up"}, limits {"amount_min_minor", "amount_max_minor", "categories", "title_chars_max",
 * "description_chars_max", "prompt_chars_max", "payload_bytes_max", "work_timeout_min_ms",
 * "work_timeout_max_ms", "contracts_max"}, settlement_hold_ms, test_mode, movement_max_minor,
 * balance_max_minor, unique_email, unique_wallet, unique_external_id, config (any JSON).
 * Errors: MC_ERROR_INVALID_ARGUMENT (e.g. "unknown_lifecycle"). */
mc_code mc_engine_ensure_market(mc_engine* engine, const char* config_json,
                                size_t config_json_bytes, char** market_json_out,
                                size_t* market_json_bytes_out, mc_status** status_out);
/* A market by id. MC_ERROR_NOT_FOUND/"market_not_found". */
mc_code mc_engine_market(mc_engine* engine, int64_t market_id, char** market_json_out,
                         size_t* market_json_bytes_out, mc_status** status_out);

/* ---- parties ------------------------------------------------------------------------------ */

/* Registers a party. JSON: market_id (required), kind, display_name, email, wallet_address,
 * external_id, capabilities [strings], kyc_status, endpoint_url, webhook_url, reputation, tier,
 * profile (any JSON object). Returns the party as JSON (the same fields plus id,
 * created_at_ms, updated_at_ms). Errors: MC_ERROR_NOT_FOUND/"market_not_found",
 * MC_ERROR_ALREADY_EXISTS/"party_identity_taken". */
mc_code mc_engine_register_party(mc_engine* engine, const char* party_json, size_t party_json_bytes,
                                 char** party_json_out, size_t* party_json_bytes_out,
                                 mc_status** status_out);
/* A party by id. MC_ERROR_NOT_FOUND/"party_not_found". */
mc_code mc_engine_party(mc_engine* engine, int64_t party_id, char** party_json_out,
                        size_t* party_json_bytes_out, mc_status** status_out);

/* ---- money -------------------------------------------------------------------------------- */

/* Credits a party from the market's world account. JSON: market_id, party_id, amount_minor
 * (required), into ("available" default, "promo", "stake"), reason (default "deposit"),
 * external_ref (credits at most once, ever), idempotency {"scope", "key"}. Returns
 * {"transfer_id", "balance_after_minor", "replayed"}. Errors as mc::Engine::deposit
 * ("amount_too_large", "balance_limit", "external_ref_conflict", ...). */
mc_code mc_engine_deposit(mc_engine* engine, const char* deposit_json, size_t deposit_json_bytes,
                          char** movement_json_out, size_t* movement_json_bytes_out,
                          mc_status** status_out);
/* Debits a party to the world account. JSON as for deposits with "from" instead of "into"
 * (reason default "withdrawal"). MC_ERROR_FAILED_PRECONDITION/"insufficient_funds". */
mc_code mc_engine_withdraw(mc_engine* engine, const char* withdrawal_json,
                           size_t withdrawal_json_bytes, char** movement_json_out,
                           size_t* movement_json_bytes_out, mc_status** status_out);
/* A party's balances: {"available_minor", "promo_minor", "pending_minor", "stake_minor",
 * "stake_locked_minor", "escrow_minor"}. */
mc_code mc_engine_balances(mc_engine* engine, int64_t market_id, int64_t party_id,
                           char** balances_json_out, size_t* balances_json_bytes_out,
                           mc_status** status_out);
/* Transfers touching the party's accounts, newest first, at most `limit` (1..1000), as a JSON
 * array of {"id", "amount_minor", "reason", "job_id", "hold_id", "external_ref",
 * "debit_account_id", "credit_account_id", "created_at_ms"}. */
mc_code mc_engine_transfers(mc_engine* engine, int64_t market_id, int64_t party_id, int32_t limit,
                            char** transfers_json_out, size_t* transfers_json_bytes_out,
                            mc_status** status_out);
/* Recomputes every balance from the transfers (Σ = 0 per market). Returns {"ok",
 * "markets_checked", "accounts_checked", "transfers_checked", "problems": [strings]}; a ledger
 * that does not verify is a successful call with "ok": false. */
mc_code mc_engine_verify_ledger(mc_engine* engine, char** report_json_out,
                                size_t* report_json_bytes_out, mc_status** status_out);

/* ---- jobs --------------------------------------------------------------------------------- */

/* Creates a job (firing its lifecycle's creation transition, usually escrowing the amount).
 * JSON: market_id, poster_id, amount_minor (required), evaluator_id, worker_id, parent_job_id,
 * title, description, prompt, category, capabilities, deadline_at_ms, work_timeout_ms,
 * contracts_max, payload (any JSON object), idempotency {"scope", "key"}, then_fire.
 * Returns {"job": <job>, "fired", "replayed"} where <job> is {"id", "market_id", "lifecycle",
 * "state", "poster_id", "worker_id", "evaluator_id", "amount_minor", "fees": {...},
 * "title", ..., "payload", "result_text", "proof", "verdict", times "*_at_ms", "version"}
 * (absent optional values are null). Errors as mc::Engine::create_job. */
mc_code mc_engine_create_job(mc_engine* engine, const char* request_json, size_t request_json_bytes,
                             char** outcome_json_out, size_t* outcome_json_bytes_out,
                             mc_status** status_out);
/* Fires a transition. JSON: job_id, transition (required), actor_id, as_platform,
 * result_text, proof (any JSON), verdict (any JSON), confidence, worker_id, idempotency.
 * Returns {"job", "fired", "replayed"}. Errors as mc::Engine::fire: "wrong_state",
 * "role_not_allowed", MC_ERROR_ABORTED/"job_state_changed" when a concurrent call won, ... */
mc_code mc_engine_fire(mc_engine* engine, const char* request_json, size_t request_json_bytes,
                       char** outcome_json_out, size_t* outcome_json_bytes_out,
                       mc_status** status_out);
/* A job by id, in full (as the platform sees it). MC_ERROR_NOT_FOUND/"job_not_found". */
mc_code mc_engine_job(mc_engine* engine, int64_t job_id, char** job_json_out,
                      size_t* job_json_bytes_out, mc_status** status_out);
/* Jobs newest first as a JSON array. Query JSON (all optional): market_id, state, poster_id,
 * worker_id, any_party_id, parent_job_id, category, capability, before_id, limit (default 50),
 * offset. */
mc_code mc_engine_jobs(mc_engine* engine, const char* query_json, size_t query_json_bytes,
                       char** jobs_json_out, size_t* jobs_json_bytes_out, mc_status** status_out);
/* A job's history as a JSON array of {"id", "transition", "from_state", "to_state",
 * "actor_id", "actor_role", "at_ms"}, oldest first. */
mc_code mc_engine_job_history(mc_engine* engine, int64_t job_id, char** history_json_out,
                              size_t* history_json_bytes_out, mc_status** status_out);

/* ---- events ------------------------------------------------------------------------------- */

/* Events after a cursor, oldest first, as a JSON array of {"sequence", "market_id", "type",
 * "job_id", "party_ids", "broadcast", "payload", "created_at_ms"}. Query JSON (all optional):
 * after_sequence, market_id, party_id, limit (default 100, at most 1000). */
mc_code mc_engine_events(mc_engine* engine, const char* query_json, size_t query_json_bytes,
                         char** events_json_out, size_t* events_json_bytes_out,
                         mc_status** status_out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MARKETCORE_MARKETCORE_C_H_ */
