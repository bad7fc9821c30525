// canonical_json: parse with simdjson's DOM, re-render with sorted keys.
#include "json/canonical_json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "json/json_writer.h"

namespace mc::json {
namespace {

void append_double(std::string& out, double value) {
  char text[64];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  if (error != std::errc()) {
    out += "null";
    return;
  }
  const std::string_view written(text, static_cast<size_t>(end - text));
  out += written;
  if (written.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

void append_canonical(std::string& out, simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
      for (simdjson::dom::key_value_pair member : simdjson::dom::object(element)) {
        members.emplace_back(member.key, member.value);
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_quoted(out, members[i].first);
        out.push_back(':');
        append_canonical(out, members[i].second);
      }
      out.push_back('}');
      return;
    }
    case simdjson::dom::element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      for (simdjson::dom::element item : simdjson::dom::array(element)) {
        if (!first) out.push_back(',');
        first = false;
        append_canonical(out, item);
      }
      out.push_back(']');
      return;
    }
    case simdjson::dom::element_type::STRING:
      append_quoted(out, std::string_view(element));
      return;
    case simdjson::dom::element_type::INT64:
      out += std::to_string(int64_t(element));
      return;
    case simdjson::dom::element_type::UINT64:
      out += std::to_string(uint64_t(element));
      return;
    case simdjson::dom::element_type::DOUBLE:
      append_double(out, double(element));
      return;
    case simdjson::dom::element_type::BOOL:
      out += bool(element) ? "true" : "false";
      return;
    case simdjson::dom::element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

}  // namespace

std::optional<std::string> canonical_json(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(text)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size());
  append_canonical(out, root);
  return out;
}

}  // namespace mc::json
