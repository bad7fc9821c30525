// Row codecs for the store's tables (see rows.h).
#include "store/postgres/rows.h"

#include <simdjson.h>

#include <charconv>

#include "json/json_writer.h"

namespace mc::store::postgres {

Status corrupt(std::string message) {
  return Status(Code::data_loss, "store_corrupt", std::move(message));
}

std::string select_sql(std::string_view columns, std::string_view table, std::string_view tail) {
  std::string sql = "SELECT ";
  sql.append(columns).append(" FROM ").append(table).append(" ").append(tail);
  return sql;
}

std::string encode_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    json::append_quoted(out, items[i]);
  }
  out += ']';
  return out;
}

Result<std::vector<std::string>> decode_string_list(std::string_view json_text) {
  std::vector<std::string> items;
  if (json_text == "[]") return items;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(json_text.data(), json_text.size()).get_array().get(array)) {
    return corrupt("stored list is not a JSON array");
  }
  for (simdjson::dom::element element : array) {
    std::string_view text;
    if (element.get_string().get(text)) return corrupt("stored list holds a non-string");
    items.emplace_back(text);
  }
  return items;
}

std::string encode_id_list(const std::vector<int64_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out;
}

Result<std::vector<int64_t>> decode_id_list(std::string_view text) {
  std::vector<int64_t> ids;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    int64_t id = 0;
    auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (error != std::errc() || end != item.data() + item.size()) {
      return corrupt("stored id list is malformed");
    }
    ids.push_back(id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

Result<Job> read_job(const Statement& s) {
  Job job;
  job.id = s.column_int64(0);
  job.market_id = s.column_int64(1);
  job.parent_job_id = s.column_optional_int64(2);
  job.lifecycle = s.column_text(3);
  job.state = s.column_text(4);
  job.poster_id = s.column_int64(5);
  job.worker_id = s.column_optional_int64(6);
  job.evaluator_id = s.column_optional_int64(7);
  job.amount_minor = s.column_int64(8);
  job.fees.amount_minor = s.column_int64(9);
  job.fees.platform_fee_bps = static_cast<int32_t>(s.column_int64(10));
  job.fees.platform_fee_minor = s.column_int64(11);
  job.fees.evaluator_fee_minor = s.column_int64(12);
  job.fees.worker_minor = s.column_int64(13);
  job.fees.escrow_minor = s.column_int64(14);
  job.escrow_hold_id = s.column_optional_int64(15);
  job.title = s.column_text(16);
  job.description = s.column_text(17);
  job.prompt = s.column_text(18);
  job.category = s.column_text(19);
  MC_TRY_ASSIGN(job.capabilities, decode_string_list(s.column_text(20)));
  job.deadline_at_ms = s.column_optional_int64(21);
  job.work_timeout_ms = s.column_optional_int64(22);
  job.contracts_max = static_cast<int32_t>(s.column_int64(23));
  job.contracts_taken = static_cast<int32_t>(s.column_int64(24));
  job.payload_json = s.column_text(25);
  job.result_text = s.column_text(26);
  job.proof_json = s.column_text(27);
  job.verdict_json = s.column_text(28);
  job.created_at_ms = s.column_int64(29);
  job.updated_at_ms = s.column_int64(30);
  job.accepted_at_ms = s.column_optional_int64(31);
  job.submitted_at_ms = s.column_optional_int64(32);
  job.completed_at_ms = s.column_optional_int64(33);
  job.expires_at_ms = s.column_optional_int64(34);
  job.version = s.column_int64(35);
  return job;
}

void bind_job(Statement& s, const Job& job) {
  s.bind(1, job.market_id).bind(2, job.parent_job_id).bind(3, job.lifecycle);
  s.bind(4, job.state).bind(5, job.poster_id).bind(6, job.worker_id).bind(7, job.evaluator_id);
  s.bind(8, job.amount_minor).bind(9, job.fees.amount_minor);
  s.bind(10, int64_t{job.fees.platform_fee_bps}).bind(11, job.fees.platform_fee_minor);
  s.bind(12, job.fees.evaluator_fee_minor).bind(13, job.fees.worker_minor);
  s.bind(14, job.fees.escrow_minor).bind(15, job.escrow_hold_id).bind(16, job.title);
  s.bind(17, job.description).bind(18, job.prompt).bind(19, job.category);
  s.bind(20, encode_string_list(job.capabilities)).bind(21, job.deadline_at_ms);
  s.bind(22, job.work_timeout_ms).bind(23, int64_t{job.contracts_max});
  s.bind(24, int64_t{job.contracts_taken}).bind(25, job.payload_json);
  s.bind(26, job.result_text).bind(27, job.proof_json).bind(28, job.verdict_json);
  s.bind(29, job.created_at_ms).bind(30, job.updated_at_ms).bind(31, job.accepted_at_ms);
  s.bind(32, job.submitted_at_ms).bind(33, job.completed_at_ms).bind(34, job.expires_at_ms);
  s.bind(35, job.version);
}

Result<Party> read_party(const Statement& s) {
  Party party;
  party.id = s.column_int64(0);
  party.market_id = s.column_int64(1);
  party.kind = s.column_text(2);
  party.display_name = s.column_text(3);
  party.email = s.column_text(4);
  party.wallet_address = s.column_text(5);
  party.external_id = s.column_text(6);
  MC_TRY_ASSIGN(party.capabilities, decode_string_list(s.column_text(7)));
  party.kyc_status = s.column_text(8);
  party.endpoint_url = s.column_text(9);
  party.webhook_url = s.column_text(10);
  party.reputation = s.column_int64(11);
  party.tier = s.column_text(12);
  party.profile_json = s.column_text(13);
  party.created_at_ms = s.column_int64(14);
  party.updated_at_ms = s.column_int64(15);
  return party;
}

Result<Hold> read_hold(const Statement& s) {
  Hold hold;
  hold.id = s.column_int64(0);
  hold.market_id = s.column_int64(1);
  const std::string name = "hold " + std::to_string(hold.id);
  MC_TRY_ASSIGN(hold.purpose,
                decode_stored_enum(s.column_int64(2), HoldPurpose::dispute, name + "'s purpose"));
  MC_TRY_ASSIGN(hold.state,
                decode_stored_enum(s.column_int64(3), HoldState::voided, name + "'s state"));
  hold.job_id = s.column_optional_int64(4);
  hold.party_id = s.column_optional_int64(5);
  hold.source_account_id = s.column_int64(6);
  hold.hold_account_id = s.column_int64(7);
  hold.amount_minor = s.column_int64(8);
  hold.due_at_ms = s.column_optional_int64(9);
  hold.release_to_account_id = s.column_optional_int64(10);
  hold.created_at_ms = s.column_int64(11);
  hold.resolved_at_ms = s.column_optional_int64(12);
  return hold;
}

Transfer read_transfer(const Statement& s) {
  Transfer transfer;
  transfer.id = s.column_int64(0);
  transfer.market_id = s.column_int64(1);
  transfer.debit_account_id = s.column_int64(2);
  transfer.credit_account_id = s.column_int64(3);
  transfer.amount_minor = s.column_int64(4);
  transfer.reason = s.column_text(5);
  transfer.job_id = s.column_optional_int64(6);
  transfer.hold_id = s.column_optional_int64(7);
  transfer.external_ref = s.column_optional_text(8);
  transfer.created_at_ms = s.column_int64(9);
  return transfer;
}

Result<Event> read_event(const Statement& s) {
  Event event;
  event.sequence = s.column_int64(0);
  event.market_id = s.column_int64(1);
  event.type = s.column_text(2);
  event.job_id = s.column_optional_int64(3);
  MC_TRY_ASSIGN(event.party_ids, decode_id_list(s.column_text(4)));
  event.broadcast = s.column_int64(5) != 0;
  event.payload_json = s.column_text(6);
  event.created_at_ms = s.column_int64(7);
  return event;
}

Offer read_offer(const Statement& s) {
  Offer offer;
  offer.id = s.column_int64(0);
  offer.job_id = s.column_int64(1);
  offer.party_id = s.column_int64(2);
  offer.status = s.column_text(3);
  offer.payload_json = s.column_text(4);
  offer.created_at_ms = s.column_int64(5);
  offer.updated_at_ms = s.column_int64(6);
  return offer;
}

Dispute read_dispute(const Statement& s) {
  Dispute dispute;
  dispute.id = s.column_int64(0);
  dispute.job_id = s.column_int64(1);
  dispute.filed_by = s.column_int64(2);
  dispute.status = s.column_text(3);
  dispute.reason = s.column_text(4);
  dispute.deposit_hold_id = s.column_optional_int64(5);
  dispute.judges_needed = static_cast<int32_t>(s.column_int64(6));
  dispute.verdict = s.column_text(7);
  dispute.created_at_ms = s.column_int64(8);
  dispute.resolved_at_ms = s.column_optional_int64(9);
  dispute.outcome = s.column_text(10);
  return dispute;
}

DisputeVote read_vote(const Statement& s) {
  DisputeVote vote;
  vote.dispute_id = s.column_int64(0);
  vote.judge_id = s.column_int64(1);
  vote.commitment = s.column_text(2);
  vote.vote = s.column_text(3);
  vote.joined_at_ms = s.column_int64(4);
  vote.voted_at_ms = s.column_optional_int64(5);
  return vote;
}

Timer read_timer(const Statement& s) {
  Timer timer;
  timer.id = s.column_int64(0);
  timer.job_id = s.column_int64(1);
  timer.transition = s.column_text(2);
  timer.state = s.column_text(3);
  timer.due_at_ms = s.column_int64(4);
  timer.attempts = static_cast<int32_t>(s.column_int64(5));
  timer.next_attempt_at_ms = s.column_int64(6);
  timer.stuck_at_ms = s.column_optional_int64(7);
  timer.last_error = s.column_text(8);
  return timer;
}

}  // namespace mc::store::postgres
