// request_hash.h — the fingerprint that binds an idempotency key to one request.
//
// A RequestHasher collects an operation name and the request's fields in a fixed order as
// length-prefixed text ("<name>=<length>:<value>;"), so no two different field sequences
// serialize alike; `hex()` returns the SHA-256 of that text in lower-case hex. Two requests
// hash alike only if they name the same operation with the same field values.
//
// Thread-safety: a value; one per request.
//
// Example:
//   RequestHasher hasher("deposit");
//   hasher.add("party_id", request.party_id).add("amount_minor", request.amount_minor);
//   std::string hash = hasher.hex();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mc::engine {

class RequestHasher {
 public:
  explicit RequestHasher(std::string_view operation);

  RequestHasher& add(std::string_view name, std::string_view value);
  RequestHasher& add(std::string_view name, const char* value) {
    return add(name, std::string_view(value));
  }
  RequestHasher& add(std::string_view name, const std::string& value) {
    return add(name, std::string_view(value));
  }
  RequestHasher& add(std::string_view name, int64_t value);
  RequestHasher& add(std::string_view name, bool value);
  RequestHasher& add(std::string_view name, const std::optional<int64_t>& value);
  RequestHasher& add(std::string_view name, const std::optional<int32_t>& value);
  RequestHasher& add(std::string_view name, const std::optional<std::string>& value);
  RequestHasher& add(std::string_view name, const std::vector<std::string>& values);

  // SHA-256 of the serialization, lower-case hex (64 characters).
  std::string hex() const;

 private:
  std::string text_;
};

}  // namespace mc::engine
