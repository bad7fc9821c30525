// server/delivery/event_delivery.h — everything that delivers events, added to a Server at once.
//
// add_event_delivery() registers the webhook sender (settings from the environment, see
// webhook_delivery.h) and the WebSocket event-stream hub as background components, so they start
// with the server and stop, closing every stream, when it shuts down.
//
// Thread-safety: call from the main thread before Server::run().
#pragma once

#include "../server.h"
#include "marketcore/status.h"

namespace mc::server::delivery {

// invalid_argument/"bad_environment" for a malformed MARKETCORE_WEBHOOK_* variable.
Status add_event_delivery(Server& server);

}  // namespace mc::server::delivery
