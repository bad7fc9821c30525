// AACP agents: the registry (agentId → the wallet holding its NFT), each agent's balance and
// staking pool, and the agent as the seed shows it (reputation, pool).
#include <algorithm>
#include <cctype>

#include "internal.h"
#include "marketcore/aacp.h"
#include "marketcore/role_opt_in.h"

namespace mc::aacp {
namespace {

constexpr int64_t kDefaultReputation = 70;
constexpr size_t kAgentIdMax = 78;  // a uint256 in decimal
constexpr size_t kNameMax = 200;

Status check_agent_id(std::string_view agent_id, const char* param) {
  MC_TRY(internal::check_text(agent_id, param, kAgentIdMax));
  if (!std::all_of(agent_id.begin(), agent_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return invalid_argument("invalid_value", std::string(param) + " is a decimal token id", param);
  }
  return ok_status();
}

std::string profile_for(bool evaluator) {
  return evaluator ? R"({"source":"AACP","accepts_roles":["evaluator"]})" : R"({"source":"AACP"})";
}

}  // namespace

Result<Party> Service::party_of_agent(std::string_view agent_id) {
  MC_TRY(check_agent_id(agent_id, "agentId"));
  Result<Party> party = engine_.party_by_external_id(market_.id, agent_id);
  if (!party.ok() && party.status().code() == Code::not_found) {
    return not_found("agent_not_found", "Agent not found");
  }
  return party;
}

Result<Party> Service::owned_agent(std::string_view caller, std::string_view agent_id) {
  MC_TRY_ASSIGN(std::string wallet, internal::lower_address(caller, "X-Wallet-Address"));
  MC_TRY_ASSIGN(Party party, party_of_agent(agent_id));
  if (party.wallet_address != wallet) {
    return permission_denied("not_nft_holder", "the wallet does not hold this agent's NFT");
  }
  return party;
}

Result<AgentView> Service::register_agent(std::string_view caller, const NewAgent& agent) {
  MC_TRY(check_agent_id(agent.agent_id, "agentId"));
  MC_TRY_ASSIGN(std::string owner, internal::lower_address(agent.owner_address, "ownerAddress"));
  MC_TRY_ASSIGN(std::string wallet, internal::lower_address(caller, "X-Wallet-Address"));
  MC_TRY(internal::check_text(agent.name, "name", kNameMax));
  if (owner != wallet) {
    return permission_denied("not_nft_holder", "ownerAddress must be the signing wallet");
  }
  int64_t reputation = kDefaultReputation;
  if (agent.reputation && options_.test_mode) {
    if (*agent.reputation < 0 || *agent.reputation > 100) {
      return invalid_argument("invalid_value", "reputation.score is within 0..100", "reputation");
    }
    reputation = *agent.reputation;
  }
  Result<Party> existing = engine_.party_by_external_id(market_.id, agent.agent_id);
  if (existing.ok()) {
    if (existing->wallet_address != owner) {
      return Status(Code::already_exists, "agent_exists",
                    "the agent is registered to another wallet");
    }
    PartyUpdate update{.id = existing->id};
    update.display_name = agent.name;
    update.profile_json = profile_for(agent.evaluator);
    MC_TRY_ASSIGN(Party updated, engine_.update_party_fields(update));
    return agent_view(updated);
  }
  if (existing.status().code() != Code::not_found) return existing.status();
  Party party;
  party.market_id = market_.id;
  party.kind = "agent";
  party.display_name = agent.name;
  party.wallet_address = owner;
  party.external_id = agent.agent_id;
  party.reputation = reputation;
  party.profile_json = profile_for(agent.evaluator);
  Result<Party> registered = engine_.register_party(party);
  if (!registered.ok() && registered.status().detail() == "party_identity_taken") {
    return Status(Code::already_exists, "agent_exists", "the agent is registered already");
  }
  MC_TRY(registered.status());
  return agent_view(*registered);
}

Result<AgentView> Service::agent(std::string_view agent_id) {
  MC_TRY_ASSIGN(Party party, party_of_agent(agent_id));
  return agent_view(party);
}

Result<AgentView> Service::deposit(std::string_view caller, Purse purse,
                                   const MoneyRequest& request) {
  MC_TRY_ASSIGN(Party party, owned_agent(caller, request.agent_id));
  MC_TRY_ASSIGN(std::string owner, internal::lower_address(request.owner_address, "ownerAddress"));
  if (owner != party.wallet_address) {
    return permission_denied("not_nft_holder", "ownerAddress does not hold this agent's NFT");
  }
  if (request.amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "amount must be positive", "amount");
  }
  Deposit deposit{.market_id = market_.id,
                  .party_id = party.id,
                  .amount_minor = request.amount_minor,
                  .into = purse == Purse::pool ? AccountKind::stake : AccountKind::available,
                  .reason = purse == Purse::pool ? "stake_deposit" : "usdc_deposit"};
  if (!request.tx_hash.empty()) {
    MC_TRY(internal::check_text(request.tx_hash, "txHash", 100));
    std::string ref = "usdc:";
    for (char c : request.tx_hash)
      ref += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    deposit.external_ref = ref;
  }
  if (!options_.test_mode) {
    if (request.tx_hash.empty()) {
      return invalid_argument("missing_param", "txHash is required", "txHash");
    }
    if (!options_.chain) {
      return failed_precondition("chain_unavailable", "no chain confirmation is configured");
    }
    MC_TRY_ASSIGN(int64_t confirmed,
                  options_.chain->confirmed_amount_minor(request.tx_hash, party.wallet_address));
    if (confirmed != request.amount_minor) {
      return invalid_argument("amount_mismatch", "the transaction moved another amount", "amount");
    }
  }
  MC_TRY(engine_.deposit(deposit).status());
  return agent_view(party);
}

Result<AgentView> Service::withdraw(std::string_view caller, Purse purse,
                                    const MoneyRequest& request) {
  MC_TRY_ASSIGN(Party party, owned_agent(caller, request.agent_id));
  MC_TRY_ASSIGN(std::string owner, internal::lower_address(request.owner_address, "ownerAddress"));
  if (owner != party.wallet_address) {
    return permission_denied("not_nft_holder", "ownerAddress does not hold this agent's NFT");
  }
  if (request.amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "amount must be positive", "amount");
  }
  MC_TRY(engine_
             .withdraw({.market_id = market_.id,
                        .party_id = party.id,
                        .amount_minor = request.amount_minor,
                        .from = purse == Purse::pool ? AccountKind::stake : AccountKind::available,
                        .reason = purse == Purse::pool ? "stake_withdrawal" : "usdc_withdrawal"})
             .status());
  return agent_view(party);
}

Result<AgentView> Service::agent_view(const Party& party) {
  AgentView view;
  view.party = party;
  view.agent_id = party.external_id;
  view.owner_address = internal::checksum_address(party.wallet_address);
  view.score = party.reputation;
  view.evaluator = party_accepts_role(party, Role::evaluator);
  MC_TRY_ASSIGN(view.balances, engine_.balances(market_.id, party.id));
  JobQuery query{.market_id = market_.id, .any_party_id = party.id, .limit = 1000};
  for (;;) {
    MC_TRY_ASSIGN(std::vector<Job> jobs, engine_.jobs(query));
    for (const Job& job : jobs) {
      ++view.total_jobs;
      if (job_status(job.state) == "COMPLETED") ++view.completed_jobs;
    }
    if (jobs.size() < static_cast<size_t>(query.limit)) break;
    query.before_id = jobs.back().id;
  }
  return view;
}

}  // namespace mc::aacp
