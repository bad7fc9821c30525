// 1337MKT disputes: filed by the contract's leader (reject) or doer; Gold+ judges who are not
// parties join and vote "doer" or "leader"; the engine settles on the majority of the panel and
// the 14-day dispute_timeout closes any dispute left without a verdict. Karma counts the votes
// a judge cast.
#include <algorithm>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/mkt1337.h"

namespace mc::mkt1337 {
namespace {

constexpr int64_t kJudgeRepMin = 50;

Status dispute_not_found() {
  return not_found("dispute_not_found", "Dispute not found");
}

}  // namespace

Result<Dispute> Service::file_dispute(PartyId party, std::string_view contract,
                                      const std::string& reason) {
  MC_TRY(internal::check_text(reason, "reason", 2000, true));
  MC_TRY_ASSIGN(Job job, own_contract(party, contract, false, false));
  if (job.poster_id != party && job.worker_id != party) {
    return permission_denied("not_your_contract", "Only the contract's parties may dispute it");
  }
  return engine_.open_dispute(job.id, party, reason);
}

Result<Dispute> Service::dispute(std::string_view id) {
  const std::optional<int64_t> dispute_number = parse_dispute_id(id);
  if (!dispute_number) return dispute_not_found();
  Result<Dispute> found = engine_.dispute(*dispute_number);
  if (!found.ok()) {
    if (found.status().code() == Code::not_found) return dispute_not_found();
    return found.status();
  }
  Result<Job> job = engine_.job(found->job_id);
  if (!job.ok() || job->market_id != market_.id) return dispute_not_found();
  return found;
}

Result<std::vector<DisputeVote>> Service::votes(int64_t dispute_id) {
  return engine_.dispute_votes(dispute_id);
}

Result<std::vector<Dispute>> Service::eligible_disputes(PartyId judge) {
  MC_TRY_ASSIGN(Account account, refresh_reputation(judge));
  if (account.rep_score < kJudgeRepMin) {
    return permission_denied("judge_not_eligible", "judging is for Gold tier and above");
  }
  MC_TRY_ASSIGN(std::vector<Dispute> open, engine_.open_disputes(market_.id, 1000));
  std::vector<Dispute> out;
  for (Dispute& dispute : open) {
    MC_TRY_ASSIGN(Job job, engine_.job(dispute.job_id));
    if (job.poster_id == judge || job.worker_id == judge) continue;
    MC_TRY_ASSIGN(std::vector<DisputeVote> panel, engine_.dispute_votes(dispute.id));
    const bool joined = std::any_of(panel.begin(), panel.end(), [&](const DisputeVote& vote) {
      return vote.judge_id == judge;
    });
    if (!joined && static_cast<int32_t>(panel.size()) >= dispute.judges_needed) continue;
    out.push_back(std::move(dispute));
  }
  return out;
}

Result<Dispute> Service::join(PartyId judge, std::string_view id) {
  MC_TRY_ASSIGN(Dispute found, dispute(id));
  MC_TRY_ASSIGN(Account account, refresh_reputation(judge));
  if (account.rep_score < kJudgeRepMin) {
    return permission_denied("judge_not_eligible", "judging is for Gold tier and above");
  }
  MC_TRY(engine_.join_dispute(found.id, judge));
  return engine_.dispute(found.id);
}

Result<Dispute> Service::vote(PartyId judge, std::string_view id, std::string_view vote) {
  if (vote != "doer" && vote != "leader") {
    return invalid_argument("bad_vote", "vote must be \"doer\" or \"leader\"", "vote");
  }
  MC_TRY_ASSIGN(Dispute found, dispute(id));
  MC_TRY_ASSIGN(Dispute after,
                engine_.cast_vote(found.id, judge, vote == "doer" ? "worker" : "poster"));
  MC_TRY_ASSIGN(Party party, binding_.party(judge));
  const int64_t karma = internal::json_int_member(party.profile_json, "karma").value_or(0) + 1;
  json::JsonWriter profile;
  profile.begin_object().key("karma").value(karma).end_object();
  MC_TRY(engine_.update_party_fields({.id = judge, .profile_json = std::move(profile).take()})
             .status());
  return after;
}

}  // namespace mc::mkt1337
