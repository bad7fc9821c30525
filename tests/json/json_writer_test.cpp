// Tests for the JSON writer: structure, escaping of every control character, UTF-8 handling.
#include "json/json_writer.h"

#include <doctest/doctest.h>
#include <simdjson.h>

using mc::json::JsonWriter;

TEST_CASE("writer renders nested structures with commas in the right places") {
  JsonWriter json;
  json.begin_object();
  json.key("id").value(int64_t{42});
  json.key("ok").value(true);
  json.key("none").null();
  json.key("tags").begin_array().value("a").value("b").end_array();
  json.key("nested").begin_object().key("x").value(-1).end_object();
  json.key("raw").raw("[1,2]");
  json.end_object();
  CHECK(json.text() ==
        R"({"id":42,"ok":true,"none":null,"tags":["a","b"],"nested":{"x":-1},"raw":[1,2]})");
}

TEST_CASE("every control character and quote is escaped and the result parses back") {
  std::string nasty = "q\"b\\s/";
  for (char c = 0; c < 0x20; ++c) nasty.push_back(c);
  nasty += "\xC3\xA9\xE2\x82\xAC";  // é €
  JsonWriter json;
  json.begin_object().key("text").value(nasty).end_object();
  simdjson::dom::parser parser;
  auto parsed = parser.parse(json.text());
  REQUIRE(!parsed.error());
  std::string_view back = parsed["text"].get_string().value();
  CHECK(back == nasty);
}

TEST_CASE("invalid UTF-8 is replaced, never passed through") {
  std::string out;
  mc::json::append_quoted(out, std::string("a\xFF"
                                           "b\xC0\x80",
                                           5));
  CHECK(out ==
        "\"a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD\xEF\xBF\xBD\"");
  simdjson::dom::parser parser;
  CHECK(!parser.parse(out).error());
}

TEST_CASE("int64 extremes are exact") {
  JsonWriter json;
  json.begin_array().value(INT64_MAX).value(INT64_MIN).end_array();
  CHECK(json.text() == "[9223372036854775807,-9223372036854775808]");
}
