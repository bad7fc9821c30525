// money_unit.h — a deposit as a step of a larger write unit.
//
// Engine::deposit is one write unit around deposit_in_unit; a registration that opens with a
// deposit (Engine::register_party with RegisterParty::opening_deposit) runs the same step
// inside its own unit, so the party and its first money commit together or not at all.
//
// Thread-safety: valid only inside a write unit, on its thread.
//
// Example:
//   MC_TRY(engine::validate_deposit(request));
//   MC_TRY_ASSIGN(MoneyMovement movement, engine::deposit_in_unit(tx, request));
#pragma once

#include "marketcore/engine.h"
#include "store/store.h"

namespace mc::engine {

// The pure checks of a deposit: account kind ("bad_account_kind"), positive amount, reason,
// external reference size, idempotency key. invalid_argument naming the field.
Status validate_deposit(const Deposit& request);

// Credits the party inside `tx` with every rule of Engine::deposit (the market's bounds, the
// external reference, the idempotency key, the balance.updated event).
Result<MoneyMovement> deposit_in_unit(store::Transaction& tx, const Deposit& request);

}  // namespace mc::engine
