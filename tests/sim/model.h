// The simulator's independent model of the markets: every party's balances, every job's
// state, escrow, stakes and dispute deposits, and the events each job must have emitted.
//
// The model never reads the engine's money: it learns only *which* transitions fired (a job's
// history) and applies their ledger effects itself, with its own arithmetic, from the effect
// lists of the lifecycle definitions (the public data that says what a transition means). It
// then says what every balance must be; the simulator compares. It also recomputes each job's
// fee quote from its market's fee policy, so a quote the engine locked wrongly shows.
//
// Thread-safety: none; the simulator owns it on one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "marketcore/engine.h"

namespace mc::sim {

// Where a piece of held escrow came from and returns to on a refund.
struct EscrowPart {
  AccountKind source = AccountKind::available;  // promo or available of the poster
  std::optional<JobId> lead;                    // drawn from this lead's escrow instead
  size_t lead_part = 0;                         // which of the lead's parts
  int64_t balance_minor = 0;                    // still held
};

struct StakeLock {
  PartyId party = 0;
  int64_t amount_minor = 0;
};

struct DisputeDeposit {
  PartyId payer = 0;
  int64_t amount_minor = 0;
};

struct ModelJob {
  JobId id = 0;
  MarketId market = 0;
  std::string lifecycle;
  std::string state;
  PartyId poster = 0;
  std::optional<PartyId> worker;
  std::optional<PartyId> evaluator;
  std::optional<JobId> parent;
  FeeQuote quote;  // the locked quote as the model expects it
  int32_t contracts_max = 1;
  int32_t contracts_taken = 0;
  std::vector<EscrowPart> escrow;  // held escrow parts, in funding order
  bool escrow_resolved = false;    // posted or refunded (at most once)
  std::vector<StakeLock> stakes;
  std::vector<DisputeDeposit> deposits;
  size_t history_seen = 0;                   // history records applied
  std::vector<std::string> expected_events;  // job event types in order
  size_t events_seen = 0;                    // of them, matched with the engine's
  int64_t entered_at_ms = 0;                 // last history record's time
  std::optional<int64_t> deadline_at_ms;     // as created
  std::optional<int64_t> work_timeout_ms;    // as created
  std::optional<int64_t> submitted_at_ms;    // time of the last proof recorded
};

struct ModelParty {
  MarketId market = 0;
  Balances balances;
  int64_t reputation = 0;
};

struct SettlementLock {
  PartyId worker = 0;
  int64_t amount_minor = 0;
  int64_t due_at_ms = 0;
};

class Model {
 public:
  // A problem the model found while applying what the engine reported; the simulator turns it
  // into an invariant violation.
  std::vector<std::string> problems;

  void add_market(const Market& market, const LifecycleDefinition& lifecycle,
                  const LifecycleDefinition* contract_lifecycle);
  void add_party(const Party& party);
  const Market& market(MarketId id) const { return markets_.at(id); }
  const LifecycleDefinition& lifecycle(std::string_view name) const;

  ModelParty& party(PartyId id) { return parties_.at(id); }
  const std::map<PartyId, ModelParty>& parties() const { return parties_; }
  std::map<JobId, ModelJob>& jobs() { return jobs_; }
  ModelJob* job(JobId id);

  // Money the engine acknowledged outside lifecycles.
  void deposited(PartyId party, AccountKind into, int64_t amount_minor);
  void withdrew(PartyId party, AccountKind from, int64_t amount_minor);

  // The quote the model expects for a new job of `market` (nullopt: the amount is refused);
  // `platform_bps` is the rate the engine chose among the policy's tiers (checked separately).
  std::optional<FeeQuote> expected_quote(MarketId market, int64_t amount_minor,
                                         int32_t platform_bps) const;

  // Starts tracking a job the engine created (as read back); its history is applied next.
  ModelJob& adopt(const Job& job);

  // Applies one history record of `job` (the next unseen one); `stored` is the job as read
  // after it, for the worker the record set.
  void apply(ModelJob& job, const JobTransitionRecord& record, const Job& stored);

  // Releases every settlement lock due at `now_ms` (the engine's due work has run).
  void release_settlements(int64_t now_ms);
  int64_t platform_minor(MarketId market) const;
  int64_t pending_settlements() const { return static_cast<int64_t>(settlements_.size()); }

  // The latest time `job` may still be in its current state: the earliest of its state's
  // timers (nullopt for a terminal state).
  std::optional<int64_t> leave_by_ms(const ModelJob& job) const;
  bool terminal(const ModelJob& job) const;

 private:
  void effect(ModelJob& job, const Effect& effect, const JobTransitionRecord& record);
  void fund_escrow(ModelJob& job);
  void pay_worker(ModelJob& job, int64_t now_ms);
  void refund_poster(ModelJob& job);
  void draw_from_parent(ModelJob& job);
  void return_part(ModelJob& job, const EscrowPart& part);
  std::optional<PartyId> party_of(const ModelJob& job, Role role,
                                  const JobTransitionRecord& record) const;
  void problem(const ModelJob& job, const std::string& what);

  std::map<MarketId, Market> markets_;
  std::map<std::string, LifecycleDefinition, std::less<>> lifecycles_;
  std::map<PartyId, ModelParty> parties_;
  std::map<JobId, ModelJob> jobs_;
  std::map<MarketId, int64_t> platform_;
  std::vector<SettlementLock> settlements_;
};

}  // namespace mc::sim
