/* c_api_test — the C ABI (marketcore/marketcore_c.h) driven from C11, as a C host would.
 *
 * Runs under the sanitizers in the clang build (AddressSanitizer's leak check proves every
 * string and status the library hands out is freed by its mc_free / mc_status_free). Covers the
 * error contract (codes, details, params, NULL handling), a whole j0 job (accept, refusals,
 * complete, payout), a timeout days later on the manual clock, events and history, a custom
 * lifecycle registered as JSON, and every built-in lifecycle read out as JSON and registered
 * back under another name (the JSON form round-trips). Exits non-zero on the first failure. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "marketcore/marketcore_c.h"

static int failures = 0;

#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                                   \
    }                                                                               \
  } while (0)

/* Fails the test with the status's text when `code` is not MC_OK; frees the status. Takes the
 * status's address, read after the call that fills it has returned. */
static int ok(mc_code code, mc_status** slot, const char* what) {
  mc_status* status = *slot;
  *slot = NULL;
  if (code == MC_OK) {
    if (status != NULL) {
      fprintf(stderr, "%s: status set on success\n", what);
      ++failures;
    }
    return 1;
  }
  fprintf(stderr, "%s failed: %s/%s: %s\n", what, mc_code_name(code),
          mc_status_detail(status, NULL), mc_status_message(status, NULL));
  mc_status_free(status);
  ++failures;
  return 0;
}

/* Checks that a call failed with `code` and `detail`; frees the status. */
static void expect_error(mc_code code, mc_status** slot, mc_code expected_code,
                         const char* expected_detail, const char* what) {
  mc_status* status = *slot;
  *slot = NULL;
  if (code != expected_code || status == NULL || mc_status_code(status) != expected_code ||
      strcmp(mc_status_detail(status, NULL), expected_detail) != 0) {
    fprintf(stderr, "%s: expected %s/%s, got %s/%s\n", what, mc_code_name(expected_code),
            expected_detail, mc_code_name(code), status ? mc_status_detail(status, NULL) : "-");
    ++failures;
  }
  mc_status_free(status);
}

/* The integer after the first "key": in `json` (enough for the flat values checked here). */
static int64_t json_int(const char* json, const char* key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char* at = strstr(json, pattern);
  if (at == NULL) {
    fprintf(stderr, "no %s in %s\n", key, json);
    ++failures;
    return -1;
  }
  return strtoll(at + strlen(pattern), NULL, 10);
}

static int contains(const char* json, const char* text) {
  return json != NULL && strstr(json, text) != NULL;
}

/* Calls a JSON-in, JSON-out function and returns its result (caller frees), or NULL. */
typedef mc_code (*json_function)(mc_engine*, const char*, size_t, char**, size_t*, mc_status**);
static char* call(json_function function, mc_engine* engine, const char* request,
                  const char* what) {
  char* out = NULL;
  size_t out_bytes = 0;
  mc_status* status = NULL;
  if (!ok(function(engine, request, strlen(request), &out, &out_bytes, &status), &status, what)) {
    return NULL;
  }
  CHECK(out != NULL && strlen(out) == out_bytes);
  return out;
}

static int64_t register_party(mc_engine* engine, int64_t market_id) {
  char request[128];
  snprintf(request, sizeof request, "{\"market_id\":%lld,\"kind\":\"wallet\"}",
           (long long)market_id);
  char* party = call(mc_engine_register_party, engine, request, "register_party");
  const int64_t id = party ? json_int(party, "id") : -1;
  mc_free(party);
  return id;
}

static void test_library_and_errors(const char* dir) {
  CHECK(strcmp(mc_version(), "") != 0);
  CHECK(mc_abi_version() >= MC_C_ABI_VERSION);
  CHECK(strcmp(mc_code_name(MC_ERROR_FAILED_PRECONDITION), "failed_precondition") == 0);
  CHECK(strcmp(mc_code_name(99), "unknown") == 0);
  CHECK(mc_code_is_transient(MC_ERROR_UNAVAILABLE) == 1);
  CHECK(mc_code_is_transient(MC_ERROR_INVALID_ARGUMENT) == 0);
  mc_free(NULL);
  mc_status_free(NULL);
  mc_engine_close(NULL);

  mc_engine* engine = NULL;
  mc_status* status = NULL;
  const char* not_json = "{database_path";
  expect_error(mc_engine_open(not_json, strlen(not_json), &engine, &status), &status,
               MC_ERROR_INVALID_ARGUMENT, "invalid_json", "open with bad JSON");
  CHECK(engine == NULL);

  const char* missing = "{\"clock\":\"manual\"}";
  expect_error(mc_engine_open(missing, strlen(missing), &engine, &status), &status,
               MC_ERROR_INVALID_ARGUMENT, "missing_param", "open without a path");

  char options[512];
  snprintf(options, sizeof options, "{\"database_path\":\"%s/x.db\",\"clokc\":\"manual\"}", dir);
  mc_code code = mc_engine_open(options, strlen(options), &engine, &status);
  CHECK(code == MC_ERROR_INVALID_ARGUMENT);
  size_t param_bytes = 0;
  CHECK(strcmp(mc_status_param(status, &param_bytes), "clokc") == 0 && param_bytes == 5);
  CHECK(strcmp(mc_status_detail(status, NULL), "unknown_param") == 0);
  mc_status_free(status);

  snprintf(options, sizeof options, "{\"database_path\":\"%s/x.db\",\"clock\":7}", dir);
  expect_error(mc_engine_open(options, strlen(options), &engine, &status), &status,
               MC_ERROR_INVALID_ARGUMENT, "invalid_type", "open with a numeric clock");

  /* A NULL engine is refused, not dereferenced; a NULL status_out is allowed. */
  code = mc_engine_run_due(NULL, NULL, &status);
  expect_error(code, &status, MC_ERROR_INVALID_ARGUMENT, "missing_param", "run_due(NULL)");
  CHECK(mc_engine_run_due(NULL, NULL, NULL) == MC_ERROR_INVALID_ARGUMENT);
}

static void test_j0_job(mc_engine* engine) {
  mc_status* status = NULL;
  char* market = NULL;
  expect_error(mc_engine_ensure_builtin_market(engine, "nope", 4, &market, NULL, &status), &status,
               MC_ERROR_NOT_FOUND, "unknown_builtin_market", "unknown built-in market");
  /* The name is passed with its length: the bytes after it do not count. */
  if (!ok(mc_engine_ensure_builtin_market(engine, "j0 and more", 2, &market, NULL, &status),
          &status, "ensure j0")) {
    return;
  }
  CHECK(contains(market, "\"lifecycle\":\"j0\""));
  const int64_t market_id = json_int(market, "id");
  mc_free(market);

  const int64_t poster = register_party(engine, market_id);
  const int64_t worker = register_party(engine, market_id);
  char request[512];
  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"party_id\":%lld,\"amount_minor\":100,\"reason\":\"purchase\","
           "\"external_ref\":\"evt_1\"}",
           (long long)market_id, (long long)poster);
  char* movement = call(mc_engine_deposit, engine, request, "deposit");
  CHECK(movement && json_int(movement, "balance_after_minor") == 100);
  mc_free(movement);
  movement = call(mc_engine_deposit, engine, request, "deposit again");
  CHECK(contains(movement, "\"replayed\":true"));
  mc_free(movement);

  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"poster_id\":%lld,\"amount_minor\":25,\"category\":\"opus\","
           "\"prompt\":\"Summarize \\u00e9t\\u00e9.\",\"work_timeout_ms\":30000,"
           "\"payload\":{\"tags\":[\"a\"]}}",
           (long long)market_id, (long long)poster);
  char* created = call(mc_engine_create_job, engine, request, "create_job");
  if (created == NULL) return;
  CHECK(contains(created, "\"state\":\"posted\""));
  CHECK(contains(created, "\"payload\":{\"tags\":[\"a\"]}"));
  CHECK(contains(created, "Summarize \xc3\xa9t\xc3\xa9."));
  const int64_t job = json_int(created, "id");
  mc_free(created);

  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"poster_id\":%lld,\"amount_minor\":90,\"category\":\"opus\","
           "\"prompt\":\"too dear\",\"work_timeout_ms\":30000}",
           (long long)market_id, (long long)poster);
  char* out = NULL;
  expect_error(mc_engine_create_job(engine, request, strlen(request), &out, NULL, &status), &status,
               MC_ERROR_FAILED_PRECONDITION, "insufficient_funds", "job above balance");

  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"accept\",\"actor_id\":%lld}",
           (long long)job, (long long)poster);
  expect_error(mc_engine_fire(engine, request, strlen(request), &out, NULL, &status), &status,
               MC_ERROR_PERMISSION_DENIED, "role_not_allowed", "poster accepts own job");
  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"accept\",\"actor_id\":%lld}",
           (long long)job, (long long)worker);
  char* accepted = call(mc_engine_fire, engine, request, "accept");
  CHECK(contains(accepted, "\"state\":\"accepted\""));
  mc_free(accepted);
  expect_error(mc_engine_fire(engine, request, strlen(request), &out, NULL, &status), &status,
               MC_ERROR_FAILED_PRECONDITION, "wrong_state", "accept twice");

  snprintf(request, sizeof request,
           "{\"job_id\":%lld,\"transition\":\"complete\",\"actor_id\":%lld,"
           "\"result_text\":\"done\"}",
           (long long)job, (long long)worker);
  char* completed = call(mc_engine_fire, engine, request, "complete");
  CHECK(contains(completed, "\"state\":\"completed\""));
  CHECK(completed && json_int(completed, "worker_minor") == 22);
  mc_free(completed);

  char* balances = NULL;
  if (ok(mc_engine_balances(engine, market_id, worker, &balances, NULL, &status), &status,
         "balances")) {
    CHECK(json_int(balances, "available_minor") == 22);
    mc_free(balances);
  }
  char* history = NULL;
  if (ok(mc_engine_job_history(engine, job, &history, NULL, &status), &status, "history")) {
    CHECK(contains(history, "\"transition\":\"accept\""));
    CHECK(contains(history, "\"to_state\":\"completed\""));
    mc_free(history);
  }

  /* A second job nobody finishes: accepted, then the clock runs three days on. */
  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"poster_id\":%lld,\"amount_minor\":10,\"category\":\"opus\","
           "\"prompt\":\"late\",\"work_timeout_ms\":10000}",
           (long long)market_id, (long long)poster);
  created = call(mc_engine_create_job, engine, request, "create second job");
  if (created == NULL) return;
  const int64_t late = json_int(created, "id");
  mc_free(created);
  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"accept\",\"actor_id\":%lld}",
           (long long)late, (long long)worker);
  mc_free(call(mc_engine_fire, engine, request, "accept second job"));
  const int64_t before_ms = mc_engine_now_ms(engine);
  int64_t processed = -1;
  if (ok(mc_engine_advance_ms(engine, 3LL * 24 * 60 * 60 * 1000, &processed, &status), &status,
         "advance three days")) {
    CHECK(processed >= 1);
    CHECK(mc_engine_now_ms(engine) == before_ms + 3LL * 24 * 60 * 60 * 1000);
  }
  char* timed_out = NULL;
  if (ok(mc_engine_job(engine, late, &timed_out, NULL, &status), &status, "job")) {
    CHECK(contains(timed_out, "\"state\":\"timeout\""));
    mc_free(timed_out);
  }
  if (ok(mc_engine_balances(engine, market_id, poster, &balances, NULL, &status), &status,
         "poster balances")) {
    CHECK(json_int(balances, "available_minor") == 75); /* 100 − 25; the 10 came back */
    CHECK(json_int(balances, "escrow_minor") == 0);
    mc_free(balances);
  }

  char* events = call(mc_engine_events, engine, "{\"limit\":1000}", "events");
  CHECK(contains(events, "\"type\":\"job.posted\""));
  CHECK(contains(events, "\"type\":\"job.timeout\""));
  mc_free(events);
  char* jobs = call(mc_engine_jobs, engine, "{\"state\":\"completed\"}", "jobs");
  CHECK(jobs && json_int(jobs, "id") == job);
  mc_free(jobs);
  char* transfers = NULL;
  if (ok(mc_engine_transfers(engine, market_id, worker, 10, &transfers, NULL, &status), &status,
         "transfers")) {
    CHECK(contains(transfers, "\"reason\":\"job_earn\""));
    mc_free(transfers);
  }
}

/* A host lifecycle: a bounty that a hunter claims and the poster pays, refunded if unclaimed. */
static const char* kBounty =
    "{\"name\":\"c_bounty\",\"states\":[\"open\",\"claimed\",{\"name\":\"paid\",\"terminal\":true},"
    "{\"name\":\"refunded\",\"terminal\":true}],"
    "\"creation\":{\"name\":\"create\",\"to\":\"open\",\"roles\":[\"poster\"],"
    "\"effects\":[{\"kind\":\"fund_escrow\"}],\"events\":[\"bounty.posted\"]},"
    "\"transitions\":["
    "{\"name\":\"claim\",\"from\":[\"open\"],\"to\":\"claimed\",\"roles\":[\"candidate\"],"
    "\"records\":[\"worker\"],\"events\":[\"bounty.claimed\"]},"
    "{\"name\":\"pay\",\"from\":[\"claimed\"],\"to\":\"paid\",\"roles\":[\"poster\"],"
    "\"effects\":[{\"kind\":\"pay_worker\"}],\"events\":[\"bounty.paid\"]},"
    "{\"name\":\"expire\",\"from\":[\"open\",\"claimed\"],\"to\":\"refunded\","
    "\"roles\":[\"system\"],\"effects\":[{\"kind\":\"refund_poster\"}],"
    "\"events\":[\"bounty.expired\"]}],"
    "\"timers\":[{\"state\":\"open\",\"transition\":\"expire\",\"after_ms\":86400000},"
    "{\"state\":\"claimed\",\"transition\":\"expire\",\"after_ms\":604800000}]}";

static void test_custom_lifecycle(mc_engine* engine) {
  mc_status* status = NULL;
  if (!ok(mc_engine_register_lifecycle(engine, kBounty, strlen(kBounty), &status), &status,
          "register bounty")) {
    return;
  }
  expect_error(mc_engine_register_lifecycle(engine, kBounty, strlen(kBounty), &status), &status,
               MC_ERROR_ALREADY_EXISTS, "lifecycle_exists", "register twice");
  const char* stranded =
      "{\"name\":\"stranded\",\"states\":[\"open\",{\"name\":\"done\",\"terminal\":true}],"
      "\"creation\":{\"name\":\"create\",\"to\":\"open\",\"roles\":[\"poster\"]},"
      "\"transitions\":[{\"name\":\"finish\",\"from\":[\"open\"],\"to\":\"done\","
      "\"roles\":[\"poster\"]}]}";
  expect_error(mc_engine_register_lifecycle(engine, stranded, strlen(stranded), &status), &status,
               MC_ERROR_INVALID_ARGUMENT, "state_without_timed_exit", "no timed exit");
  const char* bad_role =
      "{\"name\":\"x\",\"states\":[\"open\"],\"creation\":{\"name\":\"create\",\"to\":\"open\","
      "\"roles\":[\"boss\"]}}";
  mc_code code = mc_engine_register_lifecycle(engine, bad_role, strlen(bad_role), &status);
  CHECK(code == MC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(mc_status_param(status, NULL), "creation.roles[0]") == 0);
  CHECK(strcmp(mc_status_detail(status, NULL), "invalid_value") == 0);
  mc_status_free(status);

  const char* config =
      "{\"name\":\"bounties\",\"lifecycle\":\"c_bounty\",\"asset\":{\"code\":\"USD\","
      "\"scale\":2},\"fees\":{\"mode\":\"fee_deducted\",\"platform_fee_bps\":500}}";
  char* market = call(mc_engine_ensure_market, engine, config, "ensure bounty market");
  if (market == NULL) return;
  CHECK(contains(market, "\"code\":\"USD\""));
  const int64_t market_id = json_int(market, "id");
  mc_free(market);
  const int64_t poster = register_party(engine, market_id);
  const int64_t hunter = register_party(engine, market_id);
  char request[256];
  snprintf(request, sizeof request, "{\"market_id\":%lld,\"party_id\":%lld,\"amount_minor\":1000}",
           (long long)market_id, (long long)poster);
  mc_free(call(mc_engine_deposit, engine, request, "deposit USD"));
  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"poster_id\":%lld,\"amount_minor\":1000,\"title\":\"Fix it\"}",
           (long long)market_id, (long long)poster);
  char* created = call(mc_engine_create_job, engine, request, "post bounty");
  if (created == NULL) return;
  const int64_t bounty = json_int(created, "id");
  mc_free(created);
  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"claim\",\"actor_id\":%lld}",
           (long long)bounty, (long long)hunter);
  mc_free(call(mc_engine_fire, engine, request, "claim"));
  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"pay\",\"actor_id\":%lld}",
           (long long)bounty, (long long)poster);
  char* paid = call(mc_engine_fire, engine, request, "pay");
  CHECK(contains(paid, "\"state\":\"paid\""));
  mc_free(paid);
  char* balances = NULL;
  if (ok(mc_engine_balances(engine, market_id, hunter, &balances, NULL, &status), &status,
         "hunter balances")) {
    CHECK(json_int(balances, "available_minor") == 950);
    mc_free(balances);
  }

  /* The remaining reads and the money leaving the market. */
  char* read = NULL;
  if (ok(mc_engine_market(engine, market_id, &read, NULL, &status), &status, "market")) {
    CHECK(contains(read, "\"name\":\"bounties\""));
    CHECK(contains(read, "\"platform_fee_bps\":500"));
    mc_free(read);
  }
  if (ok(mc_engine_party(engine, hunter, &read, NULL, &status), &status, "party")) {
    CHECK(json_int(read, "id") == hunter);
    mc_free(read);
  }
  expect_error(mc_engine_party(engine, 987654, &read, NULL, &status), &status, MC_ERROR_NOT_FOUND,
               "party_not_found", "unknown party");
  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"party_id\":%lld,\"amount_minor\":500,\"external_ref\":\"po_1\"}",
           (long long)market_id, (long long)hunter);
  char* withdrawn = call(mc_engine_withdraw, engine, request, "withdraw");
  CHECK(withdrawn && json_int(withdrawn, "balance_after_minor") == 450);
  mc_free(withdrawn);
  snprintf(request, sizeof request, "{\"market_id\":%lld,\"party_id\":%lld,\"amount_minor\":5000}",
           (long long)market_id, (long long)hunter);
  expect_error(mc_engine_withdraw(engine, request, strlen(request), &read, NULL, &status), &status,
               MC_ERROR_FAILED_PRECONDITION, "insufficient_funds", "overdraw");
  int64_t attempted = -1;
  if (ok(mc_engine_run_due(engine, &attempted, &status), &status, "run_due")) {
    CHECK(attempted == 0); /* nothing is due on a manual clock that has not moved */
  }
}

/* Each built-in lifecycle, read as JSON and registered again under another name, reads back
 * as the same JSON: the C ABI's lifecycle form loses nothing. */
static void test_lifecycle_round_trip(mc_engine* engine) {
  const char* names[] = {"j0",   "agentmarket",  "humanops",
                         "aacp", "mkt1337_lead", "mkt1337_contract"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) {
    mc_status* status = NULL;
    char* original = NULL;
    if (!ok(mc_engine_lifecycle(engine, names[i], strlen(names[i]), &original, NULL, &status),
            &status, names[i])) {
      continue;
    }
    /* Rename: {"name":"<name>",... → {"name":"copy_<name>",... */
    const size_t prefix = strlen("{\"name\":\"");
    CHECK(strncmp(original, "{\"name\":\"", prefix) == 0);
    char* renamed = malloc(strlen(original) + 8);
    memcpy(renamed, original, prefix);
    strcpy(renamed + prefix, "copy_");
    strcpy(renamed + prefix + 5, original + prefix);
    if (ok(mc_engine_register_lifecycle(engine, renamed, strlen(renamed), &status), &status,
           "register copy")) {
      char* copy = NULL;
      if (ok(mc_engine_lifecycle(engine, renamed + prefix, strlen(names[i]) + 5, &copy, NULL,
                                 &status),
             &status, "read copy")) {
        if (strcmp(copy, renamed) != 0) {
          fprintf(stderr, "lifecycle %s does not round-trip:\n%s\n%s\n", names[i], renamed, copy);
          ++failures;
        }
        mc_free(copy);
      }
    }
    free(renamed);
    mc_free(original);
  }
}

int main(void) {
  char dir[] = "/tmp/marketcore-c-api-test.XXXXXX";
  if (mkdtemp(dir) == NULL) return 2;
  test_library_and_errors(dir);

  char options[512];
  snprintf(options, sizeof options,
           "{\"database_path\":\"%s/market.db\",\"clock\":\"manual\","
           "\"clock_start_ms\":1700000000000,\"durability\":\"normal\"}",
           dir);
  mc_engine* engine = NULL;
  mc_status* status = NULL;
  if (ok(mc_engine_open(options, strlen(options), &engine, &status), &status, "open")) {
    CHECK(mc_engine_now_ms(engine) == 1700000000000LL);
    test_j0_job(engine);
    test_custom_lifecycle(engine);
    test_lifecycle_round_trip(engine);
    char* report = NULL;
    if (ok(mc_engine_verify_ledger(engine, &report, NULL, &status), &status, "verify_ledger")) {
      CHECK(contains(report, "\"ok\":true"));
      mc_free(report);
    }
    mc_engine_close(engine);
  }

  char command[600];
  snprintf(command, sizeof command, "rm -rf '%s'", dir);
  if (system(command) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures > 0) {
    fprintf(stderr, "c_api_test: %d failure(s)\n", failures);
    return 1;
  }
  printf("c_api_test: ok\n");
  return 0;
}
