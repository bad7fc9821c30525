// The webhook URL policy: https in production, loopback http in test mode, and no delivery to
// private, loopback, link-local, CGNAT, multicast, unspecified or reserved addresses.
#include <doctest/doctest.h>

#include "marketcore/webhooks.h"

namespace {

using mc::IpAddressClass;

IpAddressClass kind(const char* address) {
  auto result = mc::classify_ip_address(address);
  REQUIRE_MESSAGE(result.ok(), address);
  return result.value();
}

std::string refusal(const char* url, bool test_mode) {
  auto result = mc::check_webhook_url(url, test_mode);
  return result.ok() ? std::string("ok") : result.status().detail();
}

}  // namespace

TEST_CASE("IP address classes, IPv4") {
  CHECK(kind("8.8.8.8") == IpAddressClass::public_address);
  CHECK(kind("1.1.1.1") == IpAddressClass::public_address);
  CHECK(kind("127.0.0.1") == IpAddressClass::loopback);
  CHECK(kind("127.255.0.9") == IpAddressClass::loopback);
  CHECK(kind("10.1.2.3") == IpAddressClass::private_address);
  CHECK(kind("172.16.0.1") == IpAddressClass::private_address);
  CHECK(kind("172.31.255.255") == IpAddressClass::private_address);
  CHECK(kind("172.32.0.1") == IpAddressClass::public_address);
  CHECK(kind("192.168.1.1") == IpAddressClass::private_address);
  CHECK(kind("169.254.169.254") == IpAddressClass::link_local);
  CHECK(kind("100.64.0.1") == IpAddressClass::cgnat);
  CHECK(kind("100.127.255.255") == IpAddressClass::cgnat);
  CHECK(kind("100.128.0.1") == IpAddressClass::public_address);
  CHECK(kind("224.0.0.1") == IpAddressClass::multicast);
  CHECK(kind("239.255.255.250") == IpAddressClass::multicast);
  CHECK(kind("0.0.0.0") == IpAddressClass::unspecified);
  CHECK(kind("255.255.255.255") == IpAddressClass::reserved);
  CHECK(kind("192.0.2.1") == IpAddressClass::reserved);
  CHECK(kind("198.18.0.1") == IpAddressClass::reserved);
}

TEST_CASE("IP address classes, IPv6") {
  CHECK(kind("2606:4700:4700::1111") == IpAddressClass::public_address);
  CHECK(kind("::1") == IpAddressClass::loopback);
  CHECK(kind("::") == IpAddressClass::unspecified);
  CHECK(kind("fe80::1") == IpAddressClass::link_local);
  CHECK(kind("fd00::1") == IpAddressClass::private_address);
  CHECK(kind("fc00::1") == IpAddressClass::private_address);
  CHECK(kind("ff02::1") == IpAddressClass::multicast);
  CHECK(kind("2001:db8::1") == IpAddressClass::reserved);
  CHECK(kind("::ffff:127.0.0.1") == IpAddressClass::loopback);
  CHECK(kind("::ffff:10.0.0.1") == IpAddressClass::private_address);
  CHECK(kind("::ffff:8.8.8.8") == IpAddressClass::public_address);
  CHECK(kind("64:ff9b::a9fe:a9fe") == IpAddressClass::link_local);
  CHECK(kind("::127.0.0.1") == IpAddressClass::reserved);
  CHECK_FALSE(mc::classify_ip_address("localhost").ok());
  CHECK_FALSE(mc::classify_ip_address("1.2.3").ok());
}

TEST_CASE("webhook URLs: https in production, loopback http in test mode") {
  auto parsed = mc::check_webhook_url("https://Hooks.Example.com:8443/in?x=1", false);
  REQUIRE(parsed.ok());
  CHECK(parsed->https);
  CHECK(parsed->host == "hooks.example.com");
  CHECK(parsed->port == 8443);
  CHECK(parsed->target == "/in?x=1");
  auto bare = mc::check_webhook_url("https://hooks.example.com?a=b", false);
  REQUIRE(bare.ok());
  CHECK(bare->target == "/?a=b");
  CHECK(bare->port == 443);

  CHECK(refusal("http://hooks.example.com/in", false) == "webhook_url_not_https");
  CHECK(refusal("http://hooks.example.com/in", true) == "webhook_url_not_https");
  CHECK(refusal("http://127.0.0.1:9000/in", false) == "webhook_url_not_https");
  CHECK(refusal("http://127.0.0.1:9000/in", true) == "ok");
  CHECK(refusal("http://localhost:9000/in", true) == "ok");
  CHECK(refusal("http://[::1]:9000/in", true) == "ok");
  CHECK(refusal("https://localhost/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://127.0.0.1/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://10.0.0.8/in", true) == "webhook_url_forbidden_address");
  CHECK(refusal("https://169.254.169.254/latest", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://[fe80::1]/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://[::ffff:192.168.0.1]/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://100.64.1.1/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://0.0.0.0/in", false) == "webhook_url_forbidden_address");
  CHECK(refusal("https://8.8.8.8/in", false) == "ok");

  for (const char* malformed :
       {"ftp://example.com/", "example.com/in", "https://", "https://user:pw@example.com/",
        "https://example.com/#frag", "https://exa mple.com/", "https://example.com:0/",
        "https://example.com:70000/", "https://example.com:/", "https://2130706433/",
        "https://0x7f.1/", "https://-bad.example.com/", "https://[::1/", "https://a..b/"}) {
    CHECK_MESSAGE(refusal(malformed, false) == "webhook_url_invalid", malformed);
  }
  CHECK(refusal(("https://example.com/" + std::string(2100, 'a')).c_str(), false) ==
        "webhook_url_invalid");
}

TEST_CASE("webhook URLs: the resolved addresses are checked, not the name") {
  CHECK(mc::check_webhook_addresses({"93.184.216.34"}, false).ok());
  CHECK(mc::check_webhook_addresses({"93.184.216.34", "2606:2800:220:1::1"}, false).ok());
  // One bad address among good ones is enough to refuse (DNS rebinding, split answers).
  CHECK(mc::check_webhook_addresses({"93.184.216.34", "10.0.0.1"}, false).detail() ==
        "webhook_url_forbidden_address");
  CHECK(mc::check_webhook_addresses({"127.0.0.1"}, false).detail() ==
        "webhook_url_forbidden_address");
  CHECK(mc::check_webhook_addresses({"127.0.0.1", "::1"}, true).ok());
  CHECK(mc::check_webhook_addresses({"192.168.1.5"}, true).detail() ==
        "webhook_url_forbidden_address");
  CHECK(mc::check_webhook_addresses({}, false).detail() == "webhook_url_unresolvable");
  CHECK(mc::check_webhook_addresses({"not-an-ip"}, false).detail() == "ip_address_malformed");
  // localhost resolves to loopback only.
  auto local = mc::resolve_host_addresses("localhost");
  REQUIRE(local.ok());
  CHECK(mc::check_webhook_addresses(local.value(), true).ok());
  CHECK_FALSE(mc::check_webhook_addresses(local.value(), false).ok());
}
