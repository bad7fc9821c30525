// Events written by a firing (transactional outbox): one row per event type the transition
// names, carrying the job's id, state and amounts and concerning its poster, worker and
// evaluator; the creation transition's events are broadcast to the market (a new job is news
// for every candidate). Then one "balance.updated" per party whose balances the effects moved.
#include <string>
#include <vector>

#include "engine/firing.h"
#include "json/json_writer.h"

namespace mc::engine {
namespace {

void optional_id(json::JsonWriter& json, std::string_view key, const std::optional<int64_t>& id) {
  json.key(key);
  if (id) {
    json.value(*id);
  } else {
    json.null();
  }
}

std::string transition_payload(const Firing& firing, std::string_view type) {
  const Job& job = firing.job;
  json::JsonWriter json;
  json.begin_object();
  json.key("type").value(type);
  json.key("job_id").value(job.id);
  json.key("market_id").value(job.market_id);
  optional_id(json, "parent_job_id", job.parent_job_id);
  json.key("transition").value(firing.transition.name);
  json.key("from_state").value(firing.from_state);
  json.key("state").value(job.state);
  json.key("actor_role").value(role_name(firing.role));
  optional_id(json, "actor_id", firing.actor_id);
  json.key("poster_id").value(job.poster_id);
  optional_id(json, "worker_id", job.worker_id);
  optional_id(json, "evaluator_id", job.evaluator_id);
  json.key("category").value(job.category);
  json.key("amount_minor").value(job.amount_minor);
  json.key("escrow_minor").value(job.fees.escrow_minor);
  json.key("worker_minor").value(job.fees.worker_minor);
  json.key("platform_fee_minor").value(job.fees.platform_fee_minor);
  json.key("evaluator_fee_minor").value(job.fees.evaluator_fee_minor);
  optional_id(json, "expires_at_ms", job.expires_at_ms);
  json.key("at_ms").value(firing.tx.now_ms());
  json.end_object();
  return std::move(json).take();
}

}  // namespace

Status append_transition_events(Firing& firing) {
  std::vector<PartyId> parties{firing.job.poster_id};
  if (firing.job.worker_id) parties.push_back(*firing.job.worker_id);
  if (firing.job.evaluator_id) parties.push_back(*firing.job.evaluator_id);
  for (const std::string& type : firing.transition.events) {
    Event event;
    event.market_id = firing.market.id;
    event.type = type;
    event.job_id = firing.job.id;
    event.party_ids = parties;
    event.broadcast = firing.creation;
    event.payload_json = transition_payload(firing, type);
    event.created_at_ms = firing.tx.now_ms();
    MC_TRY(firing.tx.append_event(event).status());
  }
  firing.balances_after.clear();
  for (PartyId party : firing.balance_parties) {
    MC_TRY_ASSIGN(firing.balances_after[party],
                  append_balance_event(firing.tx, firing.market.id, party));
  }
  return ok_status();
}

Result<Balances> append_balance_event(store::Transaction& tx, MarketId market, PartyId party) {
  MC_TRY_ASSIGN(Balances balances, tx.balances(market, party));
  json::JsonWriter json;
  json.begin_object();
  json.key("party_id").value(party);
  json.key("available_minor").value(balances.available_minor);
  json.key("promo_minor").value(balances.promo_minor);
  json.key("pending_minor").value(balances.pending_minor);
  json.key("stake_minor").value(balances.stake_minor);
  json.key("stake_locked_minor").value(balances.stake_locked_minor);
  json.key("escrow_minor").value(balances.escrow_minor);
  json.end_object();
  Event event;
  event.market_id = market;
  event.type = "balance.updated";
  event.party_ids = {party};
  event.payload_json = std::move(json).take();
  event.created_at_ms = tx.now_ms();
  MC_TRY(tx.append_event(event).status());
  return balances;
}

}  // namespace mc::engine
