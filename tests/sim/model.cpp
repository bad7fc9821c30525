// The simulator's model (model.h): ledger effects applied with the model's own arithmetic.
#include "sim/model.h"

#include <algorithm>
#include <stdexcept>

#include "common/int128.h"

namespace mc::sim {
namespace {

using Wide = Int128;

// amount × bps / 10 000 rounded as `rounding` says (non-negative amounts).
int64_t bps_of(int64_t amount_minor, int64_t bps, Rounding rounding) {
  const Wide product = static_cast<Wide>(amount_minor) * bps;
  Wide quotient = product / 10'000;
  const Wide remainder = product % 10'000;
  if (rounding == Rounding::up && remainder != 0) ++quotient;
  if (rounding == Rounding::half_up && remainder * 2 >= 10'000) ++quotient;
  return static_cast<int64_t>(quotient);
}

int64_t ceil_div(int64_t numerator, int64_t denominator) {
  return static_cast<int64_t>((static_cast<Wide>(numerator) + denominator - 1) / denominator);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void Model::add_market(const Market& market, const LifecycleDefinition& lifecycle,
                       const LifecycleDefinition* contract_lifecycle) {
  markets_[market.id] = market;
  lifecycles_.emplace(lifecycle.name, lifecycle);
  if (contract_lifecycle != nullptr)
    lifecycles_.emplace(contract_lifecycle->name, *contract_lifecycle);
}

const LifecycleDefinition& Model::lifecycle(std::string_view name) const {
  auto it = lifecycles_.find(name);
  if (it == lifecycles_.end()) throw std::runtime_error("model: unknown lifecycle");
  return it->second;
}

void Model::add_party(const Party& party) {
  ModelParty& model = parties_[party.id];
  model.market = party.market_id;
  model.reputation = party.reputation;
}

ModelJob* Model::job(JobId id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

void Model::deposited(PartyId id, AccountKind into, int64_t amount_minor) {
  Balances& b = parties_.at(id).balances;
  if (into == AccountKind::promo) b.promo_minor += amount_minor;
  if (into == AccountKind::stake) b.stake_minor += amount_minor;
  if (into == AccountKind::available) b.available_minor += amount_minor;
}

void Model::withdrew(PartyId id, AccountKind from, int64_t amount_minor) {
  Balances& b = parties_.at(id).balances;
  if (from == AccountKind::stake) b.stake_minor -= amount_minor;
  if (from == AccountKind::available) b.available_minor -= amount_minor;
}

std::optional<FeeQuote> Model::expected_quote(MarketId market_id, int64_t amount_minor,
                                              int32_t platform_bps) const {
  const FeePolicy& policy = markets_.at(market_id).config.fees;
  FeeQuote quote;
  quote.amount_minor = amount_minor;
  quote.platform_fee_bps = platform_bps;
  quote.platform_fee_minor =
      std::max(bps_of(amount_minor, platform_bps, policy.rounding), policy.platform_fee_min_minor);
  quote.evaluator_fee_minor = bps_of(amount_minor, policy.evaluator_fee_bps, policy.rounding);
  const int64_t fees_minor = quote.platform_fee_minor + quote.evaluator_fee_minor;
  if (policy.mode == FeeMode::fee_on_top) {
    quote.worker_minor = amount_minor;
    quote.escrow_minor = amount_minor + fees_minor;
  } else {
    if (fees_minor > amount_minor) return std::nullopt;
    quote.worker_minor = amount_minor - fees_minor;
    quote.escrow_minor = amount_minor;
  }
  return quote;
}

ModelJob& Model::adopt(const Job& job) {
  ModelJob& model = jobs_[job.id];
  model.id = job.id;
  model.market = job.market_id;
  model.lifecycle = job.lifecycle;
  model.poster = job.poster_id;
  model.worker = job.worker_id;
  model.evaluator = job.evaluator_id;
  model.parent = job.parent_job_id;
  model.contracts_max = job.contracts_max;
  model.deadline_at_ms = job.deadline_at_ms;
  model.work_timeout_ms = job.work_timeout_ms;
  if (job.parent_job_id) {
    // A contract's quote is its lead's divided by the lead's contracts_max, each part floored
    // and the worker taking what the floors leave.
    const ModelJob* lead = this->job(*job.parent_job_id);
    if (lead == nullptr) {
      problem(model, "contract of a lead the model does not know");
    } else {
      const int64_t parts = std::max<int64_t>(1, lead->contracts_max);
      model.quote = lead->quote;
      model.quote.amount_minor = lead->quote.amount_minor / parts;
      model.quote.escrow_minor = lead->quote.escrow_minor / parts;
      model.quote.platform_fee_minor = lead->quote.platform_fee_minor / parts;
      model.quote.evaluator_fee_minor = lead->quote.evaluator_fee_minor / parts;
      model.quote.worker_minor = model.quote.escrow_minor - model.quote.platform_fee_minor -
                                 model.quote.evaluator_fee_minor;
    }
  } else {
    auto quote = expected_quote(job.market_id, job.amount_minor, job.fees.platform_fee_bps);
    if (!quote) {
      problem(model, "created although its fees exceed its amount");
    } else {
      model.quote = *quote;
    }
    const FeePolicy& policy = markets_.at(job.market_id).config.fees;
    bool rate_known = policy.tiers.empty() && job.fees.platform_fee_bps == policy.platform_fee_bps;
    for (const FeeTier& tier : policy.tiers)
      rate_known |= tier.fee_bps == job.fees.platform_fee_bps;
    if (!rate_known) problem(model, "platform rate is none of the policy's");
  }
  return model;
}

std::optional<PartyId> Model::party_of(const ModelJob& job, Role role,
                                       const JobTransitionRecord& record) const {
  switch (role) {
    case Role::poster:
      return job.poster;
    case Role::worker:
      return job.worker;
    case Role::evaluator:
      return job.evaluator;
    default:
      return record.actor_id;
  }
}

void Model::problem(const ModelJob& job, const std::string& what) {
  problems.push_back("job " + std::to_string(job.id) + " (" + job.lifecycle + ", " + job.state +
                     "): " + what);
}

void Model::apply(ModelJob& job, const JobTransitionRecord& record, const Job& stored) {
  const LifecycleDefinition& def = lifecycle(job.lifecycle);
  const bool creation = job.history_seen == 0;
  const TransitionDef* transition = creation ? &def.creation : def.transition(record.transition);
  ++job.history_seen;
  if (transition == nullptr || transition->name != record.transition) {
    problem(job, "history names transition '" + record.transition + "' the lifecycle lacks" +
                     (creation ? " as its creation" : ""));
    return;
  }
  if (record.from_state != job.state) {
    problem(job, "'" + record.transition + "' recorded from '" + record.from_state +
                     "' but the job was in '" + job.state + "'");
  }
  if (!creation && !contains(transition->from, job.state)) {
    problem(job, "'" + record.transition + "' fired from '" + job.state + "', which it may not");
  }
  if (record.to_state != transition->to) {
    problem(job, "'" + record.transition + "' led to '" + record.to_state + "', not '" +
                     transition->to + "'");
  }
  bool role_allowed = false;
  for (Role role : transition->roles) {
    if (record.actor_role != role_name(role)) continue;
    role_allowed = true;
    const std::optional<PartyId> holder = party_of(job, role, record);
    if ((role == Role::poster || role == Role::worker || role == Role::evaluator) &&
        holder != record.actor_id && !(creation && role == Role::poster)) {
      problem(job, "'" + record.transition + "' fired as " + record.actor_role +
                       " by a party who is not the job's " + record.actor_role);
    }
    if (role == Role::candidate && record.actor_id == job.poster) {
      problem(job, "'" + record.transition + "' fired as candidate by the poster");
    }
  }
  if (!role_allowed) {
    problem(job, "'" + record.transition + "' fired by role '" + record.actor_role +
                     "', which it does not allow");
  }
  for (const Effect& effect : transition->effects) this->effect(job, effect, record);
  for (Record what : transition->records) {
    if (what == Record::worker && record.actor_id) job.worker = record.actor_id;
    if (what == Record::worker_from_request) job.worker = stored.worker_id;
    if (what == Record::clear_worker) job.worker.reset();
    if (what == Record::proof) job.submitted_at_ms = record.at_ms;
    if (what == Record::take_contract || what == Record::release_contract) {
      ModelJob* lead = job.parent ? this->job(*job.parent) : nullptr;
      if (lead == nullptr) {
        problem(job, "contract record without a lead");
        continue;
      }
      lead->contracts_taken += what == Record::take_contract ? 1 : -1;
      if (lead->contracts_taken > lead->contracts_max || lead->contracts_taken < 0) {
        problem(*lead, "contracts taken " + std::to_string(lead->contracts_taken) + " of " +
                           std::to_string(lead->contracts_max));
      }
    }
  }
  job.state = record.to_state;
  job.entered_at_ms = record.at_ms;
  for (const std::string& type : transition->events) job.expected_events.push_back(type);
}

void Model::effect(ModelJob& job, const Effect& effect, const JobTransitionRecord& record) {
  switch (effect.kind) {
    case EffectKind::fund_escrow:
      fund_escrow(job);
      return;
    case EffectKind::pay_worker:
      pay_worker(job, record.at_ms);
      return;
    case EffectKind::refund_poster:
      refund_poster(job);
      return;
    case EffectKind::draw_from_parent:
      draw_from_parent(job);
      return;
    case EffectKind::lock_stake: {
      const std::optional<PartyId> staker = party_of(job, effect.role, record);
      if (!staker) {
        problem(job, "stake locked for a role nobody plays");
        return;
      }
      int64_t amount_minor = effect.fixed_minor > 0
                                 ? effect.fixed_minor
                                 : bps_of(job.quote.amount_minor, effect.bps, Rounding::up);
      const int64_t reputation = std::clamp<int64_t>(parties_.at(*staker).reputation, 1, 100);
      amount_minor = ceil_div(amount_minor * 100, reputation);
      if (amount_minor <= 0) return;
      Balances& b = parties_.at(*staker).balances;
      b.stake_minor -= amount_minor;
      b.stake_locked_minor += amount_minor;
      job.stakes.push_back({*staker, amount_minor});
      return;
    }
    case EffectKind::release_stakes:
      for (const StakeLock& lock : job.stakes) {
        Balances& b = parties_.at(lock.party).balances;
        b.stake_minor += lock.amount_minor;
        b.stake_locked_minor -= lock.amount_minor;
      }
      job.stakes.clear();
      return;
    case EffectKind::slash_stake: {
      const std::optional<PartyId> staker = party_of(job, effect.role, record);
      const std::optional<PartyId> beneficiary = effect.beneficiary == Role::platform
                                                     ? std::nullopt
                                                     : party_of(job, effect.beneficiary, record);
      std::vector<StakeLock> kept;
      for (const StakeLock& lock : job.stakes) {
        if (lock.party != staker) {
          kept.push_back(lock);
          continue;
        }
        parties_.at(lock.party).balances.stake_locked_minor -= lock.amount_minor;
        if (beneficiary) {
          parties_.at(*beneficiary).balances.available_minor += lock.amount_minor;
        } else {
          platform_[job.market] += lock.amount_minor;
        }
      }
      job.stakes = std::move(kept);
      return;
    }
    case EffectKind::take_dispute_deposit: {
      if (!record.actor_id) {
        problem(job, "dispute deposit without a payer");
        return;
      }
      const int64_t amount_minor =
          std::max(bps_of(job.quote.amount_minor, effect.bps, Rounding::up), effect.fixed_minor);
      if (amount_minor <= 0) return;
      parties_.at(*record.actor_id).balances.available_minor -= amount_minor;
      job.deposits.push_back({*record.actor_id, amount_minor});
      return;
    }
    case EffectKind::settle_dispute_deposit:
    case EffectKind::award_dispute_deposit: {
      const std::optional<PartyId> favoured = effect.kind == EffectKind::award_dispute_deposit
                                                  ? party_of(job, effect.role, record)
                                                  : std::nullopt;
      for (const DisputeDeposit& deposit : job.deposits) {
        const bool back = effect.kind == EffectKind::settle_dispute_deposit
                              ? effect.to_payer
                              : favoured == deposit.payer;
        std::optional<PartyId> to = back ? std::optional<PartyId>(deposit.payer) : std::nullopt;
        if (!back && effect.kind == EffectKind::award_dispute_deposit &&
            effect.beneficiary != Role::platform) {
          to = party_of(job, effect.beneficiary, record);
        }
        if (to) {
          parties_.at(*to).balances.available_minor += deposit.amount_minor;
        } else {
          platform_[job.market] += deposit.amount_minor;
        }
      }
      job.deposits.clear();
      return;
    }
  }
}

void Model::fund_escrow(ModelJob& job) {
  Balances& b = parties_.at(job.poster).balances;
  const int64_t escrow_minor = job.quote.escrow_minor;
  const int64_t from_promo = std::clamp<int64_t>(b.promo_minor, 0, escrow_minor);
  const int64_t from_cash = escrow_minor - from_promo;
  if (from_cash > b.available_minor) problem(job, "escrow funded beyond the poster's balance");
  if (!job.escrow.empty()) problem(job, "escrow funded twice");
  if (from_promo > 0) job.escrow.push_back({AccountKind::promo, std::nullopt, 0, from_promo});
  if (from_cash > 0) job.escrow.push_back({AccountKind::available, std::nullopt, 0, from_cash});
  b.promo_minor -= from_promo;
  b.available_minor -= from_cash;
  b.escrow_minor += escrow_minor;
}

void Model::draw_from_parent(ModelJob& job) {
  ModelJob* lead = job.parent ? this->job(*job.parent) : nullptr;
  if (lead == nullptr) {
    problem(job, "drew from a lead the model does not know");
    return;
  }
  int64_t needed_minor = job.quote.escrow_minor;
  for (size_t i = 0; i < lead->escrow.size() && needed_minor > 0; ++i) {
    EscrowPart& part = lead->escrow[i];
    const int64_t taken_minor = std::min(part.balance_minor, needed_minor);
    if (taken_minor <= 0) continue;
    part.balance_minor -= taken_minor;
    needed_minor -= taken_minor;
    job.escrow.push_back({part.source, lead->id, i, taken_minor});
  }
  if (needed_minor > 0 || lead->escrow_resolved) problem(job, "drew more than its lead holds");
}

void Model::pay_worker(ModelJob& job, int64_t now_ms) {
  if (!job.worker) {
    problem(job, "paid with no worker");
    return;
  }
  if (job.escrow_resolved) problem(job, "escrow resolved twice (paid)");
  int64_t held_minor = 0;
  for (const EscrowPart& part : job.escrow) held_minor += part.balance_minor;
  if (held_minor != job.quote.escrow_minor) {
    problem(job, "pays from " + std::to_string(held_minor) + " held, the quote says " +
                     std::to_string(job.quote.escrow_minor));
  }
  const Market& market = markets_.at(job.market);
  Balances& worker = parties_.at(*job.worker).balances;
  if (job.quote.worker_minor > 0) {
    if (market.config.settlement_hold_ms > 0) {
      worker.pending_minor += job.quote.worker_minor;
      settlements_.push_back(
          {*job.worker, job.quote.worker_minor, now_ms + market.config.settlement_hold_ms});
    } else {
      worker.available_minor += job.quote.worker_minor;
    }
  }
  platform_[job.market] += job.quote.platform_fee_minor;
  if (job.quote.evaluator_fee_minor > 0 && job.evaluator) {
    parties_.at(*job.evaluator).balances.available_minor += job.quote.evaluator_fee_minor;
  }
  // Whatever the quote leaves goes back to where the parts came from.
  int64_t paid_minor =
      job.quote.worker_minor + job.quote.platform_fee_minor + job.quote.evaluator_fee_minor;
  for (EscrowPart& part : job.escrow) {
    const int64_t used_minor = std::min(part.balance_minor, paid_minor);
    paid_minor -= used_minor;
    const int64_t rest_minor = part.balance_minor - used_minor;
    parties_.at(job.poster).balances.escrow_minor -= used_minor;
    part.balance_minor = rest_minor;
    if (rest_minor > 0) return_part(job, part);
    part.balance_minor = 0;
  }
  job.escrow_resolved = true;
}

void Model::return_part(ModelJob& job, const EscrowPart& part) {
  ModelJob* lead = part.lead ? this->job(*part.lead) : nullptr;
  if (lead != nullptr && !lead->escrow_resolved) {
    lead->escrow[part.lead_part].balance_minor += part.balance_minor;
    return;  // still the poster's escrow, now in the lead's hold
  }
  Balances& b = parties_.at(job.poster).balances;
  b.escrow_minor -= part.balance_minor;
  if (part.source == AccountKind::promo) {
    b.promo_minor += part.balance_minor;
  } else {
    b.available_minor += part.balance_minor;
  }
}

void Model::refund_poster(ModelJob& job) {
  if (job.escrow_resolved && !job.escrow.empty()) problem(job, "escrow resolved twice (refund)");
  for (EscrowPart& part : job.escrow) {
    if (part.balance_minor > 0) return_part(job, part);
    part.balance_minor = 0;
  }
  job.escrow_resolved = true;
}

void Model::release_settlements(int64_t now_ms) {
  std::vector<SettlementLock> kept;
  for (const SettlementLock& lock : settlements_) {
    if (lock.due_at_ms > now_ms) {
      kept.push_back(lock);
      continue;
    }
    Balances& b = parties_.at(lock.worker).balances;
    b.pending_minor -= lock.amount_minor;
    b.available_minor += lock.amount_minor;
  }
  settlements_ = std::move(kept);
}

int64_t Model::platform_minor(MarketId market) const {
  auto it = platform_.find(market);
  return it == platform_.end() ? 0 : it->second;
}

bool Model::terminal(const ModelJob& job) const {
  const StateDef* state = lifecycle(job.lifecycle).state(job.state);
  return state != nullptr && state->terminal;
}

std::optional<int64_t> Model::leave_by_ms(const ModelJob& job) const {
  const LifecycleDefinition& def = lifecycle(job.lifecycle);
  const StateDef* state = def.state(job.state);
  if (state == nullptr || state->terminal) return std::nullopt;
  std::optional<int64_t> earliest;
  auto consider = [&](std::optional<int64_t> due) {
    if (due) earliest = std::min(earliest.value_or(*due), *due);
  };
  for (const TimerDef& timer : def.timers) {
    if (timer.state != job.state) continue;
    switch (timer.base) {
      case TimerBase::entered_state:
        consider(job.entered_at_ms + timer.after_ms);
        break;
      case TimerBase::work_timeout:
        if (job.work_timeout_ms) {
          consider(job.entered_at_ms + *job.work_timeout_ms + timer.after_ms);
        }
        break;
      case TimerBase::deadline:
        if (job.deadline_at_ms) consider(*job.deadline_at_ms + timer.after_ms);
        break;
      case TimerBase::submitted:
        if (job.submitted_at_ms) consider(*job.submitted_at_ms + timer.after_ms);
        break;
    }
  }
  return earliest;
}

}  // namespace mc::sim
