// Webhook policy edges: every reserved IPv4 and IPv6 range, malformed authorities and host
// names, Retry-After dates that are not IMF-fixdate, event-type filters with wildcards, the
// bounds of event types and signature headers, and attempts recorded against a stale claim or
// a settled delivery (which change nothing).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "marketcore/webhooks.h"
#include "webhook_fixture.h"

using namespace webhook_test;

namespace {

using Class = mc::IpAddressClass;

Class classify(const char* address) {
  return mc::classify_ip_address(address).value();
}

std::string url_refusal(const std::string& url, bool test_mode = false) {
  auto checked = mc::check_webhook_url(url, test_mode);
  return checked.ok() ? "ok" : checked.status().detail();
}

}  // namespace

TEST_CASE("webhook addresses: every reserved, private and mapped range") {
  for (const char* reserved :
       {"240.0.0.1", "192.0.0.9", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.5",
        "192.88.99.1", "4000::1", "2001:db8::1", "2002::1", "2001:0:1::1", "::2"}) {
    CAPTURE(reserved);
    CHECK(classify(reserved) == Class::reserved);
  }
  CHECK(classify("224.0.0.251") == Class::multicast);
  CHECK(classify("ff02::1") == Class::multicast);
  CHECK(classify("fd12::1") == Class::private_address);
  CHECK(classify("fec0::1") == Class::private_address);  // site-local
  CHECK(classify("fe80::1") == Class::link_local);
  CHECK(classify("::") == Class::unspecified);
  CHECK(classify("::ffff:8.8.8.8") == Class::public_address);
  CHECK(classify("64:ff9b::10.0.0.1") == Class::private_address);  // NAT64 of a private one
  CHECK(classify("64:ff9b::8.8.8.8") == Class::public_address);
  CHECK(classify("2606:4700::1111") == Class::public_address);
  CHECK(classify("172.31.255.255") == Class::private_address);
  CHECK(classify("172.32.0.1") == Class::public_address);
}

TEST_CASE("webhook URLs: authorities, host names and ports") {
  CHECK(url_refusal("https://hooks.example.com") == "ok");  // no path
  auto bare = mc::check_webhook_url("https://hooks.example.com.", false);
  REQUIRE(bare.ok());
  CHECK(bare->target == "/");
  CHECK(url_refusal("https://hooks.example.com/\x7f") == "webhook_url_invalid");
  CHECK(url_refusal("https://[::1]x/") == "webhook_url_invalid");
  CHECK(url_refusal("https://[zz::1]/") == "webhook_url_invalid");
  CHECK(url_refusal("https://[2606:4700::1111]:8443/in") == "ok");
  CHECK(url_refusal("https://[2606:4700::1111]:/in") == "webhook_url_invalid");
  CHECK(url_refusal("https://hooks.example.com:44x/") == "webhook_url_invalid");
  CHECK(url_refusal("https://hooks.example.com:-1/") == "webhook_url_invalid");
  CHECK(url_refusal("https://" + std::string(254, 'a') + "/") == "webhook_url_invalid");
  CHECK(url_refusal("https://" + std::string(64, 'a') + ".com/") == "webhook_url_invalid");
  CHECK(url_refusal("https://" + std::string(63, 'a') + ".com/") == "ok");
  CHECK(url_refusal("https://bad-.example.com/") == "webhook_url_invalid");
  CHECK(url_refusal("https://under_score.example.com/") == "webhook_url_invalid");
  CHECK(url_refusal("https://HOOKS.Example.COM/") == "ok");
  CHECK(url_refusal("https://9lives.example.com/") == "ok");  // digits, not all-digit label
  // localhost names: loopback in test mode only.
  CHECK(url_refusal("https://localhost./in") == "webhook_url_forbidden_address");
  CHECK(url_refusal("https://api.localhost/in") == "webhook_url_forbidden_address");
  CHECK(url_refusal("http://api.localhost:8080/in", true) == "ok");
  CHECK(url_refusal("https://mylocalhost/in") == "ok");
  CHECK(url_refusal("https://192.0.2.10/in", true) == "webhook_url_forbidden_address");
}

TEST_CASE("webhook retry: Retry-After dates that are not IMF-fixdate are ignored") {
  constexpr int64_t kNowMs = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(mc::parse_retry_after_ms("\t 30 \t", kNowMs) == 30'000);
  CHECK(mc::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:10 GMT", kNowMs) == 10'000);
  for (const char* bad : {"Wed, 21 Oct 2015 07:28:00 GMT+1", "Wed; 21 Oct 2015 07:28:00 GMT",
                          "Wed,_21 Oct 2015 07:28:00 GMT",   "Wed, x1 Oct 2015 07:28:00 GMT",
                          "Wed, 21 Oct 20x5 07:28:00 GMT",   "Wed, 21 Oct 2015 x7:28:00 GMT",
                          "Wed, 21 Oct 2015 07:x8:00 GMT",   "Wed, 21 Oct 2015 07:28:x0 GMT",
                          "Wed, 21-Oct 2015 07:28:00 GMT",   "Wed, 21 Oct-2015 07:28:00 GMT",
                          "Wed, 21 Oct 2015-07:28:00 GMT",   "Wed, 21 Oct 2015 07-28:00 GMT",
                          "Wed, 21 Oct 2015 07:28-00 GMT",   "Wed, 00 Oct 2015 07:28:00 GMT",
                          "Wed, 32 Oct 2015 07:28:00 GMT",   "Wed, 21 Oct 2015 24:28:00 GMT",
                          "Wed, 21 Oct 2015 07:60:00 GMT",   "Wed, 21 Oct 2015 07:28:61 GMT",
                          "Wed,  1 Oct 2015 07:28:00 GMT",   "Wed, 31 Dec 1969 23:59:59 GMT"}) {
    CAPTURE(bad);
    CHECK(mc::parse_retry_after_ms(bad, kNowMs) == std::nullopt);
  }
  // A leap second is accepted as the next second.
  CHECK(mc::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:60 GMT", kNowMs) == 60'000);
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: event-type filters and their bounds") {
  auto refused = [&](std::vector<std::string> types, std::string header = "") {
    auto created = webhooks.create_endpoint({.market_id = market.id,
                                             .url = "http://127.0.0.1:9/hook",
                                             .signature_header = std::move(header),
                                             .event_types = std::move(types)});
    return created.ok() ? std::string("ok") : created.status().detail();
  };
  CHECK(refused(std::vector<std::string>(51, "job.created")) == "webhook_event_types_invalid");
  CHECK(refused({""}) == "webhook_event_types_invalid");
  CHECK(refused({std::string(101, 'a')}) == "webhook_event_types_invalid");
  CHECK(refused({"job-created"}) == "webhook_event_types_invalid");
  CHECK(refused({"job_created.v2", "*"}) == "ok");
  CHECK(refused({}, std::string(65, 'x')) == "webhook_signature_header_invalid");
  CHECK(refused({}, "X_Sig") == "webhook_signature_header_invalid");
  CHECK(refused({}, "X-Sig-2") == "ok");

  // Wildcards: "*" takes everything, "balance.*" the balance events, an exact name itself.
  const mc::PartyId poster = party();
  const mc::WebhookEndpointId star = create(poster, {"*"}).endpoint.id;
  const mc::WebhookEndpointId prefix = create(poster, {"job.*", "balance.*"}).endpoint.id;
  const mc::WebhookEndpointId exact = create(poster, {"balance.updated"}).endpoint.id;
  const mc::WebhookEndpointId none = create(poster, {"job.*", "x"}).endpoint.id;
  deposit(poster, 100);
  deposit(poster, 100);
  // 2 × (star, prefix, exact) + 2 × the two market-wide endpoints accepted above.
  CHECK(enqueue() == 10);
  CHECK(enqueue() == 0);  // every endpoint's cursor is at the head
  auto count = [&](mc::WebhookEndpointId id) {
    return webhooks.deliveries({.market_id = market.id, .endpoint_id = id})->size();
  };
  CHECK(count(star) == 2);
  CHECK(count(prefix) == 2);
  CHECK(count(exact) == 2);
  CHECK(count(none) == 0);
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: a stale claim or a settled delivery records nothing") {
  const mc::PartyId poster = party();
  create(poster, {"balance.updated"});
  deposit(poster, 100);
  deposit(poster, 100);
  REQUIRE(enqueue() == 2);
  std::vector<mc::DueWebhookDelivery> due = claim();
  REQUIRE(due.size() == 2);  // two deliveries of one endpoint in one claim
  CHECK(due[0].endpoint.id == due[1].endpoint.id);
  const mc::WebhookDelivery first = due[0].delivery;
  // The lease ran out and another worker claimed it again: the first worker's result is
  // dropped.
  clock->advance_ms(kLeaseMs);
  std::vector<mc::DueWebhookDelivery> again = claim();
  REQUIRE(again.size() == 2);
  const mc::WebhookDelivery stale =
      webhooks.record_claimed_attempt(first, {.http_status = 200}, fast_policy(), 0).value();
  CHECK(stale.status == WebhookDeliveryStatus::pending);
  CHECK(stale.attempts == 0);
  const mc::WebhookDelivery delivered =
      webhooks.record_claimed_attempt(again[0].delivery, {.http_status = 204}, fast_policy(), 0)
          .value();
  CHECK(delivered.status == WebhookDeliveryStatus::delivered);
  CHECK(delivered.attempts == 1);
  // A settled delivery stays as it is.
  CHECK(record(delivered.id, 500).status == WebhookDeliveryStatus::delivered);
  CHECK(webhooks.replay(delivered.id).status().detail() == "webhook_delivery_not_dead");
}
