// marketcore/dispute.h — offers on jobs and disputes judged by votes.
//
// An Offer is a candidate's application to work a job (AACP providers); the poster picks one
// and the others are rejected. A Dispute is filed by a party to a job; eligible judges join
// and vote; once a majority of `judges_needed` agrees, the verdict fires the job's
// "resolve_for_worker" or "resolve_for_poster" transition, which moves the escrow. Whatever
// transition moves the job out of its disputed state (a verdict, the platform, a timer) closes
// the dispute in the same transaction, with that transition as its outcome.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "marketcore/ledger.h"

namespace mc {

struct Offer {
  int64_t id = 0;
  JobId job_id = 0;
  PartyId party_id = 0;
  std::string status;  // "PENDING", "ACCEPTED", "REJECTED", "WITHDRAWN"
  std::string payload_json = "{}";
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct Dispute {
  int64_t id = 0;
  JobId job_id = 0;
  PartyId filed_by = 0;
  // "open"; "resolved" by the judges' verdict (or a resolve_for_* transition); "closed" when
  // another transition (a timeout) moved the job on first. Judges join and vote only while open.
  std::string status;
  std::string reason;
  std::optional<HoldId> deposit_hold_id;
  int32_t judges_needed = 3;
  std::string verdict;  // "", "worker" or "poster"
  int64_t created_at_ms = 0;
  std::optional<int64_t> resolved_at_ms;
  // The transition that ended the dispute ("resolve_for_worker", "dispute_timeout",
  // "arbitration_timeout", ...); "" while open.
  std::string outcome;
};

struct DisputeVote {
  int64_t dispute_id = 0;
  PartyId judge_id = 0;
  std::string commitment;  // commit-reveal: the committed hash, or ""
  std::string vote;        // "" until cast or revealed; then "worker" or "poster"
  int64_t joined_at_ms = 0;
  std::optional<int64_t> voted_at_ms;
};

}  // namespace mc
