// RFC 3986 appendix A, the parts SIWE needs:
//   URI         = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
//   hier-part   = "//" authority path-abempty / path-absolute / path-rootless / path-empty
//   authority   = [ userinfo "@" ] host [ ":" port ]
//   userinfo    = *( unreserved / pct-encoded / sub-delims / ":" )
//   host        = IP-literal / IPv4address / reg-name
//   IP-literal  = "[" ( IPv6address / IPvFuture ) "]"
//   reg-name    = *( unreserved / pct-encoded / sub-delims )
//   pchar       = unreserved / pct-encoded / sub-delims / ":" / "@"
//   query = fragment = *( pchar / "/" / "?" )
// IPv6 literals are checked with inet_pton; IPv4 dotted quads are a subset of reg-name.
#include "auth/uri_grammar.h"

#include <arpa/inet.h>

#include <string>

namespace mc::auth {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return std::string_view("!$&'()*+,;=").find(c) != std::string_view::npos;
}
bool is_gen_delim(char c) {
  return std::string_view(":/?#[]@").find(c) != std::string_view::npos;
}

// Checks every character against `allowed`, accepting "%" HEXDIG HEXDIG as well.
template <typename Allowed>
bool all_chars(std::string_view text, Allowed allowed) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    } else if (!allowed(text[i])) {
      return false;
    }
  }
  return true;
}

bool is_pchar(char c) {
  return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@';
}

bool is_ip_literal(std::string_view inside) {
  if (inside.empty()) return false;
  if (inside[0] == 'v' || inside[0] == 'V') {  // IPvFuture = "v" 1*HEXDIG "." 1*( ... )
    size_t i = 1;
    while (i < inside.size() && is_hex(inside[i])) ++i;
    if (i == 1 || i >= inside.size() || inside[i] != '.' || i + 1 == inside.size()) return false;
    for (++i; i < inside.size(); ++i) {
      const char c = inside[i];
      if (!is_unreserved(c) && !is_sub_delim(c) && c != ':') return false;
    }
    return true;
  }
  if (inside.size() > 45) return false;
  unsigned char address[16];
  return inet_pton(AF_INET6, std::string(inside).c_str(), address) == 1;
}

bool is_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    return host.back() == ']' && host.size() >= 2 && is_ip_literal(host.substr(1, host.size() - 2));
  }
  return all_chars(host, [](char c) { return is_unreserved(c) || is_sub_delim(c); });
}

bool is_path(std::string_view path) {
  return all_chars(path, [](char c) { return is_pchar(c) || c == '/'; });
}

// authority with an empty host allowed (file:///x); used inside URIs only.
bool is_authority(std::string_view text, bool host_required) {
  std::string_view rest = text;
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    if (!all_chars(userinfo,
                   [](char c) { return is_unreserved(c) || is_sub_delim(c) || c == ':'; })) {
      return false;
    }
    rest = rest.substr(at + 1);
  }
  // The port follows the last ':' that is outside an IP literal.
  const size_t bracket = rest.rfind(']');
  const size_t colon = rest.rfind(':');
  std::string_view host = rest;
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = rest.substr(colon + 1);
    for (char c : port) {
      if (!is_digit(c)) return false;
    }
    host = rest.substr(0, colon);
  }
  if (host.empty()) return !host_required;
  return is_host(host);
}

}  // namespace

bool is_uri_scheme(std::string_view text) {
  if (text.empty() || !is_alpha(text[0])) return false;
  for (char c : text) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_uri_authority(std::string_view text) {
  return is_authority(text, /*host_required=*/true);
}

bool is_uri(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || !is_uri_scheme(text.substr(0, colon))) return false;
  std::string_view rest = text.substr(colon + 1);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    const std::string_view fragment = rest.substr(hash + 1);
    if (!all_chars(fragment, [](char c) { return is_pchar(c) || c == '/' || c == '?'; })) {
      return false;
    }
    rest = rest.substr(0, hash);
  }
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    const std::string_view query = rest.substr(question + 1);
    if (!all_chars(query, [](char c) { return is_pchar(c) || c == '/' || c == '?'; })) {
      return false;
    }
    rest = rest.substr(0, question);
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    if (!is_authority(authority, /*host_required=*/false)) return false;
    return slash == std::string_view::npos || is_path(rest.substr(slash));
  }
  return is_path(rest);
}

bool is_pchar_string(std::string_view text) {
  return all_chars(text, is_pchar);
}

bool is_siwe_statement(std::string_view text) {
  for (char c : text) {
    if (!is_unreserved(c) && !is_sub_delim(c) && !is_gen_delim(c) && c != ' ') return false;
  }
  return true;
}

}  // namespace mc::auth
