// server/delivery/event_delivery.cpp — registers webhook delivery and the event-stream hub.
#include "event_delivery.h"

#include "../websocket/event_stream.h"
#include "webhook_delivery.h"

namespace mc::server::delivery {

Status add_event_delivery(Server& server) {
  MC_TRY_ASSIGN(WebhookDeliveryOptions options, options_from_environment());
  server.add_component(make_webhook_delivery(server.context(), options));
  server.add_component(websocket::make_event_stream_component(server.context()));
  return ok_status();
}

}  // namespace mc::server::delivery
