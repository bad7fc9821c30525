// server/dialects/humanops/uploads.h — where operator uploads (proof photos, screenshots,
// artifacts) are kept. The default stores files in a directory beside the database and serves
// them at <prefix>/uploads/<name>; a host with an object store implements UploadStore.
//
// Thread-safety: implementations must be safe from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "marketcore/status.h"

namespace mc::server::humanops {

struct StoredUpload {
  std::string name;  // opaque, URL-safe
  std::string content_type;
};

class UploadStore {
 public:
  virtual ~UploadStore() = default;
  // Stores `content`; returns its name.
  virtual Result<StoredUpload> put(const std::string& content, const std::string& content_type,
                                   const std::string& filename) = 0;
  // The file and its content type, or not_found.
  virtual Result<std::pair<std::string, std::string>> get(const std::string& name) = 0;
};

// Files under `directory` (created on first use); names are random hex plus an extension.
std::shared_ptr<UploadStore> make_local_upload_store(std::string directory);

}  // namespace mc::server::humanops
