// AACP jobs: the wallet-signed stand-ins for the ERC-8183 contract calls (createJob, fund,
// setProvider from the offers, submit, complete/reject, claimRefund), offers and CEX_CAPITAL
// snapshots. Who may act is the signing wallet holding the NFT of the agent in the job's role;
// everything else (states, deadlines, money, stakes, offers gates) is the engine's, in one
// write per call.
#include <algorithm>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/aacp.h"

namespace mc::aacp {
namespace {

constexpr size_t kHashMax = 200;

Status optional_text(std::string_view text, const char* name) {
  if (text.size() > kHashMax) {
    return invalid_argument("invalid_value", std::string(name) + " is too long", name);
  }
  return ok_status();
}

std::string job_payload(const NewJob& job) {
  json::JsonWriter json;
  json.begin_object();
  json.key("programHash").value(job.program_hash);
  json.key("rubricHash").value(job.rubric_hash);
  if (job.cex_config) {
    json.key("cexConfig").begin_object();
    json.key("stopLossBps").value(job.cex_config->stop_loss_bps);
    json.key("targetReturnBps").value(job.cex_config->target_return_bps);
    json.end_object();
  }
  json.end_object();
  return std::move(json).take();
}

}  // namespace

Result<JobView> Service::create_job(std::string_view caller, const NewJob& job) {
  MC_TRY_ASSIGN(Party client, owned_agent(caller, job.client_id));
  MC_TRY_ASSIGN(Party evaluator, party_of_agent(job.evaluator_id));
  if (job.budget_minor <= 0) {
    return invalid_argument("amount_not_positive", "budget must be positive", "budget");
  }
  if (job.deadline_s <= engine_.clock().now_ms() / 1000) {
    return invalid_argument("deadline_in_past", "deadline must be in the future", "deadline");
  }
  MC_TRY(optional_text(job.program_hash, "programHash"));
  MC_TRY(optional_text(job.rubric_hash, "rubricHash"));
  if (job.cex_config && job.strategy_type != "CEX_CAPITAL") {
    return invalid_argument("invalid_value", "cexConfig is for CEX_CAPITAL jobs", "cexConfig");
  }
  if (job.cex_config &&
      (job.cex_config->stop_loss_bps < 0 || job.cex_config->stop_loss_bps > 10'000 ||
       job.cex_config->target_return_bps < 0 || job.cex_config->target_return_bps > 1'000'000)) {
    return invalid_argument("invalid_value", "cexConfig basis points out of range", "cexConfig");
  }
  MC_TRY(internal::check_text(job.strategy_type, "strategyType", 20));
  CreateJob request{.market_id = market_.id,
                    .poster_id = client.id,
                    .amount_minor = job.budget_minor,
                    .evaluator_id = evaluator.id,
                    .category = job.strategy_type,
                    .deadline_at_ms = job.deadline_s * 1000,
                    .payload_json = job_payload(job)};
  MC_TRY_ASSIGN(JobOutcome outcome, engine_.create_job(request));
  return view(outcome.job, true);
}

Result<JobView> Service::fire_as(std::string_view caller, JobId id, const char* role,
                                 FireTransition request) {
  MC_TRY_ASSIGN(std::string wallet, internal::lower_address(caller, "X-Wallet-Address"));
  MC_TRY_ASSIGN(Job job, binding_.job(id));
  const std::string_view which(role);
  std::optional<PartyId> actor = which == "client"      ? std::optional(job.poster_id)
                                 : which == "provider"  ? job.worker_id
                                 : which == "evaluator" ? job.evaluator_id
                                                        : std::nullopt;
  if (which == "anyone") {
    MC_TRY_ASSIGN(Party party, binding_.party_for_wallet(wallet));
    actor = party.id;
  } else {
    std::optional<Party> party;
    if (actor) {
      MC_TRY_ASSIGN(party, engine_.party(*actor));
    }
    if (!party || party->wallet_address != wallet) {
      return permission_denied("role_not_allowed",
                               "only the job's " + std::string(which) + " may do this");
    }
  }
  request.job_id = id;
  request.actor_id = actor;
  MC_TRY_ASSIGN(JobOutcome outcome, engine_.fire(request));
  return view(outcome.job, true);
}

Result<JobView> Service::fund(std::string_view caller, JobId job,
                              std::optional<int64_t> expected_budget) {
  if (expected_budget) {
    MC_TRY_ASSIGN(Job current, binding_.job(job));  // the budget never changes once created
    if (*expected_budget != current.amount_minor) {
      return failed_precondition("budget_mismatch", "expectedBudget is not the job's budget");
    }
  }
  return fire_as(caller, job, "client", {.transition = "fund"});
}

Result<JobView> Service::choose_provider(std::string_view caller, JobId job,
                                         std::string_view agent_id) {
  MC_TRY_ASSIGN(Party provider, party_of_agent(agent_id));
  FireTransition request{.transition = "set_provider"};
  request.worker_id = provider.id;
  return fire_as(caller, job, "client", request);
}

Result<JobView> Service::submit(std::string_view caller, JobId job,
                                std::string_view deliverable_hash) {
  MC_TRY(internal::check_text(deliverable_hash, "deliverableHash", kHashMax));
  json::JsonWriter proof;
  proof.begin_object().key("deliverableHash").value(deliverable_hash).end_object();
  FireTransition request{.transition = "submit"};
  request.proof_json = std::move(proof).take();
  return fire_as(caller, job, "provider", request);
}

Result<JobView> Service::evaluate(std::string_view caller, JobId job, bool passed) {
  FireTransition request{.transition = passed ? "complete" : "reject"};
  request.verdict_json = passed ? R"({"passed":true})" : R"({"passed":false})";
  MC_TRY_ASSIGN(JobView evaluated, fire_as(caller, job, "evaluator", request));
  // The provider's reputation follows the evaluation: +1 on completion, -5 on rejection.
  if (evaluated.job.worker_id) {
    MC_TRY_ASSIGN(Party provider, engine_.party(*evaluated.job.worker_id));
    PartyUpdate update{.id = provider.id};
    update.reputation = std::clamp<int64_t>(provider.reputation + (passed ? 1 : -5), 0, 100);
    MC_TRY(engine_.update_party_fields(update).status());
  }
  return view(evaluated.job, true);
}

Result<JobView> Service::claim_refund(std::string_view caller, JobId job) {
  return fire_as(caller, job, "anyone", {.transition = "claim_refund"});
}

// --- offers ----------------------------------------------------------------------------

Result<OfferView> Service::submit_offer(std::string_view caller, JobId job,
                                        std::string_view agent_id, std::string_view owner_address) {
  MC_TRY_ASSIGN(Party agent, owned_agent(caller, agent_id));
  MC_TRY_ASSIGN(std::string owner, internal::lower_address(owner_address, "ownerAddress"));
  if (owner != agent.wallet_address) {
    return permission_denied("not_nft_holder", "ownerAddress does not hold this agent's NFT");
  }
  MC_TRY(binding_.job(job).status());
  MC_TRY_ASSIGN(int64_t offer_id, engine_.submit_offer({.job_id = job, .party_id = agent.id}));
  MC_TRY_ASSIGN(std::vector<Offer> offers, engine_.offers(job));
  for (const Offer& offer : offers) {
    if (offer.id != offer_id) continue;
    return OfferView{.agent_id = agent.external_id,
                     .owner_address = internal::checksum_address(agent.wallet_address),
                     .status = offer.status,
                     .created_at_ms = offer.created_at_ms};
  }
  return internal_error("offer_lost", "the offer just written cannot be read");
}

Result<OfferView> Service::withdraw_offer(std::string_view caller, JobId job,
                                          std::string_view agent_id,
                                          std::string_view owner_address) {
  MC_TRY_ASSIGN(Party agent, owned_agent(caller, agent_id));
  MC_TRY_ASSIGN(std::string owner, internal::lower_address(owner_address, "ownerAddress"));
  if (owner != agent.wallet_address) {
    return permission_denied("not_nft_holder", "ownerAddress does not hold this agent's NFT");
  }
  MC_TRY(binding_.job(job).status());
  MC_TRY(engine_.withdraw_offer(job, agent.id));
  return OfferView{.agent_id = agent.external_id,
                   .owner_address = internal::checksum_address(agent.wallet_address),
                   .status = "WITHDRAWN"};
}

// --- snapshots -------------------------------------------------------------------------

Result<Snapshot> Service::report_snapshot(std::string_view caller, JobId id,
                                          const Snapshot& snapshot) {
  MC_TRY_ASSIGN(std::string wallet, internal::lower_address(caller, "X-Wallet-Address"));
  MC_TRY_ASSIGN(Job job, binding_.job(id));
  if (job.category != "CEX_CAPITAL") {
    return failed_precondition("not_cex_capital", "snapshots are for CEX_CAPITAL jobs");
  }
  std::optional<Party> provider;
  if (job.worker_id) {
    MC_TRY_ASSIGN(provider, engine_.party(*job.worker_id));
  }
  if (!provider || provider->wallet_address != wallet) {
    return permission_denied("role_not_allowed", "only the job's provider reports snapshots");
  }
  if (job.state != "FUNDED" && job.state != "SUBMITTED") {
    return failed_precondition("wrong_state", "snapshots are reported while the job runs");
  }
  if (snapshot.reported_value_minor < 0) {
    return invalid_argument("invalid_value", "reportedValue must not be negative", "reportedValue");
  }
  MC_TRY(internal::check_text(snapshot.tx_hash, "txHash", kHashMax));
  MC_TRY(optional_text(snapshot.block_number, "blockNumber"));
  if (snapshot.attestation.size() > 20'000) {
    return invalid_argument("invalid_value", "attestation is too long", "attestation");
  }
  if (snapshot.balance_report_json.size() > 64 * 1024) {
    return invalid_argument("invalid_value", "balanceReport is too large", "balanceReport");
  }
  json::JsonWriter json;
  json.begin_object();
  json.key("reportedValue").value(snapshot.reported_value_minor);
  json.key("snapshotTs").value(snapshot.snapshot_ts_s);
  json.key("txHash").value(snapshot.tx_hash);
  json.key("blockNumber").value(snapshot.block_number);
  json.key("balanceReport").raw(snapshot.balance_report_json);
  json.key("attestation").value(snapshot.attestation);
  json.key("reporter").value(provider->external_id);
  json.end_object();
  // The role and state checked above are checked again inside the write: a job that was
  // completed or reassigned meanwhile is not reported on.
  MC_TRY(engine_
             .append_job_event(id, "job.snapshot", std::move(json).take(),
                               {.worker = provider->id, .states = {"FUNDED", "SUBMITTED"}})
             .status());
  return snapshot;
}

}  // namespace mc::aacp
