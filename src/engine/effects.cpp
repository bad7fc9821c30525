// Ledger effects of a transition (lifecycle.h documents each EffectKind), applied in order
// through the write unit's Transaction. The store enforces double entry, exact-once hold
// resolution and non-negative party balances underneath; this file decides which holds move
// where:
//   - escrow is funded from the poster's promo balance first, then `available`, as up to two
//     escrow holds (one per source) so a refund returns promo credit as promo, never as cash;
//   - pay_worker posts those holds per the locked quote; with a settlement period the
//     worker's share is posted to `pending` and locked in a settlement hold that releases to
//     `available` at its due time;
//   - a contract draws its escrow from its lead's escrow hold(s); a refund returns it there.
#include <algorithm>
#include <string>
#include <vector>

#include "common/planted.h"
#include "engine/firing.h"
#include "marketcore/money.h"

namespace mc::engine {
namespace {

AccountRef party_account(const Firing& firing, AccountKind kind, PartyId party) {
  return AccountRef{firing.market.id, kind, party};
}

AccountRef market_account(const Firing& firing, AccountKind kind) {
  return AccountRef{firing.market.id, kind, 0};
}

// Held holds of `job` with `purpose`, oldest first.
Result<std::vector<Hold>> held_holds(Firing& firing, JobId job, HoldPurpose purpose) {
  MC_TRY_ASSIGN(std::vector<Hold> holds, firing.tx.holds_of_job(job));
  std::vector<Hold> held;
  for (Hold& hold : holds) {
    if (hold.purpose == purpose && hold.state == HoldState::held) held.push_back(std::move(hold));
  }
  std::sort(held.begin(), held.end(), [](const Hold& a, const Hold& b) { return a.id < b.id; });
  return held;
}

Status fund_escrow(Firing& firing) {
  const PartyId poster = firing.job.poster_id;
  const int64_t escrow_minor = firing.job.fees.escrow_minor;
  MC_TRY_ASSIGN(int64_t promo_minor,
                firing.tx.balance(party_account(firing, AccountKind::promo, poster)));
  MC_TRY_ASSIGN(int64_t cash_minor,
                firing.tx.balance(party_account(firing, AccountKind::available, poster)));
  const int64_t from_promo_minor = std::clamp<int64_t>(promo_minor, 0, escrow_minor);
  const int64_t from_cash_minor = escrow_minor - from_promo_minor;
  if (from_cash_minor > cash_minor) {
    return failed_precondition(
        "insufficient_funds",
        "the poster's balance cannot cover " + std::to_string(escrow_minor) + " in escrow");
  }
  std::optional<HoldId> first;
  for (auto [kind, amount_minor] : {std::pair{AccountKind::promo, from_promo_minor},
                                    std::pair{AccountKind::available, from_cash_minor}}) {
    if (amount_minor == 0) continue;
    MC_TRY_ASSIGN(Hold hold,
                  firing.tx.create_hold(HoldPurpose::escrow, party_account(firing, kind, poster),
                                        amount_minor, firing.job.id, poster, "job_post"));
    if (!first) first = hold.id;
  }
  firing.job.escrow_hold_id = first;
  firing.balance_parties.insert(poster);
  return ok_status();
}

// Spreads `postings` over `holds` in order (each up to its current balance) and posts them.
Status post_across(Firing& firing, const std::vector<Hold>& holds, std::vector<Posting> postings) {
  size_t next = 0;
#if MC_PLANTED_HOLD_POSTED_TWICE
  const std::vector<Posting> quote = postings;
#endif
  for (const Hold& hold : holds) {
#if MC_PLANTED_HOLD_POSTED_TWICE
    postings = quote;  // every escrow part posts the quote again from its first posting
    next = 0;
#endif
    MC_TRY_ASSIGN(int64_t held_minor,
                  firing.tx.balance(AccountRef{firing.market.id, AccountKind::hold, hold.id}));
    std::vector<Posting> batch;
    while (next < postings.size() && held_minor > 0) {
      Posting& posting = postings[next];
      const int64_t part_minor = std::min(posting.amount_minor, held_minor);
      batch.push_back(Posting{posting.to, part_minor, posting.reason});
      held_minor -= part_minor;
      posting.amount_minor -= part_minor;
      if (posting.amount_minor == 0) ++next;
    }
    MC_TRY(firing.tx.post_hold(hold.id, batch));
  }
  if (next < postings.size()) {
    return internal_error("escrow_short", "job " + std::to_string(firing.job.id) +
                                              " holds less than its locked quote");
  }
  return ok_status();
}

Status pay_worker(Firing& firing) {
  if (!firing.job.worker_id) {
    return failed_precondition("no_worker", "the job has no worker to pay");
  }
  const PartyId worker = *firing.job.worker_id;
  const FeeQuote& quote = firing.job.fees;
  const bool settle_later = firing.market.config.settlement_hold_ms > 0;
  std::vector<Posting> postings;
  const AccountKind worker_kind = settle_later ? AccountKind::pending : AccountKind::available;
  if (quote.worker_minor > 0) {
    postings.push_back(
        {party_account(firing, worker_kind, worker), quote.worker_minor, "job_earn"});
  }
  if (quote.platform_fee_minor > 0) {
    postings.push_back(
        {market_account(firing, AccountKind::platform), quote.platform_fee_minor, "platform_fee"});
  }
  if (quote.evaluator_fee_minor > 0) {
    const AccountRef to = firing.job.evaluator_id ? party_account(firing, AccountKind::available,
                                                                  *firing.job.evaluator_id)
                                                  : market_account(firing, AccountKind::evaluator);
    postings.push_back({to, quote.evaluator_fee_minor, "evaluator_fee"});
    if (firing.job.evaluator_id) firing.balance_parties.insert(*firing.job.evaluator_id);
  }
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::escrow));
  if (holds.empty()) return failed_precondition("escrow_not_held", "the job holds no escrow");
  MC_TRY(post_across(firing, holds, std::move(postings)));
  if (settle_later && quote.worker_minor > 0) {
    const int64_t due_at_ms = firing.tx.now_ms() + firing.market.config.settlement_hold_ms;
    MC_TRY(firing.tx
               .create_hold(HoldPurpose::settlement,
                            party_account(firing, AccountKind::pending, worker), quote.worker_minor,
                            firing.job.id, worker, "settlement", due_at_ms,
                            party_account(firing, AccountKind::available, worker))
               .status());
  }
  firing.balance_parties.insert(worker);
  firing.balance_parties.insert(firing.job.poster_id);
  return ok_status();
}

Status refund_poster(Firing& firing) {
#if MC_PLANTED_REFUND_SKIPPED
  if (firing.transition.name == "timeout" && firing.role == Role::system) return ok_status();
#endif
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::escrow));
  for (const Hold& hold : holds) MC_TRY(firing.tx.void_hold(hold.id, "job_refund"));
  firing.balance_parties.insert(firing.job.poster_id);
  return ok_status();
}

Status draw_from_parent(Firing& firing) {
  MC_TRY_ASSIGN(Job * lead, load_parent(firing));
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, lead->id, HoldPurpose::escrow));
  int64_t needed_minor = firing.job.fees.escrow_minor;
  std::optional<HoldId> first;
  for (const Hold& hold : holds) {
    if (needed_minor == 0) break;
    const AccountRef source{firing.market.id, AccountKind::hold, hold.id};
    MC_TRY_ASSIGN(int64_t held_minor, firing.tx.balance(source));
    const int64_t part_minor = std::min(held_minor, needed_minor);
    if (part_minor <= 0) continue;
    MC_TRY_ASSIGN(Hold drawn,
                  firing.tx.create_hold(HoldPurpose::escrow, source, part_minor, firing.job.id,
                                        lead->poster_id, "contract_draw"));
    if (!first) first = drawn.id;
    needed_minor -= part_minor;
  }
  if (needed_minor > 0) {
    return failed_precondition("lead_escrow_exhausted", "the lead's escrow cannot fund a contract");
  }
  firing.job.escrow_hold_id = first;
  return ok_status();
}

Status lock_stake(Firing& firing, const Effect& effect) {
  MC_TRY_ASSIGN(PartyId staker, party_of_role(firing, effect.role));
  int64_t amount_minor = effect.fixed_minor;
  if (amount_minor <= 0) {
    MC_TRY_ASSIGN(amount_minor, mul_div(firing.job.amount_minor, effect.bps, 10'000, Rounding::up));
  }
  MC_TRY_ASSIGN(Party party, firing.tx.party(staker));
  const int64_t reputation = std::clamp<int64_t>(party.reputation, 1, 100);
  MC_TRY_ASSIGN(amount_minor, mul_div(amount_minor, 100, reputation, Rounding::up));
  if (amount_minor <= 0) return ok_status();
  MC_TRY(firing.tx
             .create_hold(HoldPurpose::stake, party_account(firing, AccountKind::stake, staker),
                          amount_minor, firing.job.id, staker, "stake_lock")
             .status());
  firing.balance_parties.insert(staker);
  return ok_status();
}

Status release_stakes(Firing& firing) {
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::stake));
  for (const Hold& hold : holds) {
    MC_TRY(firing.tx.void_hold(hold.id, "stake_release"));
    if (hold.party_id) firing.balance_parties.insert(*hold.party_id);
  }
  return ok_status();
}

Status slash_stake(Firing& firing, const Effect& effect) {
  MC_TRY_ASSIGN(PartyId staker, party_of_role(firing, effect.role));
  AccountRef to = market_account(firing, AccountKind::platform);
  if (effect.beneficiary != Role::platform) {
    MC_TRY_ASSIGN(PartyId beneficiary, party_of_role(firing, effect.beneficiary));
    to = party_account(firing, AccountKind::available, beneficiary);
    firing.balance_parties.insert(beneficiary);
  }
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::stake));
  for (const Hold& hold : holds) {
    if (hold.party_id != staker) continue;
    MC_TRY_ASSIGN(int64_t held_minor,
                  firing.tx.balance(AccountRef{firing.market.id, AccountKind::hold, hold.id}));
    MC_TRY(firing.tx.post_hold(hold.id, {Posting{to, held_minor, "stake_slash"}}));
  }
  firing.balance_parties.insert(staker);
  return ok_status();
}

Status take_dispute_deposit(Firing& firing, const Effect& effect) {
  if (!firing.actor_id) {
    return failed_precondition("actor_required", "a dispute deposit needs a paying party");
  }
  MC_TRY_ASSIGN(int64_t amount_minor,
                mul_div(firing.job.amount_minor, effect.bps, 10'000, Rounding::up));
  amount_minor = std::max(amount_minor, effect.fixed_minor);
  if (amount_minor <= 0) return ok_status();
  MC_TRY(firing.tx
             .create_hold(HoldPurpose::dispute,
                          party_account(firing, AccountKind::available, *firing.actor_id),
                          amount_minor, firing.job.id, *firing.actor_id, "dispute_deposit")
             .status());
  firing.balance_parties.insert(*firing.actor_id);
  return ok_status();
}

Status settle_dispute_deposit(Firing& firing, const Effect& effect) {
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::dispute));
  for (const Hold& hold : holds) {
    if (effect.to_payer) {
      MC_TRY(firing.tx.void_hold(hold.id, "dispute_deposit_return"));
    } else {
      MC_TRY_ASSIGN(int64_t held_minor,
                    firing.tx.balance(AccountRef{firing.market.id, AccountKind::hold, hold.id}));
      MC_TRY(firing.tx.post_hold(hold.id, {Posting{market_account(firing, AccountKind::platform),
                                                   held_minor, "dispute_deposit_forfeit"}}));
    }
    if (hold.party_id) firing.balance_parties.insert(*hold.party_id);
  }
  return ok_status();
}

// Returns each held deposit to its payer when the payer plays `role` (the side the verdict
// favours); otherwise posts it to `beneficiary`.
Status award_dispute_deposit(Firing& firing, const Effect& effect) {
  MC_TRY_ASSIGN(PartyId favoured, party_of_role(firing, effect.role));
  MC_TRY_ASSIGN(std::vector<Hold> holds, held_holds(firing, firing.job.id, HoldPurpose::dispute));
  for (const Hold& hold : holds) {
    if (hold.party_id == favoured) {
      MC_TRY(firing.tx.void_hold(hold.id, "dispute_deposit_return"));
    } else {
      AccountRef to = market_account(firing, AccountKind::platform);
      if (effect.beneficiary != Role::platform) {
        MC_TRY_ASSIGN(PartyId beneficiary, party_of_role(firing, effect.beneficiary));
        to = party_account(firing, AccountKind::available, beneficiary);
        firing.balance_parties.insert(beneficiary);
      }
      MC_TRY_ASSIGN(int64_t held_minor,
                    firing.tx.balance(AccountRef{firing.market.id, AccountKind::hold, hold.id}));
      MC_TRY(firing.tx.post_hold(hold.id, {Posting{to, held_minor, "dispute_deposit_forfeit"}}));
    }
    if (hold.party_id) firing.balance_parties.insert(*hold.party_id);
  }
  return ok_status();
}

}  // namespace

Status apply_effect(Firing& firing, const Effect& effect) {
  switch (effect.kind) {
    case EffectKind::fund_escrow:
      return fund_escrow(firing);
    case EffectKind::pay_worker:
      return pay_worker(firing);
    case EffectKind::refund_poster:
      return refund_poster(firing);
    case EffectKind::draw_from_parent:
      return draw_from_parent(firing);
    case EffectKind::lock_stake:
      return lock_stake(firing, effect);
    case EffectKind::release_stakes:
      return release_stakes(firing);
    case EffectKind::slash_stake:
      return slash_stake(firing, effect);
    case EffectKind::take_dispute_deposit:
      return take_dispute_deposit(firing, effect);
    case EffectKind::settle_dispute_deposit:
      return settle_dispute_deposit(firing, effect);
    case EffectKind::award_dispute_deposit:
      return award_dispute_deposit(firing, effect);
  }
  return internal_error("unknown_effect_kind",
                        "effect kind " + std::to_string(static_cast<int>(effect.kind)));
}

}  // namespace mc::engine
