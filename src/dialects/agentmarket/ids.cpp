// AgentMarket ids: the seed's UUID strings as a reversible encoding of the core's int64 ids.
//
// x = (id XOR salt) × K mod 2^64 (K odd, so invertible) spreads consecutive ids over the
// whole space; its 64 bits fill the first three groups and one nibble of the fourth, in the
// version-4 layout ("xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx"). The last group is a 48-bit check
// derived from the id and the salt, so an agent id never decodes as a task id and a mistyped
// id is refused rather than read as another one.
#include <cstdio>
#include <string>

#include "marketcore/agentmarket.h"

namespace mc::agentmarket {
namespace {

constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;  // odd
constexpr uint64_t kAgentSalt = 0xA6E7A6E7A6E7A6E7ULL;
constexpr uint64_t kTaskSalt = 0x7A5C7A5C7A5C7A5CULL;

uint64_t inverse_of(uint64_t odd) {
  uint64_t inverse = odd;  // Newton: each step doubles the correct low bits
  for (int step = 0; step < 6; ++step) inverse *= 2 - odd * inverse;
  return inverse;
}

uint64_t check_of(uint64_t id, uint64_t salt) {
  uint64_t value = (id + salt) * 0xBF58476D1CE4E5B9ULL;
  value ^= value >> 31;
  value *= 0x94D049BB133111EBULL;
  value ^= value >> 29;
  return value & 0xFFFFFFFFFFFFULL;
}

std::string encode(int64_t id, uint64_t salt) {
  const uint64_t raw = static_cast<uint64_t>(id);
  const uint64_t x = (raw ^ salt) * kMultiplier;
  char text[40];
  std::snprintf(
      text, sizeof text, "%08llx-%04llx-4%03llx-8%03llx-%012llx",
      static_cast<unsigned long long>(x >> 32), static_cast<unsigned long long>((x >> 16) & 0xFFFF),
      static_cast<unsigned long long>((x >> 4) & 0xFFF), static_cast<unsigned long long>(x & 0xF),
      static_cast<unsigned long long>(check_of(raw, salt)));
  return text;
}

bool hex_value(std::string_view text, uint64_t& value) {
  value = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return false;
    value = value * 16 + static_cast<uint64_t>(digit);
  }
  return true;
}

std::optional<int64_t> decode(std::string_view text, uint64_t salt) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-' || text[14] != '4' || text[19] != '8') {
    return std::nullopt;
  }
  uint64_t g1 = 0, g2 = 0, g3 = 0, g4 = 0, check = 0;
  if (!hex_value(text.substr(0, 8), g1) || !hex_value(text.substr(9, 4), g2) ||
      !hex_value(text.substr(15, 3), g3) || !hex_value(text.substr(20, 3), g4) ||
      !hex_value(text.substr(24, 12), check) || g4 > 0xF) {
    return std::nullopt;
  }
  const uint64_t x = (g1 << 32) | (g2 << 16) | (g3 << 4) | g4;
  const uint64_t raw = (x * inverse_of(kMultiplier)) ^ salt;
  if (check != check_of(raw, salt)) return std::nullopt;
  const auto id = static_cast<int64_t>(raw);
  if (id <= 0) return std::nullopt;
  return id;
}

}  // namespace

std::string agent_uuid(PartyId id) {
  return encode(id, kAgentSalt);
}
std::string task_uuid(JobId id) {
  return encode(id, kTaskSalt);
}

Result<PartyId> parse_agent_uuid(std::string_view text) {
  std::optional<int64_t> id = decode(text, kAgentSalt);
  if (!id) return not_found("agent_not_found", "Agent not found");
  return *id;
}

Result<JobId> parse_task_uuid(std::string_view text) {
  std::optional<int64_t> id = decode(text, kTaskSalt);
  if (!id) return not_found("task_not_found", "Task not found");
  return *id;
}

std::string mask_url(std::string_view url) {
  constexpr size_t kShown = 10;
  if (url.empty()) return "";
  if (url.size() <= kShown) return "..." + std::string(url);
  return "..." + std::string(url.substr(url.size() - kShown));
}

}  // namespace mc::agentmarket
