// server/request_framing.h — the strict HTTP/1.1 request framing rules (RFC 9112) the edge
// enforces on top of Boost.Beast's parser, and a whole-request parse from bytes.
//
// Beast accepts a few things a server behind a proxy must not: a Transfer-Encoding whose
// final coding is not `chunked` (it then reads no body, so the bytes that follow would be
// parsed as a second request: request smuggling), obsolete line folding (flattened), and an
// HTTP/1.1 request without Host. The transport checks the raw header bytes
// (check_raw_header) and the parsed header (check_request_header) before it reads a body;
// each refusal carries the status to answer with, and the connection is then closed.
// parse_request_bytes() runs the same steps on a byte string, for the fuzz target and tests.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "http_types.h"
#include "marketcore/status.h"

namespace mc::server {

// Details of framing refusals (every one closes the connection).
inline constexpr const char* kDetailObsoleteLineFolding = "obsolete_line_folding";
inline constexpr const char* kDetailTransferEncodingInvalid = "transfer_encoding_invalid";
inline constexpr const char* kDetailTransferEncodingUnsupported = "transfer_encoding_unsupported";
inline constexpr const char* kDetailHostMissing = "host_missing";
inline constexpr const char* kDetailRequestTimeout = "request_timeout";
inline constexpr const char* kDetailMalformedHttp = "malformed_http";

struct FramingRefusal {
  int http_status = 400;
  Status status;
};

// The offset just past the empty line ending the header ("\r\n\r\n"), or nullopt when the
// bytes do not hold a complete header yet.
std::optional<size_t> header_end(std::string_view bytes);

// Checks the raw header bytes (request line through the empty line): no obsolete line
// folding (a field line starting with a space or tab) → 400.
std::optional<FramingRefusal> check_raw_header(std::string_view raw_header);

// Checks a parsed request header: Transfer-Encoding, when present, is exactly `chunked`
// (a list whose last coding is not chunked, a Transfer-Encoding beside Content-Length, or
// one in an HTTP/1.0 request → 400; other codings before a final chunked → 501); an HTTP/1.1
// request has exactly one Host field (→ 400).
std::optional<FramingRefusal> check_request_header(
    const boost::beast::http::request_header<>& header);

// The refusal for a Beast parse error: body_limit 413, header_limit 431, anything else 400
// malformed_http; nullopt for no error.
std::optional<FramingRefusal> refusal_for_parse_error(const boost::system::error_code& error,
                                                      size_t body_bytes_max);

// Converts a parsed Beast request (headers lower-cased, repeated fields joined with ", ").
Request to_request(const boost::beast::http::request<boost::beast::http::string_body>& message,
                   std::string remote_ip);

// One request parsed from the start of `bytes` with the transport's rules and limits.
struct ParsedRequest {
  std::optional<Request> request;         // set when a whole valid request was read
  std::optional<FramingRefusal> refusal;  // set when the bytes are refused
  bool incomplete = false;                // neither: more bytes are needed
  size_t consumed = 0;                    // bytes used by the request
  bool keep_alive = false;
};
ParsedRequest parse_request_bytes(std::string_view bytes, size_t header_bytes_max,
                                  size_t body_bytes_max);

}  // namespace mc::server
