// server/dialects/humanops/multipart.h — the one multipart/form-data field an upload needs.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::server::humanops {

struct FormFile {
  std::string filename;
  std::string content_type;
  std::string content;
};

// The part named `field` of a multipart/form-data `body` whose Content-Type header is
// `content_type`. invalid_argument/"invalid_multipart" for a malformed body or a missing
// boundary, "missing_param" (param = field) when no such part exists.
Result<FormFile> multipart_file(std::string_view content_type, std::string_view body,
                                std::string_view field);

}  // namespace mc::server::humanops
