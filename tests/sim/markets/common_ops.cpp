// Shared pieces of the market modules (common_ops.h).
#include "sim/markets/common_ops.h"

namespace mc::sim {

Party sim_party(MarketId market, std::string kind, int64_t reputation, std::string kyc_status,
                std::vector<std::string> capabilities, std::string profile_json) {
  Party party;
  party.market_id = market;
  party.kind = std::move(kind);
  party.reputation = reputation;
  party.kyc_status = std::move(kyc_status);
  party.capabilities = std::move(capabilities);
  party.profile_json = std::move(profile_json);
  return party;
}

Op create_op(World& world, PartyId poster, int64_t amount_minor) {
  Op op;
  op.kind = Op::Kind::create;
  op.create.market_id = world.market;
  op.create.poster_id = poster;
  op.create.amount_minor = amount_minor;
  op.create.title = "sim job";
  op.create.description = "a simulated job";
  op.create.prompt = "Do the simulated work";
  return op;
}

}  // namespace mc::sim
