// AACP disputes: filed by the client or the provider within 48 h of the evaluation (the
// engine's `dispute` transition takes the deposit), judged by three arbitrators who commit
// keccak256("<PROVIDER|CLIENT>:<salt>") and then reveal; the majority settles the job as
// ARBITRATED, and without one by the reveal deadline the lifecycle's arbitration_timeout
// applies its default. Reputation follows the outcome.
#include <algorithm>

#include "internal.h"
#include "marketcore/aacp.h"
#include "marketcore/clock.h"

namespace mc::aacp {
namespace {

constexpr size_t kReasonMax = 2000;
constexpr int64_t kCommitMs = 48 * kMillisecondsPerHour;  // market setting "commit_hours"
constexpr int64_t kRevealMs = 24 * kMillisecondsPerHour;  // market setting "reveal_hours"

// Engine vote word for the seed's side names.
std::optional<std::string> engine_vote(std::string_view vote) {
  if (vote == "PROVIDER") return "worker";
  if (vote == "CLIENT") return "poster";
  return std::nullopt;
}

}  // namespace

std::string Service::commitment(std::string_view vote, std::string_view salt) {
  return Engine::vote_commitment(vote, salt);
}

Result<DisputeView> Service::open_dispute(std::string_view caller, JobId job,
                                          std::string_view agent_id, std::string reason) {
  MC_TRY_ASSIGN(Party agent, owned_agent(caller, agent_id));
  MC_TRY(internal::check_text(reason, "reason", kReasonMax));
  MC_TRY(binding_.job(job).status());
  MC_TRY_ASSIGN(Dispute dispute, engine_.open_dispute(job, agent.id, std::move(reason)));
  return dispute_view(dispute);
}

Result<DisputeView> Service::dispute(int64_t dispute_id) {
  Result<Dispute> found = engine_.dispute(dispute_id);
  if (!found.ok() && found.status().code() == Code::not_found) {
    return not_found("dispute_not_found", "Dispute not found");
  }
  MC_TRY(found.status());
  if (!binding_.job(found->job_id).ok()) {
    return not_found("dispute_not_found", "Dispute not found");
  }
  return dispute_view(*found);
}

Result<DisputeView> Service::commit_vote(std::string_view caller, int64_t dispute_id,
                                         std::string_view agent_id, std::string_view commitment) {
  MC_TRY_ASSIGN(Party agent, owned_agent(caller, agent_id));
  MC_TRY(dispute(dispute_id).status());
  MC_TRY_ASSIGN(Dispute updated, engine_.commit_vote(dispute_id, agent.id, commitment));
  return dispute_view(updated);
}

Result<DisputeView> Service::reveal_vote(std::string_view caller, int64_t dispute_id,
                                         std::string_view agent_id, std::string_view vote,
                                         std::string_view salt) {
  const std::optional<std::string> word = engine_vote(vote);
  if (!word) return invalid_argument("bad_vote", "vote is PROVIDER or CLIENT", "vote");
  MC_TRY(internal::check_text(salt, "salt", 200));
  MC_TRY_ASSIGN(Party agent, owned_agent(caller, agent_id));
  MC_TRY(dispute(dispute_id).status());
  MC_TRY_ASSIGN(Dispute updated, engine_.reveal_vote(dispute_id, agent.id, *word, salt, vote));
  if (updated.status == "resolved" && !updated.verdict.empty()) {
    // The losing side's reputation drops by 10, the winner's rises by 2 (0..100).
    MC_TRY_ASSIGN(Job job, engine_.job(updated.job_id));
    const bool provider_won = updated.verdict == "worker";
    std::optional<PartyId> winner = provider_won ? job.worker_id : job.poster_id;
    std::optional<PartyId> loser = provider_won ? std::optional(job.poster_id) : job.worker_id;
    for (auto [party, delta] : {std::pair{winner, 2}, std::pair{loser, -10}}) {
      if (!party) continue;
      MC_TRY_ASSIGN(Party current, engine_.party(*party));
      PartyUpdate update{.id = current.id};
      update.reputation = std::clamp<int64_t>(current.reputation + delta, 0, 100);
      MC_TRY(engine_.update_party_fields(update).status());
    }
  }
  return dispute_view(updated);
}

Result<std::optional<DisputeView>> Service::dispute_of_job(JobId job) {
  MC_TRY(binding_.job(job).status());
  MC_TRY_ASSIGN(std::optional<Dispute> found, engine_.dispute_of_job(job));
  if (!found) return std::optional<DisputeView>();
  MC_TRY_ASSIGN(DisputeView view, dispute_view(*found));
  return std::optional<DisputeView>(std::move(view));
}

Result<DisputeView> Service::dispute_view(const Dispute& dispute) {
  DisputeView view;
  view.dispute = dispute;
  MC_TRY_ASSIGN(Party filer, engine_.party(dispute.filed_by));
  view.filed_by_agent_id = filer.external_id;
  view.commit_deadline_s = (dispute.created_at_ms + kCommitMs) / 1000;
  view.reveal_deadline_s = (dispute.created_at_ms + kCommitMs + kRevealMs) / 1000;
  if (dispute.deposit_hold_id) {
    MC_TRY_ASSIGN(std::vector<Hold> holds, engine_.job_holds(dispute.job_id));
    for (const Hold& hold : holds) {
      if (hold.id == *dispute.deposit_hold_id) view.deposit_minor = hold.amount_minor;
    }
  }
  MC_TRY_ASSIGN(std::vector<DisputeVote> votes, engine_.dispute_votes(dispute.id));
  for (const DisputeVote& vote : votes) {
    MC_TRY_ASSIGN(Party judge, engine_.party(vote.judge_id));
    view.votes.push_back({.agent_id = judge.external_id,
                          .committed = !vote.commitment.empty(),
                          .vote = vote.vote == "worker"   ? "PROVIDER"
                                  : vote.vote == "poster" ? "CLIENT"
                                                          : ""});
  }
  return view;
}

}  // namespace mc::aacp
