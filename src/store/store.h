// store.h — the storage interface of the engine: every byte of SQL lives behind it.
//
// The engine (src/engine) speaks only to these interfaces; src/store/sqlite implements them
// on SQLite, and a PostgreSQL backend can later implement the same ones. Money rules that are
// properties of the ledger itself — double entry, exact once resolution of holds, no negative
// balance where forbidden, checked arithmetic — are enforced *here*, under every caller.
//
// Writes: `Store::write` runs a unit of work on the single writer connection. Concurrent
// callers are group-committed: several units share one `BEGIN IMMEDIATE … COMMIT`, each in
// its own SAVEPOINT, so a unit that fails rolls back alone and leaves nothing behind. `write`
// returns only after the commit is durable (synchronous=FULL by default). A unit must do only
// database work through its Transaction (no sleeping, no network): it holds the writer.
//
// Reads: `Store::read` runs on one of several reader connections (WAL snapshots), concurrently
// with the writer and with each other.
//
// Thread-safety: Store is thread-safe. Transaction and Reader objects are valid only inside the
// callback that receives them, on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/auth_stores.h"
#include "marketcore/dispute.h"
#include "marketcore/events.h"
#include "marketcore/job.h"
#include "marketcore/ledger.h"
#include "marketcore/market.h"
#include "marketcore/party.h"
#include "marketcore/status.h"
#include "marketcore/webhooks.h"

namespace mc::store {

enum class Durability : int32_t {
  full = 0,    // synchronous=FULL: every acknowledged commit survives power loss
  normal = 1,  // synchronous=NORMAL: survives a process crash, may lose the last commits on
               // power loss (benchmarks and hosts that accept it)
};

struct StoreOptions {
  // SQLite file (created if missing), or a postgres:// or postgresql:// URL (open_store).
  std::string path;
  Durability durability = Durability::full;
  int32_t reader_connections = 4;  // size of the reader pool
  int32_t batch_units_max = 256;   // most units group-committed in one transaction
  // Most write() calls waiting at once; more get resource_exhausted/"write_queue_full".
  int32_t queue_units_max = 4096;
  int32_t busy_timeout_ms = 5000;
  // Run each batch first without a savepoint per unit, and again with them only when a unit
  // failed after writing (units must be re-runnable; see sqlite/writer.h). False runs every
  // unit in its savepoint from the start.
  bool speculative_batches = true;
  // Called with a one-line progress message during long start-up work (migrations).
  std::function<void(std::string_view)> progress;
};

// A scheduled transition of one job (on entering a state, fire `transition` at due time).
struct Timer {
  int64_t id = 0;
  JobId job_id = 0;
  std::string transition;
  std::string state;  // the job state the timer was set in; stale if the job left it
  int64_t due_at_ms = 0;
  // Failed firings: how many, when the next is due (due_at_ms until the first failure), when
  // the timer was parked as stuck (a permanent failure; not due again until retried) and why.
  int32_t attempts = 0;
  int64_t next_attempt_at_ms = 0;
  std::optional<int64_t> stuck_at_ms;
  std::string last_error;
};

// The two kinds of due work the scheduler runs. Numbers are stable.
enum class DueKind : int32_t { timer = 0, hold = 1 };

// A timed hold that is due at now: its id and how often resolving it failed before.
struct DueHold {
  HoldId id = 0;
  int32_t attempts = 0;
};

// A timer or timed hold parked after a permanent failure (read without decoding the hold, so a
// damaged row is still listed).
struct StuckWork {
  DueKind kind = DueKind::timer;
  int64_t id = 0;
  std::optional<JobId> job_id;
  std::string transition;  // timers only
  int64_t due_at_ms = 0;
  int32_t attempts = 0;
  int64_t stuck_at_ms = 0;
  std::string last_error;
};

struct IdempotencyRecord {
  std::string request_hash;
  std::string result_json;
  int64_t created_at_ms = 0;
};

// Which way an external reference moved money: into a party account (a deposit) or out of
// one (a withdrawal). References are scoped per (market, direction).
enum class ExternalRefDirection : int32_t { credit = 0, debit = 1 };

// The first movement of an external reference (payment event id, chain tx hash, payout id).
struct ExternalCredit {
  std::string external_ref;
  PartyId party_id = 0;  // the party credited (credit) or debited (debit)
  TransferId transfer_id = 0;
  int64_t amount_minor = 0;
  int64_t created_at_ms = 0;
  ExternalRefDirection direction = ExternalRefDirection::credit;
  AccountKind account_kind = AccountKind::available;  // the party account moved
  std::string reason;                                 // the transfer's reason
};

struct PartyFilter {
  MarketId market_id = 0;
  std::optional<std::string> kind;
  std::optional<std::string> capability;
  int32_t limit = 50;
  int32_t offset = 0;
};

struct TransferFilter {
  MarketId market_id = 0;
  std::optional<PartyId> party_id;  // transfers touching any account of this party
  std::optional<JobId> job_id;
  std::optional<TransferId> before_id;  // cursor, newest first
  int32_t limit = 50;
};

// --- auth stores: types of the auth section of Reader/Transaction ---------------------------
// The expiring auth tables (API keys do not expire, they are revoked).
enum class AuthTable : int32_t { nonces = 0, replay_keys = 1, refresh_tokens = 2 };

// What spend_auth_refresh_token found, in the order it checks: unknown hash, revoked family,
// already used (the family is now revoked), expired, else spent (now marked used).
enum class RefreshTokenSpendOutcome : int32_t {
  spent = 0,
  unknown = 1,
  revoked = 2,
  reused = 3,
  expired = 4,
};
struct RefreshTokenSpend {
  RefreshTokenSpendOutcome outcome = RefreshTokenSpendOutcome::unknown;
  auth::RefreshTokenRecord record;  // the stored token, unless unknown
};
// --- end of auth stores types ---------------------------------------------------------------

// Queries available both to readers and inside a write unit (where they see the unit's own
// uncommitted writes). not_found is returned as Code::not_found with a stable detail
// ("job_not_found", "party_not_found", "market_not_found", "hold_not_found").
class Reader {
 public:
  virtual ~Reader() = default;

  virtual Result<Market> market(MarketId id) = 0;
  virtual Result<Market> market_by_name(std::string_view name) = 0;
  virtual Result<std::vector<Market>> markets() = 0;

  virtual Result<Party> party(PartyId id) = 0;
  // Lookups by an identity field (not_found for ""): where the market does not make the field
  // unique, the oldest party that has it.
  virtual Result<Party> party_by_wallet(MarketId market, std::string_view wallet_lower) = 0;
  virtual Result<Party> party_by_external_id(MarketId market, std::string_view external_id) = 0;
  virtual Result<Party> party_by_email(MarketId market, std::string_view email) = 0;
  virtual Result<std::vector<Party>> parties(const PartyFilter& filter) = 0;

  virtual Result<Job> job(JobId id) = 0;
  virtual Result<std::vector<Job>> jobs(const JobQuery& filter) = 0;
  virtual Result<int64_t> count_jobs(const JobQuery& filter) = 0;
  virtual Result<std::vector<JobTransitionRecord>> job_history(JobId id) = 0;

  // Balance of one account; 0 for an account never used.
  virtual Result<int64_t> balance(const AccountRef& account) = 0;
  virtual Result<Balances> balances(MarketId market, PartyId party) = 0;
  virtual Result<Hold> hold(HoldId id) = 0;
  virtual Result<std::vector<Hold>> holds_of_job(JobId job) = 0;
  virtual Result<std::vector<Transfer>> transfers(const TransferFilter& filter) = 0;
  // Sum of escrow amounts of the poster's jobs completed in [since_ms, now] (fee tiers).
  virtual Result<int64_t> trailing_spend(MarketId market, PartyId poster, int64_t since_ms) = 0;

  virtual Result<std::vector<Event>> events(const EventQuery& query) = 0;
  virtual Result<int64_t> last_event_sequence() = 0;

  virtual Result<std::vector<Offer>> offers(JobId job) = 0;
  virtual Result<std::optional<Dispute>> dispute_of_job(JobId job) = 0;
  virtual Result<Dispute> dispute(int64_t id) = 0;
  virtual Result<std::vector<Dispute>> open_disputes(MarketId market, int32_t limit) = 0;
  virtual Result<std::vector<DisputeVote>> dispute_votes(int64_t dispute_id) = 0;

  // Recomputes every balance from the transfers and checks Σ = 0 per market, each account's
  // stored balance, no forbidden negative balance, and every resolved hold's account empty.
  virtual Result<LedgerReport> verify_ledger() = 0;

  // --- webhooks (outgoing delivery, marketcore/webhooks.h) --------------------------------
  // not_found/"webhook_endpoint_not_found" (inactive endpoints are still found).
  virtual Result<WebhookEndpoint> webhook_endpoint(WebhookEndpointId id) = 0;
  // Active endpoints, oldest first: of `market` (0 = every market), with `party` only that
  // party's.
  virtual Result<std::vector<WebhookEndpoint>> webhook_endpoints(MarketId market,
                                                                 std::optional<PartyId> party) = 0;
  // not_found/"webhook_delivery_not_found".
  virtual Result<WebhookDelivery> webhook_delivery(WebhookDeliveryId id) = 0;
  // Newest first.
  virtual Result<std::vector<WebhookDelivery>> webhook_deliveries(
      const WebhookDeliveryFilter& filter) = 0;
  // Earliest next attempt of a pending delivery of an active endpoint.
  virtual Result<std::optional<int64_t>> next_webhook_due_at() = 0;
  virtual Result<WebhookBacklog> webhook_backlog() = 0;
  // --- end of webhooks ----------------------------------------------------------------------

  // --- due work (timers and timed holds, for the scheduler) --------------------------------
  // Timers whose next attempt is due at `now_ms` and that are not stuck, earliest first.
  virtual Result<std::vector<Timer>> timers_due_at(int64_t now_ms, int32_t limit) = 0;
  // Held timed holds due at `now_ms` (next attempt reached, not stuck), earliest first.
  virtual Result<std::vector<DueHold>> holds_due_at(int64_t now_ms, int32_t limit) = 0;
  // Earliest next attempt of any timer or timed hold that is not stuck, if any.
  virtual Result<std::optional<int64_t>> next_due_at() = 0;
  // Parked timers and holds, oldest parked first; and how many there are.
  virtual Result<std::vector<StuckWork>> stuck_work(int32_t limit) = 0;
  virtual Result<int64_t> count_stuck_work() = 0;
  // --- end of due work ----------------------------------------------------------------------

  // --- auth stores (durable auth state, marketcore/auth_store_sqlite.h) ---------------------
  // not_found/"api_key_unknown".
  virtual Result<auth::ApiKeyRecord> api_key_by_hash(std::string_view key_hash) = 0;
  // The owner's keys, revoked ones included, oldest first.
  virtual Result<std::vector<auth::ApiKeyRecord>> api_keys_of_owner(std::string_view owner_id) = 0;
  // --- end of auth stores -------------------------------------------------------------------
};

// A write unit's view: the reads above plus every mutation. All mutations of a failed unit
// are rolled back (its savepoint); none is visible to others before the commit.
class Transaction : public Reader {
 public:
  // The time this unit is being executed at (from the engine's clock, fixed per unit).
  virtual int64_t now_ms() const = 0;

  virtual Result<MarketId> insert_market(const MarketConfig& config) = 0;

  // Identity uniqueness is the engine's (per market, MarketConfig::unique_*); the store only
  // indexes the fields for lookups.
  virtual Result<PartyId> insert_party(const Party& party) = 0;
  // Updates every field but id/market_id/created_at_ms.
  virtual Status update_party(const Party& party) = 0;

  // --- ledger -----------------------------------------------------------------------------
  // Moves `amount_minor` (> 0) from `from` to `to` (same market), creating accounts on first
  // use. Fails failed_precondition/"insufficient_funds" if `from` may not go negative and
  // would; out_of_range/"amount_overflow" on overflow; invalid_argument/"amount_not_positive".
  // With `external_ref` set, the ref is recorded and may move money only once per market and
  // direction (credit when `to` is a party account, else debit from the party account
  // `from`): a second use is already_exists/"external_ref_used" (look it up with
  // find_external_credit first).
  virtual Result<TransferId> transfer(const AccountRef& from, const AccountRef& to,
                                      int64_t amount_minor, std::string_view reason,
                                      std::optional<JobId> job,
                                      std::optional<std::string> external_ref = std::nullopt) = 0;
  virtual Result<std::optional<ExternalCredit>> find_external_credit(
      MarketId market, std::string_view ref,
      ExternalRefDirection direction = ExternalRefDirection::credit) = 0;

  // Creates a hold: moves `amount_minor` from `source` into a new hold account. `source` may
  // itself be a hold account (a 1337MKT contract draws its payout from its lead's escrow).
  // `due_at_ms` + `release_to`: the hold resolves by itself at that time (see due_holds).
  virtual Result<Hold> create_hold(HoldPurpose purpose, const AccountRef& source,
                                   int64_t amount_minor, std::optional<JobId> job,
                                   std::optional<PartyId> party, std::string_view reason,
                                   std::optional<int64_t> due_at_ms = std::nullopt,
                                   std::optional<AccountRef> release_to = std::nullopt) = 0;
  // Pays out a held hold: each posting moves from the hold account to its recipient; what the
  // postings leave over of the hold account's *current* balance (a lead's escrow may have
  // been partly drawn by child holds) returns to the source (reason "hold_remainder"). Exactly
  // once: a resolved hold gives failed_precondition/"hold_already_resolved"; postings above the
  // held amount give invalid_argument/"postings_exceed_hold".
  virtual Status post_hold(HoldId hold, const std::vector<Posting>& postings) = 0;
  // Returns what the hold account currently holds to the source. Exactly once, as post_hold.
  virtual Status void_hold(HoldId hold, std::string_view reason) = 0;
  // Held holds due at now (see holds_due_at), oldest first.
  virtual Result<std::vector<Hold>> due_holds(int32_t limit) = 0;

  // --- idempotency ------------------------------------------------------------------------
  // Keys are scoped (e.g. "party:42", "apikey:7"); records older than the retention are purged.
  virtual Result<std::optional<IdempotencyRecord>> find_idempotency(std::string_view scope,
                                                                    std::string_view key) = 0;
  virtual Status save_idempotency(std::string_view scope, std::string_view key,
                                  std::string_view request_hash, std::string_view result_json) = 0;
  // Deletes records created before `before_ms`; returns how many.
  virtual Result<int64_t> purge_idempotency(int64_t before_ms) = 0;

  // --- jobs -------------------------------------------------------------------------------
  virtual Result<JobId> insert_job(const Job& job) = 0;
  // Status-guarded update: writes every mutable field of `job` (and version + 1) only if the
  // stored row still has `expected_state` and `expected_version`; otherwise
  // aborted/"job_state_changed" and nothing is written. Mutable: state, worker, evaluator, the
  // escrow hold, contracts taken, result/proof/verdict and the timestamps. What a job is (market,
  // parent, lifecycle, poster, amount and quote, texts, category, capabilities, deadline, work
  // timeout, contracts_max, payload) is fixed when it is inserted and not rewritten.
  virtual Status update_job(const Job& job, std::string_view expected_state,
                            int64_t expected_version) = 0;
  virtual Status append_job_history(const JobTransitionRecord& record) = 0;

  // --- events (transactional outbox) ------------------------------------------------------
  virtual Result<int64_t> append_event(const Event& event) = 0;

  // --- timers -----------------------------------------------------------------------------
  virtual Result<int64_t> schedule_timer(const Timer& timer) = 0;
  // Removes every pending timer of the job (on leaving the state they were set in).
  virtual Status cancel_timers(JobId job) = 0;
  // Pending timers due at or before now, earliest first (timers_due_at(now)).
  virtual Result<std::vector<Timer>> due_timers(int32_t limit) = 0;
  virtual Status delete_timer(int64_t timer_id) = 0;
  // Records a failed attempt of a timer or held timed hold (attempts + 1, last_error): with
  // `next_attempt_at_ms` it is due again then; without, it is parked as stuck at now.
  // not_found/"due_work_not_found" when there is no such timer or held hold.
  virtual Status record_due_failure(DueKind kind, int64_t id,
                                    std::optional<int64_t> next_attempt_at_ms,
                                    std::string_view error) = 0;
  // Makes a stuck timer or hold due again at now. not_found/"stuck_work_not_found" when it is
  // not stuck (or does not exist).
  virtual Status retry_stuck_work(DueKind kind, int64_t id) = 0;

  // --- offers and disputes ----------------------------------------------------------------
  virtual Result<int64_t> insert_offer(const Offer& offer) = 0;
  virtual Status update_offer(const Offer& offer) = 0;
  virtual Result<int64_t> insert_dispute(const Dispute& dispute) = 0;
  virtual Status update_dispute(const Dispute& dispute) = 0;
  virtual Status upsert_dispute_vote(const DisputeVote& vote) = 0;

  // --- webhooks (outgoing delivery, marketcore/webhooks.h) --------------------------------
  virtual Result<WebhookEndpointId> insert_webhook_endpoint(const WebhookEndpoint& endpoint) = 0;
  // Moves the endpoint's outbox cursor (never backwards).
  virtual Status set_webhook_endpoint_cursor(WebhookEndpointId id, int64_t cursor_sequence) = 0;
  // not_found/"webhook_endpoint_not_found".
  virtual Status deactivate_webhook_endpoint(WebhookEndpointId id) = 0;
  // Inserts a delivery; one already queued for the same (endpoint, event) is left alone and
  // false is returned.
  virtual Result<bool> insert_webhook_delivery(const WebhookDelivery& delivery) = 0;
  // Pending deliveries of active endpoints whose next attempt is due at now, earliest first.
  virtual Result<std::vector<WebhookDelivery>> due_webhook_deliveries(int32_t limit) = 0;
  // Writes status, attempts, first/next attempt times, last status and error, updated_at_ms.
  // not_found/"webhook_delivery_not_found".
  virtual Status update_webhook_delivery(const WebhookDelivery& delivery) = 0;
  // Deletes delivered deliveries last updated before `before_ms`; returns how many.
  virtual Result<int64_t> purge_webhook_deliveries(int64_t before_ms) = 0;
  // --- end of webhooks ----------------------------------------------------------------------

  // --- auth stores (durable auth state, marketcore/auth_store_sqlite.h) ---------------------
  // Each method is one statement (spend_auth_refresh_token: at most three) and reports its
  // outcome as a value, never as a failed Status, so what it wrote (a spent nonce, a revoked
  // family) commits with the unit.
  // Inserts the nonce; false (nothing written) if that nonce exists.
  virtual Result<bool> insert_auth_nonce(const auth::NonceRecord& record) = 0;
  // Deletes the nonce and returns it as stored, expired or not; nullopt if there is none.
  virtual Result<std::optional<auth::NonceRecord>> take_auth_nonce(std::string_view nonce) = 0;
  // Records `key` until expires_at_ms, unless it is recorded with an expiry after now_ms.
  // true when recorded, false when the key is still remembered (a replay).
  virtual Result<bool> remember_auth_replay_key(std::string_view key, int64_t expires_at_ms,
                                                int64_t now_ms) = 0;
  // Inserts an unused token, revoked from the start if its family is revoked; false (nothing
  // written) if that hash exists.
  virtual Result<bool> insert_auth_refresh_token(const auth::RefreshTokenRecord& record) = 0;
  // Marks the token used if it is unused, unrevoked and unexpired at now_ms (spent). A used
  // token revokes its family (reused). See RefreshTokenSpend.
  virtual Result<RefreshTokenSpend> spend_auth_refresh_token(std::string_view token_hash,
                                                             int64_t now_ms) = 0;
  // Sets revoked_at_ms on every unrevoked token of the family.
  virtual Status revoke_auth_refresh_family(std::string_view family_id, int64_t now_ms) = 0;
  // Inserts the key; false (nothing written) if its id or hash exists.
  virtual Result<bool> insert_api_key(const auth::ApiKeyRecord& record) = 0;
  // Sets revoked_at_ms of the owner's key if unset; false if the owner has no key `id`.
  virtual Result<bool> revoke_api_key(std::string_view owner_id, std::string_view id,
                                      int64_t now_ms) = 0;
  // Raises last_used_at_ms to now_ms (never lowers it); false if there is no key `id`.
  virtual Result<bool> touch_api_key(std::string_view id, int64_t now_ms) = 0;
  // Deletes at most `rows_max` rows of `table` that expired at now_ms (expires_at_ms <=
  // now_ms); returns how many.
  virtual Result<int64_t> purge_expired_auth(AuthTable table, int64_t now_ms, int32_t rows_max) = 0;
  // --- end of auth stores -------------------------------------------------------------------
};

// Counters of the writer since open (group commit at work: units_committed / batches).
struct StoreStats {
  int64_t batches_committed = 0;  // COMMITs that succeeded
  int64_t units_committed = 0;    // units that succeeded inside them
  int64_t units_failed = 0;       // units rolled back (their own failure or a lost batch)
  int64_t batch_units_largest = 0;
  // Where the writer's time went (steady clock, summed over every batch).
  int64_t unit_nanos = 0;     // running units, with their SAVEPOINT and RELEASE
  int64_t commit_nanos = 0;   // BEGIN and COMMIT (COMMIT includes the WAL sync)
  int64_t pages_written = 0;  // database pages written to the WAL by the writer
  // Batches whose speculative pass (no savepoints) met a unit that failed after writing, and
  // so were rolled back and run again with a savepoint per unit.
  int64_t batches_rerun = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `unit` in the writer (group-committed) with `now_ms` as its time. Returns the unit's
  // Status once the commit is durable; a failed unit leaves no trace. `unit` may be called more
  // than once (a batch run again with savepoints, a transaction retried): only the last call's
  // writes and result count, so it must give the same result from the same database state,
  // assign its outputs rather than accumulate them, and have no effect outside the store.
  // A batch commits whole or not at all. When the transaction cannot be kept whole (a failed
  // SAVEPOINT, RELEASE or ROLLBACK TO, or an I/O error or full disk that ended it), the whole
  // batch is rolled back and every unit of it gets unavailable/"store_unavailable": nothing of
  // it was written, a retry may succeed. A failed COMMIT also fails every unit with
  // unavailable/"store_unavailable", and then every later write gets unavailable/
  // "store_broken" until the store is reopened; whether that commit reached the disk is known
  // only after the reopen, so a caller re-reads the state then. ok always means durable.
  virtual Status write(int64_t now_ms, const std::function<Status(Transaction&)>& unit) = 0;

  // write() without waiting: `done` gets the Status write() would have returned, exactly once,
  // on whichever thread finished the write (the SQLite store's: the thread that led the batch;
  // it must not block for long). The store owns `unit` and `done` until then. A backend without
  // an asynchronous writer runs the write on the caller's thread and calls `done` before
  // returning, which this default does.
  virtual void write_async(int64_t now_ms, std::function<Status(Transaction&)> unit,
                           std::function<void(Status)> done) {
    done(write(now_ms, unit));
  }
  // Returns once every write_async() call made before has called its `done` (a server's
  // shutdown, before what the completions refer to goes away).
  virtual void wait_for_async_writes() {}

  // Runs `query` on a reader connection.
  virtual Status read(const std::function<Status(Reader&)>& query) = 0;

  // Writer counters; a backend without them returns zeros.
  virtual StoreStats stats() const { return {}; }

  // Typed conveniences over write/read.
  template <typename T>
  Result<T> write_result(int64_t now_ms, const std::function<Result<T>(Transaction&)>& unit) {
    std::optional<T> out;
    Status status = write(now_ms, [&](Transaction& tx) -> Status {
      Result<T> result = unit(tx);
      if (!result.ok()) return result.status();
      out.emplace(std::move(result).value());
      return ok_status();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }
  template <typename T>
  void write_result_async(int64_t now_ms, std::function<Result<T>(Transaction&)> unit,
                          std::function<void(Result<T>)> done) {
    auto out = std::make_shared<std::optional<T>>();
    write_async(
        now_ms,
        [unit = std::move(unit), out](Transaction& tx) -> Status {
          Result<T> result = unit(tx);
          if (!result.ok()) return result.status();
          out->emplace(std::move(result).value());
          return ok_status();
        },
        [out, done = std::move(done)](Status status) {
          if (!status.ok()) return done(std::move(status));
          done(std::move(**out));
        });
  }
  template <typename T>
  Result<T> read_result(const std::function<Result<T>(Reader&)>& query) {
    std::optional<T> out;
    Status status = read([&](Reader& reader) -> Status {
      Result<T> result = query(reader);
      if (!result.ok()) return result.status();
      out.emplace(std::move(result).value());
      return ok_status();
    });
    if (!status.ok()) return status;
    return std::move(*out);
  }
};

// Opens (creating if needed) an SQLite store and applies pending migrations.
Result<std::unique_ptr<Store>> open_sqlite_store(const StoreOptions& options);

// True for a postgres:// or postgresql:// URL.
bool is_postgres_url(std::string_view location);

// Opens a PostgreSQL store at the libpq URL `options.path` (an existing database; several
// servers may share it) and applies pending migrations under an advisory lock. Uses
// reader_connections + 8 connections; durability is the server's (synchronous_commit).
Result<std::unique_ptr<Store>> open_postgres_store(const StoreOptions& options);

// open_postgres_store for a postgres:// or postgresql:// URL, else open_sqlite_store.
Result<std::unique_ptr<Store>> open_store(const StoreOptions& options);

}  // namespace mc::store
