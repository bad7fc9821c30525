// The AgentMarket market binding (dialect kit): its name, lifecycle, list limits and the
// not_found answers of its id lookups.
#include "marketcore/agentmarket.h"

namespace mc::agentmarket {

MarketBindingOptions market_binding_options(std::optional<bool> test_mode) {
  return {.market_name = "agentmarket",
          .lifecycle = "agentmarket",
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

}  // namespace mc::agentmarket
