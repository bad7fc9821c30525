// server/request_framing.cpp — RFC 9112 framing checks and a byte-string request parse.
#include "request_framing.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <string>
#include <vector>

#include "errors.h"

namespace mc::server {
namespace {

namespace http = boost::beast::http;

FramingRefusal refuse(int http_status, const char* detail, std::string message) {
  return FramingRefusal{.http_status = http_status,
                        .status = invalid_argument(detail, std::move(message))};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The codings of a Transfer-Encoding value, lower-cased, without parameters.
void split_codings(std::string_view value, std::vector<std::string>& codings) {
  while (true) {
    const size_t comma = value.find(',');
    std::string_view element = trim(value.substr(0, comma));
    if (const size_t semicolon = element.find(';'); semicolon != std::string_view::npos) {
      element = trim(element.substr(0, semicolon));
    }
    if (!element.empty()) codings.push_back(ascii_lower(element));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

std::optional<size_t> header_end(std::string_view bytes) {
  const size_t found = bytes.find("\r\n\r\n");
  if (found == std::string_view::npos) return std::nullopt;
  return found + 4;
}

std::optional<FramingRefusal> check_raw_header(std::string_view raw_header) {
  // The first line is the request line; a later line starting with SP or HTAB continues the
  // previous field (obs-fold), which RFC 9112 §5.2 lets a server refuse with 400.
  size_t line_start = raw_header.find("\r\n");
  while (line_start != std::string_view::npos && line_start + 2 < raw_header.size()) {
    const char first = raw_header[line_start + 2];
    if (first == ' ' || first == '\t') {
      return refuse(400, kDetailObsoleteLineFolding,
                    "obsolete line folding is not accepted; send each field on one line");
    }
    line_start = raw_header.find("\r\n", line_start + 2);
  }
  return std::nullopt;
}

std::optional<FramingRefusal> check_request_header(const http::request_header<>& header) {
  std::vector<std::string> codings;
  bool has_transfer_encoding = false;
  bool has_content_length = false;
  int hosts = 0;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) {
      has_transfer_encoding = true;
      split_codings(field.value(), codings);
    } else if (field.name() == http::field::content_length) {
      has_content_length = true;
    } else if (field.name() == http::field::host) {
      ++hosts;
    }
  }
  if (has_transfer_encoding) {
    if (header.version() < 11) {
      return refuse(400, kDetailTransferEncodingInvalid,
                    "Transfer-Encoding is not allowed in an HTTP/1.0 request");
    }
    if (has_content_length) {
      return refuse(400, kDetailTransferEncodingInvalid,
                    "a request must not carry both Transfer-Encoding and Content-Length");
    }
    if (codings.empty() || codings.back() != "chunked") {
      return refuse(400, kDetailTransferEncodingInvalid,
                    "the final transfer coding of a request must be chunked");
    }
    for (size_t i = 0; i + 1 < codings.size(); ++i) {
      if (codings[i] == "chunked") {
        return refuse(400, kDetailTransferEncodingInvalid, "chunked may be applied only once");
      }
    }
    if (codings.size() > 1) {
      return refuse(501, kDetailTransferEncodingUnsupported,
                    "only the chunked transfer coding is supported");
    }
  }
  if (header.version() >= 11 && hosts != 1) {
    return refuse(400, kDetailHostMissing,
                  hosts == 0 ? "an HTTP/1.1 request needs a Host field"
                             : "a request must carry exactly one Host field");
  }
  return std::nullopt;
}

Request to_request(const http::request<http::string_body>& message, std::string remote_ip) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name = ascii_lower(field.name_string());
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  request.remote_ip = std::move(remote_ip);
  return request;
}

std::optional<FramingRefusal> refusal_for_parse_error(const boost::system::error_code& error,
                                                      size_t body_bytes_max) {
  if (error == http::error::body_limit) {
    return FramingRefusal{
        .http_status = 413,
        .status = Status(Code::invalid_argument, kDetailBodyTooLarge,
                         "the request body exceeds " + std::to_string(body_bytes_max) + " bytes")};
  }
  if (error == http::error::header_limit) {
    return FramingRefusal{.http_status = 431,
                          .status = Status(Code::invalid_argument, kDetailHeaderTooLarge,
                                           "the request header exceeds the limit")};
  }
  if (error) return refuse(400, kDetailMalformedHttp, "malformed HTTP request");
  return std::nullopt;
}

ParsedRequest parse_request_bytes(std::string_view bytes, size_t header_bytes_max,
                                  size_t body_bytes_max) {
  ParsedRequest out;
  const std::optional<size_t> end = header_end(bytes);
  if (!end) {
    if (bytes.size() > header_bytes_max) {
      out.refusal = refusal_for_parse_error(http::error::header_limit, body_bytes_max);
    } else {
      out.incomplete = true;
    }
    return out;
  }
  if (*end > header_bytes_max) {
    out.refusal = refusal_for_parse_error(http::error::header_limit, body_bytes_max);
    return out;
  }
  if ((out.refusal = check_raw_header(bytes.substr(0, *end)))) return out;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(header_bytes_max));
  parser.body_limit(static_cast<uint64_t>(body_bytes_max));
  boost::system::error_code error;
  size_t used = parser.put(boost::asio::buffer(bytes.data(), *end), error);
  if (!error && !parser.is_header_done()) error = http::error::partial_message;
  if (error) {
    out.refusal = refusal_for_parse_error(error, body_bytes_max);
    return out;
  }
  if ((out.refusal = check_request_header(parser.get().base()))) return out;
  while (!parser.is_done()) {
    const std::string_view rest = bytes.substr(used);
    const size_t step = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
    used += step;
    if (error == http::error::need_more) error = {};
    if (error) {
      out.refusal = refusal_for_parse_error(error, body_bytes_max);
      return out;
    }
    if (step == 0 && !parser.is_done()) {
      out.incomplete = true;
      return out;
    }
  }
  out.keep_alive = parser.get().keep_alive();
  out.request = to_request(parser.get(), "127.0.0.1");
  out.request->body = std::move(parser.get().body());
  out.consumed = used;
  return out;
}

}  // namespace mc::server
