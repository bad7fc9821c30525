// marketcore/mkt1337.h — the 1337MKT market definition (seed 000) over an Engine.
//
// Leaders post leads (tasks of type CPR, CPA, CPV, CPC, CPD or REVSHARE) with a payout per
// completion, a number of slots and typed success criteria; a lead is funded through escrow
// deposits (USDC by tx hash, each hash credited once ever; test mode credits at once, production
// asks a ChainConfirmer) and takes no contract before it is fully funded. Doers accept leads
// (one contract each, drawing one payout from the lead's escrow; batches of up to 50), submit
// proof (url, tx_hash, or a CPV video), and are paid when the leader approves, when 72 h pass
// after the proof with no decision, or when the leader's signed completion webhook arrives
// (CPR/CPA/CPD). A rejected proof files a dispute that Gold+ judges (not parties to the
// contract) join and vote on; the majority of three settles the escrow; a dispute that gathers
// no verdict in 14 days falls back to the leader (the lifecycle's dispute_timeout).
//
// Rules live in the engine where they must hold for every API: the lifecycles
// (mkt1337_lead / mkt1337_contract: funding before contracts, pause, tier gates through
// GuardKind::actor_tier_allows_amount, one payout per contract, timers) and the built-in guards
// "mkt1337_lead" (type, typed success criteria, budget = payout × slots) and "mkt1337_proof"
// (url, tx_hash or video_url), which Engine::open registers. This Service holds the rest:
// accounts and reputation, escrow deposits, who may read what, batch accept, disputes by role.
//
// Reputation (rep_score 0–100) is derived, never written by hand: bond points (1 per $10 of
// stake bonded, at most 50) plus the rep events of the party's contracts read from the
// engine's event outbox (written in the same transaction as the state change): completion +2
// for the doer; a verdict for the doer +1 doer / −3 leader; for the leader −5 doer / +1 leader.
// The Service refreshes the party's stored reputation and tier (what the engine's tier and
// judge guards read) before every gated action and on every account read.
//
// Identities: "lead_<n>", "contract_<n>", "dispute_<n>"; accounts are wallets (lower-case).
//
// Errors (details): invalid_argument (param names the field), "invalid_success_criteria",
// "unknown_lead_type", "bad_vote", "batch_too_large"; unauthenticated/"webhook_bad_signature";
// permission_denied/"not_your_lead", "not_your_contract", "judge_not_eligible",
// "not_a_judge"; not_found/"lead_not_found", "contract_not_found", "dispute_not_found",
// "account_not_found"; failed_precondition/"parent_wrong_state" (lead not accepting),
// "tier_too_low", "no_contracts_available", "already_contracted", "active_children",
// "wrong_state", "insufficient_funds", "dispute_exists", "panel_full", "already_voted";
// already_exists/"external_ref_used", "external_ref_conflict".
//
// Thread-safety: Service is thread-safe (its ChainConfirmer must be too).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/market_binding.h"

namespace mc::mkt1337 {

// --- the market ------------------------------------------------------------------------

MarketBindingOptions market_binding_options(std::optional<bool> test_mode = std::nullopt);
Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode = std::nullopt);

std::string lead_id(JobId id);       // "lead_12"
std::string contract_id(JobId id);   // "contract_7"
std::string dispute_id(int64_t id);  // "dispute_3"
std::optional<JobId> parse_lead_id(std::string_view text);
std::optional<JobId> parse_contract_id(std::string_view text);
std::optional<int64_t> parse_dispute_id(std::string_view text);

// The six lead types, in the seed's order.
const std::vector<std::string_view>& lead_types();

// The typed success criteria of a lead type: `criteria_json` must be a JSON object with the
// type's required keys of the right JSON type (extra keys are kept):
//   CPR  {url: string}                    CPA  {action: string}
//   CPV  {min_duration_s: integer ≥ 1}    CPC  {target_url: string, clicks?: integer ≥ 1}
//   CPD  {download_url: string}           REVSHARE {revenue_share_bps: integer 1..10000}
// invalid_argument/"invalid_success_criteria" (param "success_criteria") naming the key;
// "unknown_lead_type" (param "type").
Status check_success_criteria(std::string_view type, std::string_view criteria_json);

// Built-in engine guards (Engine::open registers them):
// "mkt1337_lead" on the lead's creation: the type, the payload's success_criteria (above), and
// a budget (amount_minor) that is payout × contracts_max with payout ≥ 1;
// "mkt1337_proof" on submit_proof: the proof JSON has a non-empty "url", "tx_hash" or
// "video_url" string (invalid_argument/"proof_required", param "url").
Status check_lead(const Job& job, std::optional<PartyId> actor, const FireTransition& request);
Status check_proof(const Job& job, std::optional<PartyId> actor, const FireTransition& request);

// Confirms a USDC transfer: the amount (micro-USDC) the transaction moved to the escrow.
// Production only (test mode credits the amount given at once). An error refuses the deposit.
class ChainConfirmer {
 public:
  virtual ~ChainConfirmer() = default;
  virtual Result<int64_t> confirmed_amount_minor(std::string_view tx_hash) = 0;
};

// --- views -------------------------------------------------------------------------------

struct Account {
  Party party;
  int64_t rep_score = 0;  // 0–100
  std::string tier;       // "bronze", "silver", "gold", "platinum"
  int64_t bond_minor = 0;
  int64_t karma = 0;        // votes cast as a judge
  int64_t completions = 0;  // contracts paid to this party as doer
};

struct RepEvent {
  std::string kind;  // "bond", "completion", "dispute_won", "dispute_lost"
  int64_t delta = 0;
  std::optional<JobId> contract;
  int64_t at_ms = 0;
};

struct NewLead {
  std::string title;
  std::string description;
  std::string type;
  int64_t payout_minor = 0;
  int32_t slots = 1;
  std::string success_criteria_json = "{}";
  std::optional<int64_t> deadline_ms;
};

struct LeadFilter {
  std::optional<std::string> type;
  std::optional<int64_t> min_payout_minor;
  std::optional<int64_t> max_payout_minor;
  std::optional<int64_t> min_leader_rep;
  std::optional<int64_t> limit;  // default 50, at most 100
};

// A lead's seed status: "active" (unfunded or funded), "paused", "cancelled", "expired".
std::string lead_status(const Job& lead);
int64_t lead_payout_minor(const Job& lead);
// The lead's success criteria (JSON object text) from its payload.
std::string lead_success_criteria(const Job& lead);

struct EscrowStatus {
  JobId lead = 0;
  int64_t required_minor = 0;   // payout × slots
  int64_t deposited_minor = 0;  // credited by escrow deposits for this lead
  int64_t held_minor = 0;       // still held: the lead's undrawn payouts + live contracts'
  bool funded = false;
  bool replayed = false;  // the deposit's tx hash was credited before
};

struct BatchRejection {
  std::string lead_id;  // as given
  Status reason;
};
struct BatchResult {
  std::vector<Job> accepted;
  std::vector<BatchRejection> rejected;
};

struct ServiceOptions {
  bool test_mode = true;
  std::shared_ptr<ChainConfirmer> chain;  // production deposits (null: refused)
};

class Service {
 public:
  // Requires: engine outlives the Service.
  Service(Engine& engine, Market market, ServiceOptions options);

  const Market& market() const { return market_; }
  const MarketBinding& binding() const { return binding_; }
  bool test_mode() const { return options_.test_mode; }
  static constexpr std::string_view kApiKeyPrefix = "mkt_live_";
  static constexpr int32_t kBatchMax = 50;

  // --- accounts
  // The account of a wallet, created on first use (GET/POST /accounts).
  Result<Account> account_for_wallet(std::string_view wallet);
  Result<Account> account(PartyId party);
  // An existing account by wallet; not_found/"account_not_found".
  Result<Account> account_by_wallet(std::string_view wallet);
  // Bonds `amount_minor` USDC into the party's stake (raises rep_score, 1 per $10, ≤ 50).
  // tx_hash: credited once ever (test mode: optional; production: confirmed by the chain).
  Result<Account> bond(PartyId party, int64_t amount_minor, std::optional<std::string> tx_hash);
  Result<std::vector<RepEvent>> rep_events(PartyId party);
  // Recomputes and stores the party's reputation and tier; returns the account.
  Result<Account> refresh_reputation(PartyId party);

  // --- leads
  Result<Job> create_lead(PartyId leader, const NewLead& lead);
  Result<std::vector<Job>> leads(const LeadFilter& filter);
  // Any lead (public detail; the webhook secret never included).
  Result<Job> lead(std::string_view id);
  // "paused" or "active" (own leads only).
  Result<Job> set_lead_status(PartyId leader, std::string_view id, std::string_view status);
  // Cancels and refunds what is held (no active contract).
  Result<Job> cancel_lead(PartyId leader, std::string_view id);
  Result<std::string> webhook_secret(PartyId leader, std::string_view id);

  // --- escrow
  Result<EscrowStatus> deposit(PartyId leader, std::string_view lead, int64_t amount_minor,
                               std::string_view tx_hash);
  Result<EscrowStatus> escrow(std::string_view lead);

  // --- contracts
  Result<Job> accept(PartyId doer, std::string_view lead);
  // Up to kBatchMax leads (more: invalid_argument/"batch_too_large", nothing accepted); each
  // accepted or rejected with its reason, independently.
  Result<BatchResult> accept_batch(PartyId doer, const std::vector<std::string>& leads);
  // Contracts the party holds as doer or leader, newest first.
  Result<std::vector<Job>> contracts(PartyId party, int32_t limit);
  // A contract its doer or leader may read (others: contract_not_found).
  Result<Job> contract(PartyId viewer, std::string_view id);
  Result<Job> submit_proof(PartyId doer, std::string_view id, std::optional<std::string> url,
                           std::optional<std::string> tx_hash);
  Result<Job> submit_cpv_proof(PartyId doer, std::string_view id, const std::string& video_url,
                               std::optional<int64_t> duration_s);
  Result<Job> approve(PartyId leader, std::string_view id);
  Result<Dispute> reject(PartyId leader, std::string_view id, const std::string& reason);
  // The leader records the on-chain payout: the paid amount leaves the doer's balance to the
  // chain (a withdrawal under tx_hash, once per contract and once per hash).
  Result<Job> record_payout(PartyId leader, std::string_view id, std::string_view tx_hash);
  // The payout's tx hash recorded for a contract, if any.
  Result<std::optional<std::string>> payout_tx_hash(const Job& contract);

  // The leader's completion signal (POST /webhooks/completion): `raw_body` is
  // {lead_id, contract_id, conversion_id}, `signature` the hex HMAC-SHA256 of it under the
  // lead's webhook secret. Completes a CPR/CPA/CPD contract once; a replay answers the
  // contract as it is. unauthenticated/"webhook_bad_signature"; failed_precondition/
  // "wrong_lead_type", "wrong_state".
  struct Completion {
    Job contract;
    bool replayed = false;
  };
  Result<Completion> completion_signal(std::string_view raw_body, std::string_view signature);

  // --- referral links and conversions
  // A contract's referral link (its doer's, while the contract is active): the code names the
  // contract and carries an HMAC under the lead's webhook secret, so links need no storage and
  // cannot be guessed. The target is the lead's success-criteria URL (CPC target_url, CPR url,
  // CPD download_url, or a "url" any type may carry); a target_url given must equal it
  // (invalid_argument/"target_url_mismatch"); failed_precondition/"no_referral_target" when the
  // lead names none.
  struct ReferralLink {
    std::string code;
    JobId contract = 0;
    std::string target_url;
  };
  Result<ReferralLink> referral_link(PartyId doer, std::string_view contract,
                                     std::optional<std::string> target_url);
  // A visit of GET /r/:code by `visitor` (a stable visitor id: cookie or address): counted once
  // per visitor and link; on a CPC lead the contract completes at its success_criteria.clicks
  // (default 1) counted clicks. not_found/"referral_not_found" for a bad code.
  struct Click {
    ReferralLink link;
    bool counted = false;
    bool completed = false;
  };
  Result<Click> click(std::string_view code, std::string_view visitor);
  // An attributed conversion: kind "install" (CPI: completes CPD contracts) or "pixel"
  // (completes CPR / CPA contracts), once per conversion_id; a repeat answers the contract
  // as it is (replayed). failed_precondition/"wrong_lead_type".
  Result<Completion> conversion(std::string_view code, std::string_view kind,
                                std::string_view conversion_id);

  // --- disputes
  Result<Dispute> file_dispute(PartyId party, std::string_view contract, const std::string& reason);
  // Open disputes the party may judge (Gold+; not a party; panel not full).
  Result<std::vector<Dispute>> eligible_disputes(PartyId judge);
  Result<Dispute> join(PartyId judge, std::string_view dispute);
  // vote: "doer" or "leader".
  Result<Dispute> vote(PartyId judge, std::string_view dispute, std::string_view vote);
  Result<Dispute> dispute(std::string_view id);
  Result<std::vector<DisputeVote>> votes(int64_t dispute_id);

 private:
  Result<Job> own_lead(PartyId leader, std::string_view id);
  Result<Job> own_contract(PartyId party, std::string_view id, bool leader_only, bool doer_only);
  Result<int64_t> deposited_for(const Job& lead);
  Result<EscrowStatus> escrow_of(const Job& lead);
  Result<ReferralLink> link_of(const Job& contract, const Job& lead) const;
  Result<std::pair<Job, Job>> contract_of_code(std::string_view code);
  // Records `key` once, ever (the engine's durable replay guard); false when seen before.
  Result<bool> first_time(const std::string& key);

  Engine& engine_;
  Market market_;
  ServiceOptions options_;
  MarketBinding binding_ = MarketBinding::of(engine_, market_, market_binding_options());
};

}  // namespace mc::mkt1337
