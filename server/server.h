// server/server.h — marketcore-server: engine, dialects, transport, background components.
//
// Server::create opens the engine (printing migration progress), ensures the configured
// markets, mounts the ops routes and every configured dialect, and binds the listen socket.
// run() starts the background components (the scheduler first, then any added with
// add_component, e.g. event delivery), serves until SIGTERM/SIGINT or stop(), then shuts down
// gracefully: stop accepting, let every in-flight request finish and be answered (up to
// shutdown_grace_ms), stop the components in reverse order, close the engine.
//
// Thread-safety: create/add_component/run from the main thread; stop() from any thread.
#pragma once

#include <cstdint>
#include <memory>

#include "background.h"
#include "config.h"
#include "http_service.h"
#include "marketcore/status.h"
#include "router.h"
#include "server_context.h"

namespace mc::server {

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(ServerConfig config);
  ~Server();

  // Requires: before run().
  void add_component(std::unique_ptr<BackgroundComponent> component);
  // Mounts another dialect. Requires: before run().
  Status mount(std::string prefix, std::shared_ptr<Dialect> dialect, bool exclusive = true);
  ServerContext& context();
  uint16_t port() const;
  // The request pipeline, for in-process drivers (the request fuzz target) that feed it
  // requests without the network.
  HttpService& service();

  // Serves until a signal or stop(). Returns the first error of start-up, else ok.
  Status run();
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mc::server
