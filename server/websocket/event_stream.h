// server/websocket/event_stream.h — WebSocket streams of the event outbox, for every dialect.
//
// A route that accepts a WebSocket hands its UpgradedStream to the hub with an
// EventStreamSpec: which events (an EventQuery: market, party, starting cursor) and how each
// becomes a text frame (a renderer that may skip an event, so a dialect can filter types and
// use its own frame format — native JSON events, j0's {event, data, timestamp}). The session
// first replays the outbox from the cursor, then follows it live.
//
// The hub runs its own io_context thread for the sockets (moved off the server's I/O threads at
// the upgrade) and one poller thread that reads the outbox through Engine::events, so a slow
// read never stalls a request. Each session's send queue is bounded (queue_frames_max): the
// poller reads only as many events as fit, and a client whose queue stays full for
// stall_timeout_ms is closed with 1008 "slow consumer" instead of being buffered for. Pings
// are sent after idle_timeout_ms / 2 of silence and a client silent for idle_timeout_ms is
// dropped. When the server begins to shut down (ServerContext::draining) or the hub stops,
// every session gets a 1001 "going away" close frame.
//
// Thread-safety: every public member is thread-safe.
//
// Example (a dialect's upgrade handler):
//   EventStreamSpec spec{.query = {.after_sequence = cursor, .market_id = market,
//                                  .party_id = party},
//                        .render = [](const Event& e) { return std::optional(to_json(e)); }};
//   EventStreamHub::of(context)->attach(std::move(stream), std::move(spec));
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "../background.h"
#include "../server_context.h"
#include "../upgrade.h"
#include "marketcore/events.h"

namespace mc::server::websocket {

struct EventStreamSpec {
  EventQuery query;  // market / party filter; after_sequence is the starting cursor
  // The frame text of one event, or nullopt to skip it.
  std::function<std::optional<std::string>(const Event&)> render;
  int32_t queue_frames_max = 256;
};

struct EventStreamOptions {
  int64_t poll_interval_ms = 100;     // how often the outbox is read for new events
  int64_t idle_timeout_ms = 40'000;   // ping after half of it; drop a client silent this long
  int64_t stall_timeout_ms = 10'000;  // a full send queue this long closes the session
  int64_t close_grace_ms = 1'000;     // stop() waits this long for close handshakes
  int32_t sessions_max = 10'000;      // more are refused with 1013 "try again later"
};

class EventStreamHub {
 public:
  // The hub of this server (created on first use; one per ServerContext).
  static std::shared_ptr<EventStreamHub> of(ServerContext& context);

  // Takes over the connection: completes the WebSocket handshake and streams. A hub that is
  // not running closes the connection.
  void attach(std::unique_ptr<UpgradedStream> stream, EventStreamSpec spec);
  // Sessions open now (for tests and metrics).
  int64_t sessions();

  struct Impl;
  explicit EventStreamHub(std::unique_ptr<Impl> impl);
  ~EventStreamHub();

 private:
  friend class EventStreamComponent;
  Status start(const EventStreamOptions& options);
  void stop();
  std::unique_ptr<Impl> impl_;
};

// Starts the hub of `context` with the server and stops it (closing every stream) at shutdown.
std::unique_ptr<BackgroundComponent> make_event_stream_component(ServerContext& context,
                                                                 EventStreamOptions options = {});

}  // namespace mc::server::websocket
