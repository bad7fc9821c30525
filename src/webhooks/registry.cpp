// WebhookRegistry: endpoints, the fan-out of the outbox into deliveries, claims with a lease,
// attempt outcomes through the retry policy, the dead-letter list and its replay. Every method
// is one store read or one write unit; the policies it applies are the pure functions of
// url_policy.cpp, retry_policy.cpp and signing.cpp.
#include <algorithm>
#include <map>

#include "marketcore/webhooks.h"
#include "store/store.h"

namespace mc {
namespace {

constexpr size_t kEventTypesMax = 50;
constexpr size_t kEventTypeBytesMax = 100;
constexpr size_t kSignatureHeaderBytesMax = 64;
constexpr size_t kLastErrorBytesMax = 500;

Status validate_event_types(const std::vector<std::string>& types) {
  if (types.size() > kEventTypesMax) {
    return invalid_argument("webhook_event_types_invalid", "at most 50 event types",
                            "enabled_events");
  }
  for (const std::string& type : types) {
    const bool ok_chars = std::all_of(type.begin(), type.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '*';
    });
    if (type.empty() || type.size() > kEventTypeBytesMax || !ok_chars) {
      return invalid_argument("webhook_event_types_invalid",
                              "event types are lower-case names like job.completed, "
                              "job.* or *",
                              "enabled_events");
    }
  }
  return ok_status();
}

Status validate_signature_header(const std::string& header) {
  const bool ok_chars = std::all_of(header.begin(), header.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (header.size() > kSignatureHeaderBytesMax || !ok_chars) {
    return invalid_argument("webhook_signature_header_invalid",
                            "signature_header must be a header name", "signature_header");
  }
  return ok_status();
}

// "*" matches every type, "job.*" every type starting with "job.".
bool type_wanted(const std::vector<std::string>& filter, const std::string& type) {
  if (filter.empty()) return true;
  for (const std::string& wanted : filter) {
    if (wanted == "*" || wanted == type) return true;
    if (wanted.size() >= 2 && wanted.ends_with(".*") &&
        type.starts_with(std::string_view(wanted).substr(0, wanted.size() - 1))) {
      return true;
    }
  }
  return false;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Queues one endpoint's new events; returns how many deliveries it queued.
Result<int64_t> enqueue_for(store::Transaction& tx, const WebhookEndpoint& endpoint,
                            int64_t last_sequence, int32_t events_max) {
  if (endpoint.cursor_sequence >= last_sequence) return int64_t{0};
  EventQuery query{.after_sequence = endpoint.cursor_sequence,
                   .market_id = endpoint.market_id,
                   .party_id = endpoint.party_id,
                   .limit = events_max};
  MC_TRY_ASSIGN(std::vector<Event> events, tx.events(query));
  int64_t queued = 0;
  for (const Event& event : events) {
    if (!type_wanted(endpoint.event_types, event.type)) continue;
    WebhookDelivery delivery{.endpoint_id = endpoint.id,
                             .market_id = endpoint.market_id,
                             .event_sequence = event.sequence,
                             .event_type = event.type,
                             .status = WebhookDeliveryStatus::pending,
                             .next_attempt_at_ms = tx.now_ms()};
    MC_TRY_ASSIGN(bool inserted, tx.insert_webhook_delivery(delivery));
    if (inserted) ++queued;
  }
  // A short page means every event up to `last_sequence` has been seen.
  const bool page_full = static_cast<int32_t>(events.size()) >= std::clamp(events_max, 1, 1000);
  const int64_t cursor = page_full ? events.back().sequence : last_sequence;
  MC_TRY(tx.set_webhook_endpoint_cursor(endpoint.id, cursor));
  return queued;
}

}  // namespace

Result<CreatedWebhookEndpoint> WebhookRegistry::create_endpoint(const NewWebhookEndpoint& request) {
  MC_TRY(validate_event_types(request.event_types));
  MC_TRY(validate_signature_header(request.signature_header));
  MC_TRY_ASSIGN(Market market,
                store_->read_result<Market>([&](store::Reader& reader) -> Result<Market> {
                  MC_TRY_ASSIGN(Market found, reader.market(request.market_id));
                  if (request.party_id) {
                    MC_TRY_ASSIGN(Party party, reader.party(*request.party_id));
                    if (party.market_id != found.id) {
                      return not_found("party_not_found", "no such party in this market");
                    }
                  }
                  return found;
                }));
  const bool test_mode = market.config.test_mode;
  // The URL's form only (a literal address is judged here); the host is not resolved, so
  // registration never waits on DNS. Delivery checks the addresses it connects to.
  MC_TRY(check_webhook_url(request.url, test_mode).status());
  MC_TRY_ASSIGN(std::string secret, generate_webhook_secret());
  WebhookEndpoint endpoint{.market_id = market.id,
                           .party_id = request.party_id,
                           .url = request.url,
                           .secret = secret,
                           .scheme = request.scheme,
                           .signature_header = lower(request.signature_header),
                           .event_types = request.event_types};
  return store_->write_result<CreatedWebhookEndpoint>(
      clock_->now_ms(), [&](store::Transaction& tx) -> Result<CreatedWebhookEndpoint> {
        MC_TRY_ASSIGN(endpoint.cursor_sequence, tx.last_event_sequence());
        endpoint.created_at_ms = tx.now_ms();
        MC_TRY_ASSIGN(endpoint.id, tx.insert_webhook_endpoint(endpoint));
        return CreatedWebhookEndpoint{.endpoint = endpoint, .secret = secret};
      });
}

Result<WebhookEndpoint> WebhookRegistry::endpoint(WebhookEndpointId id) {
  return store_->read_result<WebhookEndpoint>(
      [&](store::Reader& reader) { return reader.webhook_endpoint(id); });
}

Result<std::vector<WebhookEndpoint>> WebhookRegistry::endpoints(MarketId market,
                                                                std::optional<PartyId> party) {
  return store_->read_result<std::vector<WebhookEndpoint>>(
      [&](store::Reader& reader) { return reader.webhook_endpoints(market, party); });
}

Status WebhookRegistry::delete_endpoint(WebhookEndpointId id) {
  return store_->write(clock_->now_ms(),
                       [&](store::Transaction& tx) { return tx.deactivate_webhook_endpoint(id); });
}

Result<WebhookDelivery> WebhookRegistry::delivery(WebhookDeliveryId id) {
  return store_->read_result<WebhookDelivery>(
      [&](store::Reader& reader) { return reader.webhook_delivery(id); });
}

Result<std::vector<WebhookDelivery>> WebhookRegistry::deliveries(
    const WebhookDeliveryFilter& filter) {
  return store_->read_result<std::vector<WebhookDelivery>>(
      [&](store::Reader& reader) { return reader.webhook_deliveries(filter); });
}

Result<WebhookDelivery> WebhookRegistry::replay(WebhookDeliveryId id) {
  return store_->write_result<WebhookDelivery>(
      clock_->now_ms(), [&](store::Transaction& tx) -> Result<WebhookDelivery> {
        MC_TRY_ASSIGN(WebhookDelivery delivery, tx.webhook_delivery(id));
        if (delivery.status != WebhookDeliveryStatus::dead) {
          return failed_precondition("webhook_delivery_not_dead",
                                     "only a dead delivery can be replayed");
        }
        MC_TRY_ASSIGN(WebhookEndpoint endpoint, tx.webhook_endpoint(delivery.endpoint_id));
        if (!endpoint.active) {
          return failed_precondition("webhook_endpoint_inactive",
                                     "the delivery's endpoint was deleted");
        }
        delivery.status = WebhookDeliveryStatus::pending;
        delivery.attempts = 0;
        delivery.first_attempt_at_ms = 0;
        delivery.next_attempt_at_ms = tx.now_ms();
        delivery.updated_at_ms = tx.now_ms();
        MC_TRY(tx.update_webhook_delivery(delivery));
        return delivery;
      });
}

Result<int64_t> WebhookRegistry::enqueue_new_events(int32_t events_max) {
  // A read first, so that an idle outbox costs the writer nothing.
  MC_TRY_ASSIGN(WebhookBacklog backlog, store_->read_result<WebhookBacklog>(
                                            [](store::Reader& r) { return r.webhook_backlog(); }));
  if (backlog.cursor_sequence_min >= backlog.last_event_sequence) return int64_t{0};
  return store_->write_result<int64_t>(
      clock_->now_ms(), [&](store::Transaction& tx) -> Result<int64_t> {
        MC_TRY_ASSIGN(int64_t last_sequence, tx.last_event_sequence());
        MC_TRY_ASSIGN(std::vector<WebhookEndpoint> endpoints,
                      tx.webhook_endpoints(0, std::nullopt));
        int64_t queued = 0;
        for (const WebhookEndpoint& endpoint : endpoints) {
          MC_TRY_ASSIGN(int64_t count, enqueue_for(tx, endpoint, last_sequence, events_max));
          queued += count;
        }
        return queued;
      });
}

Result<std::vector<DueWebhookDelivery>> WebhookRegistry::claim_due(int64_t lease_ms,
                                                                   int32_t limit) {
  return store_->write_result<std::vector<DueWebhookDelivery>>(
      clock_->now_ms(), [&](store::Transaction& tx) -> Result<std::vector<DueWebhookDelivery>> {
        MC_TRY_ASSIGN(std::vector<WebhookDelivery> due, tx.due_webhook_deliveries(limit));
        std::map<WebhookEndpointId, WebhookEndpoint> endpoints;
        std::vector<DueWebhookDelivery> claimed;
        for (WebhookDelivery& delivery : due) {
          auto found = endpoints.find(delivery.endpoint_id);
          if (found == endpoints.end()) {
            MC_TRY_ASSIGN(WebhookEndpoint endpoint, tx.webhook_endpoint(delivery.endpoint_id));
            found = endpoints.emplace(delivery.endpoint_id, std::move(endpoint)).first;
          }
          MC_TRY_ASSIGN(std::vector<Event> events,
                        tx.events({.after_sequence = delivery.event_sequence - 1, .limit = 1}));
          if (events.empty() || events.front().sequence != delivery.event_sequence) {
            return internal_error("webhook_event_missing",
                                  "a queued delivery's event is not in the outbox");
          }
          // The lease end is the claim's fencing token: at least 1 ms on, so it grows.
          delivery.next_attempt_at_ms = tx.now_ms() + std::max<int64_t>(lease_ms, 1);
          MC_TRY(tx.update_webhook_delivery(delivery));
          claimed.push_back({.delivery = delivery,
                             .endpoint = found->second,
                             .event = std::move(events.front())});
        }
        return claimed;
      });
}

Result<std::optional<int64_t>> WebhookRegistry::next_due_at_ms() {
  return store_->read_result<std::optional<int64_t>>(
      [&](store::Reader& reader) { return reader.next_webhook_due_at(); });
}

Result<WebhookDelivery> WebhookRegistry::record_attempt(WebhookDeliveryId id,
                                                        const WebhookAttemptResult& result,
                                                        const WebhookRetryPolicy& policy,
                                                        uint64_t random) {
  return record(id, std::nullopt, result, policy, random);
}

Result<WebhookDelivery> WebhookRegistry::record_claimed_attempt(const WebhookDelivery& claimed,
                                                                const WebhookAttemptResult& result,
                                                                const WebhookRetryPolicy& policy,
                                                                uint64_t random) {
  return record(claimed.id, claimed.next_attempt_at_ms, result, policy, random);
}

Result<WebhookDelivery> WebhookRegistry::record(WebhookDeliveryId id,
                                                std::optional<int64_t> claim_token,
                                                const WebhookAttemptResult& result,
                                                const WebhookRetryPolicy& policy, uint64_t random) {
  return store_->write_result<WebhookDelivery>(
      clock_->now_ms(), [&](store::Transaction& tx) -> Result<WebhookDelivery> {
        // Read in the write unit: a concurrent claim or record of this delivery either commits
        // before (and is seen here) or conflicts with this unit (SERIALIZABLE) or waits on its
        // row lock (READ COMMITTED).
        MC_TRY_ASSIGN(WebhookDelivery delivery, tx.webhook_delivery(id));
        // Replayed, or recorded by another worker after a lapsed lease: nothing to do.
        if (delivery.status != WebhookDeliveryStatus::pending) return delivery;
        // Fenced: another claim (or a record, or a replay) moved the lease end on.
        if (claim_token && delivery.next_attempt_at_ms != *claim_token) return delivery;
        const int64_t now_ms = tx.now_ms();
        delivery.attempts += 1;
        if (delivery.first_attempt_at_ms == 0) delivery.first_attempt_at_ms = now_ms;
        const WebhookRetryDecision decision = decide_webhook_retry(
            policy, delivery.attempts, delivery.first_attempt_at_ms, now_ms, result, random);
        delivery.status = decision.status;
        delivery.next_attempt_at_ms = decision.next_attempt_at_ms;
        delivery.last_http_status = result.http_status;
        delivery.last_error = result.error.substr(0, kLastErrorBytesMax);
        delivery.updated_at_ms = now_ms;
        MC_TRY(tx.update_webhook_delivery(delivery));
        return delivery;
      });
}

Result<int64_t> WebhookRegistry::purge_delivered(int64_t before_ms) {
  return store_->write_result<int64_t>(clock_->now_ms(), [&](store::Transaction& tx) {
    return tx.purge_webhook_deliveries(before_ms);
  });
}

Result<WebhookBacklog> WebhookRegistry::backlog() {
  return store_->read_result<WebhookBacklog>(
      [&](store::Reader& reader) { return reader.webhook_backlog(); });
}

Result<int64_t> WebhookRegistry::outbox_head() {
  return store_->read_result<int64_t>(
      [](store::Reader& reader) { return reader.last_event_sequence(); });
}

}  // namespace mc
