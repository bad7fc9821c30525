// PgTransaction: the PostgreSQL implementation of store::Transaction (and so of Reader).
//
// One object wraps one pooled connection for one unit of work inside one PostgreSQL
// transaction (SERIALIZABLE or READ COMMITTED for a write unit, REPEATABLE READ READ ONLY for a
// read; see postgres_store.cpp and isolation.h). Under READ COMMITTED the write unit locks what
// it reads and then writes (lock_reads, see locks_sql.cpp). The methods mirror the SQLite
// backend's, one file per concept (markets_sql.cpp, parties_sql.cpp, ledger_sql.cpp, holds_sql.cpp,
// verify_sql.cpp, jobs_sql.cpp, events_sql.cpp, timers_sql.cpp, disputes_sql.cpp,
// idempotency_sql.cpp, webhooks_sql.cpp, auth_sql.cpp), with the SQL in PostgreSQL's dialect.
//
// Thread-safety: none; valid only inside the callback that receives it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/postgres/connection.h"
#include "store/sqlite/market_cache.h"  // backend-neutral: a cache of market rows
#include "store/store.h"

namespace mc::store::postgres {

// One row of `accounts`.
struct AccountRow {
  AccountId id = 0;
  AccountRef ref;
  int64_t balance_minor = 0;
  bool allow_negative = false;
};

class PgTransaction final : public Transaction {
 public:
  // `markets` (may be null) caches market rows across transactions; only a read-only
  // transaction adds to it (it sees committed rows only), see market_cache.h.
  // `lock_reads`: a READ COMMITTED write unit (see locks_sql.cpp).
  PgTransaction(Connection& connection, int64_t now_ms, sqlite::MarketCache* markets,
                bool read_only, bool lock_reads = false)
      : connection_(connection),
        now_ms_(now_ms),
        markets_(markets),
        read_only_(read_only),
        lock_reads_(lock_reads && !read_only) {}

  // Reader.
  Result<Market> market(MarketId id) override;
  Result<Market> market_by_name(std::string_view name) override;
  Result<std::vector<Market>> markets() override;
  Result<Party> party(PartyId id) override;
  Result<Party> party_by_wallet(MarketId market, std::string_view wallet_lower) override;
  Result<Party> party_by_external_id(MarketId market, std::string_view external_id) override;
  Result<Party> party_by_email(MarketId market, std::string_view email) override;
  Result<std::vector<Party>> parties(const PartyFilter& filter) override;
  Result<Job> job(JobId id) override;
  Result<std::vector<Job>> jobs(const JobQuery& filter) override;
  Result<int64_t> count_jobs(const JobQuery& filter) override;
  Result<std::vector<JobTransitionRecord>> job_history(JobId id) override;
  Result<int64_t> balance(const AccountRef& account) override;
  Result<Balances> balances(MarketId market, PartyId party) override;
  Result<Hold> hold(HoldId id) override;
  Result<std::vector<Hold>> holds_of_job(JobId job) override;
  Result<std::vector<Transfer>> transfers(const TransferFilter& filter) override;
  Result<int64_t> trailing_spend(MarketId market, PartyId poster, int64_t since_ms) override;
  Result<std::vector<Event>> events(const EventQuery& query) override;
  Result<int64_t> last_event_sequence() override;
  Result<std::vector<Offer>> offers(JobId job) override;
  Result<std::optional<Dispute>> dispute_of_job(JobId job) override;
  Result<Dispute> dispute(int64_t id) override;
  Result<std::vector<Dispute>> open_disputes(MarketId market, int32_t limit) override;
  Result<std::vector<DisputeVote>> dispute_votes(int64_t dispute_id) override;
  Result<LedgerReport> verify_ledger() override;
  // Due work (timers_sql.cpp).
  Result<std::vector<Timer>> timers_due_at(int64_t now_ms, int32_t limit) override;
  Result<std::vector<DueHold>> holds_due_at(int64_t now_ms, int32_t limit) override;
  Result<std::vector<StuckWork>> stuck_work(int32_t limit) override;
  Result<int64_t> count_stuck_work() override;

  // Transaction.
  int64_t now_ms() const override { return now_ms_; }
  Result<MarketId> insert_market(const MarketConfig& config) override;
  Result<PartyId> insert_party(const Party& party) override;
  Status update_party(const Party& party) override;
  Result<TransferId> transfer(const AccountRef& from, const AccountRef& to, int64_t amount_minor,
                              std::string_view reason, std::optional<JobId> job,
                              std::optional<std::string> external_ref) override;
  Result<std::optional<ExternalCredit>> find_external_credit(
      MarketId market, std::string_view ref,
      ExternalRefDirection direction = ExternalRefDirection::credit) override;
  Result<Hold> create_hold(HoldPurpose purpose, const AccountRef& source, int64_t amount_minor,
                           std::optional<JobId> job, std::optional<PartyId> party,
                           std::string_view reason, std::optional<int64_t> due_at_ms,
                           std::optional<AccountRef> release_to) override;
  Status post_hold(HoldId hold, const std::vector<Posting>& postings) override;
  Status void_hold(HoldId hold, std::string_view reason) override;
  Result<std::vector<Hold>> due_holds(int32_t limit) override;
  Result<std::optional<IdempotencyRecord>> find_idempotency(std::string_view scope,
                                                            std::string_view key) override;
  Status save_idempotency(std::string_view scope, std::string_view key,
                          std::string_view request_hash, std::string_view result_json) override;
  Result<int64_t> purge_idempotency(int64_t before_ms) override;
  Result<JobId> insert_job(const Job& job) override;
  Status update_job(const Job& job, std::string_view expected_state,
                    int64_t expected_version) override;
  Status append_job_history(const JobTransitionRecord& record) override;
  Result<int64_t> append_event(const Event& event) override;
  Result<int64_t> schedule_timer(const Timer& timer) override;
  Status cancel_timers(JobId job) override;
  Result<std::vector<Timer>> due_timers(int32_t limit) override;
  Status delete_timer(int64_t timer_id) override;
  Status record_due_failure(DueKind kind, int64_t id, std::optional<int64_t> next_attempt_at_ms,
                            std::string_view error) override;
  Status retry_stuck_work(DueKind kind, int64_t id) override;
  Result<std::optional<int64_t>> next_due_at() override;
  Result<int64_t> insert_offer(const Offer& offer) override;
  Status update_offer(const Offer& offer) override;
  Result<int64_t> insert_dispute(const Dispute& dispute) override;
  Status update_dispute(const Dispute& dispute) override;
  Status upsert_dispute_vote(const DisputeVote& vote) override;

  // Webhooks (webhooks_sql.cpp).
  Result<WebhookEndpoint> webhook_endpoint(WebhookEndpointId id) override;
  Result<std::vector<WebhookEndpoint>> webhook_endpoints(MarketId market,
                                                         std::optional<PartyId> party) override;
  Result<WebhookDelivery> webhook_delivery(WebhookDeliveryId id) override;
  Result<std::vector<WebhookDelivery>> webhook_deliveries(
      const WebhookDeliveryFilter& filter) override;
  Result<std::optional<int64_t>> next_webhook_due_at() override;
  Result<WebhookBacklog> webhook_backlog() override;
  Result<WebhookEndpointId> insert_webhook_endpoint(const WebhookEndpoint& endpoint) override;
  Status set_webhook_endpoint_cursor(WebhookEndpointId id, int64_t cursor_sequence) override;
  Status deactivate_webhook_endpoint(WebhookEndpointId id) override;
  Result<bool> insert_webhook_delivery(const WebhookDelivery& delivery) override;
  Result<std::vector<WebhookDelivery>> due_webhook_deliveries(int32_t limit) override;
  Status update_webhook_delivery(const WebhookDelivery& delivery) override;
  Result<int64_t> purge_webhook_deliveries(int64_t before_ms) override;

  // Auth stores (auth_sql.cpp).
  Result<auth::ApiKeyRecord> api_key_by_hash(std::string_view key_hash) override;
  Result<std::vector<auth::ApiKeyRecord>> api_keys_of_owner(std::string_view owner_id) override;
  Result<bool> insert_auth_nonce(const auth::NonceRecord& record) override;
  Result<std::optional<auth::NonceRecord>> take_auth_nonce(std::string_view nonce) override;
  Result<bool> remember_auth_replay_key(std::string_view key, int64_t expires_at_ms,
                                        int64_t now_ms) override;
  Result<bool> insert_auth_refresh_token(const auth::RefreshTokenRecord& record) override;
  Result<RefreshTokenSpend> spend_auth_refresh_token(std::string_view token_hash,
                                                     int64_t now_ms) override;
  Status revoke_auth_refresh_family(std::string_view family_id, int64_t now_ms) override;
  Result<bool> insert_api_key(const auth::ApiKeyRecord& record) override;
  Result<bool> revoke_api_key(std::string_view owner_id, std::string_view id,
                              int64_t now_ms) override;
  Result<bool> touch_api_key(std::string_view id, int64_t now_ms) override;
  Result<int64_t> purge_expired_auth(AuthTable table, int64_t now_ms, int32_t rows_max) override;

 private:
  // Ledger internals (ledger_sql.cpp).
  Result<std::optional<AccountRow>> find_account(const AccountRef& ref);
  Result<AccountRow> account_by_id(AccountId id);
  Result<AccountRow> ensure_account(const AccountRef& ref);
  // Creates the account `ref` (empty); constraint_violation if it exists.
  Result<AccountRow> create_account(const AccountRef& ref);
  // Moves money between two loaded accounts, keeping both rows (and `from`/`to`) in step.
  Result<TransferId> move(AccountRow& from, AccountRow& to, int64_t amount_minor,
                          std::string_view reason, std::optional<JobId> job,
                          std::optional<HoldId> hold,
                          const std::optional<std::string>& external_ref);
  // Holds (holds_sql.cpp): adds `delta_minor` to the hold_totals row of the hold's party and
  // purpose (nothing for a hold without a party); the AccountRow overload does it for the hold
  // that owns `account` when it is a hold account, and nothing otherwise.
  Status add_to_hold_total(const Hold& held, int64_t delta_minor);
  Status add_to_hold_total(const AccountRow& account, int64_t delta_minor);
  // Marks a held hold resolved; aborted if it was not held.
  Status resolve_hold(HoldId hold, HoldState state);
  // Where a hold's money returns to: its source, or up the chain of resolved parent holds.
  Result<AccountRow> return_account(const Hold& held);

  // Row and key locks of a READ COMMITTED write unit (locks_sql.cpp). `clause` (" FOR UPDATE",
  // " FOR SHARE") when this unit locks its reads, "" otherwise: appended to a SELECT's text.
  std::string_view row_lock(std::string_view clause) const { return lock_reads_ ? clause : ""; }
  // Serializes the units that check that no row has `key` in `space` before inserting one
  // (identities, idempotency keys, external references, market names): nothing to lock for a
  // row that does not exist yet, so the key itself is locked, to the unit's end.
  enum class KeySpace : int32_t {
    idempotency = 1,
    external_ref = 2,
    party_email = 3,
    party_wallet = 4,
    party_external_id = 5,
    market_name = 6,
    trailing_spend = 7,
  };
  Status lock_key(KeySpace space, int64_t scope, std::string_view key);
  // The trailing spend of a poster (fee tiers) in a market that prices by it: the unit that reads
  // it and every unit that changes it (resolves a job's escrow hold, completes a job) lock the
  // (market, poster) key first, so a creation waits for a completion in flight and prices with
  // it (locks_sql.cpp). Nothing for a market without tiers, or outside READ COMMITTED.
  Status lock_trailing_spend(MarketId market, PartyId poster);
  // The same for the job whose escrow hold `hold` is (nothing if it is no job's escrow hold).
  Status lock_trailing_spend_of_escrow(const Hold& hold);

  Connection& connection_;
  int64_t now_ms_ = 0;
  sqlite::MarketCache* markets_ = nullptr;
  bool read_only_ = false;
  bool lock_reads_ = false;     // READ COMMITTED write unit (locks_sql.cpp)
  bool events_locked_ = false;  // this unit holds the events lock (events_sql.cpp)
  std::vector<std::pair<MarketId, PartyId>> spend_locked_;  // trailing-spend keys held
};

}  // namespace mc::store::postgres
