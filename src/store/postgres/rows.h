// Row codecs: the column lists of each table as selected by the store, and the functions that
// turn a statement's current row into a marketcore value (and list fields into text).
//
// Every SELECT of a table uses its k*Columns list, so the decoders' column numbers hold.
// Decoding fails with data_loss/"store_corrupt" only for text the store itself wrote that no
// longer parses (a damaged file).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/connection.h"
#include "store/store.h"

namespace mc::store::postgres {

inline constexpr std::string_view kJobColumns =
    "id, market_id, parent_job_id, lifecycle, state, poster_id, worker_id, evaluator_id, "
    "amount_minor, fee_amount_minor, platform_fee_bps, platform_fee_minor, evaluator_fee_minor, "
    "worker_minor, escrow_minor, escrow_hold_id, title, description, prompt, category, "
    "capabilities_json, deadline_at_ms, work_timeout_ms, contracts_max, contracts_taken, "
    "payload_json, result_text, proof_json, verdict_json, created_at_ms, updated_at_ms, "
    "accepted_at_ms, submitted_at_ms, completed_at_ms, expires_at_ms, version";
inline constexpr std::string_view kPartyColumns =
    "id, market_id, kind, display_name, email, wallet_address, external_id, capabilities_json, "
    "kyc_status, endpoint_url, webhook_url, reputation, tier, profile_json, created_at_ms, "
    "updated_at_ms";
inline constexpr std::string_view kHoldColumns =
    "id, market_id, purpose, state, job_id, party_id, source_account_id, hold_account_id, "
    "amount_minor, due_at_ms, release_to_account_id, created_at_ms, resolved_at_ms";
inline constexpr std::string_view kTransferColumns =
    "id, market_id, debit_account_id, credit_account_id, amount_minor, reason, job_id, hold_id, "
    "external_ref, created_at_ms";
inline constexpr std::string_view kEventColumns =
    "sequence, market_id, type, job_id, party_ids, broadcast, payload_json, created_at_ms";
inline constexpr std::string_view kOfferColumns =
    "id, job_id, party_id, status, payload_json, created_at_ms, updated_at_ms";
inline constexpr std::string_view kDisputeColumns =
    "id, job_id, filed_by, status, reason, deposit_hold_id, judges_needed, verdict, "
    "created_at_ms, resolved_at_ms, outcome";
inline constexpr std::string_view kVoteColumns =
    "dispute_id, judge_id, commitment, vote, joined_at_ms, voted_at_ms";
inline constexpr std::string_view kTimerColumns =
    "id, job_id, transition, state, due_at_ms, attempts, next_attempt_at_ms, stuck_at_ms, "
    "last_error";

// Builds "SELECT <columns> FROM <table> <tail>".
std::string select_sql(std::string_view columns, std::string_view table, std::string_view tail);

// ["a","b"] ↔ {"a","b"}.
std::string encode_string_list(const std::vector<std::string>& items);
Result<std::vector<std::string>> decode_string_list(std::string_view json_text);
// "1,2,3" ↔ {1,2,3}.
std::string encode_id_list(const std::vector<int64_t>& ids);
Result<std::vector<int64_t>> decode_id_list(std::string_view text);

Result<Job> read_job(const Statement& stmt);
Result<Party> read_party(const Statement& stmt);
Result<Hold> read_hold(const Statement& stmt);
Transfer read_transfer(const Statement& stmt);
Result<Event> read_event(const Statement& stmt);
Offer read_offer(const Statement& stmt);
Dispute read_dispute(const Statement& stmt);
DisputeVote read_vote(const Statement& stmt);
Timer read_timer(const Statement& stmt);

// Binds every job column but id at parameters 1..35 in kJobColumns order (market_id = ?1).
void bind_job(Statement& stmt, const Job& job);

// data_loss/"store_corrupt": stored data that cannot be read back.
Status corrupt(std::string message);

// The stored number of an enum whose values run 0..`last`, or corrupt(`what` + " is unknown").
template <typename Enum>
Result<Enum> decode_stored_enum(int64_t stored, Enum last, const std::string& what) {
  if (stored < 0 || stored > static_cast<int64_t>(last)) return corrupt(what + " is unknown");
  return static_cast<Enum>(stored);
}

}  // namespace mc::store::postgres
