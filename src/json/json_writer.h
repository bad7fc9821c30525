// JsonWriter: a small streaming JSON renderer used by the library and the server.
//
// Strings are escaped per RFC 8259 (quote, backslash, control characters as \uXXXX; other
// UTF-8 bytes pass through unchanged; invalid UTF-8 is replaced by U+FFFD so the output is
// always valid JSON). Integers are written exactly; money is never a double.
//
// Example:
//   JsonWriter json;
//   json.begin_object();
//   json.key("id").value(int64_t{42});
//   json.key("tags").begin_array().value("a").value("b").end_array();
//   json.end_object();
//   std::string text = std::move(json).take();  // {"id":42,"tags":["a","b"]}
//
// Thread-safety: none; one writer per thread. Misuse (a value where a key is due, unbalanced
// begin/end) is a programming error caught by MC_ASSERT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mc::json {

// Appends `text` to `out` as a quoted, escaped JSON string.
void append_quoted(std::string& out, std::string_view text);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Writes an object key; the next call must write its value.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(uint64_t number);
  JsonWriter& value(bool flag);
  // Writes a double with the shortest round-trip form. Never use for money.
  JsonWriter& value_double(double number);
  JsonWriter& null();
  // Inserts already-serialized JSON verbatim. Requires: `json_text` is valid JSON.
  JsonWriter& raw(std::string_view json_text);

  const std::string& text() const { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: true for object, false for array.
  std::vector<bool> is_object_;
  bool needs_comma_ = false;
  bool expecting_value_after_key_ = false;
};

}  // namespace mc::json
