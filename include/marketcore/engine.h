// marketcore/engine.h — the marketplace engine: the one object a host talks to.
//
// An Engine owns a store (an SQLite file), a clock and the registered lifecycle definitions.
// Every money-moving call reads: validate the request (pure) → one store transaction that
// re-reads the job, checks the lifecycle allows the actor's transition, applies its ledger
// effects, writes the status-guarded job update, its history row and its events, and arms the
// next state's timers → returns once that transaction is durable. Concurrent callers are
// group-committed by the store's single writer.
//
// Idempotency: a money-moving request may carry an IdempotencyKey. The key is scoped to the
// principal and bound to a hash of the request: a repeat returns the original result (with
// `replayed` set), the same key with a different request is
// invalid_argument/"idempotency_key_reused", and keys are kept at least 24 h.
// External references (payment event ids, chain tx hashes, payout ids) move money at most
// once, ever, per direction (deposit or withdrawal); an identical repeat replays.
//
// Time: all time comes from EngineOptions::clock. `run_due()` fires every timer and releases
// every timed hold that fell due; with a ManualClock, `advance_ms()` moves time and does the
// same, so a test drives days of market time in milliseconds. Due work is never dropped: a
// transient failure (code_is_transient) is retried with backoff, a permanent one parks the
// timer or hold as stuck — listed by stuck_due_work(), reported to
// EngineOptions::on_due_failure, due again after retry_stuck_due_work(). A host runs due work
// with mc::Scheduler (marketcore/scheduler.h).
//
// Errors: every call returns Status/Result; codes and details are listed per call.
// Thread-safety: Engine is thread-safe; share one per database file.
//
// Example:
//   auto clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
//   auto engine = mc::Engine::open({.database_path = "market.db", .clock = clock}).value();
//   mc::Market market = engine->ensure_market(mc::builtin_market_config("j0")).value();
//   mc::Party poster = engine->register_party({.market_id = market.id, .kind = "wallet"}).value();
//   engine->deposit({.market_id = market.id, .party_id = poster.id, .amount_minor = 100})
//       .status().ignore();
//   mc::Job job = engine->create_job({.market_id = market.id, .poster_id = poster.id,
//                                     .amount_minor = 10, .category = "opus",
//                                     .prompt = "Summarize ..."}).value();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/dispute.h"
#include "marketcore/events.h"
#include "marketcore/job.h"
#include "marketcore/ledger.h"
#include "marketcore/lifecycle.h"
#include "marketcore/market.h"
#include "marketcore/party.h"
#include "marketcore/status.h"

namespace mc::store {
class Transaction;  // the store's write transaction (internal)
}  // namespace mc::store

namespace mc {

class WebhookRegistry;  // marketcore/webhooks.h
struct AuthStores;      // marketcore/auth_store_sqlite.h

// A timer or timed hold whose processing failed permanently: parked, never deleted, due again
// once retried (Engine::retry_stuck_due_work).
struct StuckDueWork {
  enum class Kind : int32_t { timer = 0, hold = 1 };
  Kind kind = Kind::timer;
  int64_t id = 0;  // timer id or hold id
  std::optional<JobId> job_id;
  std::string transition;  // the timer's transition; "" for a hold
  int64_t due_at_ms = 0;
  int32_t attempts = 0;  // failed attempts so far
  int64_t stuck_at_ms = 0;
  std::string last_error;  // Status::to_string() of the last failure
};

// One failed attempt at due work, as reported to EngineOptions::on_due_failure.
struct DueWorkFailure {
  StuckDueWork::Kind kind = StuckDueWork::Kind::timer;
  int64_t id = 0;
  std::optional<JobId> job_id;     // timers only
  std::string transition;          // timers only
  Status status;                   // why the attempt failed
  int32_t attempts = 0;            // failed attempts including this one
  bool parked = false;             // permanent: parked as stuck
  int64_t next_attempt_at_ms = 0;  // transient: when it is tried again
};

enum class Durability : int32_t {
  full = 0,    // no acknowledged write is lost, even on power loss (default)
  normal = 1,  // survives a process crash; the last commits may be lost on power loss
};

struct EngineOptions {
  // SQLite file (created if missing), or a postgres:// / postgresql:// URL of an existing
  // PostgreSQL database (docs/scaling.md).
  std::string database_path;
  std::shared_ptr<Clock> clock;  // default: the system clock
  Durability durability = Durability::full;
  int32_t reader_connections = 4;
  int64_t idempotency_retention_ms = 24 * 60 * 60 * 1000;  // at least 24 h
  // Receives one-line progress messages during long start-up work (migrations).
  std::function<void(std::string_view)> progress;
  // Runs verify_ledger() while opening (one pass over every account, transfer and hold) and
  // refuses to open a database whose ledger is not consistent. Off by default; the server
  // turns it on with --verify-ledger.
  bool verify_ledger_at_open = false;
  // Most store writes waiting at once; more are refused with resource_exhausted/
  // "write_queue_full" (a transient code).
  int32_t write_queue_units_max = 4096;
  // Group-committed batches run first without a savepoint per unit, and again with them only
  // when a unit failed after writing (the engine checks before it writes, so refusals rarely
  // do). False puts every unit in its savepoint from the start: a savepoint copies each page
  // the unit changes, about a fifth of a transition's CPU time.
  bool speculative_batches = true;
  // Backoff of due work after a transient failure: first retry after due_retry_backoff_ms,
  // doubling per failed attempt up to due_retry_backoff_max_ms.
  int64_t due_retry_backoff_ms = 1000;
  int64_t due_retry_backoff_max_ms = 5 * 60 * 1000;
  // Called on the thread running due work for every failed attempt at a timer or timed hold,
  // before its retry or parking is recorded (for a log line and metrics). Must not block long.
  std::function<void(const DueWorkFailure&)> on_due_failure;
};

// A client-chosen key that makes a call safe to retry. `scope` names the principal
// ("party:42", "apikey:7"); two principals may use the same key independently.
struct IdempotencyKey {
  std::string scope;
  std::string key;
};

// Market configuration of a built-in dialect: "j0", "agentmarket", "humanops", "aacp",
// "1337mkt" (asset, lifecycle, fee policy, limits, settlement hold as the seeds document).
// Returns not_found/"unknown_builtin_market" for any other name.
Result<MarketConfig> builtin_market_config(std::string_view name);

// Process-wide: turns SQLite's memory statistics off (SQLITE_CONFIG_MEMSTATUS), which take a
// global mutex around every SQLite allocation, about 5 % of a write's CPU time. It also turns
// off sqlite3_memory_used() and the soft heap limit for the whole process, so it is the host's
// choice; marketcore-server makes it at start. Takes effect only before SQLite is first used in
// the process (before the first Engine::open); returns false when it came too late.
bool disable_sqlite_memory_statistics();

struct Deposit {
  MarketId market_id = 0;
  PartyId party_id = 0;
  int64_t amount_minor = 0;
  AccountKind into = AccountKind::available;  // available, promo or stake
  std::string reason = "deposit";             // e.g. "purchase", "usdc_deposit", "signup_bonus"
  std::optional<std::string> external_ref;    // credits at most once, ever
  std::optional<IdempotencyKey> idempotency;
};

struct Withdrawal {
  MarketId market_id = 0;
  PartyId party_id = 0;
  int64_t amount_minor = 0;
  AccountKind from = AccountKind::available;  // available or stake
  std::string reason = "withdrawal";
  std::optional<std::string> external_ref;
  std::optional<IdempotencyKey> idempotency;
};

struct MoneyMovement {
  TransferId transfer_id = 0;
  int64_t balance_after_minor = 0;  // of the account credited (deposit) or debited (withdrawal)
  bool replayed = false;            // an idempotent or external-ref repeat
};

struct CreateJob {
  MarketId market_id = 0;
  PartyId poster_id = 0;
  int64_t amount_minor = 0;
  std::optional<PartyId> evaluator_id;
  std::optional<PartyId> worker_id;  // pre-assigned worker (direct hire), if any
  std::optional<JobId> parent_job_id;
  std::string title;
  std::string description;
  std::string prompt;
  std::string category;
  std::vector<std::string> capabilities;
  std::optional<int64_t> deadline_at_ms;
  std::optional<int64_t> work_timeout_ms;
  int32_t contracts_max = 1;
  std::string payload_json = "{}";
  std::optional<IdempotencyKey> idempotency;
  // A transition (or group) the creating party (poster_id) fires on the new job in the same
  // write transaction, right after creation: both commit or neither does, so nobody ever
  // sees the job in its initial state. AgentMarket direct execution: "start_execution".
  // Empty: none.
  std::string then_fire;
};

// A registration as one unit: the party, its opening deposit and its first API key commit
// together or not at all (a failing deposit leaves no party behind).
struct RegisterParty {
  Party party;  // market_id, kind and profile; id and times are assigned
  // Credited right after the party is inserted; market_id and party_id are filled in. Its
  // external_ref works as for Engine::deposit; an idempotency key is refused
  // (invalid_argument/"idempotency_not_supported": a registration is not idempotent).
  std::optional<Deposit> opening_deposit;
  // Stored in this engine's api_keys table (Engine::auth_stores().api_keys) with owner_id set
  // to the new party's id in decimal; mint it with auth::ApiKeys::mint.
  std::optional<auth::ApiKeyRecord> api_key;
};

struct RegisteredParty {
  Party party;
  std::optional<MoneyMovement> opening_deposit;
};

// A profile update that writes only the fields it sets, on the row as it is when the write
// runs: concurrent updates of different fields never lose each other's writes. The last
// writer of one field wins.
struct PartyUpdate {
  PartyId id = 0;
  std::optional<std::string> kind;
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> wallet_address;  // stored lower-case
  std::optional<std::string> external_id;
  std::optional<std::vector<std::string>> capabilities;
  std::optional<std::string> kyc_status;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> webhook_url;
  std::optional<int64_t> reputation;
  std::optional<std::string> tier;
  std::optional<std::string> profile_json;  // valid JSON
};

// A request to fire one transition (or the first passing transition of a group).
struct FireTransition {
  JobId job_id = 0;
  std::string transition;  // a transition name, or a group name
  // The acting party; empty for Role::system / Role::platform calls made by the host.
  std::optional<PartyId> actor_id;
  bool as_platform = false;           // the host acts as the market operator
  std::string result_text;            // Record::result
  std::string proof_json;             // Record::proof (valid JSON)
  std::string verdict_json;           // Record::verdict (valid JSON)
  std::optional<int32_t> confidence;  // verifier confidence 0–100 for confidence guards
  // Record::worker_from_request: the party the poster picks (AACP: the provider whose offer
  // the client accepts).
  std::optional<PartyId> worker_id;
  std::optional<IdempotencyKey> idempotency;
};

struct JobOutcome {
  Job job;
  std::string fired;      // the transition that fired (resolves groups)
  bool replayed = false;  // an idempotent repeat
  // The balances, as committed with the transition, of every party whose balances it changed
  // (the parties of its balance.updated events). Empty for a replay. Lets a caller answer
  // with the actor's balance without reading it again after the write.
  std::map<PartyId, Balances> balances;
};

// Offers (AACP): a candidate applies; the poster picks one (the others become REJECTED).
struct SubmitOffer {
  JobId job_id = 0;
  PartyId party_id = 0;
  std::string payload_json = "{}";
};

// Host-defined guard: returns ok to allow, or the Status to refuse with.
using GuardFunction = std::function<Status(const Job& job, std::optional<PartyId> actor,
                                           const FireTransition& request)>;

class Engine {
 public:
  // Opens (creating if needed) the database, applies migrations, registers the built-in
  // lifecycles. Returns unavailable/"store_open_failed" if the file cannot be opened; with
  // EngineOptions::verify_ledger_at_open, data_loss/"ledger_inconsistent" (the message names
  // the first problem found) if the ledger does not verify.
  static Result<std::unique_ptr<Engine>> open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const Clock& clock() const;

  // --- lifecycles ----------------------------------------------------------------------
  // Registers a host lifecycle. invalid_argument (see validate_lifecycle) or
  // already_exists/"lifecycle_exists".
  Status register_lifecycle(LifecycleDefinition definition);
  Status register_guard(std::string name, GuardFunction guard);
  Result<LifecycleDefinition> lifecycle(std::string_view name) const;

  // --- markets -------------------------------------------------------------------------
  // invalid_argument for a bad config (unknown lifecycle, bad scale);
  // already_exists/"market_exists" for a taken name.
  Result<Market> create_market(const MarketConfig& config);
  // Returns the market of that name, creating it from `config` if it does not exist.
  Result<Market> ensure_market(const MarketConfig& config);
  Result<Market> market(MarketId id);
  Result<Market> market_by_name(std::string_view name);

  // --- parties -------------------------------------------------------------------------
  // Identity: in a market that makes email, wallet or external id unique (MarketConfig::
  // unique_*), a party whose non-empty field another party of the market has is refused with
  // already_exists/"party_identity_taken" (param names the field), checked inside the write.
  Result<Party> register_party(const Party& party);
  // The party, its opening deposit and its API key in one write unit (see RegisterParty).
  // Errors: register_party's, deposit's (e.g. "balance_limit"), already_exists/
  // "api_key_exists"; on any of them nothing is written.
  Result<RegisteredParty> register_party(const RegisterParty& request);
  // Writes every field of `party` (but id, market_id, created_at_ms). Two callers that each
  // read, change one field and write the whole row can lose each other's change: prefer
  // update_party_fields.
  Status update_party(const Party& party);
  // Writes only the fields `update` sets, inside the write unit; returns the party after.
  // not_found/"party_not_found", "party_identity_taken", invalid_argument for bad text/JSON.
  Result<Party> update_party_fields(const PartyUpdate& update);
  Result<Party> party(PartyId id);
  Result<Party> party_by_wallet(MarketId market, std::string_view wallet_address);
  Result<Party> party_by_external_id(MarketId market, std::string_view external_id);
  Result<std::vector<Party>> parties(MarketId market, std::optional<std::string> capability,
                                     int32_t limit, int32_t offset);

  // --- money ---------------------------------------------------------------------------
  // Credits a party from the market's world account. With external_ref: the first credit
  // wins; an identical repeat by the same party returns it with replayed=true; a repeat with
  // another amount, account kind or reason is already_exists/"external_ref_conflict";
  // another party gets already_exists/"external_ref_used". invalid_argument/
  // "amount_too_large" above the market's movement_max_minor; failed_precondition/
  // "balance_limit" when the account would hold more than its balance_max_minor.
  Result<MoneyMovement> deposit(const Deposit& request);
  // Debits a party to the world account. failed_precondition/"insufficient_funds";
  // "amount_too_large" as for deposits. External references are scoped per direction (a
  // withdrawal's never collides with a deposit's) and answered as for deposits: an identical
  // repeat replays and debits nothing.
  Result<MoneyMovement> withdraw(const Withdrawal& request);
  Result<Balances> balances(MarketId market, PartyId party);
  // Every hold tied to `job` (escrow, stakes, dispute deposits), oldest first.
  Result<std::vector<Hold>> job_holds(JobId job);
  // Transfers touching the party's accounts, newest first.
  Result<std::vector<Transfer>> transfers(MarketId market, PartyId party,
                                          std::optional<TransferId> before_id, int32_t limit);
  // Recomputes every balance from the transfers; Σ = 0 per market. ok() on the report when
  // consistent.
  Result<LedgerReport> verify_ledger();

  // --- jobs ----------------------------------------------------------------------------
  // Validates against the market's limits, locks the fee quote, fires the lifecycle's
  // creation transition (usually funding escrow), then request.then_fire if set (the outcome
  // is the job after it, `fired` naming it). invalid_argument for a bound (param names the
  // field), invalid_argument/"worker_is_poster" (a named worker must not be the poster),
  // failed_precondition/"insufficient_funds", not_found/"party_not_found",
  // permission_denied/"<role>_not_opted_in" (a party named in a role it has not accepted,
  // marketcore/role_opt_in.h), plus fire()'s errors for then_fire; any failure writes nothing.
  Result<JobOutcome> create_job(const CreateJob& request);
  // Fires a transition. not_found/"job_not_found"; not_found/"transition_not_found";
  // permission_denied/"role_not_allowed" (message names the roles allowed);
  // permission_denied/"not_assigned_worker" (the job was created for another worker);
  // failed_precondition/"wrong_state" (message names the transition and the state);
  // failed_precondition/<guard detail> ("deadline_passed", "expired", "kyc_required", ...);
  // permission_denied/"<role>_not_opted_in" (the transition locks the stake of a party that
  // has not accepted its role); aborted/"job_state_changed" when a concurrent call won.
  // marketcore/refusal.h turns any of these into a structured explanation.
  Result<JobOutcome> fire(const FireTransition& request);
  // create_job and fire without waiting for the commit: `done` gets what the waiting call
  // would have returned, exactly once. A refusal found before the write (a malformed request)
  // reaches `done` before this returns; otherwise `done` runs on the thread that finished the
  // write: with the SQLite store, the thread leading that group commit (the store's own writer
  // thread, or a caller of a waiting write), so it must not block for long and must not call
  // a waiting write of this engine (it would wait for itself); an asynchronous one is fine.
  // A server answers its client from `done` and needs no thread per request waiting for the
  // commit. The engine must outlive every pending call.
  void create_job_async(const CreateJob& request, std::function<void(Result<JobOutcome>)> done);
  void fire_async(const FireTransition& request, std::function<void(Result<JobOutcome>)> done);
  // Returns once every asynchronous call made before has called its `done` (a host's
  // shutdown, before what its completions refer to goes away).
  void wait_for_async_writes();
  Result<Job> job(JobId id);
  Result<std::vector<Job>> jobs(const JobQuery& query);
  Result<std::vector<JobTransitionRecord>> job_history(JobId id);
  // Reads as `viewer` may see them: each restricted field of the job's lifecycle
  // (LifecycleDefinition::visibility) the viewer may not read in full is cut to its preview
  // and listed in Job::redacted_fields. Every API renders jobs through these.
  Result<Job> job_as_seen_by(JobId id, const JobViewer& viewer);
  Result<std::vector<Job>> jobs_as_seen_by(const JobQuery& query, const JobViewer& viewer);
  // A job already read (a JobOutcome's) as `viewer` may see it. internal/"unknown_lifecycle"
  // when the job's lifecycle is not registered.
  Result<Job> as_seen_by(Job job, const JobViewer& viewer) const;

  // --- offers --------------------------------------------------------------------------
  // Idempotent per (job, party): a PENDING offer of the party is answered again. The market's
  // gates ("offer_reputation_min", "offer_stake_min_minor" on the unlocked stake account) are
  // read in the write: permission_denied/"reputation_too_low", failed_precondition/
  // "insufficient_stake"; failed_precondition/"wrong_state" once the job has a worker or ended.
  Result<int64_t> submit_offer(const SubmitOffer& request);
  // The party's PENDING offer becomes WITHDRAWN (a WITHDRAWN one answers ok again).
  // not_found/"offer_not_found"; failed_precondition/"offer_not_pending".
  Status withdraw_offer(JobId job, PartyId party);

  // --- disputes ------------------------------------------------------------------------
  // Files a dispute by firing the job's "dispute" transition as `filed_by` (which takes any
  // deposit the lifecycle asks for) and opens it for judges. failed_precondition/
  // "dispute_window_closed", failed_precondition/"dispute_exists", plus fire()'s errors.
  Result<Dispute> open_dispute(JobId job, PartyId filed_by, std::string reason,
                               std::optional<IdempotencyKey> idempotency = std::nullopt);
  // Adds a judge. permission_denied/"judge_not_eligible" (party to the job, or reputation
  // below the market's judge minimum); failed_precondition/"panel_full".
  Status join_dispute(int64_t dispute_id, PartyId judge);
  // Records a judge's vote ("worker" or "poster"); when a majority of judges_needed agrees,
  // fires "resolve_for_worker" or "resolve_for_poster" as Role::system in the same
  // transaction. permission_denied/"not_a_judge"; failed_precondition/"already_voted".
  Result<Dispute> cast_vote(int64_t dispute_id, PartyId judge, std::string_view vote);
  // Commit-reveal judging (AACP arbitrators). A judge commits vote_commitment(vote, salt)
  // (joining the panel: eligibility as join_dispute, a stake of the market's
  // "arbitrator_stake_minor" divided by min(1, reputation/100) locked on the job from its stake
  // account, released with the job's stakes) within "commit_hours" of the filing; once every
  // judge has committed (or the commit window closed) each reveals its vote and salt until
  // "reveal_hours" later; a majority of revealed votes fires the verdict as cast_vote does.
  // commit_vote: invalid_argument/"bad_commitment"; failed_precondition/"commit_window_closed",
  // "already_committed" (another commitment; the same one again answers ok), "panel_full",
  // "dispute_closed"; permission_denied/"judge_not_eligible"; "insufficient_funds" (stake).
  // reveal_vote: invalid_argument/"bad_vote"; permission_denied/"not_a_judge";
  // failed_precondition/"already_voted", "reveal_not_open", "reveal_window_closed",
  // "commitment_mismatch". `spelled_vote` is how the judge's dialect spells the vote in the
  // commitment ("" = `vote` itself).
  static std::string vote_commitment(std::string_view spelled_vote, std::string_view salt);
  Result<Dispute> commit_vote(int64_t dispute_id, PartyId judge, std::string_view commitment);
  Result<Dispute> reveal_vote(int64_t dispute_id, PartyId judge, std::string_view vote,
                              std::string_view salt, std::string_view spelled_vote = {});
  Result<Dispute> dispute(int64_t dispute_id);
  // The dispute filed on a job, if any.
  Result<std::optional<Dispute>> dispute_of_job(JobId job);
  // Open disputes of a market, oldest first (at most `limit`, 1..1000).
  Result<std::vector<Dispute>> open_disputes(MarketId market, int32_t limit);
  // The judges of a dispute and their votes, in the order they joined.
  Result<std::vector<DisputeVote>> dispute_votes(int64_t dispute_id);
  Result<std::vector<Offer>> offers(JobId job);

  // --- time ----------------------------------------------------------------------------
  // Fires every timer and resolves every timed hold due at clock().now_ms(), each in its own
  // write unit. Returns how many were attempted. A timer whose job already left its state is
  // deleted; a failed one is retried later (transient) or parked as stuck (permanent), and
  // the pass goes on with the next. Fails only when even recording a failure fails (the store
  // is unavailable or its write queue is full); what was not recorded stays due.
  Result<int64_t> run_due();
  // Requires: the engine's clock is a ManualClock (else failed_precondition/"not_manual_clock").
  // Advances it by `delta_ms` in steps, processing due work at each due time in order.
  Result<int64_t> advance_ms(int64_t delta_ms);
  // Earliest due time of pending timers and holds (stuck ones excluded), for a scheduler.
  Result<std::optional<int64_t>> next_due_at_ms();
  // Parked timers and holds, oldest parked first (at most `limit`, 1..1000), and their count.
  Result<std::vector<StuckDueWork>> stuck_due_work(int32_t limit = 100);
  Result<int64_t> count_stuck_due_work();
  // Makes a stuck timer or hold due again now (the next run_due tries it).
  // not_found/"stuck_work_not_found" when it is not stuck.
  Status retry_stuck_due_work(StuckDueWork::Kind kind, int64_t id);

  // --- monitoring ----------------------------------------------------------------------
  // Counters of the store's group-commit writer since the engine opened.
  struct WriterStatistics {
    int64_t batches_committed = 0;    // COMMITs that succeeded
    int64_t units_committed = 0;      // write units committed inside them
    int64_t units_failed = 0;         // units rolled back
    int64_t batch_units_largest = 0;  // most units one COMMIT carried
    int64_t unit_nanos = 0;           // time spent running units (SQL and engine logic)
    int64_t commit_nanos = 0;         // time spent in BEGIN and COMMIT (with the WAL sync)
    int64_t pages_written = 0;        // database pages the writer wrote to the WAL
    // Batches run again with a savepoint per unit because a unit failed after writing (a
    // batch runs first without them; see EngineOptions::speculative_batches).
    int64_t batches_rerun = 0;
  };
  WriterStatistics writer_statistics() const;

  // --- events --------------------------------------------------------------------------
  Result<std::vector<Event>> events(const EventQuery& query);
  // Appends an event about `job` (a dialect's record of something reported, e.g. AACP's
  // CEX_CAPITAL snapshots), concerning the job's poster, worker and evaluator, in one write.
  // invalid_argument/"invalid_json" for a payload that is not JSON; not_found/"job_not_found".
  Result<Event> append_job_event(JobId job, std::string type, std::string payload_json);
  // Who may report such an event and when, checked inside the same write as the append (so a
  // job that moves on meanwhile is not reported on):
  struct JobEventRules {
    // Only the job's worker (its provider) may report: permission_denied/"role_not_allowed"
    // for any other party, or when the job has no worker.
    std::optional<PartyId> worker;
    // The job must be in one of these states: failed_precondition/"wrong_state". Empty: any.
    std::vector<std::string> states;
  };
  Result<Event> append_job_event(JobId job, std::string type, std::string payload_json,
                                 const JobEventRules& rules);

  // --- webhooks ------------------------------------------------------------------------
  // Outgoing webhook endpoints and deliveries over this engine's store (include
  // marketcore/webhooks.h to use it). The handle is valid while the Engine lives.
  WebhookRegistry webhooks();

  // --- auth stores ---------------------------------------------------------------------
  // Durable API keys, login nonces, replay guard and refresh tokens in this engine's
  // database (include marketcore/auth_store_sqlite.h to use them). Each call returns new
  // handles over the same tables; they may be called while the Engine lives.
  AuthStores auth_stores();

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  // The write unit of create_job or fire, owning its inputs, after the checks that need no
  // write; shared by the waiting and the asynchronous calls (engine_jobs.cpp).
  using JobUnit = std::function<Result<JobOutcome>(store::Transaction&)>;
  Result<JobUnit> create_job_unit(const CreateJob& request);
  Result<JobUnit> fire_unit(const FireTransition& request);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc
