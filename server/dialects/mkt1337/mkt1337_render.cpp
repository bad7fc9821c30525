// The 1337MKT JSON shapes and error body (mkt1337_render.h).
#include "mkt1337_render.h"

#include <algorithm>

#include "../../errors.h"
#include "auth/rfc3339.h"
#include "marketcore/clock.h"
#include "marketcore/money.h"

namespace mc::server::mkt1337 {
namespace mk = mc::mkt1337;

namespace {

constexpr int64_t kDisputeWindowMs = 14 * kMillisecondsPerDay;

void optional_time(json::JsonWriter& out, std::string_view key, std::optional<int64_t> ms) {
  out.key(key);
  if (ms) {
    out.value(auth::format_rfc3339_ms(*ms));
  } else {
    out.null();
  }
}

std::string proof_status(const Job& contract) {
  if (contract.state == "active") return "none";
  if (contract.state == "proof_submitted") return "submitted";
  if (contract.state == "disputed") return "disputed";
  if (contract.state == "resolved_leader") return "rejected";
  if (contract.state == "expired") return contract.proof_json.empty() ? "none" : "expired";
  return "approved";
}

}  // namespace

std::string usdc(int64_t minor) {
  std::string text = format_decimal(minor, 6);
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  return text;
}

void write_usdc(json::JsonWriter& out, std::string_view key, int64_t minor) {
  out.key(key).raw(usdc(minor));
}

void write_account(json::JsonWriter& out, const mk::Account& account) {
  out.begin_object();
  out.key("wallet").value(account.party.wallet_address);
  out.key("rep_score").value(account.rep_score);
  out.key("tier").value(account.tier);
  write_usdc(out, "bond", account.bond_minor);
  out.key("karma").value(account.karma);
  out.key("completions").value(account.completions);
  out.key("created_at").value(auth::format_rfc3339_ms(account.party.created_at_ms));
  out.end_object();
}

void write_lead(json::JsonWriter& out, const Job& lead, const WalletOf& wallet_of) {
  out.begin_object();
  out.key("id").value(mk::lead_id(lead.id));
  out.key("leader").value(wallet_of(lead.poster_id));
  out.key("title").value(lead.title);
  out.key("description").value(lead.description);
  out.key("type").value(lead.category);
  write_usdc(out, "payout", mk::lead_payout_minor(lead));
  out.key("slots").value(static_cast<int64_t>(lead.contracts_max));
  out.key("slots_taken").value(static_cast<int64_t>(lead.contracts_taken));
  out.key("slots_remaining").value(static_cast<int64_t>(lead.contracts_max - lead.contracts_taken));
  write_usdc(out, "budget", lead.amount_minor);
  out.key("success_criteria").raw(mk::lead_success_criteria(lead));
  out.key("status").value(mk::lead_status(lead));
  out.key("funded").value(lead.state == "funded" || lead.state == "paused");
  optional_time(out, "deadline", lead.deadline_at_ms);
  out.key("created_at").value(auth::format_rfc3339_ms(lead.created_at_ms));
  out.end_object();
}

std::string contract_status(const Job& contract) {
  if (contract.state == "resolved_doer") return "approved";
  if (contract.state == "resolved_leader") return "refunded";
  return contract.state;
}

void write_contract(json::JsonWriter& out, const Job& contract, const WalletOf& wallet_of,
                    int64_t now_ms, const std::optional<std::string>& payout_tx_hash) {
  out.begin_object();
  out.key("id").value(mk::contract_id(contract.id));
  out.key("lead_id").value(contract.parent_job_id ? mk::lead_id(*contract.parent_job_id) : "");
  out.key("doer").value(contract.worker_id ? wallet_of(*contract.worker_id) : "");
  out.key("leader").value(wallet_of(contract.poster_id));
  out.key("type").value(contract.category);
  write_usdc(out, "payout", contract.amount_minor);
  out.key("status").value(contract_status(contract));
  out.key("proof_status").value(proof_status(contract));
  out.key("proof");
  if (contract.proof_json.empty()) {
    out.null();
  } else {
    out.raw(contract.proof_json);
  }
  out.key("time_remaining");
  if (contract.expires_at_ms) {
    out.value(std::max<int64_t>(0, (*contract.expires_at_ms - now_ms) / 1000));
  } else {
    out.null();
  }
  optional_time(out, "expires_at", contract.expires_at_ms);
  optional_time(out, "proof_submitted_at", contract.submitted_at_ms);
  out.key("payout_tx_hash");
  if (payout_tx_hash) {
    out.value(*payout_tx_hash);
  } else {
    out.null();
  }
  out.key("created_at").value(auth::format_rfc3339_ms(contract.created_at_ms));
  optional_time(out, "completed_at", contract.completed_at_ms);
  out.end_object();
}

void write_escrow(json::JsonWriter& out, const mk::EscrowStatus& escrow) {
  out.begin_object();
  out.key("lead_id").value(mk::lead_id(escrow.lead));
  write_usdc(out, "deposited", escrow.deposited_minor);
  write_usdc(out, "held", escrow.held_minor);
  write_usdc(out, "required", escrow.required_minor);
  out.key("funded").value(escrow.funded);
  out.end_object();
}

void write_dispute(json::JsonWriter& out, const Dispute& dispute,
                   const std::vector<DisputeVote>& votes, const WalletOf& wallet_of) {
  out.begin_object();
  out.key("id").value(mk::dispute_id(dispute.id));
  out.key("contract_id").value(mk::contract_id(dispute.job_id));
  out.key("filed_by").value(wallet_of(dispute.filed_by));
  out.key("reason").value(dispute.reason);
  out.key("status").value(dispute.status);
  out.key("judges_needed").value(static_cast<int64_t>(dispute.judges_needed));
  out.key("judges").begin_array();
  for (const DisputeVote& vote : votes) out.value(wallet_of(vote.judge_id));
  out.end_array();
  int64_t cast = 0;
  for (const DisputeVote& vote : votes) cast += vote.vote.empty() ? 0 : 1;
  out.key("votes_cast").value(cast);
  out.key("verdict");
  if (dispute.verdict == "worker") {
    out.value("doer");
  } else if (dispute.verdict == "poster") {
    out.value("leader");
  } else {
    out.null();
  }
  out.key("outcome").value(dispute.outcome);
  out.key("deadline").value(auth::format_rfc3339_ms(dispute.created_at_ms + kDisputeWindowMs));
  out.key("created_at").value(auth::format_rfc3339_ms(dispute.created_at_ms));
  out.end_object();
}

int mkt1337_status_for(const Status& status) {
  return http_status_for(status);
}

Response error_response(int status, std::string_view message) {
  json::JsonWriter out;
  out.begin_object().key("error").value(message).end_object();
  return Response::json(status, std::move(out).take());
}

}  // namespace mc::server::mkt1337
