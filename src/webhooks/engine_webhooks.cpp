// Engine::webhooks(): the webhook registry over the engine's own store and clock.
#include "engine/engine_impl.h"
#include "marketcore/webhooks.h"

namespace mc {

WebhookRegistry Engine::webhooks() {
  return WebhookRegistry(impl_->store.get(), impl_->clock);
}

}  // namespace mc
