// canonical_json: one text per JSON value, so two requests that differ only in whitespace or
// object key order compare equal (idempotency fingerprints).
//
// The canonical text has no insignificant whitespace, object members sorted by key (bytewise;
// members with equal keys keep their order), strings re-escaped by append_quoted, integers in
// decimal and other numbers in their shortest round-trip form with a fraction or exponent
// (so 1 and 1.0 stay different: a handler may accept one and refuse the other).
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mc::json {

// The canonical text of the JSON document `text`, or nullopt when it is not valid JSON.
std::optional<std::string> canonical_json(std::string_view text);

}  // namespace mc::json
