// auth_store_contracts.h — the contract of each marketcore/auth_stores.h interface as a
// reusable check, run against the memory stores (the reference semantics) and the SQLite ones.
//
// The cases are those of tests/auth/stores_test.cpp and tests/auth/api_keys_test.cpp that
// every implementation must pass (single use under races, expiry, duplicates, refresh-family
// revocation, API-key listing, revocation and last-use), minus the entry bounds, which only
// the memory stores have. Each check takes a fresh, empty store and the clock the store's
// owner reads (times in the cases are relative to clock->now_ms(), and the clock is advanced).
//
// Thread-safety: a check runs on one test thread (and starts its own racing threads).
#pragma once

#include <memory>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"

namespace mc::auth::testing {

// Duplicates, single use, expiry (an expired nonce is spent too), 8 threads racing one nonce.
void check_nonce_store_contract(NonceStore& store, const std::shared_ptr<ManualClock>& clock);
// Remember, replay while unexpired, re-remember once expired, 8 threads racing one key.
void check_replay_guard_contract(ReplayGuard& guard, const std::shared_ptr<ManualClock>& clock);
// Rotation through RefreshTokens: reuse revokes the family, expiry, unknown, logout,
// duplicates, 8 threads racing one rotation.
void check_refresh_token_store_contract(const std::shared_ptr<RefreshTokenStore>& store,
                                        const std::shared_ptr<ManualClock>& clock);
// ApiKeys over the store, plus the store's own duplicates, listing order, revoke and touch.
void check_api_key_store_contract(const std::shared_ptr<ApiKeyStore>& store,
                                  const std::shared_ptr<ManualClock>& clock);

}  // namespace mc::auth::testing
