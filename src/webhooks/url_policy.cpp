// The webhook URL policy (SSRF): which URLs an endpoint may have and which addresses a
// delivery may connect to.
//
// Text: http(s)://host[:port][/path][?query], no user info, no fragment, at most 2048 bytes; a
// host is a DNS name whose last label is not all digits (so "2130706433" or "0x7f.1" cannot
// smuggle in an address), an IPv4 dotted quad or a bracketed IPv6 address.
// Addresses: only globally routable unicast is allowed (loopback too, in test mode). IPv4-mapped
// and NAT64 IPv6 addresses are judged by their embedded IPv4 address; IPv6 outside 2000::/3
// (and the documentation and 6to4 ranges inside it) is refused.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "marketcore/webhooks.h"

namespace mc {
namespace {

constexpr size_t kUrlBytesMax = 2048;

bool in_v4(uint32_t address, uint32_t network, int prefix_bits) {
  const uint32_t mask = prefix_bits == 0 ? 0 : ~uint32_t{0} << (32 - prefix_bits);
  return (address & mask) == (network & mask);
}

constexpr uint32_t v4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

IpAddressClass classify_v4(uint32_t a) {
  if (in_v4(a, v4(0, 0, 0, 0), 8)) return IpAddressClass::unspecified;
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return IpAddressClass::loopback;
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) ||
      in_v4(a, v4(192, 168, 0, 0), 16)) {
    return IpAddressClass::private_address;
  }
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return IpAddressClass::link_local;
  if (in_v4(a, v4(100, 64, 0, 0), 10)) return IpAddressClass::cgnat;
  if (in_v4(a, v4(224, 0, 0, 0), 4)) return IpAddressClass::multicast;
  if (in_v4(a, v4(240, 0, 0, 0), 4) || in_v4(a, v4(192, 0, 0, 0), 24) ||
      in_v4(a, v4(192, 0, 2, 0), 24) || in_v4(a, v4(198, 18, 0, 0), 15) ||
      in_v4(a, v4(198, 51, 100, 0), 24) || in_v4(a, v4(203, 0, 113, 0), 24) ||
      in_v4(a, v4(192, 88, 99, 0), 24)) {
    return IpAddressClass::reserved;
  }
  return IpAddressClass::public_address;
}

uint32_t v4_at(const std::array<uint8_t, 16>& b, size_t offset) {
  return (uint32_t{b[offset]} << 24) | (uint32_t{b[offset + 1]} << 16) |
         (uint32_t{b[offset + 2]} << 8) | uint32_t{b[offset + 3]};
}

bool prefix_is(const std::array<uint8_t, 16>& b, std::initializer_list<uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), b.begin());
}

IpAddressClass classify_v6(const std::array<uint8_t, 16>& b) {
  const bool first_ten_zero =
      std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return x == 0; });
  if (first_ten_zero && b[10] == 0xff && b[11] == 0xff) return classify_v4(v4_at(b, 12));
  if (prefix_is(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return classify_v4(v4_at(b, 12));  // NAT64 64:ff9b::/96
  }
  const bool first_fifteen_zero =
      std::all_of(b.begin(), b.begin() + 15, [](uint8_t x) { return x == 0; });
  if (first_fifteen_zero && b[15] == 0) return IpAddressClass::unspecified;
  if (first_fifteen_zero && b[15] == 1) return IpAddressClass::loopback;
  if (b[0] == 0xff) return IpAddressClass::multicast;
  if ((b[0] & 0xfe) == 0xfc) return IpAddressClass::private_address;  // fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return IpAddressClass::link_local;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return IpAddressClass::private_address;  // site
  if ((b[0] & 0xe0) != 0x20) return IpAddressClass::reserved;  // outside 2000::/3
  if (prefix_is(b, {0x20, 0x01, 0x0d, 0xb8}) || prefix_is(b, {0x20, 0x02}) ||
      prefix_is(b, {0x20, 0x01, 0x00, 0x00})) {
    return IpAddressClass::reserved;  // documentation, 6to4, Teredo
  }
  return IpAddressClass::public_address;
}

bool address_allowed(IpAddressClass kind, bool test_mode) {
  return kind == IpAddressClass::public_address || (test_mode && kind == IpAddressClass::loopback);
}

Status url_invalid(std::string message) {
  return invalid_argument("webhook_url_invalid", std::move(message), "url");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool valid_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label_start = 0;
  bool last_label_digits = true;
  for (size_t i = 0; i <= host.size(); ++i) {
    if (i == host.size() || host[i] == '.') {
      const size_t length = i - label_start;
      if (length == 0 && i != host.size()) return false;  // empty label (a trailing dot is ok)
      if (length > 63) return false;
      if (length > 0) {
        const std::string_view label = host.substr(label_start, length);
        if (label.front() == '-' || label.back() == '-') return false;
        last_label_digits =
            std::all_of(label.begin(), label.end(), [](char c) { return c >= '0' && c <= '9'; });
      }
      label_start = i + 1;
      continue;
    }
    const char c = host[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return !last_label_digits;
}

bool is_localhost_name(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"));
}

// Splits "host[:port]" or "[v6][:port]" into `url`.
Status parse_authority(std::string_view authority, WebhookUrl& url) {
  if (authority.empty()) return url_invalid("the URL has no host");
  if (authority.find('@') != std::string_view::npos) {
    return url_invalid("the URL must not carry user information");
  }
  std::string_view host;
  std::string_view port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return url_invalid("unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return url_invalid("malformed host");
      port_text = rest.substr(1);
    }
    in6_addr ignored{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &ignored) != 1) {
      return url_invalid("malformed IPv6 address");
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  url.host = lower(host);
  if (authority.front() != '[') {
    in_addr ignored{};
    const bool is_v4 = inet_pton(AF_INET, url.host.c_str(), &ignored) == 1;
    if (!is_v4 && !valid_dns_name(url.host)) return url_invalid("malformed host name");
  }
  if (authority.find(':') != std::string_view::npos && port_text.empty() &&
      authority.back() == ':') {
    return url_invalid("empty port");
  }
  if (!port_text.empty()) {
    int port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return url_invalid("malformed port");
    }
    url.port = static_cast<uint16_t>(port);
  }
  return ok_status();
}

}  // namespace

Result<IpAddressClass> classify_ip_address(std::string_view address) {
  const std::string text(address);
  in_addr address_v4{};
  if (inet_pton(AF_INET, text.c_str(), &address_v4) == 1) {
    return classify_v4(ntohl(address_v4.s_addr));
  }
  in6_addr address_v6{};
  if (inet_pton(AF_INET6, text.c_str(), &address_v6) == 1) {
    std::array<uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &address_v6, bytes.size());
    return classify_v6(bytes);
  }
  return invalid_argument("ip_address_malformed", "not an IP address: " + text);
}

Result<WebhookUrl> check_webhook_url(std::string_view text, bool test_mode) {
  if (text.size() > kUrlBytesMax) return url_invalid("the URL is longer than 2048 bytes");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return url_invalid("the URL contains spaces or control characters");
    }
  }
  WebhookUrl url;
  const std::string scheme_end = "://";
  const size_t scheme_length = text.find(scheme_end);
  if (scheme_length == std::string_view::npos) return url_invalid("the URL has no scheme");
  const std::string scheme = lower(text.substr(0, scheme_length));
  if (scheme != "https" && scheme != "http") return url_invalid("the URL must be http(s)");
  url.https = scheme == "https";
  url.port = url.https ? 443 : 80;
  std::string_view rest = text.substr(scheme_length + scheme_end.size());
  if (rest.find('#') != std::string_view::npos) return url_invalid("the URL has a fragment");
  const size_t authority_end = rest.find_first_of("/?");
  MC_TRY(parse_authority(rest.substr(0, authority_end), url));
  if (authority_end != std::string_view::npos) {
    url.target = std::string(rest.substr(authority_end));
    if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
  }
  std::optional<IpAddressClass> literal;
  if (auto kind = classify_ip_address(url.host); kind.ok()) literal = kind.value();
  const bool loopback_host =
      is_localhost_name(url.host) || (literal && *literal == IpAddressClass::loopback);
  if (!url.https && !(test_mode && loopback_host)) {
    return invalid_argument("webhook_url_not_https",
                            test_mode ? "webhook URLs must be https (http only to loopback)"
                                      : "webhook URLs must be https",
                            "url");
  }
  const bool forbidden =
      literal ? !address_allowed(*literal, test_mode) : (is_localhost_name(url.host) && !test_mode);
  if (forbidden) {
    return invalid_argument("webhook_url_forbidden_address",
                            "webhook URLs must point at a public address", "url");
  }
  return url;
}

Status check_webhook_addresses(const std::vector<std::string>& addresses, bool test_mode) {
  if (addresses.empty()) {
    return invalid_argument("webhook_url_unresolvable", "the webhook host has no address", "url");
  }
  for (const std::string& address : addresses) {
    MC_TRY_ASSIGN(IpAddressClass kind, classify_ip_address(address));
    if (!address_allowed(kind, test_mode)) {
      return invalid_argument("webhook_url_forbidden_address",
                              "the webhook host resolves to a non-public address " + address,
                              "url");
    }
  }
  return ok_status();
}

Result<std::vector<std::string>> resolve_host_addresses(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return invalid_argument("webhook_url_unresolvable",
                            "cannot resolve " + host + ": " + gai_strerror(rc), "url");
  }
  std::vector<std::string> out;
  for (addrinfo* item = found; item != nullptr; item = item->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (item->ai_family == AF_INET) {
      raw = &reinterpret_cast<sockaddr_in*>(item->ai_addr)->sin_addr;
    } else if (item->ai_family == AF_INET6) {
      raw = &reinterpret_cast<sockaddr_in6*>(item->ai_addr)->sin6_addr;
    } else {
      continue;
    }
    if (inet_ntop(item->ai_family, raw, text, sizeof text) != nullptr) out.emplace_back(text);
  }
  freeaddrinfo(found);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace mc
