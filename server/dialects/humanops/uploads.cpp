// server/dialects/humanops/uploads.cpp — the local upload directory.
#include "uploads.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::server::humanops {
namespace {

struct Kind {
  const char* extension;
  const char* content_type;
};

constexpr Kind kKinds[] = {{".jpg", "image/jpeg"},      {".png", "image/png"},
                           {".webp", "image/webp"},     {".gif", "image/gif"},
                           {".pdf", "application/pdf"}, {".txt", "text/plain"}};

const Kind* kind_of_type(const std::string& content_type) {
  for (const Kind& kind : kKinds) {
    if (content_type.rfind(kind.content_type, 0) == 0) return &kind;
  }
  return nullptr;
}

const Kind* kind_of_name(const std::string& name) {
  for (const Kind& kind : kKinds) {
    const std::string extension = kind.extension;
    if (name.size() > extension.size() &&
        name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
      return &kind;
    }
  }
  return nullptr;
}

class LocalUploads final : public UploadStore {
 public:
  explicit LocalUploads(std::string directory) : directory_(std::move(directory)) {}

  Result<StoredUpload> put(const std::string& content, const std::string& content_type,
                           const std::string& filename) override {
    const Kind* kind = kind_of_type(content_type);
    if (kind == nullptr) kind = kind_of_name(filename);
    MC_TRY_ASSIGN(std::string random, crypto::random_bytes(16));
    StoredUpload stored{.name = encoding::hex_encode(random) + (kind ? kind->extension : ".bin"),
                        .content_type = kind ? kind->content_type : "application/octet-stream"};
    std::error_code error;
    std::filesystem::create_directories(directory_, error);
    const std::string path = directory_ + "/" + stored.name;
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) return Status(Code::unavailable, "upload_failed", "the upload could not be stored");
    return stored;
  }

  Result<std::pair<std::string, std::string>> get(const std::string& name) override {
    for (const char c : name) {
      const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.';
      if (!safe) return not_found("upload_not_found", "Not found");
    }
    std::ifstream in(directory_ + "/" + name, std::ios::binary);
    if (!in) return not_found("upload_not_found", "Not found");
    std::stringstream content;
    content << in.rdbuf();
    const Kind* kind = kind_of_name(name);
    return std::make_pair(content.str(),
                          std::string(kind ? kind->content_type : "application/octet-stream"));
  }

 private:
  std::string directory_;
};

}  // namespace

std::shared_ptr<UploadStore> make_local_upload_store(std::string directory) {
  return std::make_shared<LocalUploads>(std::move(directory));
}

}  // namespace mc::server::humanops
