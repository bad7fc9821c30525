// A refusal as one comparable text, "<detail>/<param>", for tests that check both at once
// (e.g. CHECK(refusal_text(service.create(bad)) == "invalid_value/title")). REQUIREs a Result
// to have failed.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "marketcore/status.h"

namespace mc::testing {

inline std::string refusal_text(const Status& status) {
  return status.detail() + "/" + status.param();
}

template <typename T>
std::string refusal_text(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  return refusal_text(result.status());
}

}  // namespace mc::testing
