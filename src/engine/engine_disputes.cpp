// Disputes: filing (fires the job's "dispute" transition and opens a panel), judges joining
// (eligibility: not a party to the job, reputation at least the market's
// "judge_reputation_min"), and votes (once a majority of judges_needed agrees, the verdict
// fires "resolve_for_worker" or "resolve_for_poster" as Role::system in the same unit, so the
// escrow moves exactly when the deciding vote commits).
//
// Closing: every firing of an existing job goes through Engine::Impl::fire_in/fire_loaded_in,
// which close the job's open dispute in the firing's own unit when the job leaves the state it
// was disputed in — by verdict, by the platform, or by a timer (1337MKT "dispute_timeout",
// AACP "arbitration_timeout") — so judges can no longer join or vote ("dispute_closed").
#include <algorithm>
#include <string>

#include "engine/engine_impl.h"
#include "engine/job_validation.h"
#include "engine/market_settings.h"
#include "engine/replay.h"
#include "engine/request_hash.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/money.h"

namespace mc {
namespace {

Result<Dispute> load_open_dispute(store::Transaction& tx, int64_t dispute_id) {
  MC_TRY_ASSIGN(Dispute dispute, tx.dispute(dispute_id));
  if (dispute.status != "open") {
    return failed_precondition("dispute_closed", "the dispute is " + dispute.status +
                                                     ": judges can no longer join or vote");
  }
  return dispute;
}

Result<std::optional<HoldId>> deposit_hold_of(store::Transaction& tx, JobId job, PartyId payer) {
  MC_TRY_ASSIGN(std::vector<Hold> holds, tx.holds_of_job(job));
  std::optional<HoldId> found;
  for (const Hold& hold : holds) {
    const bool held_deposit = hold.purpose == HoldPurpose::dispute && hold.state == HoldState::held;
    if (held_deposit && hold.party_id == payer) found = std::max(found.value_or(0), hold.id);
  }
  return found;
}

// Commit-reveal windows from the dispute's filing (market settings, in hours).
struct JudgingWindows {
  int64_t commit_until_ms = 0;
  int64_t reveal_until_ms = 0;
};

JudgingWindows judging_windows(const MarketConfig& config, const Dispute& dispute) {
  const int64_t commit_ms =
      engine::market_setting_int(config, "commit_hours", 48) * kMillisecondsPerHour;
  const int64_t reveal_ms =
      engine::market_setting_int(config, "reveal_hours", 24) * kMillisecondsPerHour;
  return {dispute.created_at_ms + commit_ms, dispute.created_at_ms + commit_ms + reveal_ms};
}

std::string normalised_commitment(std::string_view text) {
  Result<std::string> bytes = encoding::hex_decode(text);
  if (!bytes.ok() || bytes->size() != 32) return "";
  return "0x" + encoding::hex_encode(*bytes);
}

std::string verdict_json(int64_t dispute_id, std::string_view verdict) {
  json::JsonWriter json;
  json.begin_object();
  json.key("dispute_id").value(dispute_id);
  json.key("verdict").value(verdict);
  json.end_object();
  return std::move(json).take();
}

}  // namespace

Result<Dispute> Engine::Impl::record_vote(store::Transaction& tx, const Dispute& dispute,
                                          std::vector<DisputeVote>& votes, DisputeVote& mine,
                                          std::string_view vote) {
  mine.vote = std::string(vote);
  mine.voted_at_ms = tx.now_ms();
  MC_TRY(tx.upsert_dispute_vote(mine));
  const auto agreeing = std::count_if(votes.begin(), votes.end(),
                                      [&](const DisputeVote& row) { return row.vote == vote; });
  if (agreeing < dispute.judges_needed / 2 + 1) return dispute;
  FireTransition request;
  request.job_id = dispute.job_id;
  request.transition = vote == "worker" ? "resolve_for_worker" : "resolve_for_poster";
  request.verdict_json = verdict_json(dispute.id, vote);
  // fire_in closes the dispute (status "resolved", the verdict, the transition as outcome)
  // when the verdict moves the job on; a verdict that leaves it in place still ends it.
  MC_TRY(fire_in(tx, request).status());
  MC_TRY_ASSIGN(Dispute decided, tx.dispute(dispute.id));
  if (decided.status == "open") {
    decided.status = "resolved";
    decided.verdict = std::string(vote);
    decided.outcome = request.transition;
    decided.resolved_at_ms = tx.now_ms();
    MC_TRY(tx.update_dispute(decided));
  }
  return decided;
}

namespace engine {

Result<std::optional<Dispute>> open_dispute_of(store::Transaction& tx, JobId job) {
  MC_TRY_ASSIGN(std::optional<Dispute> dispute, tx.dispute_of_job(job));
  if (dispute && dispute->status != "open") dispute.reset();
  return dispute;
}

Status close_dispute_if_left(store::Transaction& tx, Dispute dispute,
                             const std::string& state_before, const JobOutcome& fired) {
  if (fired.job.state == state_before) return ok_status();
  if (fired.fired == "resolve_for_worker" || fired.fired == "resolve_for_poster") {
    dispute.status = "resolved";
    if (dispute.verdict.empty()) {
      dispute.verdict = fired.fired == "resolve_for_worker" ? "worker" : "poster";
    }
  } else {
    dispute.status = "closed";
  }
  dispute.outcome = fired.fired;
  dispute.resolved_at_ms = tx.now_ms();
  return tx.update_dispute(dispute);
}

}  // namespace engine

Result<JobOutcome> Engine::Impl::fire_in(store::Transaction& tx, const FireTransition& request) {
  MC_TRY_ASSIGN(std::optional<Dispute> open, engine::open_dispute_of(tx, request.job_id));
  if (!open) return interpreter.fire(tx, request);
  MC_TRY_ASSIGN(Job before, tx.job(request.job_id));
  MC_TRY_ASSIGN(JobOutcome fired, interpreter.fire(tx, request));
  MC_TRY(engine::close_dispute_if_left(tx, std::move(*open), before.state, fired));
  return fired;
}

Result<JobOutcome> Engine::Impl::fire_loaded_in(store::Transaction& tx, const Job& job,
                                                const FireTransition& request) {
  MC_TRY_ASSIGN(std::optional<Dispute> open, engine::open_dispute_of(tx, job.id));
  MC_TRY_ASSIGN(JobOutcome fired, interpreter.fire_loaded(tx, job, request));
  if (open) MC_TRY(engine::close_dispute_if_left(tx, std::move(*open), job.state, fired));
  return fired;
}

Result<Dispute> Engine::open_dispute(JobId job_id, PartyId filed_by, std::string reason,
                                     std::optional<IdempotencyKey> idempotency) {
  MC_TRY(engine::validate_idempotency_key(idempotency));
  if (!engine::utf8_code_points(reason)) {
    return invalid_argument("invalid_utf8", "reason is not valid UTF-8", "reason");
  }
  engine::RequestHasher hasher("open_dispute");
  hasher.add("job_id", job_id).add("filed_by", filed_by).add("reason", reason);
  const std::string hash = hasher.hex();
  return impl_->write<Dispute>([&](store::Transaction& tx) -> Result<Dispute> {
    MC_TRY_ASSIGN(std::optional<std::string> replay, engine::find_replay(tx, idempotency, hash));
    if (replay) {
      MC_TRY_ASSIGN(int64_t id, engine::decode_id(*replay));
      return tx.dispute(id);
    }
    MC_TRY_ASSIGN(std::optional<Dispute> existing, tx.dispute_of_job(job_id));
    if (existing) return failed_precondition("dispute_exists", "the job already has a dispute");
    FireTransition request;
    request.job_id = job_id;
    request.transition = "dispute";
    request.actor_id = filed_by;
    Result<JobOutcome> fired = impl_->interpreter.fire(tx, request);
    if (!fired.ok()) {
      if (fired.status().detail() == "expired") {
        return failed_precondition("dispute_window_closed", "the dispute window has closed");
      }
      return fired.status();
    }
    MC_TRY_ASSIGN(Market market, tx.market(fired->job.market_id));
    Dispute dispute;
    dispute.job_id = job_id;
    dispute.filed_by = filed_by;
    dispute.status = "open";
    dispute.reason = std::move(reason);
    MC_TRY_ASSIGN(dispute.deposit_hold_id, deposit_hold_of(tx, job_id, filed_by));
    dispute.judges_needed = static_cast<int32_t>(
        std::clamp<int64_t>(engine::market_setting_int(market.config, "judges_needed", 3), 1, 99));
    dispute.created_at_ms = tx.now_ms();
    MC_TRY_ASSIGN(int64_t id, tx.insert_dispute(dispute));
    MC_TRY(engine::save_replay(tx, idempotency, hash, engine::encode_id(id)));
    return tx.dispute(id);
  });
}

Status Engine::join_dispute(int64_t dispute_id, PartyId judge) {
  return impl_->store->write(impl_->now_ms(), [&](store::Transaction& tx) -> Status {
    MC_TRY_ASSIGN(Dispute dispute, load_open_dispute(tx, dispute_id));
    MC_TRY_ASSIGN(Job job, tx.job(dispute.job_id));
    MC_TRY_ASSIGN(Party party, tx.party(judge));
    MC_TRY_ASSIGN(Market market, tx.market(job.market_id));
    const bool party_to_job = judge == job.poster_id || job.worker_id == judge ||
                              job.evaluator_id == judge || judge == dispute.filed_by;
    const int64_t reputation_min =
        engine::market_setting_int(market.config, "judge_reputation_min", 0);
    if (party.market_id != job.market_id || party_to_job || party.reputation < reputation_min) {
      return permission_denied("judge_not_eligible",
                               "party " + std::to_string(judge) + " may not judge this dispute");
    }
    MC_TRY_ASSIGN(std::vector<DisputeVote> votes, tx.dispute_votes(dispute_id));
    for (const DisputeVote& vote : votes) {
      if (vote.judge_id == judge) return ok_status();
    }
    if (static_cast<int64_t>(votes.size()) >= dispute.judges_needed) {
      return failed_precondition("panel_full", "the dispute has all the judges it needs");
    }
    DisputeVote vote;
    vote.dispute_id = dispute_id;
    vote.judge_id = judge;
    vote.joined_at_ms = tx.now_ms();
    return tx.upsert_dispute_vote(vote);
  });
}

Result<Dispute> Engine::cast_vote(int64_t dispute_id, PartyId judge, std::string_view vote) {
  if (vote != "worker" && vote != "poster") {
    return invalid_argument("bad_vote", "a vote is \"worker\" or \"poster\"", "vote");
  }
  return impl_->write<Dispute>([&](store::Transaction& tx) -> Result<Dispute> {
    MC_TRY_ASSIGN(Dispute dispute, load_open_dispute(tx, dispute_id));
    MC_TRY_ASSIGN(std::vector<DisputeVote> votes, tx.dispute_votes(dispute_id));
    auto mine = std::find_if(votes.begin(), votes.end(),
                             [&](const DisputeVote& row) { return row.judge_id == judge; });
    if (mine == votes.end()) {
      return permission_denied("not_a_judge", "the party has not joined this dispute");
    }
    if (!mine->vote.empty()) return failed_precondition("already_voted", "the judge has voted");
    return impl_->record_vote(tx, dispute, votes, *mine, vote);
  });
}

std::string Engine::vote_commitment(std::string_view spelled_vote, std::string_view salt) {
  const std::string preimage = std::string(spelled_vote) + ":" + std::string(salt);
  return "0x" + encoding::hex_encode(crypto::digest_bytes(crypto::keccak256(preimage)));
}

Result<Dispute> Engine::commit_vote(int64_t dispute_id, PartyId judge,
                                    std::string_view commitment) {
  const std::string normalised = normalised_commitment(commitment);
  if (normalised.empty()) {
    return invalid_argument("bad_commitment", "a commitment is 32 bytes of hex", "commitment");
  }
  return impl_->write<Dispute>([&](store::Transaction& tx) -> Result<Dispute> {
    MC_TRY_ASSIGN(Dispute dispute, load_open_dispute(tx, dispute_id));
    MC_TRY_ASSIGN(Job job, tx.job(dispute.job_id));
    MC_TRY_ASSIGN(Market market, tx.market(job.market_id));
    if (tx.now_ms() >= judging_windows(market.config, dispute).commit_until_ms) {
      return failed_precondition("commit_window_closed", "the commit window has closed");
    }
    MC_TRY_ASSIGN(Party party, tx.party(judge));
    const bool party_to_job = judge == job.poster_id || job.worker_id == judge ||
                              job.evaluator_id == judge || judge == dispute.filed_by;
    const int64_t reputation_min =
        engine::market_setting_int(market.config, "judge_reputation_min", 0);
    if (party.market_id != job.market_id || party_to_job || party.reputation < reputation_min) {
      return permission_denied("judge_not_eligible",
                               "party " + std::to_string(judge) + " may not judge this dispute");
    }
    MC_TRY_ASSIGN(std::vector<DisputeVote> votes, tx.dispute_votes(dispute_id));
    auto mine = std::find_if(votes.begin(), votes.end(),
                             [&](const DisputeVote& row) { return row.judge_id == judge; });
    if (mine != votes.end() && !mine->commitment.empty()) {
      if (mine->commitment == normalised) return dispute;  // the same commitment again
      return failed_precondition("already_committed", "the judge has committed a vote");
    }
    if (mine == votes.end() && static_cast<int64_t>(votes.size()) >= dispute.judges_needed) {
      return failed_precondition("panel_full", "the dispute has all the judges it needs");
    }
    // The judge's stake: a fixed amount divided by min(1, reputation / 100), locked on the
    // job so the job's terminal transition releases it.
    int64_t stake_minor = engine::market_setting_int(market.config, "arbitrator_stake_minor", 0);
    if (stake_minor > 0) {
      const int64_t reputation = std::clamp<int64_t>(party.reputation, 1, 100);
      MC_TRY_ASSIGN(stake_minor, mul_div(stake_minor, 100, reputation, Rounding::up));
      MC_TRY(tx.create_hold(HoldPurpose::stake,
                            AccountRef{job.market_id, AccountKind::stake, judge}, stake_minor,
                            job.id, judge, "stake_lock")
                 .status());
    }
    DisputeVote vote = mine != votes.end() ? *mine : DisputeVote{};
    vote.dispute_id = dispute_id;
    vote.judge_id = judge;
    if (mine == votes.end()) vote.joined_at_ms = tx.now_ms();
    vote.commitment = normalised;
    MC_TRY(tx.upsert_dispute_vote(vote));
    return dispute;
  });
}

Result<Dispute> Engine::reveal_vote(int64_t dispute_id, PartyId judge, std::string_view vote,
                                    std::string_view salt, std::string_view spelled_vote) {
  if (vote != "worker" && vote != "poster") {
    return invalid_argument("bad_vote", "a vote is \"worker\" or \"poster\"", "vote");
  }
  const std::string commitment = vote_commitment(spelled_vote.empty() ? vote : spelled_vote, salt);
  return impl_->write<Dispute>([&](store::Transaction& tx) -> Result<Dispute> {
    MC_TRY_ASSIGN(Dispute dispute, load_open_dispute(tx, dispute_id));
    MC_TRY_ASSIGN(Job job, tx.job(dispute.job_id));
    MC_TRY_ASSIGN(Market market, tx.market(job.market_id));
    MC_TRY_ASSIGN(std::vector<DisputeVote> votes, tx.dispute_votes(dispute_id));
    auto mine = std::find_if(votes.begin(), votes.end(),
                             [&](const DisputeVote& row) { return row.judge_id == judge; });
    if (mine == votes.end() || mine->commitment.empty()) {
      return permission_denied("not_a_judge", "the party has not committed a vote here");
    }
    if (!mine->vote.empty()) return failed_precondition("already_voted", "the judge has revealed");
    const JudgingWindows windows = judging_windows(market.config, dispute);
    const auto committed = std::count_if(
        votes.begin(), votes.end(), [](const DisputeVote& row) { return !row.commitment.empty(); });
    if (committed < dispute.judges_needed && tx.now_ms() < windows.commit_until_ms) {
      return failed_precondition("reveal_not_open",
                                 "votes are revealed once every judge has committed or the "
                                 "commit window has closed");
    }
    if (tx.now_ms() >= windows.reveal_until_ms) {
      return failed_precondition("reveal_window_closed", "the reveal window has closed");
    }
    if (commitment != mine->commitment) {
      return failed_precondition("commitment_mismatch",
                                 "the vote and salt do not match the commitment");
    }
    return impl_->record_vote(tx, dispute, votes, *mine, vote);
  });
}

Result<std::vector<DisputeVote>> Engine::dispute_votes(int64_t dispute_id) {
  return impl_->read<std::vector<DisputeVote>>(
      [&](store::Reader& reader) { return reader.dispute_votes(dispute_id); });
}

Result<std::optional<Dispute>> Engine::dispute_of_job(JobId job) {
  return impl_->read<std::optional<Dispute>>(
      [&](store::Reader& reader) { return reader.dispute_of_job(job); });
}

}  // namespace mc
