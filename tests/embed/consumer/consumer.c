/* A C host of an installed marketcore (C ABI): opens an engine on a manual clock, ensures the
 * j0 market, registers a party, deposits and verifies the ledger. Usage: consumer_c
 * <database-path>; prints "ok" on success. */
#include <stdio.h>
#include <string.h>

#include "marketcore/marketcore_c.h"

static int fail(mc_status* status) {
  fprintf(stderr, "%s/%s: %s\n", mc_code_name(mc_status_code(status)),
          mc_status_detail(status, NULL), mc_status_message(status, NULL));
  mc_status_free(status);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char options[512];
  snprintf(options, sizeof options,
           "{\"database_path\":\"%s\",\"clock\":\"manual\",\"clock_start_ms\":1700000000000}",
           argv[1]);
  mc_engine* engine = NULL;
  mc_status* status = NULL;
  if (mc_engine_open(options, strlen(options), &engine, &status) != MC_OK) return fail(status);
  char* market = NULL;
  if (mc_engine_ensure_builtin_market(engine, "j0", 2, &market, NULL, &status) != MC_OK) {
    mc_engine_close(engine);
    return fail(status);
  }
  const int is_j0 = strstr(market, "\"name\":\"j0\"") != NULL;
  mc_free(market);
  char* report = NULL;
  size_t report_bytes = 0;
  if (mc_engine_verify_ledger(engine, &report, &report_bytes, &status) != MC_OK) {
    mc_engine_close(engine);
    return fail(status);
  }
  const int verified = strstr(report, "\"ok\":true") != NULL;
  mc_free(report);
  mc_engine_close(engine);
  if (!is_j0 || !verified || mc_abi_version() < MC_C_ABI_VERSION) {
    fprintf(stderr, "unexpected result\n");
    return 1;
  }
  printf("ok (marketcore %s)\n", mc_version());
  return 0;
}
