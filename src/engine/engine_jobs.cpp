// Jobs: create_job (validate → quote → insert → creation transition → optional follow-up
// transition, CreateJob::then_fire), fire and offers. Each
// call is one write unit: idempotency check → the work → idempotency record, so a repeat of a
// committed call answers from the record and a failed call leaves nothing behind.
//
// Contracts (jobs with parent_job_id): the request's poster_id is the acting party. The
// contract's payer is the lead's poster; when the actor is someone else (a doer taking a
// contract) the actor becomes the contract's worker. The contract's quote is the lead's quote
// divided by the lead's contracts_max (each part floored, the worker's share taking what the
// floors leave), so the contracts never draw more than the lead holds.
#include <string>

#include "common/planted.h"
#include "engine/engine_impl.h"
#include "engine/job_validation.h"
#include "engine/market_settings.h"
#include "engine/replay.h"
#include "engine/request_hash.h"

namespace mc {
namespace {

std::string create_hash(const CreateJob& request) {
  engine::RequestHasher hasher("create_job");
  hasher.add("market_id", request.market_id)
      .add("poster_id", request.poster_id)
      .add("amount_minor", request.amount_minor)
      .add("evaluator_id", request.evaluator_id)
      .add("worker_id", request.worker_id)
      .add("parent_job_id", request.parent_job_id)
      .add("title", request.title)
      .add("description", request.description)
      .add("prompt", request.prompt)
      .add("category", request.category)
      .add("capabilities", request.capabilities)
      .add("deadline_at_ms", request.deadline_at_ms)
      .add("work_timeout_ms", request.work_timeout_ms)
      .add("contracts_max", static_cast<int64_t>(request.contracts_max))
      .add("payload_json", request.payload_json);
  // Only when set, so keys stored before then_fire existed still match their requests.
  if (!request.then_fire.empty()) hasher.add("then_fire", request.then_fire);
  return hasher.hex();
}

std::string fire_hash(const FireTransition& request) {
  engine::RequestHasher hasher("fire");
  hasher.add("job_id", request.job_id)
      .add("transition", request.transition)
      .add("actor_id", request.actor_id)
      .add("as_platform", request.as_platform)
      .add("result_text", request.result_text)
      .add("proof_json", request.proof_json)
      .add("verdict_json", request.verdict_json)
      .add("confidence", request.confidence)
      .add("worker_id", request.worker_id);
  return hasher.hex();
}

Status require_party_in(store::Transaction& tx, MarketId market, PartyId party, const char* param) {
  Result<Party> found = tx.party(party);
  if (found.ok() && found->market_id == market) return ok_status();
  if (!found.ok() && found.status().code() != Code::not_found) return found.status();
  return Status(Code::not_found, "party_not_found",
                "no party " + std::to_string(party) + " in market " + std::to_string(market),
                param);
}

// Market gates of an offer ("offer_reputation_min", "offer_stake_min_minor"), read in the
// write so a concurrent withdrawal of stake cannot slip an offer past them.
Status check_offer_gates(store::Transaction& tx, MarketId market_id, PartyId party_id) {
  MC_TRY_ASSIGN(Market market, tx.market(market_id));
  MC_TRY_ASSIGN(Party party, tx.party(party_id));
  const int64_t reputation_min =
      engine::market_setting_int(market.config, "offer_reputation_min", 0);
  if (party.reputation < reputation_min) {
    return failed_precondition("reputation_too_low", "an offer needs a reputation of at least " +
                                                         std::to_string(reputation_min));
  }
  const int64_t stake_min = engine::market_setting_int(market.config, "offer_stake_min_minor", 0);
  if (stake_min > 0) {
    MC_TRY_ASSIGN(int64_t stake, tx.balance(AccountRef{market_id, AccountKind::stake, party_id}));
    if (stake < stake_min) {
      return failed_precondition("insufficient_stake", "an offer needs at least " +
                                                           std::to_string(stake_min) +
                                                           " available in the staking pool");
    }
  }
  return ok_status();
}

FeeQuote contract_quote(const Job& lead) {
  const int64_t parts = std::max<int64_t>(1, lead.contracts_max);
  FeeQuote quote = lead.fees;
  quote.amount_minor = lead.fees.amount_minor / parts;
  quote.escrow_minor = lead.fees.escrow_minor / parts;
  quote.platform_fee_minor = lead.fees.platform_fee_minor / parts;
  quote.evaluator_fee_minor = lead.fees.evaluator_fee_minor / parts;
  quote.worker_minor = quote.escrow_minor - quote.platform_fee_minor - quote.evaluator_fee_minor;
  return quote;
}

Job job_from_request(const CreateJob& request, const Market& market, int64_t now_ms) {
  Job job;
  job.market_id = market.id;
  job.parent_job_id = request.parent_job_id;
  job.lifecycle = market.config.lifecycle;
  job.poster_id = request.poster_id;
  job.worker_id = request.worker_id;
  job.evaluator_id = request.evaluator_id;
  job.amount_minor = request.amount_minor;
  job.title = request.title;
  job.description = request.description;
  job.prompt = request.prompt;
  job.category = request.category;
  job.capabilities = request.capabilities;
  job.deadline_at_ms = request.deadline_at_ms;
  job.work_timeout_ms = request.work_timeout_ms;
  job.contracts_max = request.contracts_max;
  job.payload_json = request.payload_json;
  job.created_at_ms = job.updated_at_ms = now_ms;
  return job;
}

// Makes `job` a contract of its lead: payer, worker, lifecycle and quote come from the lead.
Status bind_to_lead(store::Transaction& tx, const Market& market, Job& job) {
  Result<Job> lead = tx.job(*job.parent_job_id);
  if (!lead.ok()) {
    if (lead.status().code() != Code::not_found) return lead.status();
    return Status(Code::not_found, "job_not_found",
                  "no lead job " + std::to_string(*job.parent_job_id), "parent_job_id");
  }
  if (lead->market_id != market.id) {
    return invalid_argument("parent_in_other_market", "the lead belongs to another market",
                            "parent_job_id");
  }
  const PartyId actor = job.poster_id;
  job.poster_id = lead->poster_id;
  if (actor != lead->poster_id && !job.worker_id) job.worker_id = actor;
  job.lifecycle =
      engine::market_setting_string(market.config, "contract_lifecycle", market.config.lifecycle);
  job.fees = contract_quote(*lead);
  job.amount_minor = job.fees.amount_minor;
  job.contracts_max = 1;
  return ok_status();
}

// The outcome of the acknowledged request a keyed repeat replays (the job as it is now), or
// nullopt for a first request.
Result<std::optional<JobOutcome>> replayed(store::Transaction& tx,
                                           const std::optional<IdempotencyKey>& key,
                                           const std::string& hash) {
  MC_TRY_ASSIGN(std::optional<std::string> replay, engine::find_replay(tx, key, hash));
  if (!replay) return std::optional<JobOutcome>();
  MC_TRY_ASSIGN(engine::StoredOutcome stored, engine::decode_outcome(*replay));
  MC_TRY_ASSIGN(Job job, tx.job(stored.job_id));
  return std::optional<JobOutcome>(JobOutcome{std::move(job), stored.fired, true, {}});
}

// Runs a job unit (create_job_unit, fire_unit) and waits for its commit, or passes the
// outcome to `done` once committed; a refusal from building the unit is the outcome.
template <typename Impl, typename Unit>
Result<JobOutcome> write_now(Impl& impl, Result<Unit> unit) {
  MC_TRY(unit.status());
  return impl.template write<JobOutcome>(*unit);
}
template <typename Impl, typename Unit>
void write_later(Impl& impl, Result<Unit> unit, std::function<void(Result<JobOutcome>)> done) {
  if (!unit.ok()) return done(unit.status());
  impl.template write_async<JobOutcome>(std::move(unit).value(), std::move(done));
}

}  // namespace

Result<Engine::JobUnit> Engine::create_job_unit(const CreateJob& request) {
  MC_TRY(engine::validate_idempotency_key(request.idempotency));
  MC_TRY_ASSIGN(Market market, this->market(request.market_id));
  const int64_t now_ms = impl_->now_ms();
  // Validation depends on the time (a deadline must be in the future), so a keyed repeat of an
  // acknowledged request is answered from its record first: it replays even once the
  // original's deadline has passed. Without a key, a request that does not validate costs no
  // write.
  const Status valid = engine::validate_create_job(request, market.config, now_ms);
  if (!valid.ok() && !request.idempotency) return valid;
  // The unit owns what it reads: an asynchronous write runs it after this returns.
  return JobUnit([this, request, market = std::move(market), valid,
                  hash = create_hash(request)](store::Transaction& tx) -> Result<JobOutcome> {
    MC_TRY_ASSIGN(std::optional<JobOutcome> replay, replayed(tx, request.idempotency, hash));
    if (replay) return std::move(*replay);
    MC_TRY(valid);
    MC_TRY(require_party_in(tx, market.id, request.poster_id, "poster_id"));
    if (request.evaluator_id) {
      MC_TRY(require_party_in(tx, market.id, *request.evaluator_id, "evaluator_id"));
    }
    if (request.worker_id) MC_TRY(require_party_in(tx, market.id, *request.worker_id, "worker_id"));
    Job job = job_from_request(request, market, tx.now_ms());
    if (job.parent_job_id) MC_TRY(bind_to_lead(tx, market, job));
    if (job.worker_id == job.poster_id) {
      return invalid_argument("worker_is_poster", "the poster cannot be the job's worker",
                              "worker_id");
    }
    if (!job.parent_job_id) {
      // The trailing spend picks a fee tier; without tiers it changes nothing.
      int64_t spend_minor = 0;
      if (!market.config.fees.tiers.empty()) {
        const int64_t window_ms = market.config.fees.trailing_window_ms;
        const int64_t since_ms = window_ms > 0 ? tx.now_ms() - window_ms : 0;
        MC_TRY_ASSIGN(spend_minor, tx.trailing_spend(market.id, job.poster_id, since_ms));
      }
      MC_TRY_ASSIGN(job.fees, quote_fees(market.config.fees, job.amount_minor, spend_minor));
    }
    auto definition = impl_->registry.find_lifecycle(job.lifecycle);
    if (!definition) {
      return internal_error("unknown_lifecycle", "market lifecycle '" + job.lifecycle + "'");
    }
    job.state = definition->creation.to;
    MC_TRY_ASSIGN(JobId id, tx.insert_job(job));
    Job inserted = std::move(job);  // the row as stored: insert_job writes every field
    inserted.id = id;
    MC_TRY_ASSIGN(JobOutcome outcome,
                  impl_->interpreter.fire_creation(tx, inserted, request.poster_id));
    if (!request.then_fire.empty()) {
      FireTransition follow_up{
          .job_id = id, .transition = request.then_fire, .actor_id = request.poster_id};
      MC_TRY_ASSIGN(JobOutcome followed, impl_->interpreter.fire(tx, follow_up));
      followed.balances.merge(outcome.balances);  // the follow-up's balances are the later ones
      outcome = std::move(followed);
    }
    MC_TRY(engine::save_replay(tx, request.idempotency, hash, engine::encode_outcome(outcome)));
    return outcome;
  });
}

Result<JobOutcome> Engine::create_job(const CreateJob& request) {
  return write_now(*impl_, create_job_unit(request));
}

void Engine::create_job_async(const CreateJob& request,
                              std::function<void(Result<JobOutcome>)> done) {
  write_later(*impl_, create_job_unit(request), std::move(done));
}

void Engine::wait_for_async_writes() {
  impl_->store->wait_for_async_writes();
}

Result<Engine::JobUnit> Engine::fire_unit(const FireTransition& request) {
  MC_TRY(engine::validate_idempotency_key(request.idempotency));
  if (request.transition.empty()) {
    return invalid_argument("transition_empty", "name the transition to fire", "transition");
  }
  if (!request.proof_json.empty()) MC_TRY(engine::validate_json(request.proof_json, "proof_json"));
  if (!request.verdict_json.empty()) {
    MC_TRY(engine::validate_json(request.verdict_json, "verdict_json"));
  }
  if (!engine::utf8_code_points(request.result_text)) {
    return invalid_argument("invalid_utf8", "result_text is not valid UTF-8", "result_text");
  }
  if (request.confidence && (*request.confidence < 0 || *request.confidence > 100)) {
    return invalid_argument("confidence_out_of_range", "confidence must be within [0, 100]",
                            "confidence");
  }
#if MC_PLANTED_GUARD_OUTSIDE_TX
  const Result<Job> snapshot = job(request.job_id);  // read before the write unit
  auto fire_in = [this, snapshot](store::Transaction& tx, const FireTransition& fired) {
    return snapshot.ok() ? impl_->fire_loaded_in(tx, *snapshot, fired) : impl_->fire_in(tx, fired);
  };
#else
  auto fire_in = [this](store::Transaction& tx, const FireTransition& fired) {
    return impl_->fire_in(tx, fired);
  };
#endif
  // The unit owns what it reads: an asynchronous write runs it after this returns.
  return JobUnit(
      [request, fire_in, hash = fire_hash(request)](store::Transaction& tx) -> Result<JobOutcome> {
        MC_TRY_ASSIGN(std::optional<JobOutcome> replay, replayed(tx, request.idempotency, hash));
        if (replay) return std::move(*replay);
        MC_TRY_ASSIGN(JobOutcome outcome, fire_in(tx, request));
        MC_TRY(engine::save_replay(tx, request.idempotency, hash, engine::encode_outcome(outcome)));
        return outcome;
      });
}

Result<JobOutcome> Engine::fire(const FireTransition& request) {
  return write_now(*impl_, fire_unit(request));
}

void Engine::fire_async(const FireTransition& request,
                        std::function<void(Result<JobOutcome>)> done) {
  write_later(*impl_, fire_unit(request), std::move(done));
}

Result<int64_t> Engine::submit_offer(const SubmitOffer& request) {
  MC_TRY(engine::validate_json(request.payload_json, "payload_json"));
  return impl_->write<int64_t>([&](store::Transaction& tx) -> Result<int64_t> {
    MC_TRY_ASSIGN(Job job, tx.job(request.job_id));
    MC_TRY(require_party_in(tx, job.market_id, request.party_id, "party_id"));
    if (request.party_id == job.poster_id) {
      return permission_denied("role_not_allowed", "the poster cannot offer on its own job");
    }
    auto definition = impl_->registry.find_lifecycle(job.lifecycle);
    const StateDef* state = definition ? definition->state(job.state) : nullptr;
    if (state == nullptr || state->terminal || job.worker_id) {
      return failed_precondition("wrong_state", "job in state '" + job.state + "' takes no offers");
    }
    MC_TRY_ASSIGN(std::vector<Offer> offers, tx.offers(job.id));
    for (const Offer& offer : offers) {
      if (offer.party_id == request.party_id && offer.status == "PENDING") return offer.id;
    }
    MC_TRY(check_offer_gates(tx, job.market_id, request.party_id));
    Offer offer;
    offer.job_id = job.id;
    offer.party_id = request.party_id;
    offer.status = "PENDING";
    offer.payload_json = request.payload_json;
    offer.created_at_ms = offer.updated_at_ms = tx.now_ms();
    return tx.insert_offer(offer);
  });
}

Status Engine::withdraw_offer(JobId job_id, PartyId party) {
  return impl_->store->write(impl_->now_ms(), [&](store::Transaction& tx) -> Status {
    MC_TRY(tx.job(job_id).status());
    MC_TRY_ASSIGN(std::vector<Offer> offers, tx.offers(job_id));
    const Offer* latest = nullptr;
    for (const Offer& offer : offers) {
      if (offer.party_id == party && (latest == nullptr || offer.id > latest->id)) latest = &offer;
    }
    if (latest == nullptr) {
      return not_found("offer_not_found", "the party has no offer on this job");
    }
    if (latest->status == "WITHDRAWN") return ok_status();
    if (latest->status != "PENDING") {
      return failed_precondition("offer_not_pending", "the offer is " + latest->status);
    }
    Offer withdrawn = *latest;
    withdrawn.status = "WITHDRAWN";
    withdrawn.updated_at_ms = tx.now_ms();
    return tx.update_offer(withdrawn);
  });
}

}  // namespace mc
