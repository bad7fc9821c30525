// Deposits and withdrawals: one transfer between a party's account and the market's world
// account, with its balance.updated event, in one write unit.
//
// Bounds: an amount above the market's movement_max_minor is invalid_argument/
// "amount_too_large"; a deposit that would take the party account above balance_max_minor is
// failed_precondition/"balance_limit" (marketcore/market.h explains why this keeps the
// market's world account away from the int64 edge).
//
// External references are scoped per (market, direction): a deposit's and a withdrawal's
// reference never collide. A reference moves money at most once, ever: a repeat by the same
// party with the same amount, account kind and reason answers with the first movement
// (replayed); a repeat that differs in any of them is already_exists/"external_ref_conflict";
// another party's attempt is already_exists/"external_ref_used".
#include <string>

#include "engine/engine_impl.h"
#include "engine/firing.h"
#include "engine/job_validation.h"
#include "engine/money_unit.h"
#include "engine/replay.h"
#include "engine/request_hash.h"
#include "marketcore/money.h"

namespace mc {
namespace {

struct Movement {
  MarketId market_id = 0;
  PartyId party_id = 0;
  int64_t amount_minor = 0;
  AccountKind kind = AccountKind::available;
  const std::string* reason = nullptr;
  const std::optional<std::string>* external_ref = nullptr;
  const std::optional<IdempotencyKey>* idempotency = nullptr;
  bool credit = true;  // deposit (world → party) or withdrawal (party → world)
};

Movement deposit_movement(const Deposit& request) {
  return {request.market_id, request.party_id,      request.amount_minor, request.into,
          &request.reason,   &request.external_ref, &request.idempotency, true};
}

Movement withdrawal_movement(const Withdrawal& request) {
  return {request.market_id, request.party_id,      request.amount_minor, request.from,
          &request.reason,   &request.external_ref, &request.idempotency, false};
}

Status validate_movement(const Movement& movement) {
  MC_TRY(engine::validate_positive_amount(movement.amount_minor, "amount_minor"));
  if (movement.reason->empty()) {
    return invalid_argument("reason_empty", "a movement needs a reason", "reason");
  }
  const std::optional<std::string>& ref = *movement.external_ref;
  if (ref && (ref->empty() || ref->size() > 512)) {
    return invalid_argument("external_ref_invalid", "external_ref must have 1–512 bytes",
                            "external_ref");
  }
  return engine::validate_idempotency_key(*movement.idempotency);
}

std::string movement_hash(const Movement& movement) {
  engine::RequestHasher hasher(movement.credit ? "deposit" : "withdraw");
  hasher.add("market_id", movement.market_id)
      .add("party_id", movement.party_id)
      .add("amount_minor", movement.amount_minor)
      .add("kind", static_cast<int64_t>(movement.kind))
      .add("reason", *movement.reason)
      .add("external_ref", *movement.external_ref);
  return hasher.hex();
}

// The market's bounds on this movement, before anything is written.
Status check_bounds(store::Transaction& tx, const MarketConfig& config, const Movement& movement,
                    const AccountRef& account) {
  MC_TRY(engine::validate_movement_bound(movement.amount_minor, config));
  if (!movement.credit) return ok_status();
  MC_TRY_ASSIGN(int64_t balance_minor, tx.balance(account));
  Result<int64_t> after = checked_add(balance_minor, movement.amount_minor);
  if (!after.ok() || *after > config.balance_max_minor) {
    return failed_precondition("balance_limit",
                               "the deposit would take the party's " +
                                   std::string(account_kind_name(account.kind)) + " balance from " +
                                   std::to_string(balance_minor) +
                                   " above the largest balance of market '" + config.name + "', " +
                                   std::to_string(config.balance_max_minor));
  }
  return ok_status();
}

// The answer to a reference seen before: the first movement, or why this one is refused.
Result<MoneyMovement> repeat_of(store::Transaction& tx, const store::ExternalCredit& first,
                                const Movement& movement, const AccountRef& account) {
  if (first.party_id != movement.party_id) {
    return Status(Code::already_exists, "external_ref_used",
                  "the external reference was already used by another party");
  }
  std::string differs;
  if (first.amount_minor != movement.amount_minor) {
    differs = "amount " + std::to_string(first.amount_minor);
  } else if (first.account_kind != movement.kind) {
    differs = std::string("account ") + account_kind_name(first.account_kind);
  } else if (first.reason != *movement.reason) {
    differs = "reason '" + first.reason + "'";
  }
  if (!differs.empty()) {
    return Status(Code::already_exists, "external_ref_conflict",
                  "external reference '" + first.external_ref + "' already moved money with " +
                      differs + "; a repeat must be identical",
                  "external_ref");
  }
  MC_TRY_ASSIGN(int64_t balance_minor, tx.balance(account));
  return MoneyMovement{first.transfer_id, balance_minor, true};
}

Result<MoneyMovement> move_in_unit(store::Transaction& tx, const Movement& movement,
                                   const std::string& request_hash) {
  MC_TRY_ASSIGN(std::optional<std::string> replay,
                engine::find_replay(tx, *movement.idempotency, request_hash));
  if (replay) return engine::decode_movement(*replay);
  Result<Party> party = tx.party(movement.party_id);
  if (!party.ok() || party->market_id != movement.market_id) {
    if (!party.ok() && party.status().code() != Code::not_found) return party.status();
    return not_found("party_not_found", "no party " + std::to_string(movement.party_id) +
                                            " in market " + std::to_string(movement.market_id));
  }
  MC_TRY_ASSIGN(Market market, tx.market(movement.market_id));
  const AccountRef account{movement.market_id, movement.kind, movement.party_id};
  const AccountRef world{movement.market_id, AccountKind::world, 0};
  const std::optional<std::string>& ref = *movement.external_ref;
  if (ref) {
    const store::ExternalRefDirection direction =
        movement.credit ? store::ExternalRefDirection::credit : store::ExternalRefDirection::debit;
    MC_TRY_ASSIGN(std::optional<store::ExternalCredit> first,
                  tx.find_external_credit(movement.market_id, *ref, direction));
    if (first) return repeat_of(tx, *first, movement, account);
  }
  MC_TRY(check_bounds(tx, market.config, movement, account));
  MC_TRY_ASSIGN(TransferId transfer_id,
                tx.transfer(movement.credit ? world : account, movement.credit ? account : world,
                            movement.amount_minor, *movement.reason, std::nullopt, ref));
  MC_TRY_ASSIGN(int64_t balance_minor, tx.balance(account));
  MC_TRY(engine::append_balance_event(tx, movement.market_id, movement.party_id).status());
  MoneyMovement result{transfer_id, balance_minor, false};
  MC_TRY(engine::save_replay(tx, *movement.idempotency, request_hash,
                             engine::encode_movement(result)));
  return result;
}

}  // namespace

namespace engine {

Status validate_deposit(const Deposit& request) {
  if (request.into != AccountKind::available && request.into != AccountKind::promo &&
      request.into != AccountKind::stake) {
    return invalid_argument("bad_account_kind", "deposits go to available, promo or stake", "into");
  }
  return validate_movement(deposit_movement(request));
}

Result<MoneyMovement> deposit_in_unit(store::Transaction& tx, const Deposit& request) {
  const Movement movement = deposit_movement(request);
  return move_in_unit(tx, movement, movement_hash(movement));
}

}  // namespace engine

Result<MoneyMovement> Engine::deposit(const Deposit& request) {
  MC_TRY(engine::validate_deposit(request));
  const Movement movement = deposit_movement(request);
  const std::string hash = movement_hash(movement);
  return impl_->write<MoneyMovement>(
      [&](store::Transaction& tx) { return move_in_unit(tx, movement, hash); });
}

Result<MoneyMovement> Engine::withdraw(const Withdrawal& request) {
  if (request.from != AccountKind::available && request.from != AccountKind::stake) {
    return invalid_argument("bad_account_kind", "withdrawals come from available or stake", "from");
  }
  const Movement movement = withdrawal_movement(request);
  MC_TRY(validate_movement(movement));
  const std::string hash = movement_hash(movement);
  return impl_->write<MoneyMovement>(
      [&](store::Transaction& tx) { return move_in_unit(tx, movement, hash); });
}

}  // namespace mc
