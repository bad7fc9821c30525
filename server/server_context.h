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
#include <memory>
#include <string>

#include "config.h"
#include "marketcore/api_keys.h"
#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "metrics.h"

namespace mc::server {

struct ServerContext {
  ServerConfig config;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const Clock> clock;
  Metrics metrics;
  std::shared_ptr<auth::ApiKeyStore> api_key_store;
  std::unique_ptr<auth::ApiKeys> api_keys;
  std::atomic<bool> ready{false};     // markets ensured and listening
  std::atomic<bool> draining{false};  // shutdown began
};

}  // namespace mc::server
