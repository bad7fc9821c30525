// The list of market modules the simulator drives, all at once.
#include "sim/market_module.h"

namespace mc::sim {

std::unique_ptr<MarketModule> make_j0_module();
std::unique_ptr<MarketModule> make_agentmarket_module();
std::unique_ptr<MarketModule> make_humanops_module();
std::unique_ptr<MarketModule> make_aacp_module();
std::unique_ptr<MarketModule> make_mkt1337_module();
std::unique_ptr<MarketModule> make_gig_module();
std::unique_ptr<MarketModule> make_mkt1337_service_module();

std::vector<std::unique_ptr<MarketModule>> all_market_modules() {
  std::vector<std::unique_ptr<MarketModule>> modules;
  modules.push_back(make_j0_module());
  modules.push_back(make_agentmarket_module());
  modules.push_back(make_humanops_module());
  modules.push_back(make_aacp_module());
  modules.push_back(make_mkt1337_module());
  modules.push_back(make_gig_module());
  modules.push_back(make_mkt1337_service_module());
  return modules;
}

}  // namespace mc::sim
