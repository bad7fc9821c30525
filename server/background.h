// server/background.h — a component that runs beside the HTTP server (event delivery:
// webhooks from the outbox, WebSocket fan-out).
//
// Server::add_component() registers it before run(); start() is called after the engine is open
// and before the listener accepts, stop() after the last in-flight request finished and before
// the engine closes, in reverse order of registration. stop() must return promptly and leave
// nothing running.
//
// Thread-safety: start() and stop() are called from the server's main thread.
#pragma once

#include <string>

#include "marketcore/status.h"

namespace mc::server {

class BackgroundComponent {
 public:
  virtual ~BackgroundComponent() = default;
  virtual std::string name() const = 0;
  virtual Status start() = 0;
  virtual void stop() = 0;
};

}  // namespace mc::server
