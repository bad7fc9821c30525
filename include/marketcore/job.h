// marketcore/job.h — a unit of work in a market and its history.
//
// A Job (j0 job, AgentMarket task, HumanOps task, AACP job, 1337MKT lead or contract) has a
// poster, at most one worker (many-contract leads have child jobs, one per contract, linked
// by `parent_job_id`), an optional evaluator, an amount with its fee split locked at creation,
// typed fields every dialect uses, and a free JSON payload for the rest. Its `state` is a
// state name of the job's lifecycle definition (see lifecycle.h); every change of state is a
// JobTransitionRecord in the job's history.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marketcore/fees.h"
#include "marketcore/ledger.h"

namespace mc {

// Job fields whose visibility a lifecycle may restrict (LifecycleDefinition::visibility).
// Numbers are part of the API: never renumber.
enum class JobField : int32_t {
  prompt = 0,
  description = 1,
  result = 2,   // result_text
  proof = 3,    // proof_json
  verdict = 4,  // verdict_json
  payload = 5,  // payload_json
};

// "prompt", "description", "result", "proof", "verdict", "payload".
const char* job_field_name(JobField field);

// Who reads a job: a party of its market, or the platform (the market operator, a host
// acting for the house), which sees everything.
struct JobViewer {
  std::optional<PartyId> party_id;  // empty: nobody in particular (public view)
  bool platform = false;

  static JobViewer of_party(PartyId party) { return {.party_id = party, .platform = false}; }
  static JobViewer of_platform() { return {.party_id = std::nullopt, .platform = true}; }
};

struct Job {
  JobId id = 0;
  MarketId market_id = 0;
  std::optional<JobId> parent_job_id;  // the lead of a 1337MKT contract
  std::string lifecycle;               // lifecycle definition name, e.g. "j0"
  std::string state;                   // a state of that lifecycle, e.g. "posted"
  PartyId poster_id = 0;
  std::optional<PartyId> worker_id;
  std::optional<PartyId> evaluator_id;

  int64_t amount_minor = 0;  // reward / budget / credits, without fees on top
  FeeQuote fees;             // locked at creation
  std::optional<HoldId> escrow_hold_id;

  // Typed fields (empty when unused by the market).
  std::string title;
  std::string description;
  std::string prompt;    // j0: revealed in full only to poster and worker
  std::string category;  // j0 capability, HumanOps task_type, 1337MKT task type, AACP strategy
  std::vector<std::string> capabilities;   // AgentMarket required_capabilities
  std::optional<int64_t> deadline_at_ms;   // absolute deadline set by the poster
  std::optional<int64_t> work_timeout_ms;  // time allowed after acceptance (j0 timeout_sec)
  int32_t contracts_max = 1;               // many-contract leads: number of funded payouts
  int32_t contracts_taken = 0;             // contracts accepted so far

  std::string payload_json = "{}";  // dialect-specific fields, stored verbatim (valid JSON)
  std::string result_text;          // delivered result (j0, AgentMarket)
  std::string proof_json;           // delivered proof (urls, tx hashes, photos, blob), or ""
  std::string verdict_json;         // verifier or judges' decision, or ""

  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> accepted_at_ms;
  std::optional<int64_t> submitted_at_ms;
  std::optional<int64_t> completed_at_ms;  // reached a terminal state
  std::optional<int64_t> expires_at_ms;    // when the current state's timer fires, if any
  int64_t version = 0;                     // bumped by every update (optimistic guard)
  // Fields cut to a preview or emptied for the viewer this copy was read for
  // (Engine::job_as_seen_by); empty for a full copy.
  std::vector<JobField> redacted_fields;
};

// Whether `field` of this copy of `job` was cut to a preview or emptied for its viewer.
bool is_redacted(const Job& job, JobField field);

// One step in a job's history.
struct JobTransitionRecord {
  int64_t id = 0;
  JobId job_id = 0;
  std::string transition;  // e.g. "accept", "timeout"
  std::string from_state;
  std::string to_state;
  std::optional<PartyId> actor_id;  // empty for the clock (timers)
  std::string actor_role;           // "poster", "worker", "system", ...
  int64_t at_ms = 0;
};

// Filters for listing jobs, newest first (Engine::jobs, store::Reader::jobs).
struct JobQuery {
  std::optional<MarketId> market_id;
  std::optional<std::string> state;
  std::optional<PartyId> poster_id;
  std::optional<PartyId> worker_id;
  std::optional<PartyId> any_party_id;
  std::optional<JobId> parent_job_id;
  std::optional<std::string> category;
  std::optional<std::string> capability;
  std::optional<JobId> before_id;
  int32_t limit = 50;
  int32_t offset = 0;
};

}  // namespace mc
