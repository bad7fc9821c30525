// Operation mixes the market modules share: how often a module creates, fires, deposits.
#pragma once

#include "sim/market_module.h"

namespace mc::sim {

// A party with its kind, reputation, KYC status and capabilities; profile may opt in to roles.
Party sim_party(MarketId market, std::string kind, int64_t reputation = 50,
                std::string kyc_status = "", std::vector<std::string> capabilities = {},
                std::string profile_json = "{}");

// The mix every module uses around its own creations: 45 % fire a transition, 10 % deposit,
// 5 % withdraw, 8 % dispute calls (when the lifecycle has disputes), otherwise `create`.
template <typename Create>
Op mixed_op(World& world, Create&& create, int64_t deposit_max_minor) {
  const int64_t roll = world.rng.below(100);
  if (roll < 45) {
    if (auto op = random_fire(world)) return *op;
  } else if (roll < 55) {
    return deposit_op(world, world.any_party(), world.rng.between(1, deposit_max_minor));
  } else if (roll < 60) {
    return withdraw_op(world, world.any_party(), world.rng.between(1, deposit_max_minor));
  } else if (roll < 68) {
    if (auto op = random_dispute(world)) return *op;
  }
  return create(world);
}

// Creation request basics; modules fill in the rest.
Op create_op(World& world, PartyId poster, int64_t amount_minor);

}  // namespace mc::sim
