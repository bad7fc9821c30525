// marketcore/aacp.h — the AACP market definition (seed 003, ERC-8183 "Agentic Commerce").
//
// Jobs with a client, a provider and an evaluator, all agents of an agent registry (agentId →
// the wallet holding its NFT, ownerAddress). The on-chain contract calls are wallet-signed
// stand-ins: createJob (OPEN), fund (the exact budget from the client's balance into escrow;
// client stake 5 % and evaluator stake 10 % locked), choose a provider from the offers
// (FUNDED; every other PENDING offer REJECTED in the same write), submit (provider stake 10 %),
// evaluate (COMPLETED pays 2 % platform + 3 % evaluator, floor, the rest to the provider;
// REJECTED refunds the client), claimRefund by anyone past the deadline (never blockable),
// disputes within 48 h of the evaluation with a deposit of 5 % of the budget (at least 5 USDC),
// judged by three arbitrators who commit and then reveal their votes. Stakes are divided by
// min(1, reputation / 100), released at terminal states and slashed by a lost dispute.
//
// Every rule is the engine's (the built-in `aacp` lifecycle and market settings) or this
// Service's inside the engine's write: a C++ host and the HTTP dialect meet the same refusals.
// The Service's own checks are about identity: `caller` is the wallet a request was signed by
// (WalletRequestVerifier), and each action requires it to hold the NFT of the agent acting.
//
// Money: every agent has a balance (the USDC it holds in the market: budgets come from it,
// payments, fees, refunds and slashed stakes arrive in it) and a staking pool (stakes are
// locked from it). Test mode credits deposits at once; production confirms each deposit's
// transaction hash through a ChainConfirmer (each hash credits once, ever).
//
// Errors (details; the dialect maps codes to HTTP): invalid_argument (param names the field);
// unauthenticated/"wallet_*" (the signature); permission_denied/"not_nft_holder" (the caller or
// ownerAddress does not hold the agent), "role_not_allowed", "evaluator_not_opted_in";
// not_found/"agent_not_found", "job_not_found", "offer_not_found", "dispute_not_found";
// failed_precondition/"wrong_state", "reputation_too_low", "insufficient_stake",
// "insufficient_funds", "budget_mismatch", "deadline_passed", "deadline_not_reached",
// "dispute_window_closed", "commitment_mismatch", ...; already_exists/"agent_exists",
// "external_ref_used".
//
// Thread-safety: Service is thread-safe (its ChainConfirmer must be too).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/market_binding.h"

namespace mc::aacp {

MarketBindingOptions market_binding_options(std::optional<bool> test_mode = std::nullopt);
Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode = std::nullopt);

// "PENDING" etc. as the seed spells job statuses: the engine's SETTLED_COMPLETED and
// SETTLED_REJECTED (the dispute window closed) read as COMPLETED and REJECTED.
std::string job_status(std::string_view state);

// Confirms a USDC transfer into the market: the amount (raw units) the transaction moved from
// `owner_address`. Production only; the real one watches a chain.
class ChainConfirmer {
 public:
  virtual ~ChainConfirmer() = default;
  virtual Result<int64_t> confirmed_amount_minor(std::string_view tx_hash,
                                                 std::string_view owner_address) = 0;
};

struct ServiceOptions {
  bool test_mode = true;
  std::shared_ptr<ChainConfirmer> chain;  // production deposits (null: refused)
};

struct NewAgent {
  std::string agent_id;
  std::string owner_address;
  std::string name;
  bool evaluator = false;             // accepts being named evaluator (and its stake locks)
  std::optional<int64_t> reputation;  // test mode only: the starting score (0–100)
};

// Which money an agent moves: its balance (budgets, payments) or its staking pool.
enum class Purse { balance, pool };

struct MoneyRequest {
  std::string agent_id;
  std::string owner_address;
  int64_t amount_minor = 0;
  std::string tx_hash;  // deposits in production: the chain transaction (credited once)
};

struct CexConfig {
  int64_t stop_loss_bps = 0;
  int64_t target_return_bps = 0;
};

struct NewJob {
  std::string client_id;
  std::string evaluator_id;
  int64_t budget_minor = 0;
  int64_t deadline_s = 0;
  std::string strategy_type;  // PROGRAM | RUBRIC | HYBRID | CEX_CAPITAL
  std::string program_hash;
  std::string rubric_hash;
  std::optional<CexConfig> cex_config;  // CEX_CAPITAL only
};

struct Snapshot {
  int64_t reported_value_minor = 0;
  int64_t snapshot_ts_s = 0;
  std::string tx_hash;
  std::string block_number;
  std::string balance_report_json = "{}";
  std::string attestation;
};

struct JobFilter {
  std::optional<std::string> status;
  std::optional<std::string> strategy_type;
  std::optional<std::string> client_id;
  std::optional<std::string> provider_id;
  std::optional<std::string> evaluator_id;
  std::optional<std::string> owner_address;
  int64_t page = 1;
  int64_t limit = 20;
};

// --- views ----------------------------------------------------------------------------

struct AgentView {
  Party party;
  std::string agent_id;
  std::string owner_address;  // EIP-55
  int64_t score = 0;
  int64_t total_jobs = 0;      // jobs in which the agent holds any role
  int64_t completed_jobs = 0;  // of those, COMPLETED (or arbitrated after completion)
  Balances balances;
  bool evaluator = false;
};

struct StakeLock {
  std::string agent_id;
  std::string role;  // CLIENT | PROVIDER | EVALUATOR | ARBITRATOR
  int64_t amount_minor = 0;
  bool active = false;
  int64_t locked_at_ms = 0;
  std::optional<int64_t> released_at_ms;
};

struct OfferView {
  std::string agent_id;
  std::string owner_address;
  std::string status;
  int64_t created_at_ms = 0;
};

struct VoteView {
  std::string agent_id;
  bool committed = false;
  std::string vote;  // "" until revealed; PROVIDER | CLIENT
};

struct DisputeView {
  Dispute dispute;
  std::string filed_by_agent_id;
  int64_t deposit_minor = 0;
  int64_t commit_deadline_s = 0;
  int64_t reveal_deadline_s = 0;
  std::vector<VoteView> votes;
};

struct LifecycleMark {
  int64_t at_ms = 0;
  std::string transition;
};

struct JobView {
  Job job;
  std::string status;
  std::string program_hash;
  std::string rubric_hash;
  std::optional<CexConfig> cex_config;
  std::string deliverable_hash;  // "" when none
  std::optional<bool> passed;
  bool fees_paid = false;  // platformFee / evaluatorFee / providerPayment shown
  int64_t escrow_minor = 0;
  std::optional<int64_t> settled_at_ms;
  std::optional<AgentView> client, provider, evaluator;
  std::vector<StakeLock> stake_locks;
  std::vector<Snapshot> snapshots;
  std::optional<DisputeView> dispute;
  std::vector<OfferView> offers;
  std::optional<LifecycleMark> created, submitted, settled, disputed;
};

struct JobPage {
  std::vector<JobView> jobs;
  int64_t page = 1;
  int64_t limit = 20;
  int64_t total = 0;
};

class Service {
 public:
  // Requires: `engine` outlives the Service.
  Service(Engine& engine, Market market, ServiceOptions options);

  const MarketBinding& binding() const { return binding_; }
  bool test_mode() const { return options_.test_mode; }

  // --- agents and money (caller: the verified signer, any case)
  // Registers agentId for ownerAddress (the caller). The same agent again with the same owner
  // answers the existing one (its evaluator opt-in and name updated); another owner is
  // already_exists/"agent_exists".
  Result<AgentView> register_agent(std::string_view caller, const NewAgent& agent);
  Result<AgentView> agent(std::string_view agent_id);
  Result<AgentView> deposit(std::string_view caller, Purse purse, const MoneyRequest& request);
  Result<AgentView> withdraw(std::string_view caller, Purse purse, const MoneyRequest& request);

  // --- the lifecycle stand-ins
  Result<JobView> create_job(std::string_view caller, const NewJob& job);
  Result<JobView> fund(std::string_view caller, JobId job, std::optional<int64_t> expected_budget);
  Result<JobView> choose_provider(std::string_view caller, JobId job, std::string_view agent_id);
  Result<JobView> submit(std::string_view caller, JobId job, std::string_view deliverable_hash);
  Result<JobView> evaluate(std::string_view caller, JobId job, bool passed);
  Result<JobView> claim_refund(std::string_view caller, JobId job);

  // --- offers
  Result<OfferView> submit_offer(std::string_view caller, JobId job, std::string_view agent_id,
                                 std::string_view owner_address);
  Result<OfferView> withdraw_offer(std::string_view caller, JobId job, std::string_view agent_id,
                                   std::string_view owner_address);

  // --- disputes (votes: "PROVIDER" or "CLIENT"; commitment keccak256("<vote>:<salt>"))
  Result<DisputeView> open_dispute(std::string_view caller, JobId job, std::string_view agent_id,
                                   std::string reason);
  Result<DisputeView> commit_vote(std::string_view caller, int64_t dispute_id,
                                  std::string_view agent_id, std::string_view commitment);
  Result<DisputeView> reveal_vote(std::string_view caller, int64_t dispute_id,
                                  std::string_view agent_id, std::string_view vote,
                                  std::string_view salt);
  static std::string commitment(std::string_view vote, std::string_view salt);

  // --- snapshots (CEX_CAPITAL; reported by the provider's wallet while FUNDED or SUBMITTED)
  Result<Snapshot> report_snapshot(std::string_view caller, JobId job, const Snapshot& snapshot);

  // --- reads (public)
  Result<JobPage> jobs(const JobFilter& filter);
  Result<JobView> job(JobId job);
  Result<std::vector<Snapshot>> snapshots(JobId job);
  Result<std::optional<DisputeView>> dispute_of_job(JobId job);
  Result<DisputeView> dispute(int64_t dispute_id);
  Result<std::vector<OfferView>> offers(JobId job);

 private:
  Result<Party> party_of_agent(std::string_view agent_id);
  Result<Party> owned_agent(std::string_view caller, std::string_view agent_id);
  Result<JobView> fire_as(std::string_view caller, JobId job, const char* role,
                          FireTransition request);
  Result<AgentView> agent_view(const Party& party);
  Result<DisputeView> dispute_view(const Dispute& dispute);
  Result<JobView> view(const Job& job, bool full);

  Engine& engine_;
  Market market_;
  ServiceOptions options_;
  MarketBinding binding_;
};

}  // namespace mc::aacp
