// server/dialect_registry.cpp — name → dialect factory.
#include "dialect_registry.h"

#include "dialects/aacp/aacp_dialect.h"
#include "dialects/agentmarket/agentmarket_dialect.h"
#include "dialects/humanops/humanops_dialect.h"
#include "dialects/humanops/mcp_dialect.h"
#include "dialects/j0/j0_dialect.h"
#include "dialects/mkt1337/mkt1337_dialect.h"
#include "native/native_dialect.h"

namespace mc::server {
namespace {

struct Entry {
  const char* name;
  std::shared_ptr<Dialect> (*make)(ServerContext& context);
};

constexpr Entry kDialects[] = {
    {"native", &native::make_native_dialect},
    {"j0", &j0::make_j0_dialect},
    {"agentmarket", &agentmarket::make_agentmarket_dialect},
    {"humanops", &humanops::make_humanops_dialect},
    {"humanops-mcp", &humanops::make_humanops_mcp_dialect},
    {"aacp", &aacp::make_aacp_dialect},
    {"1337mkt", &mkt1337::make_mkt1337_dialect},
};

}  // namespace

std::vector<std::string> built_dialects() {
  std::vector<std::string> names;
  for (const Entry& entry : kDialects) names.emplace_back(entry.name);
  return names;
}

Result<std::shared_ptr<Dialect>> make_dialect(std::string_view name, ServerContext& context) {
  for (const Entry& entry : kDialects) {
    if (name == entry.name) return entry.make(context);
  }
  return not_found("unknown_dialect",
                   "dialect '" + std::string(name) + "' is not built into this server");
}

}  // namespace mc::server
