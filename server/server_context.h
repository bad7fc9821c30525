// server/server_context.h — what the server shares with dialects and background components.
//
// Built once at start-up and outliving every request. Dialects keep a reference; a
// background component (event delivery) reads the engine's outbox through it and reports
// through `metrics`.
//
// Thread-safety: the members are thread-safe objects (Engine, Metrics, ApiKeys) or immutable
// after start-up (config); `draining` is atomic.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "config.h"
#include "marketcore/api_keys.h"
#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "marketcore/ledger.h"
#include "metrics.h"
#include "webhook_renderer.h"

namespace mc::server {

struct ServerContext {
  ServerConfig config;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const Clock> clock;
  Metrics metrics;
  std::shared_ptr<auth::ApiKeyStore> api_key_store;
  std::unique_ptr<auth::ApiKeys> api_keys;
  // Dialect-rendered webhooks by market (webhook_renderer.h); filled while dialects are
  // constructed, read-only once the server runs.
  std::map<MarketId, WebhookRenderer> webhook_renderers;
  std::atomic<bool> ready{false};     // markets ensured and listening
  std::atomic<bool> draining{false};  // shutdown began
};

}  // namespace mc::server
