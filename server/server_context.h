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
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "background.h"
#include "config.h"
#include "marketcore/api_keys.h"
#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "marketcore/ledger.h"
#include "metrics.h"
#include "outbound/outbound_calls.h"
#include "webhook_renderer.h"

namespace mc::server {

struct ServerContext {
  ServerConfig config;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const Clock> clock;
  // Test mode only: the offset clock `clock` is (moved by POST /v1/test/clock); null in
  // production.
  std::shared_ptr<OffsetClock> test_clock;
  // Wakes the due-work scheduler (after a test-clock move or a retry of stuck work); set
  // while the scheduler runs, before the listener accepts.
  std::function<void()> wake_scheduler;
  Metrics metrics;
  std::shared_ptr<auth::ApiKeyStore> api_key_store;
  std::unique_ptr<auth::ApiKeys> api_keys;
  // Dialect-rendered webhooks by market (webhook_renderer.h); filled while dialects are
  // constructed, read-only once the server runs.
  std::map<MarketId, WebhookRenderer> webhook_renderers;
  // Background components a dialect needs beside its routes (HumanOps verification); added
  // while dialects are constructed, started by Server::run after the due-work scheduler.
  std::vector<std::unique_ptr<BackgroundComponent>> dialect_components;
  // Slow calls to client-chosen machines (agent endpoints, verifiers) run here, never on a
  // request-handler thread; created before the dialects, joined when the server stops.
  std::unique_ptr<OutboundCalls> outbound;
  std::atomic<bool> ready{false};     // markets ensured and listening
  std::atomic<bool> draining{false};  // shutdown began
};

}  // namespace mc::server
