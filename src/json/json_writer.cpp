// JsonWriter implementation: RFC 8259 escaping and comma bookkeeping.
#include "json/json_writer.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "common/assert.h"

namespace mc::json {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min_code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min_code = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min_code = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min_code = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  uint32_t code = lead & (0xFF >> (length + 1));
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD replacement character
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          std::array<char, 8> escaped{};
          std::snprintf(escaped.data(), escaped.size(), "\\u%04x", c);
          out += escaped.data();
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void JsonWriter::before_value() {
  if (expecting_value_after_key_) {
    expecting_value_after_key_ = false;
    return;
  }
  MC_ASSERT(is_object_.empty() || !is_object_.back());
  if (needs_comma_) out_.push_back(',');
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_.push_back('{');
  is_object_.push_back(true);
  needs_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  MC_ASSERT(!is_object_.empty() && is_object_.back());
  MC_ASSERT(!expecting_value_after_key_);
  is_object_.pop_back();
  out_.push_back('}');
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_.push_back('[');
  is_object_.push_back(false);
  needs_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  MC_ASSERT(!is_object_.empty() && !is_object_.back());
  is_object_.pop_back();
  out_.push_back(']');
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  MC_ASSERT(!is_object_.empty() && is_object_.back());
  MC_ASSERT(!expecting_value_after_key_);
  if (needs_comma_) out_.push_back(',');
  append_quoted(out_, name);
  out_.push_back(':');
  expecting_value_after_key_ = true;
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_quoted(out_, text);
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  out_ += std::to_string(number);
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  out_ += std::to_string(number);
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value_double(double number) {
  before_value();
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  out_.append(buffer.data(), result.ptr);
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  needs_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json_text) {
  before_value();
  out_.append(json_text);
  needs_comma_ = true;
  return *this;
}

}  // namespace mc::json
