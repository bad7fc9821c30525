// marketcore/webhooks.h — outgoing webhooks: endpoints, deliveries from the outbox, retries.
//
// A webhook endpoint belongs to a market and either to one party (it receives the events that
// concern that party, and its market's broadcasts) or to the whole market (every event of the
// market). It has a URL, a secret, a signing scheme and an optional event-type filter.
//
// Delivery is at least once, unordered, from the transactional outbox (events.h):
//   1. `enqueue_new_events()` moves each active endpoint's cursor over the outbox and writes one
//      pending delivery per matching event (one write transaction; the cursor and the rows move
//      together, so an event is queued exactly once per endpoint).
//   2. `claim_due(lease_ms)` hands out pending deliveries whose next attempt is due and pushes
//      their next attempt time out by the lease, so two workers never send the same attempt
//      at once and a worker that dies mid-attempt is retried after the lease.
//   3. The host sends `render_body()` signed by `sign()` (a fresh timestamp and signature on
//      every attempt; the event id stays the same) and reports `record_attempt()`, which applies
//      the retry policy: 2xx delivers; network errors, 5xx, 408 and 429 retry with exponential
//      backoff and full jitter (Retry-After honoured); any other answer, or a next attempt past
//      the horizon, moves the delivery to the dead-letter list. `replay()` re-queues a dead one.
// The rules (URL policy, retry policy, signing) are pure functions below, so they are tested
// without a network; the host only runs the HTTP client.
//
// URL policy: https only, no user info, and every address connected to public (no private,
// loopback, link-local, CGNAT, multicast, unspecified or reserved address). Registration checks
// the URL's form (and a literal address) without resolving the host; the addresses the host
// resolves to are checked before each attempt, on the addresses actually connected to (DNS
// rebinding). A market in test mode also accepts loopback addresses, over http or https.
//
// Thread-safety: the free functions are pure. WebhookRegistry is a cheap handle over the
// engine's store (Engine::webhooks()); it is thread-safe and valid while the Engine lives.
//
// Example:
//   mc::WebhookRegistry webhooks = engine->webhooks();
//   mc::CreatedWebhookEndpoint created = webhooks.create_endpoint({.market_id = market.id,
//       .party_id = party.id, .url = "https://hooks.example.com/mc"}).value();
//   // show created.secret to the owner once
//   webhooks.enqueue_new_events(1000).status().ignore();
//   for (mc::DueWebhookDelivery& due : webhooks.claim_due(30'000, 16).value()) { ...send... }
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marketcore/clock.h"
#include "marketcore/events.h"
#include "marketcore/ledger.h"
#include "marketcore/status.h"

namespace mc {
namespace store {
class Store;
}

// How a delivery is signed (webhook_signatures.h has the formats).
enum class WebhookScheme : int32_t {
  standard = 0,  // Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature (native)
  stripe = 1,    // Stripe-Signature: t=<s>,v1=<hex>
  sha256 = 2,    // <header>: sha256=<hex> (AgentMarket)
  hex = 3,       // <header>: <hex> (HumanOps, 1337MKT)
};
// "standard", "stripe", "sha256", "hex".
std::string_view webhook_scheme_name(WebhookScheme scheme);
// invalid_argument/"webhook_scheme_unknown" for any other name.
Result<WebhookScheme> parse_webhook_scheme(std::string_view name);

using WebhookEndpointId = int64_t;
using WebhookDeliveryId = int64_t;

struct WebhookEndpoint {
  WebhookEndpointId id = 0;
  MarketId market_id = 0;
  std::optional<PartyId> party_id;  // empty: market-wide (every event of the market)
  std::string url;
  std::string secret;  // "whsec_<base64>"; shown to the owner once
  WebhookScheme scheme = WebhookScheme::standard;
  // Header carrying the signature for the sha256 and hex schemes; empty = "x-webhook-signature".
  std::string signature_header;
  std::vector<std::string> event_types;  // empty = every type
  bool active = true;
  int64_t cursor_sequence = 0;  // the last outbox sequence already queued for this endpoint
  int64_t created_at_ms = 0;
};

struct NewWebhookEndpoint {
  MarketId market_id = 0;
  std::optional<PartyId> party_id;
  std::string url;
  WebhookScheme scheme = WebhookScheme::standard;
  std::string signature_header;
  std::vector<std::string> event_types;
};

struct CreatedWebhookEndpoint {
  WebhookEndpoint endpoint;
  std::string secret;  // the only time the secret is returned
};

enum class WebhookDeliveryStatus : int32_t {
  pending = 0,    // waiting for its next attempt
  delivered = 1,  // a 2xx answer
  dead = 2,       // given up: in the dead-letter list until replayed
};
std::string_view webhook_delivery_status_name(WebhookDeliveryStatus status);
Result<WebhookDeliveryStatus> parse_webhook_delivery_status(std::string_view name);

struct WebhookDelivery {
  WebhookDeliveryId id = 0;
  WebhookEndpointId endpoint_id = 0;
  MarketId market_id = 0;
  int64_t event_sequence = 0;
  std::string event_type;
  WebhookDeliveryStatus status = WebhookDeliveryStatus::pending;
  int32_t attempts = 0;             // attempts made since queued (or since the last replay)
  int64_t first_attempt_at_ms = 0;  // 0 until the first attempt; the horizon counts from here
  int64_t next_attempt_at_ms = 0;
  int32_t last_http_status = 0;  // 0: no answer (network error) or no attempt yet
  std::string last_error;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct WebhookDeliveryFilter {
  MarketId market_id = 0;
  std::optional<PartyId> party_id;  // deliveries of this party's endpoints only
  std::optional<WebhookEndpointId> endpoint_id;
  std::optional<WebhookDeliveryStatus> status;
  std::optional<WebhookDeliveryId> before_id;  // cursor, newest first
  int32_t limit = 50;
};

// Counts for metrics: how far behind delivery is.
struct WebhookBacklog {
  int64_t last_event_sequence = 0;
  int64_t cursor_sequence_min = 0;           // over active endpoints (= last when there are none)
  int64_t pending = 0;                       // deliveries not yet delivered nor dead
  int64_t dead = 0;                          // the dead-letter list
  int64_t oldest_pending_created_at_ms = 0;  // 0 when none is pending
};

// ---------------------------------------------------------------------------------------
// Retry policy (pure).

struct WebhookRetryPolicy {
  int64_t delay_base_ms = 1'000;          // ceiling of the first retry's jittered delay
  int64_t delay_max_ms = 60 * 60 * 1000;  // the ceiling stops doubling here (1 h)
  int64_t delay_min_ms = 100;             // full jitter may draw 0: never retry sooner than this
  // Give up when the next attempt would fall later than this after the first attempt (3 days,
  // like the common providers).
  int64_t horizon_ms = 3LL * 24 * 60 * 60 * 1000;
};

// What one attempt got back.
struct WebhookAttemptResult {
  int32_t http_status = 0;  // 0: no HTTP answer (DNS, connect, TLS, timeout, refused address)
  std::string error;        // why, for the last_error column
  std::optional<int64_t> retry_after_ms;  // from a Retry-After header, if any
};

struct WebhookRetryDecision {
  WebhookDeliveryStatus status = WebhookDeliveryStatus::pending;
  int64_t next_attempt_at_ms = 0;  // for pending
};

// True for a network error (status 0), 5xx, 408 and 429.
bool webhook_attempt_retryable(int32_t http_status);

// The outcome of attempt number `attempts_made` (1 = the first) made at `now_ms`, for a
// delivery first attempted at `first_attempt_at_ms`. 2xx → delivered. Retryable → pending at
// now + max(delay_min, uniform[0, min(delay_max, delay_base × 2^(attempts_made−1))]) using
// `random` as the uniform draw, or at now + Retry-After when that is later; dead when that
// time is past first_attempt_at_ms + horizon. Anything else (3xx, other 4xx) → dead at once.
WebhookRetryDecision decide_webhook_retry(const WebhookRetryPolicy& policy, int32_t attempts_made,
                                          int64_t first_attempt_at_ms, int64_t now_ms,
                                          const WebhookAttemptResult& result, uint64_t random);

// Parses a Retry-After value: delta-seconds ("120") or an IMF-fixdate
// ("Wed, 21 Oct 2015 07:28:00 GMT"). Returns the delay from `now_ms` (0 for a date in the
// past), or nullopt when malformed.
std::optional<int64_t> parse_retry_after_ms(std::string_view value, int64_t now_ms);

// ---------------------------------------------------------------------------------------
// URL policy (pure, but for the resolver it is given).

struct WebhookUrl {
  bool https = true;
  std::string host;  // lower-case; IPv6 without brackets
  uint16_t port = 443;
  std::string target = "/";  // path and query, for the request line
};

enum class IpAddressClass : int32_t {
  public_address = 0,
  loopback = 1,
  private_address = 2,  // 10/8, 172.16/12, 192.168/16, fc00::/7
  link_local = 3,       // 169.254/16, fe80::/10
  cgnat = 4,            // 100.64/10
  multicast = 5,
  unspecified = 6,  // 0.0.0.0/8, ::
  reserved = 7,     // everything else not globally routable (TEST-NETs, 240/4, ...)
};

// Classifies a textual IPv4 or IPv6 address (IPv4-mapped IPv6 is classified as its IPv4).
// Returns invalid_argument/"ip_address_malformed" for anything else.
Result<IpAddressClass> classify_ip_address(std::string_view address);

// Parses and checks the text of a webhook URL: scheme http or https, a host, an optional port,
// no user info, no fragment, at most 2048 bytes. Production requires https; test mode allows
// http only to a loopback host ("localhost", 127/8, ::1). A literal IP address host is
// classified here. Returns invalid_argument/"webhook_url_invalid",
// "webhook_url_not_https" or "webhook_url_forbidden_address" (param "url").
Result<WebhookUrl> check_webhook_url(std::string_view url, bool test_mode);

// Checks every address the host resolves to: all must be public (or loopback in test mode).
// invalid_argument/"webhook_url_forbidden_address" naming the first refused address, or
// "webhook_url_unresolvable" when the list is empty.
Status check_webhook_addresses(const std::vector<std::string>& addresses, bool test_mode);

// Resolves a host to textual IP addresses (the default uses getaddrinfo).
using HostResolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;
Result<std::vector<std::string>> resolve_host_addresses(const std::string& host);

// ---------------------------------------------------------------------------------------
// Payload and signing (pure).

// The stable event id every attempt carries ("evt_<sequence>").
std::string webhook_event_id(int64_t event_sequence);
// The JSON body: {"id","object":"event","type","sequence","market_id","job_id","party_ids",
// "broadcast","data","created_at_ms"}.
std::string render_webhook_body(const Event& event);
// The headers to send with `body` at `now_ms`, in the endpoint's scheme. Every scheme also
// carries webhook-id (the event id, for deduplication) and webhook-event (the type).
// invalid_argument/"webhook_bad_secret" for a malformed secret.
Result<std::vector<std::pair<std::string, std::string>>> sign_webhook(
    const WebhookEndpoint& endpoint, std::string_view event_id, std::string_view event_type,
    std::string_view body, int64_t now_ms);
// A new "whsec_" + base64 of 24 random bytes.
Result<std::string> generate_webhook_secret();

// ---------------------------------------------------------------------------------------

// One claimed delivery with everything needed to send it.
struct DueWebhookDelivery {
  WebhookDelivery delivery;
  WebhookEndpoint endpoint;
  Event event;
};

class WebhookRegistry {
 public:
  // Checks the URL's form (check_webhook_url with the market's test mode: a literal address
  // must be allowed; a host name is not resolved here, so registration never waits on DNS —
  // the addresses connected to are checked at each delivery), generates the secret and stores
  // the endpoint, its cursor at the end of the outbox (it receives events from now on).
  // invalid_argument for the URL (see above), "webhook_event_types_invalid",
  // "webhook_signature_header_invalid"; not_found/"market_not_found", "party_not_found" (or a
  // party of another market).
  Result<CreatedWebhookEndpoint> create_endpoint(const NewWebhookEndpoint& request);
  // not_found/"webhook_endpoint_not_found".
  Result<WebhookEndpoint> endpoint(WebhookEndpointId id);
  // Active endpoints of a market; with `party`, that party's only.
  Result<std::vector<WebhookEndpoint>> endpoints(MarketId market, std::optional<PartyId> party);
  // Deactivates an endpoint: nothing more is queued or sent to it. not_found as above.
  Status delete_endpoint(WebhookEndpointId id);

  Result<WebhookDelivery> delivery(WebhookDeliveryId id);
  Result<std::vector<WebhookDelivery>> deliveries(const WebhookDeliveryFilter& filter);
  // Re-queues a dead delivery for an attempt now, attempts and horizon starting afresh.
  // not_found/"webhook_delivery_not_found"; failed_precondition/"webhook_delivery_not_dead";
  // failed_precondition/"webhook_endpoint_inactive".
  Result<WebhookDelivery> replay(WebhookDeliveryId id);

  // Queues the outbox events past each active endpoint's cursor (at most `events_max` events
  // read per endpoint per call). Returns how many deliveries were queued.
  Result<int64_t> enqueue_new_events(int32_t events_max);
  // Claims up to `limit` due deliveries of active endpoints (see the file comment).
  Result<std::vector<DueWebhookDelivery>> claim_due(int64_t lease_ms, int32_t limit);
  // Earliest next attempt of a pending delivery of an active endpoint, if any.
  Result<std::optional<int64_t>> next_due_at_ms();
  // Records attempt `result` of a claimed delivery made at the engine clock's now.
  // `random` is the jitter draw. Returns the updated delivery.
  Result<WebhookDelivery> record_attempt(WebhookDeliveryId id, const WebhookAttemptResult& result,
                                         const WebhookRetryPolicy& policy, uint64_t random);
  // As record_attempt, fenced: `claimed` is the delivery as claim_due handed it out, and the
  // attempt is recorded only while that claim still holds the delivery. A claim's fencing
  // token is its lease end (claimed.next_attempt_at_ms): a later claim can only take a
  // delivery that is due, so its lease end is strictly greater, and a record or a replay
  // moves it too. A worker whose lease lapsed (paused, not dead) and was taken over therefore
  // records nothing: the stored delivery is returned unchanged. Hosts with several workers or
  // servers on one database use this one.
  Result<WebhookDelivery> record_claimed_attempt(const WebhookDelivery& claimed,
                                                 const WebhookAttemptResult& result,
                                                 const WebhookRetryPolicy& policy, uint64_t random);
  // Deletes delivered deliveries last updated before `before_ms`; returns how many.
  Result<int64_t> purge_delivered(int64_t before_ms);
  Result<WebhookBacklog> backlog();
  // The last sequence written to the outbox (0 when empty), for pollers of the outbox.
  Result<int64_t> outbox_head();

  // Requires: `store` and `clock` outlive the handle (Engine::webhooks() does this).
  WebhookRegistry(store::Store* store, std::shared_ptr<const Clock> clock)
      : store_(store), clock_(std::move(clock)) {}

 private:
  // record_attempt, fenced by `claim_token` (the claim's lease end) when given.
  Result<WebhookDelivery> record(WebhookDeliveryId id, std::optional<int64_t> claim_token,
                                 const WebhookAttemptResult& result,
                                 const WebhookRetryPolicy& policy, uint64_t random);

  store::Store* store_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace mc
