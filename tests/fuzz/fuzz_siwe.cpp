// Fuzzes the EIP-4361 parser: any input either fails with a siwe_* detail or parses to a
// message whose formatted text parses back to the same fields.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "marketcore/siwe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = mc::auth::parse_siwe_message(text);
  if (!parsed.ok()) {
    if (parsed.status().detail().rfind("siwe_", 0) != 0) __builtin_trap();
    return 0;
  }
  auto again = mc::auth::parse_siwe_message(mc::auth::format_siwe_message(*parsed));
  if (!again.ok()) __builtin_trap();
  if (again->domain != parsed->domain || again->address != parsed->address ||
      again->nonce != parsed->nonce || again->uri != parsed->uri ||
      again->issued_at_ms != parsed->issued_at_ms || again->resources != parsed->resources ||
      again->statement != parsed->statement || again->chain_id != parsed->chain_id) {
    __builtin_trap();
  }
  mc::auth::SiweChecks checks{parsed->domain, std::nullopt, 0, 0};
  (void)mc::auth::verify_siwe(*parsed, text, "0x00", checks);
  return 0;
}
