// The registry of stable detail codes (marketcore/errors.h): every detail the library and the
// bundled server return is registered with the Code it is returned with, and lookups,
// transience and caller actions answer from the table.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "marketcore/errors.h"

namespace {

struct Found {
  std::string detail;
  std::string code;  // "" when the construction does not name its Code
  std::string where;
};

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t skip_space(const std::string& text, size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\t')) ++at;
  return at;
}

// The snake_case string literal starting at `at` (after spaces), or "".
std::string literal_at(const std::string& text, size_t at) {
  at = skip_space(text, at);
  if (at >= text.size() || text[at] != '"') return "";
  const size_t end = text.find('"', at + 1);
  if (end == std::string::npos) return "";
  std::string word = text.substr(at + 1, end - at - 1);
  if (word.empty()) return "";
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return "";
  }
  return word;
}

// Every `helper("detail"`, `Status(Code::x, "detail"` and `kDetailX = "detail"` in `text`.
void scan(const std::string& text, const std::string& where, std::vector<Found>& out) {
  static const std::vector<std::pair<std::string, std::string>> kHelpers = {
      {"invalid_argument", "invalid_argument"},
      {"not_found", "not_found"},
      {"failed_precondition", "failed_precondition"},
      {"permission_denied", "permission_denied"},
      {"unauthenticated", "unauthenticated"},
      {"aborted", "aborted"},
      {"out_of_range", "out_of_range"},
      {"internal_error", "internal"},
      {"refuse", ""},  // the guards' and the lifecycle validator's helpers
      {"bad", ""},     // the SIWE parser's helper
  };
  for (const auto& [name, code] : kHelpers) {
    const std::string call = name + "(";
    for (size_t at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
      if (at > 0 && (identifier_char(text[at - 1]) || text[at - 1] == ':')) continue;
      const std::string detail = literal_at(text, at + call.size());
      if (!detail.empty()) out.push_back({detail, code, where});
    }
  }
  const std::string status = "Status(Code::";
  for (size_t at = text.find(status); at != std::string::npos; at = text.find(status, at + 1)) {
    size_t end = at + status.size();
    while (end < text.size() && identifier_char(text[end])) ++end;
    const std::string code = text.substr(at + status.size(), end - at - status.size());
    end = skip_space(text, end);
    if (end >= text.size() || text[end] != ',') continue;
    const std::string detail = literal_at(text, end + 1);
    if (!detail.empty()) out.push_back({detail, code, where});
  }
  const std::string constant = "kDetail";
  for (size_t at = text.find(constant); at != std::string::npos; at = text.find(constant, at + 1)) {
    size_t end = at + constant.size();
    while (end < text.size() && identifier_char(text[end])) ++end;
    end = skip_space(text, end);
    if (end >= text.size() || text[end] != '=') continue;
    const std::string detail = literal_at(text, end + 1);
    if (!detail.empty()) out.push_back({detail, "", where});
  }
}

std::vector<Found> scan_sources() {
  std::vector<Found> found;
  for (const char* directory : {"src", "include", "server", "bindings"}) {
    const std::filesystem::path root = std::filesystem::path(MC_SOURCE_DIR) / directory;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cpp" && extension != ".h")) continue;
      std::ifstream file(entry.path());
      std::stringstream text;
      text << file.rdbuf();
      scan(text.str(), entry.path().lexically_relative(MC_SOURCE_DIR).string(), found);
    }
  }
  return found;
}

}  // namespace

TEST_CASE("errors: every detail the library and the server return is registered") {
  const std::vector<Found> found = scan_sources();
  REQUIRE(found.size() > 250);  // the scan sees the sources
  std::set<std::string> seen;
  for (const Found& one : found) {
    seen.insert(one.detail);
    const mc::ErrorInfo* info = mc::error_info(one.detail);
    CHECK_MESSAGE(info != nullptr, "unregistered detail \"" << one.detail << "\" in " << one.where);
    if (info == nullptr || one.code.empty()) continue;
    const bool code_matches =
        mc::code_name(info->code) == one.code ||
        (info->other_code != mc::Code::ok && mc::code_name(info->other_code) == one.code);
    CHECK_MESSAGE(code_matches, "\"" << one.detail << "\" is returned as " << one.code << " in "
                                     << one.where << " but registered as "
                                     << mc::code_name(info->code));
  }
  CHECK(seen.count("insufficient_funds") == 1);
  CHECK(seen.count("idempotency_key_invalid") == 1);
  // One spelling of the idempotency detail: the server's old one is gone.
  CHECK(seen.count("invalid_idempotency_key") == 0);
  CHECK(mc::error_info("invalid_idempotency_key") == nullptr);
}

TEST_CASE("errors: registry rows are well formed and looked up by detail") {
  const auto registry = mc::error_registry();
  REQUIRE(registry.size() > 250);
  for (const mc::ErrorInfo& row : registry) {
    CHECK(row.code != mc::Code::ok);
    CHECK(row.other_code != row.code);
    CHECK(mc::caller_action_name(row.action) != "unknown");
    CHECK(mc::error_info(row.detail) == &row);
  }
  const mc::ErrorInfo* funds = mc::error_info("insufficient_funds");
  REQUIRE(funds != nullptr);
  CHECK(funds->code == mc::Code::failed_precondition);
  CHECK(funds->action == mc::CallerAction::add_funds);
  CHECK_FALSE(funds->transient);
  CHECK(mc::error_info("own_task")->action == mc::CallerAction::act_as_allowed_party);
  CHECK(mc::error_info("job_state_changed")->action == mc::CallerAction::reread_and_retry);
  CHECK(mc::error_info("no_such_detail_anywhere") == nullptr);
}

TEST_CASE("errors: is_transient answers from the registry, then from the code") {
  CHECK(mc::is_transient(mc::Status(mc::Code::resource_exhausted, "write_queue_full", "full")));
  CHECK(mc::is_transient(mc::Status(mc::Code::unavailable, "store_unavailable", "busy")));
  CHECK(mc::is_transient(mc::Status(mc::Code::aborted, "job_state_changed", "raced")));
  CHECK_FALSE(mc::is_transient(mc::failed_precondition("insufficient_funds", "poor")));
  CHECK_FALSE(mc::is_transient(mc::failed_precondition("wrong_state", "no")));
  // A misconfiguration reported as unavailable does not heal by retrying.
  CHECK_FALSE(mc::is_transient(
      mc::Status(mc::Code::unavailable, "payment_provider_unavailable", "none configured")));
  // Unregistered details fall back to the code's class.
  CHECK(mc::is_transient(mc::Status(mc::Code::unavailable, "unregistered_detail", "x")));
  CHECK_FALSE(mc::is_transient(mc::invalid_argument("unregistered_detail", "x")));
  CHECK_FALSE(mc::is_transient(mc::ok_status()));
}

TEST_CASE("errors: dialect tables map details without string compares in code") {
  static constexpr mc::DetailRow<int> kStatuses[] = {{"insufficient_funds", 402},
                                                     {"own_task", 403}};
  static_assert(mc::lookup_detail(kStatuses, "own_task") == 403);
  CHECK(mc::lookup_detail(kStatuses, "insufficient_funds") == 402);
  CHECK_FALSE(mc::lookup_detail(kStatuses, "wrong_state").has_value());
}
