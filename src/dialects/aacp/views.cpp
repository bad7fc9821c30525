// AACP reads: a job with everything the seed's GET /jobs/:jobId shows (its agents with
// reputation and staking pool, stake locks, snapshots, dispute, offers, lifecycle marks), the
// filtered and paginated list, and the job's snapshots, dispute and offers.
#include <simdjson.h>

#include <algorithm>
#include <map>

#include "internal.h"
#include "marketcore/aacp.h"

namespace mc::aacp {
namespace {

constexpr const char* kStatuses[] = {"OPEN",     "FUNDED",  "SUBMITTED", "COMPLETED",
                                     "REJECTED", "EXPIRED", "DISPUTED",  "ARBITRATED"};
constexpr const char* kStrategies[] = {"PROGRAM", "RUBRIC", "HYBRID", "CEX_CAPITAL"};

bool one_of(std::string_view value, const auto& list) {
  return std::any_of(std::begin(list), std::end(list),
                     [&](const char* item) { return value == item; });
}

bool settles(std::string_view transition) {
  return transition == "complete" || transition == "reject" || transition == "claim_refund" ||
         transition == "expire" || transition == "expire_unfunded" ||
         transition == "evaluator_timeout" || transition == "resolve_for_worker" ||
         transition == "resolve_for_poster" || transition == "arbitration_timeout";
}

std::optional<CexConfig> cex_config_of(const Job& job) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(job.payload_json)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  simdjson::dom::element cex;
  if (root["cexConfig"].get(cex) != simdjson::SUCCESS) return std::nullopt;
  CexConfig config;
  int64_t value = 0;
  if (cex["stopLossBps"].get_int64().get(value) == simdjson::SUCCESS) config.stop_loss_bps = value;
  if (cex["targetReturnBps"].get_int64().get(value) == simdjson::SUCCESS) {
    config.target_return_bps = value;
  }
  return config;
}

std::optional<Snapshot> snapshot_of(const Event& event) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(event.payload_json)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  Snapshot snapshot;
  int64_t number = 0;
  std::string_view text;
  if (root["reportedValue"].get_int64().get(number) == simdjson::SUCCESS) {
    snapshot.reported_value_minor = number;
  }
  if (root["snapshotTs"].get_int64().get(number) == simdjson::SUCCESS) {
    snapshot.snapshot_ts_s = number;
  }
  if (root["txHash"].get_string().get(text) == simdjson::SUCCESS) snapshot.tx_hash = text;
  if (root["blockNumber"].get_string().get(text) == simdjson::SUCCESS) {
    snapshot.block_number = text;
  }
  if (root["attestation"].get_string().get(text) == simdjson::SUCCESS) {
    snapshot.attestation = text;
  }
  simdjson::dom::element report;
  if (root["balanceReport"].get(report) == simdjson::SUCCESS) {
    snapshot.balance_report_json = simdjson::minify(report);
  }
  return snapshot;
}

}  // namespace

Result<JobView> Service::job(JobId id) {
  MC_TRY_ASSIGN(Job job, binding_.job(id));
  return view(job, true);
}

Result<JobView> Service::view(const Job& job, bool full) {
  JobView out;
  out.job = job;
  out.status = job_status(job.state);
  out.program_hash = internal::json_string_field(job.payload_json, "programHash");
  out.rubric_hash = internal::json_string_field(job.payload_json, "rubricHash");
  if (job.category == "CEX_CAPITAL") out.cex_config = cex_config_of(job).value_or(CexConfig{});
  out.deliverable_hash = internal::json_string_field(job.proof_json, "deliverableHash");
  MC_TRY_ASSIGN(std::vector<JobTransitionRecord> history, engine_.job_history(job.id));
  for (const JobTransitionRecord& step : history) {
    const LifecycleMark mark{.at_ms = step.at_ms, .transition = step.transition};
    if (step.transition == "create") out.created = mark;
    if (step.transition == "submit") out.submitted = mark;
    if (step.transition.rfind("dispute", 0) == 0) out.disputed = mark;
    if (step.transition == "complete") {
      out.passed = true;
      out.fees_paid = true;
    }
    if (step.transition == "reject") out.passed = false;
    if (settles(step.transition)) {
      out.settled = mark;
      out.settled_at_ms = step.at_ms;
    }
  }
  if (!out.created) out.created = LifecycleMark{.at_ms = job.created_at_ms, .transition = "create"};
  MC_TRY_ASSIGN(std::vector<Hold> holds, engine_.job_holds(job.id));
  for (const Hold& hold : holds) {
    if (hold.purpose == HoldPurpose::escrow && hold.state == HoldState::held) {
      out.escrow_minor += hold.amount_minor;
    }
  }
  if (!full) return out;
  std::map<PartyId, std::string> agent_ids;
  auto agent_of = [&](PartyId id) -> Result<AgentView> {
    MC_TRY_ASSIGN(Party party, engine_.party(id));
    agent_ids[id] = party.external_id;
    return agent_view(party);
  };
  MC_TRY_ASSIGN(out.client, agent_of(job.poster_id));
  if (job.worker_id) {
    MC_TRY_ASSIGN(out.provider, agent_of(*job.worker_id));
  }
  if (job.evaluator_id) {
    MC_TRY_ASSIGN(out.evaluator, agent_of(*job.evaluator_id));
  }
  for (const Hold& hold : holds) {
    if (hold.purpose != HoldPurpose::stake || !hold.party_id) continue;
    const PartyId owner = *hold.party_id;
    if (!agent_ids.count(owner)) {
      MC_TRY_ASSIGN(Party party, engine_.party(owner));
      agent_ids[owner] = party.external_id;
    }
    const std::string role = owner == job.poster_id      ? "CLIENT"
                             : owner == job.worker_id    ? "PROVIDER"
                             : owner == job.evaluator_id ? "EVALUATOR"
                                                         : "ARBITRATOR";
    out.stake_locks.push_back({.agent_id = agent_ids[owner],
                               .role = role,
                               .amount_minor = hold.amount_minor,
                               .active = hold.state == HoldState::held,
                               .locked_at_ms = hold.created_at_ms,
                               .released_at_ms = hold.resolved_at_ms});
  }
  if (job.category == "CEX_CAPITAL") {
    MC_TRY_ASSIGN(out.snapshots, snapshots(job.id));
  }
  MC_TRY_ASSIGN(out.dispute, dispute_of_job(job.id));
  MC_TRY_ASSIGN(out.offers, offers(job.id));
  return out;
}

Result<std::vector<Snapshot>> Service::snapshots(JobId id) {
  MC_TRY_ASSIGN(Job job, binding_.job(id));
  std::vector<Snapshot> out;
  if (!job.worker_id) return out;
  // Snapshots are events of the job concerning its provider, oldest first.
  EventQuery query{.market_id = market_.id, .party_id = job.worker_id, .limit = 1000};
  for (;;) {
    MC_TRY_ASSIGN(std::vector<Event> events, engine_.events(query));
    for (const Event& event : events) {
      if (event.type != "job.snapshot" || event.job_id != job.id) continue;
      if (std::optional<Snapshot> snapshot = snapshot_of(event)) out.push_back(*snapshot);
    }
    if (events.size() < static_cast<size_t>(query.limit)) break;
    query.after_sequence = events.back().sequence;
  }
  return out;
}

Result<std::vector<OfferView>> Service::offers(JobId id) {
  MC_TRY(binding_.job(id).status());
  MC_TRY_ASSIGN(std::vector<Offer> offers, engine_.offers(id));
  std::vector<OfferView> out;
  for (const Offer& offer : offers) {
    MC_TRY_ASSIGN(Party party, engine_.party(offer.party_id));
    out.push_back({.agent_id = party.external_id,
                   .owner_address = internal::checksum_address(party.wallet_address),
                   .status = offer.status,
                   .created_at_ms = offer.created_at_ms});
  }
  return out;
}

Result<JobPage> Service::jobs(const JobFilter& filter) {
  if (filter.status && !one_of(*filter.status, kStatuses)) {
    return invalid_argument("invalid_value", "unknown status", "status");
  }
  if (filter.strategy_type && !one_of(*filter.strategy_type, kStrategies)) {
    return invalid_argument("invalid_value", "unknown strategyType", "strategyType");
  }
  if (filter.page < 1) return invalid_argument("invalid_value", "page must be ≥ 1", "page");
  MC_TRY_ASSIGN(int32_t limit, binding_.list_limit(filter.limit));
  JobPage page{.page = filter.page, .limit = limit};
  JobQuery query{.market_id = market_.id, .category = filter.strategy_type, .limit = 1000};
  // Agent filters name agents; an unknown one matches nothing.
  auto agent_party = [&](const std::optional<std::string>& agent_id) -> std::optional<PartyId> {
    if (!agent_id) return std::nullopt;
    Result<Party> party = engine_.party_by_external_id(market_.id, *agent_id);
    return party.ok() ? std::optional(party->id) : std::optional<PartyId>(0);
  };
  query.poster_id = agent_party(filter.client_id);
  query.worker_id = agent_party(filter.provider_id);
  const std::optional<PartyId> evaluator = agent_party(filter.evaluator_id);
  std::optional<std::string> owner;
  if (filter.owner_address) {
    Result<std::string> lower = internal::lower_address(*filter.owner_address, "ownerAddress");
    owner = lower.ok() ? *lower : std::string("-");
  }
  std::map<PartyId, bool> owned;  // party → held by `owner`
  auto held_by_owner = [&](std::optional<PartyId> id) -> bool {
    if (!id) return false;
    auto found = owned.find(*id);
    if (found != owned.end()) return found->second;
    Result<Party> party = engine_.party(*id);
    return owned[*id] = party.ok() && party->wallet_address == *owner;
  };
  std::vector<Job> matching;
  for (;;) {
    MC_TRY_ASSIGN(std::vector<Job> batch, engine_.jobs(query));
    for (Job& job : batch) {
      if (filter.status && job_status(job.state) != *filter.status) continue;
      if (evaluator && job.evaluator_id != evaluator) continue;
      if (owner && !held_by_owner(job.poster_id) && !held_by_owner(job.worker_id) &&
          !held_by_owner(job.evaluator_id)) {
        continue;
      }
      matching.push_back(std::move(job));
    }
    if (batch.size() < static_cast<size_t>(query.limit)) break;
    query.before_id = batch.back().id;
  }
  page.total = static_cast<int64_t>(matching.size());
  const int64_t first = (filter.page - 1) * limit;
  for (int64_t i = first; i < page.total && i < first + limit; ++i) {
    MC_TRY_ASSIGN(JobView job, view(matching[static_cast<size_t>(i)], true));
    page.jobs.push_back(std::move(job));
  }
  return page;
}

}  // namespace mc::aacp
