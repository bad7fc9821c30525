// EIP-4361 message grammar (ABNF from the EIP), parsed line by line in its fixed order:
//   [ scheme "://" ] domain " wants you to sign in with your Ethereum account:" LF
//   address LF
//   LF
//   [ statement LF ]
//   LF
//   "URI: " uri LF
//   "Version: " version LF
//   "Chain ID: " chain-id LF
//   "Nonce: " nonce LF
//   "Issued At: " issued-at
//   [ LF "Expiration Time: " expiration-time ]
//   [ LF "Not Before: " not-before ]
//   [ LF "Request ID: " request-id ]
//   [ LF "Resources:" *( LF "- " uri ) ]
// Each failure names the field it is about; nothing is skipped or reordered.
#include <cctype>
#include <charconv>
#include <vector>

#include "auth/rfc3339.h"
#include "auth/uri_grammar.h"
#include "marketcore/ethereum.h"
#include "marketcore/siwe.h"

namespace mc::auth {
namespace {

constexpr std::string_view kHeaderSuffix = " wants you to sign in with your Ethereum account:";
constexpr size_t kMessageBytesMax = 16 * 1024;

Status bad(std::string detail, std::string message) {
  return invalid_argument(std::move(detail), std::move(message), "message");
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    const size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      return lines;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Reads the lines in order; `take` consumes one line that starts with `tag`.
class Lines {
 public:
  explicit Lines(std::vector<std::string_view> lines) : lines_(std::move(lines)) {}
  bool done() const { return next_ >= lines_.size(); }
  std::optional<std::string_view> take(std::string_view tag) {
    if (done() || lines_[next_].substr(0, tag.size()) != tag) return std::nullopt;
    return lines_[next_++].substr(tag.size());
  }
  std::optional<std::string_view> take_any() {
    if (done()) return std::nullopt;
    return lines_[next_++];
  }
  bool peek_is(std::string_view line) const { return !done() && lines_[next_] == line; }

 private:
  std::vector<std::string_view> lines_;
  size_t next_ = 0;
};

Status parse_header(Lines& lines, SiweMessage& out) {
  auto header = lines.take_any();
  if (!header || header->size() <= kHeaderSuffix.size() ||
      header->substr(header->size() - kHeaderSuffix.size()) != kHeaderSuffix) {
    return bad("siwe_bad_header", "first line must be '<domain> wants you to sign in with ...'");
  }
  std::string_view origin = header->substr(0, header->size() - kHeaderSuffix.size());
  const size_t separator = origin.find("://");
  if (separator != std::string_view::npos) {
    out.scheme = std::string(origin.substr(0, separator));
    if (!is_uri_scheme(out.scheme)) return bad("siwe_bad_scheme", "scheme is not RFC 3986");
    origin.remove_prefix(separator + 3);
  }
  if (!is_uri_authority(origin)) return bad("siwe_bad_domain", "domain is not an authority");
  out.domain = std::string(origin);

  auto address = lines.take_any();
  if (!address || !eth::parse_checksummed_address(*address).ok()) {
    return bad("siwe_bad_address", "address must be 0x + 40 hex digits in EIP-55 form");
  }
  out.address = std::string(*address);
  if (!lines.take("") || lines.done()) return bad("siwe_bad_layout", "blank line expected");
  if (lines.peek_is("")) {
    (void)lines.take("");  // no statement
    return ok_status();
  }
  auto statement = lines.take_any();
  if (!is_siwe_statement(*statement)) {
    return bad("siwe_bad_statement", "statement has a character the grammar forbids");
  }
  out.statement = std::string(*statement);
  if (!lines.peek_is("")) return bad("siwe_bad_layout", "blank line expected after statement");
  (void)lines.take("");
  return ok_status();
}

Result<int64_t> parse_time(std::optional<std::string_view> value, const char* detail,
                           const char* field) {
  if (!value) return bad(detail, std::string(field) + " line missing");
  auto ms = parse_rfc3339_ms(*value);
  if (!ms) return bad(detail, std::string(field) + " is not an RFC 3339 date-time");
  return *ms;
}

Status parse_required_fields(Lines& lines, SiweMessage& out) {
  auto uri = lines.take("URI: ");
  if (!uri || !is_uri(*uri)) return bad("siwe_bad_uri", "URI line missing or not RFC 3986");
  out.uri = std::string(*uri);
  auto version = lines.take("Version: ");
  if (!version || *version != "1") return bad("siwe_bad_version", "version must be 1");
  out.version = "1";
  auto chain = lines.take("Chain ID: ");
  if (!chain || chain->empty()) return bad("siwe_bad_chain_id", "Chain ID line missing");
  const auto [end, error] =
      std::from_chars(chain->data(), chain->data() + chain->size(), out.chain_id);
  if (error != std::errc() || end != chain->data() + chain->size() || (*chain)[0] == '+') {
    return bad("siwe_bad_chain_id", "chain id must be decimal digits");
  }
  auto nonce = lines.take("Nonce: ");
  if (!nonce || nonce->size() < 8) return bad("siwe_bad_nonce", "nonce must be ≥ 8 chars");
  for (char c : *nonce) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return bad("siwe_bad_nonce", "nonce must be alphanumeric");
    }
  }
  out.nonce = std::string(*nonce);
  auto issued_at = lines.take("Issued At: ");
  MC_TRY_ASSIGN(out.issued_at_ms, parse_time(issued_at, "siwe_bad_issued_at", "Issued At"));
  out.issued_at = std::string(*issued_at);
  return ok_status();
}

Status parse_optional_fields(Lines& lines, SiweMessage& out) {
  if (auto value = lines.take("Expiration Time: ")) {
    MC_TRY_ASSIGN(out.expiration_time_ms,
                  parse_time(value, "siwe_bad_expiration_time", "Expiration Time"));
    out.expiration_time = std::string(*value);
  }
  if (auto value = lines.take("Not Before: ")) {
    MC_TRY_ASSIGN(out.not_before_ms, parse_time(value, "siwe_bad_not_before", "Not Before"));
    out.not_before = std::string(*value);
  }
  if (auto value = lines.take("Request ID: ")) {
    if (!is_pchar_string(*value)) return bad("siwe_bad_request_id", "request id is not *pchar");
    out.request_id = std::string(*value);
  }
  if (lines.peek_is("Resources:")) {
    (void)lines.take_any();
    while (!lines.done()) {
      auto resource = lines.take("- ");
      if (!resource || !is_uri(*resource)) {
        return bad("siwe_bad_resource", "each resource is '- ' + an RFC 3986 URI");
      }
      out.resources.emplace_back(*resource);
    }
  }
  if (!lines.done()) return bad("siwe_trailing_data", "unexpected line after the last field");
  return ok_status();
}

}  // namespace

Result<SiweMessage> parse_siwe_message(std::string_view text) {
  if (text.size() > kMessageBytesMax) return bad("siwe_too_long", "message exceeds 16 KiB");
  Lines lines(split_lines(text));
  SiweMessage out;
  MC_TRY(parse_header(lines, out));
  MC_TRY(parse_required_fields(lines, out));
  MC_TRY(parse_optional_fields(lines, out));
  return out;
}

std::string format_siwe_message(const SiweMessage& message) {
  std::string out;
  if (!message.scheme.empty()) out += message.scheme + "://";
  out += message.domain;
  out += kHeaderSuffix;
  out += "\n" + message.address + "\n\n";
  if (message.statement && !message.statement->empty()) out += *message.statement + "\n";
  out += "\nURI: " + message.uri;
  out += "\nVersion: " + message.version;
  out += "\nChain ID: " + std::to_string(message.chain_id);
  out += "\nNonce: " + message.nonce;
  out += "\nIssued At: " + message.issued_at;
  if (message.expiration_time) out += "\nExpiration Time: " + *message.expiration_time;
  if (message.not_before) out += "\nNot Before: " + *message.not_before;
  if (message.request_id) out += "\nRequest ID: " + *message.request_id;
  if (!message.resources.empty()) {
    out += "\nResources:";
    for (const std::string& resource : message.resources) out += "\n- " + resource;
  }
  return out;
}

}  // namespace mc::auth
