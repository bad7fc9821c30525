// JSON member reads and text checks for the 1337MKT library files.
#include "internal.h"

#include <simdjson.h>

namespace mc::mkt1337::internal {
namespace {

bool parse(simdjson::dom::parser& parser, std::string_view json, simdjson::dom::object& out) {
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) return false;
  return root.get_object().get(out) == simdjson::SUCCESS;
}

}  // namespace

std::optional<std::string> json_string_member(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (!parse(parser, json, object)) return std::nullopt;
  std::string_view value;
  if (object[key].get_string().get(value) != simdjson::SUCCESS) return std::nullopt;
  return std::string(value);
}

std::optional<int64_t> json_int_member(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (!parse(parser, json, object)) return std::nullopt;
  int64_t value = 0;
  if (object[key].get_int64().get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::string json_raw_member(std::string_view json, std::string_view key) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (!parse(parser, json, object)) return "";
  simdjson::dom::element value;
  if (object[key].get(value) != simdjson::SUCCESS) return "";
  return simdjson::minify(value);
}

bool is_json_object(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  return parse(parser, json, object);
}

int64_t text_chars(std::string_view text) {
  int64_t count = 0;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (byte < 0x80) {
      length = 1;
    } else if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) {
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
    } else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) {
      length = 4;
    } else {
      return -1;
    }
    if (i + length > text.size()) return -1;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return -1;
    }
    i += length;
    ++count;
  }
  return count;
}

Status check_text(std::string_view text, const char* name, int64_t max_chars, bool required) {
  if (text.empty()) {
    if (required)
      return invalid_argument("missing_param", std::string(name) + " is required", name);
    return ok_status();
  }
  const int64_t chars = text_chars(text);
  if (chars < 0 || chars > max_chars) {
    return invalid_argument("invalid_value",
                            std::string(name) + " must be UTF-8 text of at most " +
                                std::to_string(max_chars) + " characters",
                            name);
  }
  return ok_status();
}

Result<std::string> normalize_tx_hash(std::string_view text, const char* name) {
  const auto bad = [&] {
    return invalid_argument("invalid_tx_hash",
                            std::string(name) + " must be 0x followed by 64 hex digits", name);
  };
  if (text.size() != 66 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return bad();
  std::string out = "0x";
  for (char c : text.substr(2)) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad();
    out.push_back(c);
  }
  return out;
}

}  // namespace mc::mkt1337::internal
