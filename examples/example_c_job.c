/* example_c_job — a C host of marketcore (the C ABI, marketcore/marketcore_c.h): one j0 job
 * end to end on a temporary database and a manual clock. A requester buys 95 credits and
 * posts a 25-credit job (escrowed), a worker accepts and completes it (22 to the worker, 3 to
 * the platform), and the ledger is verified. Prints each step; exits non-zero on any failure.
 *
 * Build against an installed copy:  cc -std=c11 example_c_job.c $(pkg-config --cflags --libs
 * marketcore)   Usage: example_c_job [database-path] */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "marketcore/marketcore_c.h"

/* Prints a failed call's status and frees it; returns 0 so callers can `return report(...)`. */
static int report(const char* what, mc_status* status) {
  fprintf(stderr, "%s failed: %s/%s: %s\n", what, mc_code_name(mc_status_code(status)),
          mc_status_detail(status, NULL), mc_status_message(status, NULL));
  mc_status_free(status);
  return 0;
}

/* The integer after the first "key": in a JSON result (enough for this example's ids). */
static int64_t json_int(const char* json, const char* key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char* at = strstr(json, pattern);
  return at == NULL ? -1 : strtoll(at + strlen(pattern), NULL, 10);
}

typedef mc_code (*json_call)(mc_engine*, const char*, size_t, char**, size_t*, mc_status**);

/* Calls a JSON-in, JSON-out function; the result is the caller's to mc_free (NULL on error). */
static char* call(json_call function, mc_engine* engine, const char* request, const char* what) {
  char* result = NULL;
  mc_status* status = NULL;
  if (function(engine, request, strlen(request), &result, NULL, &status) != MC_OK) {
    report(what, status);
    return NULL;
  }
  return result;
}

static int64_t call_for_id(json_call function, mc_engine* engine, const char* request,
                           const char* what) {
  char* result = call(function, engine, request, what);
  if (result == NULL) return -1;
  const int64_t id = json_int(result, "id");
  mc_free(result);
  return id;
}

static void print_balances(mc_engine* engine, int64_t market, int64_t party, const char* name) {
  char* balances = NULL;
  mc_status* status = NULL;
  if (mc_engine_balances(engine, market, party, &balances, NULL, &status) != MC_OK) {
    report("balances", status);
    return;
  }
  printf("  %-9s available %3lld  escrow %3lld\n", name,
         (long long)json_int(balances, "available_minor"),
         (long long)json_int(balances, "escrow_minor"));
  mc_free(balances);
}

static int run(mc_engine* engine) {
  char* market = NULL;
  mc_status* status = NULL;
  if (mc_engine_ensure_builtin_market(engine, "j0", 2, &market, NULL, &status) != MC_OK) {
    return report("ensure_builtin_market", status);
  }
  const int64_t market_id = json_int(market, "id");
  mc_free(market);

  char request[512];
  snprintf(request, sizeof request, "{\"market_id\":%lld,\"kind\":\"wallet\"}",
           (long long)market_id);
  const int64_t requester = call_for_id(mc_engine_register_party, engine, request, "register");
  const int64_t worker = call_for_id(mc_engine_register_party, engine, request, "register");
  if (requester < 0 || worker < 0) return 0;

  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"party_id\":%lld,\"amount_minor\":95,\"reason\":\"purchase\","
           "\"external_ref\":\"evt_example\"}",
           (long long)market_id, (long long)requester);
  char* movement = call(mc_engine_deposit, engine, request, "deposit");
  if (movement == NULL) return 0;
  mc_free(movement);
  printf("after buying 95 credits:\n");
  print_balances(engine, market_id, requester, "requester");

  snprintf(request, sizeof request,
           "{\"market_id\":%lld,\"poster_id\":%lld,\"amount_minor\":25,\"category\":\"opus\","
           "\"prompt\":\"Summarize the attached paper in 5 bullet points.\","
           "\"work_timeout_ms\":30000}",
           (long long)market_id, (long long)requester);
  const int64_t job = call_for_id(mc_engine_create_job, engine, request, "create_job");
  if (job < 0) return 0;
  printf("posted job %lld, 25 credits escrowed:\n", (long long)job);
  print_balances(engine, market_id, requester, "requester");

  snprintf(request, sizeof request, "{\"job_id\":%lld,\"transition\":\"accept\",\"actor_id\":%lld}",
           (long long)job, (long long)worker);
  char* accepted = call(mc_engine_fire, engine, request, "accept");
  if (accepted == NULL) return 0;
  mc_free(accepted);
  if (mc_engine_advance_ms(engine, 10000, NULL, &status) != MC_OK) {
    return report("advance_ms", status);
  }
  snprintf(request, sizeof request,
           "{\"job_id\":%lld,\"transition\":\"complete\",\"actor_id\":%lld,"
           "\"result_text\":\"1. ... 5. ...\"}",
           (long long)job, (long long)worker);
  char* completed = call(mc_engine_fire, engine, request, "complete");
  if (completed == NULL) return 0;
  const int done = strstr(completed, "\"state\":\"completed\"") != NULL;
  printf("job completed: worker earned %lld, platform fee %lld\n",
         (long long)json_int(completed, "worker_minor"),
         (long long)json_int(completed, "platform_fee_minor"));
  mc_free(completed);
  print_balances(engine, market_id, requester, "requester");
  print_balances(engine, market_id, worker, "worker");

  char* ledger = NULL;
  if (mc_engine_verify_ledger(engine, &ledger, NULL, &status) != MC_OK) {
    return report("verify_ledger", status);
  }
  const int verified = strstr(ledger, "\"ok\":true") != NULL;
  printf("ledger verified: %s (%lld transfers)\n", verified ? "yes" : "NO",
         (long long)json_int(ledger, "transfers_checked"));
  mc_free(ledger);
  return done && verified;
}

int main(int argc, char** argv) {
  char dir[] = "/tmp/marketcore-c-example.XXXXXX";
  char path[512];
  if (argc > 1) {
    snprintf(path, sizeof path, "%s", argv[1]);
  } else {
    if (mkdtemp(dir) == NULL) return 2;
    snprintf(path, sizeof path, "%s/market.db", dir);
  }
  char options[700];
  snprintf(options, sizeof options,
           "{\"database_path\":\"%s\",\"clock\":\"manual\",\"clock_start_ms\":1700000000000}",
           path);
  mc_engine* engine = NULL;
  mc_status* status = NULL;
  int succeeded = 0;
  if (mc_engine_open(options, strlen(options), &engine, &status) != MC_OK) {
    report("open", status);
  } else {
    printf("marketcore %s (C ABI %d)\n", mc_version(), (int)mc_abi_version());
    succeeded = run(engine);
    mc_engine_close(engine);
  }
  if (argc <= 1) {
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", dir);
  }
  return succeeded ? 0 : 1;
}
