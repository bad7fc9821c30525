// 1337MKT contracts: accept (one live contract per doer and lead; the engine's creation guards
// hold the lead's state, the doer's tier and the free slots), batch accept, reads by the
// contract's parties (and its judges), proof, approve, reject (files a dispute), the recorded
// payout, and the leader's signed completion webhook.
#include <algorithm>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/mkt1337.h"
#include "marketcore/webhook_signatures.h"

namespace mc::mkt1337 {
namespace {

Status contract_not_found() {
  return not_found("contract_not_found", "Contract not found");
}

bool live(const Job& contract) {
  return contract.state == "active" || contract.state == "proof_submitted" ||
         contract.state == "disputed";
}

std::string payout_reason(JobId contract) {
  return "payout:" + contract_id(contract);
}

}  // namespace

Result<Job> Service::accept(PartyId doer, std::string_view id) {
  MC_TRY_ASSIGN(Job lead_job, lead(id));
  if (lead_job.poster_id == doer) {
    return permission_denied("role_not_allowed", "a leader cannot accept its own lead");
  }
  JobQuery mine{.worker_id = doer, .parent_job_id = lead_job.id, .limit = 100};
  MC_TRY_ASSIGN(std::vector<Job> held, engine_.jobs(mine));
  for (const Job& contract : held) {
    if (live(contract)) {
      return failed_precondition("already_contracted", "you already hold a contract on this lead");
    }
  }
  MC_TRY(refresh_reputation(doer).status());
  json::JsonWriter payload;
  payload.begin_object().key("lead_id").value(lead_id(lead_job.id)).end_object();
  MC_TRY_ASSIGN(JobOutcome created,
                engine_.create_job({.market_id = market_.id,
                                    .poster_id = doer,
                                    .amount_minor = lead_payout_minor(lead_job),
                                    .parent_job_id = lead_job.id,
                                    .title = lead_job.title,
                                    .category = lead_job.category,
                                    .deadline_at_ms = lead_job.deadline_at_ms,
                                    .payload_json = std::move(payload).take()}));
  return created.job;
}

Result<BatchResult> Service::accept_batch(PartyId doer, const std::vector<std::string>& leads) {
  if (leads.empty()) return invalid_argument("missing_param", "lead_ids is required", "lead_ids");
  if (leads.size() > static_cast<size_t>(kBatchMax)) {
    return invalid_argument(
        "batch_too_large", "at most " + std::to_string(kBatchMax) + " leads per batch", "lead_ids");
  }
  BatchResult result;
  for (const std::string& id : leads) {
    Result<Job> accepted = accept(doer, id);
    if (accepted.ok()) {
      result.accepted.push_back(std::move(accepted).value());
    } else if (code_is_transient(accepted.status().code()) ||
               accepted.status().code() == Code::internal) {
      return accepted.status();  // the store failed: the caller retries the whole batch
    } else {
      result.rejected.push_back({.lead_id = id, .reason = accepted.status()});
    }
  }
  return result;
}

Result<std::vector<Job>> Service::contracts(PartyId party, int32_t limit) {
  MC_TRY_ASSIGN(limit, binding_.list_limit(limit));
  std::vector<Job> out;
  JobQuery query{.market_id = market_.id, .any_party_id = party, .limit = 200};
  while (static_cast<int32_t>(out.size()) < limit) {
    MC_TRY_ASSIGN(std::vector<Job> page, engine_.jobs(query));
    for (Job& job : page) {
      if (job.parent_job_id && static_cast<int32_t>(out.size()) < limit) {
        out.push_back(std::move(job));
      }
    }
    if (page.size() < 200) break;
    query.before_id = page.back().id;
  }
  return out;
}

Result<Job> Service::own_contract(PartyId party, std::string_view id, bool leader_only,
                                  bool doer_only) {
  const std::optional<JobId> job_id = parse_contract_id(id);
  if (!job_id) return contract_not_found();
  Result<Job> job = engine_.job(*job_id);
  if (!job.ok()) {
    if (job.status().code() == Code::not_found) return contract_not_found();
    return job.status();
  }
  if (job->market_id != market_.id || !job->parent_job_id) return contract_not_found();
  const bool is_leader = job->poster_id == party;
  const bool is_doer = job->worker_id == party;
  if (!is_leader && !is_doer) {
    bool judge = false;
    if (!leader_only && !doer_only) {
      MC_TRY_ASSIGN(std::optional<Dispute> dispute, engine_.dispute_of_job(job->id));
      if (dispute) {
        MC_TRY_ASSIGN(std::vector<DisputeVote> panel, engine_.dispute_votes(dispute->id));
        judge = std::any_of(panel.begin(), panel.end(),
                            [&](const DisputeVote& vote) { return vote.judge_id == party; });
      }
    }
    if (!judge) return contract_not_found();
  }
  if (leader_only && !is_leader) {
    return permission_denied("not_your_contract", "Only the contract's leader may do this");
  }
  if (doer_only && !is_doer) {
    return permission_denied("not_your_contract", "Only the contract's doer may do this");
  }
  return std::move(job).value();
}

Result<Job> Service::contract(PartyId viewer, std::string_view id) {
  return own_contract(viewer, id, false, false);
}

Result<Job> Service::submit_proof(PartyId doer, std::string_view id, std::optional<std::string> url,
                                  std::optional<std::string> tx_hash) {
  MC_TRY_ASSIGN(Job job, own_contract(doer, id, false, true));
  if (url) MC_TRY(internal::check_text(*url, "url", 2048, false));
  if (tx_hash) MC_TRY(internal::check_text(*tx_hash, "tx_hash", 256, false));
  json::JsonWriter proof;
  proof.begin_object();
  if (url && !url->empty()) proof.key("url").value(*url);
  if (tx_hash && !tx_hash->empty()) proof.key("tx_hash").value(*tx_hash);
  proof.end_object();
  FireTransition request{.job_id = job.id, .transition = "submit_proof", .actor_id = doer};
  request.proof_json = std::move(proof).take();
  MC_TRY_ASSIGN(JobOutcome outcome, engine_.fire(request));
  return outcome.job;
}

Result<Job> Service::submit_cpv_proof(PartyId doer, std::string_view id,
                                      const std::string& video_url,
                                      std::optional<int64_t> duration_s) {
  MC_TRY_ASSIGN(Job job, own_contract(doer, id, false, true));
  MC_TRY(internal::check_text(video_url, "video_url", 2048, true));
  if (job.category != "CPV") {
    return failed_precondition("wrong_lead_type", "video proof is for CPV contracts");
  }
  if (duration_s) {
    MC_TRY_ASSIGN(Job lead_job, binding_.job(*job.parent_job_id));
    const std::optional<int64_t> min_s =
        internal::json_int_member(lead_success_criteria(lead_job), "min_duration_s");
    if (*duration_s < 0 || (min_s && *duration_s < *min_s)) {
      return invalid_argument("invalid_value", "duration_s is below the lead's min_duration_s",
                              "duration_s");
    }
  }
  json::JsonWriter proof;
  proof.begin_object().key("video_url").value(video_url);
  if (duration_s) proof.key("duration_s").value(*duration_s);
  proof.end_object();
  FireTransition request{.job_id = job.id, .transition = "submit_proof", .actor_id = doer};
  request.proof_json = std::move(proof).take();
  MC_TRY_ASSIGN(JobOutcome outcome, engine_.fire(request));
  return outcome.job;
}

Result<Job> Service::approve(PartyId leader, std::string_view id) {
  MC_TRY_ASSIGN(Job job, own_contract(leader, id, true, false));
  MC_TRY_ASSIGN(JobOutcome outcome,
                engine_.fire({.job_id = job.id, .transition = "approve", .actor_id = leader}));
  return outcome.job;
}

Result<Dispute> Service::reject(PartyId leader, std::string_view id, const std::string& reason) {
  MC_TRY(own_contract(leader, id, true, false).status());
  return file_dispute(leader, id, reason.empty() ? "proof rejected by the leader" : reason);
}

Result<Job> Service::record_payout(PartyId leader, std::string_view id, std::string_view tx_hash) {
  MC_TRY_ASSIGN(std::string hash, internal::normalize_tx_hash(tx_hash));
  MC_TRY_ASSIGN(Job job, own_contract(leader, id, true, false));
  if (job.state != "approved" && job.state != "resolved_doer") {
    return failed_precondition("wrong_state", "only a paid contract's payout can be recorded");
  }
  MC_TRY(
      engine_
          .withdraw({.market_id = market_.id,
                     .party_id = *job.worker_id,
                     .amount_minor = job.fees.worker_minor,
                     .reason = payout_reason(job.id),
                     .external_ref = "usdc:" + hash,
                     .idempotency = IdempotencyKey{.scope = contract_id(job.id), .key = "payout"}})
          .status());
  return job;
}

Result<std::optional<std::string>> Service::payout_tx_hash(const Job& contract) {
  if (!contract.worker_id) return std::optional<std::string>();
  const std::string reason = payout_reason(contract.id);
  std::optional<TransferId> before;
  while (true) {
    MC_TRY_ASSIGN(std::vector<Transfer> page,
                  engine_.transfers(market_.id, *contract.worker_id, before, 500));
    for (const Transfer& transfer : page) {
      if (transfer.reason == reason && transfer.external_ref) {
        std::string ref = *transfer.external_ref;
        if (ref.rfind("usdc:", 0) == 0) ref = ref.substr(5);
        return std::optional<std::string>(ref);
      }
    }
    if (page.size() < 500) break;
    before = page.back().id;
  }
  return std::optional<std::string>();
}

Result<Service::Completion> Service::completion_signal(std::string_view raw_body,
                                                       std::string_view signature) {
  if (!internal::is_json_object(raw_body)) {
    return invalid_argument("malformed_json", "the body must be a JSON object");
  }
  const std::optional<std::string> lead_text = internal::json_string_member(raw_body, "lead_id");
  const std::optional<std::string> contract_text =
      internal::json_string_member(raw_body, "contract_id");
  if (!lead_text) return invalid_argument("missing_param", "lead_id is required", "lead_id");
  if (!contract_text) {
    return invalid_argument("missing_param", "contract_id is required", "contract_id");
  }
  MC_TRY_ASSIGN(Job public_lead, lead(*lead_text));
  MC_TRY_ASSIGN(Job lead_job, engine_.job(public_lead.id));
  MC_TRY(auth::verify_body_hex(lead_job.prompt, raw_body, signature));
  if (lead_job.category != "CPR" && lead_job.category != "CPA" && lead_job.category != "CPD") {
    return failed_precondition("wrong_lead_type",
                               "the completion webhook completes CPR, CPA and CPD contracts");
  }
  MC_TRY_ASSIGN(Job job, own_contract(lead_job.poster_id, *contract_text, true, false));
  if (job.parent_job_id != lead_job.id) return contract_not_found();
  if (job.state == "approved") return Completion{.contract = job, .replayed = true};
  Result<JobOutcome> fired =
      engine_.fire({.job_id = job.id, .transition = "complete", .actor_id = lead_job.poster_id});
  if (!fired.ok()) {
    MC_TRY_ASSIGN(Job now, engine_.job(job.id));
    if (now.state == "approved") return Completion{.contract = now, .replayed = true};
    return fired.status();
  }
  return Completion{.contract = fired->job, .replayed = false};
}

}  // namespace mc::mkt1337
