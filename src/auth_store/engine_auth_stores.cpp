// Engine::auth_stores(): the durable auth stores over the engine's own store and clock.
#include "engine/engine_impl.h"
#include "marketcore/auth_store_sqlite.h"

namespace mc {

AuthStores Engine::auth_stores() {
  store::Store* store = impl_->store.get();
  const std::shared_ptr<const Clock> clock = impl_->clock;
  AuthStores stores;
  stores.nonces = std::make_shared<auth::SqliteNonceStore>(store, clock);
  stores.replay_guard = std::make_shared<auth::SqliteReplayGuard>(store, clock);
  stores.refresh_tokens = std::make_shared<auth::SqliteRefreshTokenStore>(store, clock);
  stores.api_keys = std::make_shared<auth::SqliteApiKeyStore>(store, clock);
  return stores;
}

}  // namespace mc
