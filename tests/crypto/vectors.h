// Test helper: loads the published vector files from MC_VECTORS_DIR (../shared/vectors beside
// the checkout). The data is never copied into the tree.
#pragma once

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>

namespace mc::test {

// Parses MC_VECTORS_DIR/<relative_path>; the returned element lives as long as `parser`.
inline simdjson::dom::element load_vectors(simdjson::dom::parser& parser,
                                           const std::string& relative_path) {
  const std::string path = std::string(MC_VECTORS_DIR) + "/" + relative_path;
  auto document = parser.load(path);
  REQUIRE_MESSAGE(!document.error(), "cannot read vector file " << path);
  return document.value();
}

inline std::string text(simdjson::dom::element element) {
  return std::string(element.get_string().value());
}

}  // namespace mc::test
