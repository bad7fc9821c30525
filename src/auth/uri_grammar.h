// RFC 3986 grammar checks used by the SIWE parser (domain = authority, uri = URI, resources,
// request-id). Internal to the auth layer. Pure functions; reentrant.
#pragma once

#include <string_view>

namespace mc::auth {

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_uri_scheme(std::string_view text);
// authority = [ userinfo "@" ] host [ ":" port ], with a non-empty host.
bool is_uri_authority(std::string_view text);
// URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]
bool is_uri(std::string_view text);
// *pchar
bool is_pchar_string(std::string_view text);
// *( reserved / unreserved / " " ) — EIP-4361's statement.
bool is_siwe_statement(std::string_view text);

}  // namespace mc::auth
