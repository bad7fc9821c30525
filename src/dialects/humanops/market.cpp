// The HumanOps market binding (dialect kit) and the seed-style identities.
#include <charconv>

#include "marketcore/humanops.h"

namespace mc::humanops {

MarketBindingOptions market_binding_options(std::optional<bool> test_mode) {
  return {.market_name = "humanops",
          .lifecycle = "humanops",
          .test_mode = test_mode,
          .list_limit_default = 20,
          .list_limit_max = 100,
          .job_not_found_detail = "task_not_found",
          .job_not_found_message = "Task not found",
          .party_not_found_detail = "agent_not_found",
          .party_not_found_message = "Agent not found"};
}

Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode) {
  return MarketBinding::open(engine, market_binding_options(test_mode));
}

std::string agent_id(PartyId id) {
  return "agent_" + std::to_string(id);
}
std::string task_id(JobId id) {
  return "task_" + std::to_string(id);
}
std::string transaction_id(int64_t id) {
  return "txn_" + std::to_string(id);
}
std::string payout_id(int64_t id) {
  return "payout_" + std::to_string(id);
}

std::optional<JobId> parse_task_id(std::string_view text) {
  constexpr std::string_view kPrefix = "task_";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
  JobId id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace mc::humanops
