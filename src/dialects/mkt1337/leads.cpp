// 1337MKT leads and their escrow: create (typed success criteria, a webhook secret the leader
// alone reads), list the leads open for contracts, detail, pause / resume, cancel with refund,
// and escrow deposits that fund a lead once what it needs is credited (each tx hash once).
#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/mkt1337.h"

namespace mc::mkt1337 {
namespace {

std::string deposit_reason(JobId lead) {
  return "escrow_deposit:" + lead_id(lead);
}

Status lead_not_found() {
  return not_found("lead_not_found", "Lead not found");
}

}  // namespace

Result<Job> Service::lead(std::string_view id) {
  const std::optional<JobId> job_id = parse_lead_id(id);
  if (!job_id) return lead_not_found();
  MC_TRY_ASSIGN(Job job, binding_.job_as_seen_by(*job_id, JobViewer{}));
  if (job.parent_job_id || job.lifecycle != "mkt1337_lead") return lead_not_found();
  return job;
}

Result<Job> Service::own_lead(PartyId leader, std::string_view id) {
  MC_TRY_ASSIGN(Job job, lead(id));
  if (job.poster_id != leader) {
    return permission_denied("not_your_lead", "Only the lead's leader may do this");
  }
  return binding_.job_as_seen_by(job.id, JobViewer::of_party(leader));
}

Result<Job> Service::create_lead(PartyId leader, const NewLead& lead) {
  MC_TRY(internal::check_text(lead.title, "title", 200, true));
  MC_TRY(internal::check_text(lead.description, "description", 10'000, false));
  // An unknown type is the engine's refusal (the market's categories: "unknown_category").
  bool known = false;
  for (std::string_view type : lead_types()) known = known || lead.type == type;
  if (lead.payout_minor <= 0) {
    return invalid_argument("amount_not_positive", "payout must be positive", "payout");
  }
  if (lead.slots < 1 || lead.slots > market_.config.limits.contracts_max) {
    return invalid_argument(
        "invalid_value", "slots must be 1.." + std::to_string(market_.config.limits.contracts_max),
        "slots");
  }
  if (lead.payout_minor > market_.config.movement_max_minor / lead.slots) {
    return invalid_argument("amount_too_large", "payout × slots is too large", "payout");
  }
  if (known) MC_TRY(check_success_criteria(lead.type, lead.success_criteria_json));
  if (lead.deadline_ms && *lead.deadline_ms <= engine_.clock().now_ms()) {
    return invalid_argument("deadline_in_past", "deadline must be in the future", "deadline");
  }
  MC_TRY(refresh_reputation(leader).status());
  MC_TRY_ASSIGN(std::string secret_bytes, crypto::random_bytes(32));
  json::JsonWriter payload;
  payload.begin_object().key("success_criteria").raw(lead.success_criteria_json).end_object();
  MC_TRY_ASSIGN(JobOutcome created,
                engine_.create_job({.market_id = market_.id,
                                    .poster_id = leader,
                                    .amount_minor = lead.payout_minor * lead.slots,
                                    .title = lead.title,
                                    .description = lead.description,
                                    .prompt = "whsec_" + encoding::hex_encode(secret_bytes),
                                    .category = lead.type,
                                    .deadline_at_ms = lead.deadline_ms,
                                    .contracts_max = lead.slots,
                                    .payload_json = std::move(payload).take()}));
  return binding_.job_as_seen_by(created.job.id, JobViewer::of_party(leader));
}

Result<std::vector<Job>> Service::leads(const LeadFilter& filter) {
  MC_TRY_ASSIGN(const int32_t limit, binding_.list_limit(filter.limit));
  if (filter.type) {
    bool known = false;
    for (std::string_view type : lead_types()) known = known || *filter.type == type;
    if (!known) {
      return invalid_argument("unknown_lead_type",
                              "type must be one of CPR, CPA, CPV, CPC, CPD, REVSHARE", "type");
    }
  }
  std::vector<Job> out;
  JobQuery query{.state = std::string("funded"), .category = filter.type, .limit = 200};
  while (static_cast<int32_t>(out.size()) < limit) {
    MC_TRY_ASSIGN(std::vector<Job> page, binding_.jobs_as_seen_by(query, JobViewer{}));
    for (Job& job : page) {
      if (job.parent_job_id || static_cast<int32_t>(out.size()) >= limit) continue;
      const int64_t payout = lead_payout_minor(job);
      if (filter.min_payout_minor && payout < *filter.min_payout_minor) continue;
      if (filter.max_payout_minor && payout > *filter.max_payout_minor) continue;
      if (filter.min_leader_rep) {
        MC_TRY_ASSIGN(Party leader, binding_.party(job.poster_id));
        if (leader.reputation < *filter.min_leader_rep) continue;
      }
      out.push_back(std::move(job));
    }
    if (page.size() < 200) break;
    query.before_id = page.back().id;
  }
  return out;
}

Result<Job> Service::set_lead_status(PartyId leader, std::string_view id, std::string_view status) {
  MC_TRY_ASSIGN(Job job, own_lead(leader, id));
  if (status != "paused" && status != "active") {
    return invalid_argument("invalid_value", "status must be \"paused\" or \"active\"", "status");
  }
  if (lead_status(job) == status) return job;
  MC_TRY(engine_
             .fire({.job_id = job.id,
                    .transition = status == "paused" ? "pause" : "resume",
                    .actor_id = leader})
             .status());
  return binding_.job_as_seen_by(job.id, JobViewer::of_party(leader));
}

Result<Job> Service::cancel_lead(PartyId leader, std::string_view id) {
  MC_TRY_ASSIGN(Job job, own_lead(leader, id));
  MC_TRY(engine_.fire({.job_id = job.id, .transition = "cancel", .actor_id = leader}).status());
  return binding_.job_as_seen_by(job.id, JobViewer::of_party(leader));
}

Result<std::string> Service::webhook_secret(PartyId leader, std::string_view id) {
  MC_TRY_ASSIGN(Job job, own_lead(leader, id));
  return job.prompt;
}

Result<int64_t> Service::deposited_for(const Job& lead) {
  const std::string reason = deposit_reason(lead.id);
  int64_t total = 0;
  std::optional<TransferId> before;
  while (true) {
    MC_TRY_ASSIGN(std::vector<Transfer> page,
                  engine_.transfers(market_.id, lead.poster_id, before, 500));
    for (const Transfer& transfer : page) {
      if (transfer.reason == reason) total += transfer.amount_minor;
    }
    if (page.size() < 500) break;
    before = page.back().id;
  }
  return total;
}

Result<EscrowStatus> Service::escrow_of(const Job& lead) {
  EscrowStatus status{.lead = lead.id, .required_minor = lead.fees.escrow_minor};
  MC_TRY_ASSIGN(status.deposited_minor, deposited_for(lead));
  const int64_t payout = lead_payout_minor(lead);
  status.funded = lead.state == "funded" || lead.state == "paused";
  if (status.funded) status.held_minor = payout * (lead.contracts_max - lead.contracts_taken);
  JobQuery children{.parent_job_id = lead.id, .limit = 200};
  while (true) {
    MC_TRY_ASSIGN(std::vector<Job> page, engine_.jobs(children));
    for (const Job& child : page) {
      if (child.state == "active" || child.state == "proof_submitted" ||
          child.state == "disputed") {
        status.held_minor += child.fees.escrow_minor;
      }
    }
    if (page.size() < 200) break;
    children.before_id = page.back().id;
  }
  return status;
}

Result<EscrowStatus> Service::escrow(std::string_view id) {
  MC_TRY_ASSIGN(Job job, lead(id));
  return escrow_of(job);
}

Result<EscrowStatus> Service::deposit(PartyId leader, std::string_view id, int64_t amount_minor,
                                      std::string_view tx_hash) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "amount must be positive", "amount");
  }
  MC_TRY_ASSIGN(std::string hash, internal::normalize_tx_hash(tx_hash));
  MC_TRY_ASSIGN(Job job, own_lead(leader, id));
  if (!options_.test_mode) {
    if (!options_.chain) {
      return failed_precondition("chain_unavailable", "no chain confirmation is configured");
    }
    MC_TRY_ASSIGN(amount_minor, options_.chain->confirmed_amount_minor(hash));
  }
  MC_TRY_ASSIGN(MoneyMovement moved, engine_.deposit({.market_id = market_.id,
                                                      .party_id = leader,
                                                      .amount_minor = amount_minor,
                                                      .reason = deposit_reason(job.id),
                                                      .external_ref = "usdc:" + hash}));
  if (job.state == "unfunded") {
    MC_TRY_ASSIGN(Balances balances, engine_.balances(market_.id, leader));
    MC_TRY_ASSIGN(int64_t deposited, deposited_for(job));
    if (deposited >= job.fees.escrow_minor &&
        balances.available_minor + balances.promo_minor >= job.fees.escrow_minor) {
      Result<JobOutcome> funded =
          engine_.fire({.job_id = job.id, .transition = "fund", .actor_id = leader});
      if (!funded.ok() && funded.status().detail() != "wrong_state" &&
          funded.status().detail() != "job_state_changed") {
        return funded.status();
      }
    }
  }
  MC_TRY_ASSIGN(Job after, binding_.job(job.id));
  MC_TRY_ASSIGN(EscrowStatus status, escrow_of(after));
  status.replayed = moved.replayed;
  return status;
}

}  // namespace mc::mkt1337
