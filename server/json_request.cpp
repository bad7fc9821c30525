// server/json_request.cpp — simdjson DOM for structure, On Demand raw tokens for numbers.
#include "json_request.h"

#include <simdjson.h>

#include <map>
#include <set>

#include "marketcore/money.h"

namespace mc::server {

struct JsonBody::Impl {
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  std::map<std::string, std::string, std::less<>> number_text;  // field → raw number token
};

namespace {

Status malformed(std::string message) {
  return invalid_argument("malformed_json", std::move(message));
}

Status invalid_type(std::string_view name, std::string_view expected) {
  return invalid_argument("invalid_type", std::string(name) + " must be " + std::string(expected),
                          std::string(name));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' ||
                           text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Walks the top-level object with On Demand: refuses duplicate names and keeps the raw text
// of every number-valued field.
Status collect_numbers(std::string_view body,
                       std::map<std::string, std::string, std::less<>>& out) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) return malformed("invalid JSON");
  simdjson::ondemand::object object;
  if (document.get_object().get(object) != simdjson::SUCCESS) return malformed("invalid JSON");
  std::set<std::string, std::less<>> seen;
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return malformed("invalid JSON key");
    if (!seen.emplace(key).second) {
      return malformed("duplicate field \"" + std::string(key) + "\"");
    }
    simdjson::ondemand::value value = field.value();
    simdjson::ondemand::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return malformed("invalid JSON value");
    if (type != simdjson::ondemand::json_type::number) continue;
    const std::string_view token = value.raw_json_token();
    out.emplace(std::string(key), std::string(trim(token)));
  }
  return ok_status();
}

bool lookup(const simdjson::dom::object& root, std::string_view name,
            simdjson::dom::element& element) {
  if (root.at_key(name).get(element) != simdjson::SUCCESS) return false;
  return !element.is_null();
}

}  // namespace

JsonBody::JsonBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::parse(std::string_view body, bool empty_is_object) {
  if (trim(body).find_first_not_of(" \t\r\n") == std::string_view::npos && empty_is_object) {
    body = "{}";
  }
  auto impl = std::make_unique<Impl>();
  simdjson::dom::element element;
  if (impl->parser.parse(body.data(), body.size()).get(element) != simdjson::SUCCESS) {
    return malformed("the request body is not valid JSON");
  }
  if (element.get_object().get(impl->root) != simdjson::SUCCESS) {
    return invalid_argument("body_not_object", "the request body must be a JSON object");
  }
  MC_TRY(collect_numbers(body, impl->number_text));
  return JsonBody(std::move(impl));
}

bool JsonBody::has(std::string_view name) const {
  simdjson::dom::element element;
  return lookup(impl_->root, name, element);
}

Result<std::optional<std::string>> JsonBody::optional_string(std::string_view name) const {
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return std::optional<std::string>();
  std::string_view text;
  if (element.get_string().get(text) != simdjson::SUCCESS) return invalid_type(name, "a string");
  return std::optional<std::string>(std::string(text));
}

Result<std::string> JsonBody::required_string(std::string_view name) const {
  MC_TRY_ASSIGN(std::optional<std::string> text, optional_string(name));
  if (!text) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return std::move(*text);
}

Result<std::optional<bool>> JsonBody::optional_bool(std::string_view name) const {
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return std::optional<bool>();
  bool flag = false;
  if (element.get_bool().get(flag) != simdjson::SUCCESS) return invalid_type(name, "a boolean");
  return std::optional<bool>(flag);
}

Result<std::optional<int64_t>> JsonBody::optional_int64(std::string_view name) const {
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return std::optional<int64_t>();
  const auto found = impl_->number_text.find(name);
  if (found == impl_->number_text.end()) return invalid_type(name, "an integer");
  Result<int64_t> value = parse_decimal(found->second, 0);
  if (!value.ok()) {
    return invalid_argument("invalid_type", std::string(name) + " must be an integer",
                            std::string(name));
  }
  return std::optional<int64_t>(value.value());
}

Result<int64_t> JsonBody::required_int64(std::string_view name) const {
  MC_TRY_ASSIGN(std::optional<int64_t> value, optional_int64(name));
  if (!value) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return *value;
}

Result<std::optional<int64_t>> JsonBody::optional_money(std::string_view name,
                                                        int32_t scale) const {
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return std::optional<int64_t>();
  std::string text;
  const auto found = impl_->number_text.find(name);
  std::string_view string_value;
  if (found != impl_->number_text.end()) {
    text = found->second;
  } else if (element.get_string().get(string_value) == simdjson::SUCCESS) {
    text = std::string(string_value);
  } else {
    return invalid_type(name, "a decimal number or string");
  }
  Result<int64_t> amount = parse_decimal(text, scale);
  if (!amount.ok()) {
    const Status& status = amount.status();
    return Status(status.code(), status.detail(), std::string(name) + ": " + status.message(),
                  std::string(name));
  }
  return std::optional<int64_t>(amount.value());
}

Result<std::vector<std::string>> JsonBody::string_array(std::string_view name) const {
  std::vector<std::string> out;
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return out;
  simdjson::dom::array array;
  if (element.get_array().get(array) != simdjson::SUCCESS) {
    return invalid_type(name, "an array of strings");
  }
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) {
      return invalid_type(name, "an array of strings");
    }
    out.emplace_back(text);
  }
  return out;
}

Result<std::optional<std::string>> JsonBody::optional_object_json(std::string_view name) const {
  simdjson::dom::element element;
  if (!lookup(impl_->root, name, element)) return std::optional<std::string>();
  if (!element.is_object()) return invalid_type(name, "an object");
  return std::optional<std::string>(simdjson::minify(element));
}

Status JsonBody::only(const std::vector<std::string_view>& allowed) const {
  for (auto field : impl_->root) {
    bool known = false;
    for (std::string_view name : allowed) known = known || field.key == name;
    if (!known) {
      return invalid_argument("unknown_param", "unknown field \"" + std::string(field.key) + "\"",
                              std::string(field.key));
    }
  }
  return ok_status();
}

Result<std::optional<int64_t>> query_int64(std::optional<std::string_view> text,
                                           std::string_view name, int64_t min, int64_t max) {
  if (!text) return std::optional<int64_t>();
  Result<int64_t> value = parse_decimal(*text, 0);
  if (!value.ok() || value.value() < min || value.value() > max) {
    return invalid_argument("invalid_value",
                            std::string(name) + " must be an integer from " + std::to_string(min) +
                                " to " + std::to_string(max),
                            std::string(name));
  }
  return std::optional<int64_t>(value.value());
}

}  // namespace mc::server
