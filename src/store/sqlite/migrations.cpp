// The schema, as numbered migrations. Never edit a migration that has shipped: append one.
//
// Ledger: `accounts` keeps each balance in step with `transfers` (updated in the same
// transaction); verify_ledger recomputes balances from `transfers`. A hold owns an account of
// kind hold (6) whose owner_id is the hold id. `external_refs` makes an external reference
// move money at most once per market and direction (0: credit to a party, 1: debit). Jobs,
// parties and events keep list-valued fields as text (capabilities as a JSON array, event
// parties as "1,2,3"); `event_parties` indexes the latter for the party filter. Every table an
// engine transition touches is indexed by what its filters use, and no more (each index costs the
// writer).
#include "store/sqlite/migrations.h"

#include <string>
#include <vector>

namespace mc::store::sqlite {
namespace {

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> list = {
      // 1: the initial schema.
      R"sql(
CREATE TABLE markets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  asset_code TEXT NOT NULL,
  asset_scale INTEGER NOT NULL,
  lifecycle TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE parties (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL REFERENCES markets(id),
  kind TEXT NOT NULL,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  wallet_address TEXT NOT NULL,
  external_id TEXT NOT NULL,
  capabilities_json TEXT NOT NULL,
  kyc_status TEXT NOT NULL,
  endpoint_url TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  reputation INTEGER NOT NULL,
  tier TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX parties_wallet ON parties(market_id, wallet_address) WHERE wallet_address <> '';
CREATE UNIQUE INDEX parties_external ON parties(market_id, external_id) WHERE external_id <> '';
CREATE UNIQUE INDEX parties_email ON parties(market_id, email) WHERE email <> '';
CREATE INDEX parties_kind ON parties(market_id, kind);

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL REFERENCES markets(id),
  kind INTEGER NOT NULL,
  owner_id INTEGER NOT NULL,
  balance_minor INTEGER NOT NULL DEFAULT 0,
  allow_negative INTEGER NOT NULL,
  UNIQUE (market_id, kind, owner_id)
);
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL,
  debit_account_id INTEGER NOT NULL REFERENCES accounts(id),
  credit_account_id INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  reason TEXT NOT NULL,
  job_id INTEGER,
  hold_id INTEGER,
  external_ref TEXT,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX transfers_debit ON transfers(debit_account_id);
CREATE INDEX transfers_credit ON transfers(credit_account_id);
CREATE INDEX transfers_job ON transfers(job_id) WHERE job_id IS NOT NULL;
CREATE TABLE external_credits (
  market_id INTEGER NOT NULL,
  external_ref TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  transfer_id INTEGER NOT NULL REFERENCES transfers(id),
  amount_minor INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (market_id, external_ref)
) WITHOUT ROWID;
CREATE TABLE holds (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL REFERENCES markets(id),
  purpose INTEGER NOT NULL,
  state INTEGER NOT NULL,
  job_id INTEGER,
  party_id INTEGER,
  source_account_id INTEGER NOT NULL REFERENCES accounts(id),
  hold_account_id INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  due_at_ms INTEGER,
  release_to_account_id INTEGER REFERENCES accounts(id),
  created_at_ms INTEGER NOT NULL,
  resolved_at_ms INTEGER
);
CREATE INDEX holds_job ON holds(job_id) WHERE job_id IS NOT NULL;
CREATE INDEX holds_due ON holds(due_at_ms) WHERE state = 0 AND due_at_ms IS NOT NULL;
CREATE INDEX holds_party ON holds(party_id) WHERE state = 0 AND party_id IS NOT NULL;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL REFERENCES markets(id),
  parent_job_id INTEGER REFERENCES jobs(id),
  lifecycle TEXT NOT NULL,
  state TEXT NOT NULL,
  poster_id INTEGER NOT NULL,
  worker_id INTEGER,
  evaluator_id INTEGER,
  amount_minor INTEGER NOT NULL,
  fee_amount_minor INTEGER NOT NULL,
  platform_fee_bps INTEGER NOT NULL,
  platform_fee_minor INTEGER NOT NULL,
  evaluator_fee_minor INTEGER NOT NULL,
  worker_minor INTEGER NOT NULL,
  escrow_minor INTEGER NOT NULL,
  escrow_hold_id INTEGER,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  prompt TEXT NOT NULL,
  category TEXT NOT NULL,
  capabilities_json TEXT NOT NULL,
  deadline_at_ms INTEGER,
  work_timeout_ms INTEGER,
  contracts_max INTEGER NOT NULL,
  contracts_taken INTEGER NOT NULL,
  payload_json TEXT NOT NULL,
  result_text TEXT NOT NULL,
  proof_json TEXT NOT NULL,
  verdict_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  accepted_at_ms INTEGER,
  submitted_at_ms INTEGER,
  completed_at_ms INTEGER,
  expires_at_ms INTEGER,
  version INTEGER NOT NULL
);
CREATE INDEX jobs_market_state ON jobs(market_id, state);
CREATE INDEX jobs_poster ON jobs(poster_id);
CREATE INDEX jobs_worker ON jobs(worker_id) WHERE worker_id IS NOT NULL;
CREATE INDEX jobs_parent ON jobs(parent_job_id) WHERE parent_job_id IS NOT NULL;
CREATE TABLE job_history (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  transition TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor_id INTEGER,
  actor_role TEXT NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX job_history_job ON job_history(job_id);

CREATE TABLE events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  market_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  job_id INTEGER,
  party_ids TEXT NOT NULL,
  broadcast INTEGER NOT NULL,
  payload_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE event_parties (
  party_id INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  PRIMARY KEY (party_id, sequence)
) WITHOUT ROWID;

CREATE TABLE timers (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  transition TEXT NOT NULL,
  state TEXT NOT NULL,
  due_at_ms INTEGER NOT NULL
);
CREATE INDEX timers_due ON timers(due_at_ms);
CREATE INDEX timers_job ON timers(job_id);

CREATE TABLE offers (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  party_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX offers_job ON offers(job_id);
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  filed_by INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  deposit_hold_id INTEGER,
  judges_needed INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  resolved_at_ms INTEGER
);
CREATE INDEX disputes_job ON disputes(job_id);
CREATE INDEX disputes_status ON disputes(status);
CREATE TABLE dispute_votes (
  dispute_id INTEGER NOT NULL REFERENCES disputes(id),
  judge_id INTEGER NOT NULL,
  commitment TEXT NOT NULL,
  vote TEXT NOT NULL,
  joined_at_ms INTEGER NOT NULL,
  voted_at_ms INTEGER,
  PRIMARY KEY (dispute_id, judge_id)
) WITHOUT ROWID;

CREATE TABLE idempotency (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_created ON idempotency(created_at_ms);
)sql",
      // 2: outgoing webhooks — endpoints with their outbox cursor, and one delivery row per
      // (endpoint, event) with its retry state; status 0 pending, 1 delivered, 2 dead.
      R"sql(
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  market_id INTEGER NOT NULL REFERENCES markets(id),
  party_id INTEGER,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  scheme INTEGER NOT NULL,
  signature_header TEXT NOT NULL,
  event_types_json TEXT NOT NULL,
  active INTEGER NOT NULL,
  cursor_sequence INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_market ON webhook_endpoints(market_id, party_id);
CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
  market_id INTEGER NOT NULL,
  event_sequence INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  status INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  first_attempt_at_ms INTEGER NOT NULL,
  next_attempt_at_ms INTEGER NOT NULL,
  last_http_status INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  UNIQUE (endpoint_id, event_sequence)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at_ms);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
)sql",
      // 3: durable auth state (marketcore/auth_stores.h, src/store/sqlite/auth_sql.cpp) —
      // single-use nonces, remembered request signatures and refresh tokens, each with its
      // expiry (indexed for the bounded purge), and API keys by id, hash and owner.
      R"sql(
CREATE TABLE auth_nonces (
  nonce TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  issued_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_nonces_expires ON auth_nonces(expires_at_ms);
CREATE TABLE auth_replay_keys (
  key TEXT PRIMARY KEY,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_replay_keys_expires ON auth_replay_keys(expires_at_ms);
CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  issued_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms INTEGER,
  revoked_at_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX auth_refresh_tokens_family ON auth_refresh_tokens(family_id);
CREATE INDEX auth_refresh_tokens_expires ON auth_refresh_tokens(expires_at_ms);
CREATE TABLE api_keys (
  sequence INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER,
  last_used_at_ms INTEGER
);
CREATE INDEX api_keys_owner ON api_keys(owner_id, sequence);
)sql",
      // 4: identity uniqueness becomes a per-market setting enforced by the engine (plain
      // indexes for the lookups; AgentMarket owners may share an email), and external
      // references are scoped per direction (a deposit's and a withdrawal's ref never collide)
      // and remember the account kind and reason, so a repeat that differs is a conflict.
      // Existing withdrawal refs (party 0 before) get their party from the debited account.
      R"sql(
DROP INDEX parties_wallet;
DROP INDEX parties_external;
DROP INDEX parties_email;
CREATE INDEX parties_wallet ON parties(market_id, wallet_address) WHERE wallet_address <> '';
CREATE INDEX parties_external ON parties(market_id, external_id) WHERE external_id <> '';
CREATE INDEX parties_email ON parties(market_id, email) WHERE email <> '';
UPDATE markets SET settings_json = json_set(settings_json, '$.unique_email', json('false'))
WHERE lifecycle = 'agentmarket';

CREATE TABLE external_refs (
  market_id INTEGER NOT NULL,
  direction INTEGER NOT NULL,
  external_ref TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  account_kind INTEGER NOT NULL,
  reason TEXT NOT NULL,
  transfer_id INTEGER NOT NULL REFERENCES transfers(id),
  amount_minor INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (market_id, direction, external_ref)
) WITHOUT ROWID;
INSERT INTO external_refs (market_id, direction, external_ref, party_id, account_kind, reason,
                           transfer_id, amount_minor, created_at_ms)
SELECT e.market_id,
       CASE WHEN credited.kind IN (2, 3, 4, 5) THEN 0 ELSE 1 END,
       e.external_ref,
       CASE WHEN credited.kind IN (2, 3, 4, 5) THEN credited.owner_id ELSE debited.owner_id END,
       CASE WHEN credited.kind IN (2, 3, 4, 5) THEN credited.kind ELSE debited.kind END,
       t.reason, e.transfer_id, e.amount_minor, e.created_at_ms
FROM external_credits e
JOIN transfers t ON t.id = e.transfer_id
JOIN accounts credited ON credited.id = t.credit_account_id
JOIN accounts debited ON debited.id = t.debit_account_id;
DROP TABLE external_credits;
)sql",
      // 5: due work that fails is retried or parked, never dropped — timers and timed holds
      // keep their attempts, the next attempt's time (a hold's is NULL until its first retry:
      // it is due at due_at_ms), when they were parked as stuck and the last error. The due
      // indexes cover only what the scheduler may still run (not stuck).
      R"sql(
ALTER TABLE timers ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN next_attempt_at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN stuck_at_ms INTEGER;
ALTER TABLE timers ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
UPDATE timers SET next_attempt_at_ms = due_at_ms;
DROP INDEX timers_due;
CREATE INDEX timers_next_attempt ON timers(next_attempt_at_ms) WHERE stuck_at_ms IS NULL;
CREATE INDEX timers_stuck ON timers(stuck_at_ms) WHERE stuck_at_ms IS NOT NULL;
ALTER TABLE holds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE holds ADD COLUMN next_attempt_at_ms INTEGER;
ALTER TABLE holds ADD COLUMN stuck_at_ms INTEGER;
ALTER TABLE holds ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
DROP INDEX holds_due;
CREATE INDEX holds_next_attempt ON holds(COALESCE(next_attempt_at_ms, due_at_ms))
  WHERE state = 0 AND due_at_ms IS NOT NULL AND stuck_at_ms IS NULL;
CREATE INDEX holds_stuck ON holds(stuck_at_ms) WHERE state = 0 AND stuck_at_ms IS NOT NULL;
ALTER TABLE disputes ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
)sql",
      // 6: what each party's held holds hold now, per purpose, kept in step with the hold
      // accounts, so a balance read is one lookup instead of a scan of the party's holds.
      R"sql(
CREATE TABLE hold_totals (
  market_id INTEGER NOT NULL,
  party_id INTEGER NOT NULL,
  purpose INTEGER NOT NULL,
  held_minor INTEGER NOT NULL,
  PRIMARY KEY (market_id, party_id, purpose)
) WITHOUT ROWID;
INSERT INTO hold_totals (market_id, party_id, purpose, held_minor)
SELECT h.market_id, h.party_id, h.purpose, SUM(a.balance_minor)
FROM holds h JOIN accounts a ON a.id = h.hold_account_id
WHERE h.state = 0 AND h.party_id IS NOT NULL
GROUP BY h.market_id, h.party_id, h.purpose;
)sql",
  };
  return list;
}

Result<int64_t> user_version(Connection& connection) {
  MC_TRY_ASSIGN(Statement stmt, connection.prepare("PRAGMA user_version"));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return internal_error("sqlite_error", "PRAGMA user_version returned no row");
  return stmt.column_int64(0);
}

}  // namespace

int migration_count() {
  return static_cast<int>(migrations().size());
}

Status apply_migrations(Connection& connection,
                        const std::function<void(std::string_view)>& progress) {
  MC_TRY(connection.exec_script("BEGIN IMMEDIATE"));
  Status status = [&]() -> Status {
    MC_TRY_ASSIGN(int64_t version, user_version(connection));
    const int64_t known = migration_count();
    if (version > known) {
      return failed_precondition("schema_too_new",
                                 "database schema version " + std::to_string(version) +
                                     " is newer than this build's " + std::to_string(known));
    }
    for (int64_t next = version; next < known; ++next) {
      if (progress) progress("applying store migration " + std::to_string(next + 1));
      MC_TRY(connection.exec_script(migrations()[static_cast<size_t>(next)]));
    }
    if (version != known) {
      MC_TRY(connection.exec_script("PRAGMA user_version = " + std::to_string(known)));
    }
    return ok_status();
  }();
  if (!status.ok()) {
    connection.exec_script("ROLLBACK").ignore();
    return status;
  }
  return connection.exec_script("COMMIT");
}

}  // namespace mc::store::sqlite
