// RequestHasher: canonical, length-prefixed serialization hashed with SHA-256.
#include "engine/request_hash.h"

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::engine {

RequestHasher::RequestHasher(std::string_view operation) {
  add("operation", operation);
}

RequestHasher& RequestHasher::add(std::string_view name, std::string_view value) {
  text_.append(name);
  text_.push_back('=');
  text_.append(std::to_string(value.size()));
  text_.push_back(':');
  text_.append(value);
  text_.push_back(';');
  return *this;
}

RequestHasher& RequestHasher::add(std::string_view name, int64_t value) {
  return add(name, std::to_string(value));
}

RequestHasher& RequestHasher::add(std::string_view name, bool value) {
  return add(name, std::string_view(value ? "true" : "false"));
}

RequestHasher& RequestHasher::add(std::string_view name, const std::optional<int64_t>& value) {
  // "-" marks absence; a present value is prefixed so it can never equal it.
  return add(name, value ? std::optional<std::string>(std::to_string(*value)) : std::nullopt);
}

RequestHasher& RequestHasher::add(std::string_view name, const std::optional<int32_t>& value) {
  return add(name, value ? std::optional<int64_t>(*value) : std::nullopt);
}

RequestHasher& RequestHasher::add(std::string_view name, const std::optional<std::string>& value) {
  if (!value) return add(name, std::string_view("-"));
  std::string present(1, '+');
  present.append(*value);
  return add(name, std::string_view(present));
}

RequestHasher& RequestHasher::add(std::string_view name, const std::vector<std::string>& values) {
  add(name, static_cast<int64_t>(values.size()));
  for (const std::string& value : values) add(name, value);
  return *this;
}

std::string RequestHasher::hex() const {
  const crypto::Digest32 digest = crypto::sha256(text_);
  return encoding::hex_encode(crypto::digest_bytes(digest));
}

}  // namespace mc::engine
