// server/dialects/aacp/aacp_render.cpp — the seed's JSON shapes for AACP views.
#include "aacp_render.h"

#include "../../errors.h"
#include "auth/rfc3339.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::server::aacp {
namespace {

void amount(json::JsonWriter& out, std::string_view key, int64_t minor) {
  out.key(key).value(std::to_string(minor));
}

void unix_seconds(json::JsonWriter& out, std::string_view key, std::optional<int64_t> ms) {
  out.key(key);
  if (ms) {
    out.value(std::to_string(*ms / 1000));
  } else {
    out.null();
  }
}

void text_or_null(json::JsonWriter& out, std::string_view key, const std::string& text) {
  out.key(key);
  if (text.empty()) {
    out.null();
  } else {
    out.value(text);
  }
}

// marketcore has no chain: a lifecycle mark's txHash is keccak256 of the stand-in call's
// record ("aacp:<jobId>:<transition>:<ms>"), its blockNumber the call's Unix second.
void write_mark(json::JsonWriter& out, std::string_view key, int64_t job_id,
                const std::optional<mc::aacp::LifecycleMark>& mark) {
  out.key(key);
  if (!mark) {
    out.null();
    return;
  }
  const std::string record =
      "aacp:" + std::to_string(job_id) + ":" + mark->transition + ":" + std::to_string(mark->at_ms);
  out.begin_object();
  out.key("txHash").value("0x" +
                          encoding::hex_encode(crypto::digest_bytes(crypto::keccak256(record))));
  out.key("blockNumber").value(std::to_string(mark->at_ms / 1000));
  out.end_object();
}

}  // namespace

std::string iso_seconds(int64_t unix_ms) {
  std::string text = auth::format_rfc3339_ms(unix_ms - unix_ms % 1000);
  const size_t dot = text.find('.');
  if (dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

void write_agent(json::JsonWriter& out, const mc::aacp::AgentView& agent, bool with_pool) {
  out.begin_object();
  out.key("agentId").value(agent.agent_id);
  out.key("ownerAddress").value(agent.owner_address);
  out.key("name").value(agent.party.display_name);
  out.key("source").value("AACP");
  out.key("reputation").begin_object();
  out.key("score").value(agent.score);
  out.key("totalJobs").value(agent.total_jobs);
  out.key("completedJobs").value(agent.completed_jobs);
  out.end_object();
  if (with_pool) {
    out.key("stakingPool").begin_object();
    amount(out, "available", agent.balances.stake_minor);
    amount(out, "locked", agent.balances.stake_locked_minor);
    out.end_object();
    amount(out, "balance", agent.balances.available_minor);
  }
  out.end_object();
}

void write_offer(json::JsonWriter& out, const mc::aacp::OfferView& offer) {
  out.begin_object();
  out.key("agentId").value(offer.agent_id);
  out.key("ownerAddress").value(offer.owner_address);
  out.key("status").value(offer.status);
  out.key("createdAt").value(iso_seconds(offer.created_at_ms));
  out.end_object();
}

void write_snapshot(json::JsonWriter& out, const mc::aacp::Snapshot& snapshot) {
  out.begin_object();
  amount(out, "reportedValue", snapshot.reported_value_minor);
  out.key("snapshotTs").value(iso_seconds(snapshot.snapshot_ts_s * 1000));
  out.key("txHash").value(snapshot.tx_hash);
  out.key("blockNumber").value(snapshot.block_number);
  out.key("balanceReport").raw(snapshot.balance_report_json);
  text_or_null(out, "attestation", snapshot.attestation);
  out.end_object();
}

void write_dispute(json::JsonWriter& out, const mc::aacp::DisputeView& view) {
  const Dispute& dispute = view.dispute;
  out.begin_object();
  out.key("disputeId").value(std::to_string(dispute.id));
  out.key("jobId").value(std::to_string(dispute.job_id));
  out.key("filedBy").value(view.filed_by_agent_id);
  out.key("reason").value(dispute.reason);
  out.key("status").value(dispute.status == "open"       ? "OPEN"
                          : dispute.status == "resolved" ? "RESOLVED"
                                                         : "CLOSED");
  amount(out, "deposit", view.deposit_minor);
  out.key("verdict");
  if (dispute.verdict == "worker") {
    out.value("PROVIDER");
  } else if (dispute.verdict == "poster") {
    out.value("CLIENT");
  } else {
    out.null();
  }
  text_or_null(out, "outcome", dispute.outcome);
  out.key("commitDeadline").value(std::to_string(view.commit_deadline_s));
  out.key("revealDeadline").value(std::to_string(view.reveal_deadline_s));
  out.key("arbitrators").begin_array();
  for (const mc::aacp::VoteView& vote : view.votes) {
    out.begin_object();
    out.key("agentId").value(vote.agent_id);
    out.key("committed").value(vote.committed);
    text_or_null(out, "vote", vote.vote);
    out.end_object();
  }
  out.end_array();
  out.key("createdAt").value(iso_seconds(dispute.created_at_ms));
  out.key("resolvedAt");
  if (dispute.resolved_at_ms) {
    out.value(iso_seconds(*dispute.resolved_at_ms));
  } else {
    out.null();
  }
  out.end_object();
}

void write_job(json::JsonWriter& out, const mc::aacp::JobView& view) {
  const Job& job = view.job;
  out.begin_object();
  out.key("jobId").value(std::to_string(job.id));
  out.key("status").value(view.status);
  out.key("strategyType").value(job.category);
  out.key("clientId").value(view.client ? view.client->agent_id : "");
  out.key("providerId");
  if (view.provider) {
    out.value(view.provider->agent_id);
  } else {
    out.null();
  }
  out.key("evaluatorId").value(view.evaluator ? view.evaluator->agent_id : "");
  amount(out, "budget", job.amount_minor);
  amount(out, "escrowBalance", view.escrow_minor);
  text_or_null(out, "deliverableHash", view.deliverable_hash);
  out.key("passed");
  if (view.passed) {
    out.value(*view.passed);
  } else {
    out.null();
  }
  for (auto [key, minor] : {std::pair{"platformFee", job.fees.platform_fee_minor},
                            std::pair{"evaluatorFee", job.fees.evaluator_fee_minor},
                            std::pair{"providerPayment", job.fees.worker_minor}}) {
    out.key(key);
    if (view.fees_paid) {
      out.value(std::to_string(minor));
    } else {
      out.null();
    }
  }
  text_or_null(out, "programHash", view.program_hash);
  text_or_null(out, "rubricHash", view.rubric_hash);
  unix_seconds(out, "onchainCreatedAt", job.created_at_ms);
  unix_seconds(out, "onchainDeadline", job.deadline_at_ms);
  unix_seconds(out, "onchainSubmittedAt", job.submitted_at_ms);
  unix_seconds(out, "onchainSettledAt", view.settled_at_ms);
  out.key("client");
  if (view.client) {
    write_agent(out, *view.client, true);
  } else {
    out.null();
  }
  out.key("provider");
  if (view.provider) {
    write_agent(out, *view.provider, true);
  } else {
    out.null();
  }
  out.key("evaluator");
  if (view.evaluator) {
    const mc::aacp::AgentView& evaluator = *view.evaluator;
    out.begin_object();
    out.key("agentId").value(evaluator.agent_id);
    out.key("ownerAddress").value(evaluator.owner_address);
    out.key("name").value(evaluator.party.display_name);
    out.key("source").value("AACP");
    out.key("reputation").begin_object();
    out.key("score").value(evaluator.score);
    out.key("totalJobs").value(evaluator.total_jobs);
    out.key("completedJobs").value(evaluator.completed_jobs);
    out.end_object();
    out.key("evaluatorCapability").begin_object();
    out.key("strategyType").value(job.category);
    out.end_object();
    out.key("stakingPool").begin_object();
    amount(out, "available", evaluator.balances.stake_minor);
    amount(out, "locked", evaluator.balances.stake_locked_minor);
    out.end_object();
    out.end_object();
  } else {
    out.null();
  }
  out.key("stakeLocks").begin_array();
  for (const mc::aacp::StakeLock& lock : view.stake_locks) {
    out.begin_object();
    out.key("agentId").value(lock.agent_id);
    out.key("role").value(lock.role);
    amount(out, "amount", lock.amount_minor);
    out.key("active").value(lock.active);
    out.key("lockedAt").value(iso_seconds(lock.locked_at_ms));
    out.key("releasedAt");
    if (lock.released_at_ms) {
      out.value(iso_seconds(*lock.released_at_ms));
    } else {
      out.null();
    }
    out.end_object();
  }
  out.end_array();
  if (view.cex_config) {
    out.key("cexConfig").begin_object();
    out.key("stopLossBps").value(view.cex_config->stop_loss_bps);
    out.key("targetReturnBps").value(view.cex_config->target_return_bps);
    out.end_object();
  }
  out.key("snapshots").begin_array();
  for (const mc::aacp::Snapshot& snapshot : view.snapshots) {
    out.begin_object();
    amount(out, "reportedValue", snapshot.reported_value_minor);
    out.key("snapshotTs").value(iso_seconds(snapshot.snapshot_ts_s * 1000));
    out.key("txHash").value(snapshot.tx_hash);
    out.key("blockNumber").value(snapshot.block_number);
    out.end_object();
  }
  out.end_array();
  out.key("dispute");
  if (view.dispute) {
    write_dispute(out, *view.dispute);
  } else {
    out.null();
  }
  out.key("offers").begin_array();
  for (const mc::aacp::OfferView& offer : view.offers) write_offer(out, offer);
  out.end_array();
  out.key("lifecycle").begin_object();
  write_mark(out, "created", job.id, view.created);
  write_mark(out, "submitted", job.id, view.submitted);
  write_mark(out, "settled", job.id, view.settled);
  write_mark(out, "disputed", job.id, view.disputed);
  out.end_object();
  out.end_object();
}

int aacp_status_for(const Status& status) {
  const std::string& detail = status.detail();
  if (detail == "reputation_too_low" || detail == "insufficient_stake") return 403;
  if (detail == "worker_already_set" || detail == "dispute_exists" || detail == "already_voted" ||
      detail == "already_committed" || detail == "job_state_changed" ||
      detail == "offer_not_pending") {
    return 409;
  }
  if (status.code() == Code::failed_precondition) return 400;
  if (status.code() == Code::out_of_range) return 400;
  return http_status_for(status);
}

}  // namespace mc::server::aacp
