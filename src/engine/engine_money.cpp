// Deposits and withdrawals: one transfer between a party's account and the market's world
// account, with its balance.updated event, in one write unit. An external reference moves
// money at most once, ever: a repeat by the same party answers with the first movement
// (replayed), another party's attempt is already_exists/"external_ref_used".
#include <string>

#include "engine/engine_impl.h"
#include "engine/firing.h"
#include "engine/job_validation.h"
#include "engine/replay.h"
#include "engine/request_hash.h"

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
  const AccountRef account{movement.market_id, movement.kind, movement.party_id};
  const AccountRef world{movement.market_id, AccountKind::world, 0};
  const std::optional<std::string>& ref = *movement.external_ref;
  if (ref) {
    MC_TRY_ASSIGN(std::optional<store::ExternalCredit> credit,
                  tx.find_external_credit(movement.market_id, *ref));
    if (credit) {
      if (credit->party_id != movement.party_id) {
        return Status(Code::already_exists, "external_ref_used",
                      "the external reference was already used by another party");
      }
      MC_TRY_ASSIGN(int64_t balance_minor, tx.balance(account));
      return MoneyMovement{credit->transfer_id, balance_minor, true};
    }
  }
  MC_TRY_ASSIGN(TransferId transfer_id,
                tx.transfer(movement.credit ? world : account, movement.credit ? account : world,
                            movement.amount_minor, *movement.reason, std::nullopt, ref));
  MC_TRY_ASSIGN(int64_t balance_minor, tx.balance(account));
  MC_TRY(engine::append_balance_event(tx, movement.market_id, movement.party_id));
  MoneyMovement result{transfer_id, balance_minor, false};
  MC_TRY(engine::save_replay(tx, *movement.idempotency, request_hash,
                             engine::encode_movement(result)));
  return result;
}

}  // namespace

Result<MoneyMovement> Engine::deposit(const Deposit& request) {
  const Movement movement{
      request.market_id, request.party_id,      request.amount_minor, request.into,
      &request.reason,   &request.external_ref, &request.idempotency, true};
  if (request.into != AccountKind::available && request.into != AccountKind::promo &&
      request.into != AccountKind::stake) {
    return invalid_argument("bad_account_kind", "deposits go to available, promo or stake", "into");
  }
  MC_TRY(validate_movement(movement));
  const std::string hash = movement_hash(movement);
  return impl_->write<MoneyMovement>(
      [&](store::Transaction& tx) { return move_in_unit(tx, movement, hash); });
}

Result<MoneyMovement> Engine::withdraw(const Withdrawal& request) {
  const Movement movement{
      request.market_id, request.party_id,      request.amount_minor, request.from,
      &request.reason,   &request.external_ref, &request.idempotency, false};
  if (request.from != AccountKind::available && request.from != AccountKind::stake) {
    return invalid_argument("bad_account_kind", "withdrawals come from available or stake", "from");
  }
  MC_TRY(validate_movement(movement));
  const std::string hash = movement_hash(movement);
  return impl_->write<MoneyMovement>(
      [&](store::Transaction& tx) { return move_in_unit(tx, movement, hash); });
}

}  // namespace mc
