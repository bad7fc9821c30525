// marketcore/j0.h — the j0 market definition (seed 001) over an Engine: its rules and words.
//
// j0 users are wallet parties of the "j0" market. Credits are the market's asset (scale 0,
// one credit = one cent): `available` is cash (purchased, the only withdrawable balance),
// `promo` is promotional credit (spent first). A job is posted with its credits escrowed;
// the first worker to accept wins (atomically, in the engine); the full prompt is revealed
// only to the requester and the accepted worker, others see a preview of at most 100
// characters (declared in the j0 lifecycle's visibility, applied by the engine's read path); the
// worker must complete before accepted_at + timeout_sec, or the clock times the job out and refunds
// the requester; an unaccepted job expires 7 minutes after posting and is refunded; complete pays
// floor(credits × 0.9) to the worker, the rest to the platform; only the requester may cancel, and
// only before acceptance.
//
// J0Market validates requests with the seed's bounds and answers refusals with the seed's
// messages (Status::message is the text a j0 client sees; Status::detail is the stable code):
//   invalid_argument/"validation_error"      a bound or a missing/empty field (param names it)
//   failed_precondition/"insufficient_credits" "Insufficient credits: have 5, need 10"
//   not_found/"job_not_found", "user_not_found"
//   failed_precondition/"job_already_accepted" "Job already accepted by another worker" (or
//                       "by you" to its worker)
//   failed_precondition/"job_timeout_expired"  "Job timeout expired"
//   failed_precondition/"job_not_accepted", "job_already_completed", "job_not_open",
//                       "cannot_cancel_accepted" "Job already accepted (cannot cancel)"
//   permission_denied/"not_requester" "Not the requester", "not_worker", "own_job"
// plus the engine's own status where the seed has no words (a lost race: aborted; a job posted
// for another worker through /v1: permission_denied/"not_assigned_worker"; unavailable,
// internal). Accept, complete and cancel fire the j0 lifecycle at once; a refusal is
// explained from the lifecycle (mc::explain_refusal, marketcore/refusal.h) and worded with one
// table. When several checks fail the seed's order holds: who is asking before the job's
// state (a third party completing a posted job is "not_worker"), the state before the clock.
//
// Thread-safety: J0Market holds only the engine reference and immutable settings; every
// method may be called from any thread (the Engine is thread-safe).
//
// Example:
//   MC_TRY_ASSIGN(mc::j0::J0Market j0, mc::j0::J0Market::open(engine));
//   MC_TRY_ASSIGN(mc::Party user, j0.user_for_wallet("0xabc…"));
//   MC_TRY_ASSIGN(mc::Job job, j0.post_job({.requester_id = user.id, .capability = "opus",
//                                           .credits = 10, .timeout_sec = 30, .prompt = "…"}));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/market_binding.h"
#include "marketcore/status.h"

namespace mc::j0 {

inline constexpr std::string_view kMarketName = "j0";
inline constexpr int64_t kCreditsMin = 5;
inline constexpr int64_t kCreditsMax = 100;
inline constexpr int64_t kTimeoutSecMin = 10;
inline constexpr int64_t kTimeoutSecMax = 60;
inline constexpr int64_t kPromptCharsMax = 10'240;
inline constexpr int64_t kPromptPreviewChars = 100;
inline constexpr int64_t kUnacceptedExpiryMs = 7 * 60 * 1000;
inline constexpr int32_t kListLimitDefault = 50;
inline constexpr int32_t kListLimitMax = 100;

// Job statuses a client sees (the lifecycle's states).
inline constexpr const char* kStatuses[] = {"posted", "accepted", "completed", "timeout",
                                            "cancelled"};

struct PostJob {
  PartyId requester_id = 0;
  std::string capability;   // opus, sonnet, gpt4, gpt4-turbo, dall-e-3
  int64_t credits = 0;      // 5–100
  int64_t timeout_sec = 0;  // 10–60
  std::string prompt;       // 1–10,240 characters
};

struct JobFilter {
  std::optional<std::string> status;  // one of kStatuses
  std::optional<PartyId> requester_id;
  std::optional<PartyId> worker_id;
  int32_t limit = kListLimitDefault;
};

struct CreditBalance {
  int64_t cash_cents = 0;
  int64_t promo_cents = 0;
  int64_t total_cents = 0;
};

// One line of a user's transaction history, signed from the user's side.
struct CreditTransaction {
  int64_t id = 0;
  PartyId user_id = 0;
  int64_t amount_cents = 0;  // > 0 credit, < 0 debit
  std::string type;          // purchase, job_post, job_earn, job_refund, withdrawal
  std::string description;   // "Posted job #456", "Purchased via Stripe ($10.00)"
  int64_t created_at_ms = 0;
};

struct Completion {
  Job job;
  int64_t credits_earned = 0;  // floor(credits × 0.9)
};

struct Cancellation {
  Job job;
  int64_t credits_refunded = 0;
};

class J0Market {
 public:
  // Binds to the engine's "j0" market, creating it from builtin_market_config("j0") if
  // missing. Requires: `engine` outlives the J0Market.
  static Result<J0Market> open(Engine& engine);

  MarketId market_id() const { return binding_.market_id(); }
  Engine& engine() const { return binding_.engine(); }
  // The market binding (dialect kit) under this market: scoped lookups, list limits.
  const MarketBinding& binding() const { return binding_; }

  // The user of a wallet (lower-case 0x-hex), registered on first login.
  Result<Party> user_for_wallet(std::string_view wallet_address_lower) const;
  // not_found/"user_not_found" for an unknown id or a party of another market.
  Result<Party> user(PartyId id) const;

  Result<CreditBalance> balance(PartyId user) const;
  // Newest first; `limit` is clamped to 1–100.
  Result<std::vector<CreditTransaction>> transactions(PartyId user, int32_t limit) const;

  Result<Job> post_job(const PostJob& request) const;
  // The acting party is a j0 user (user_for_wallet); the engine refuses a party of one market
  // acting on another market's job, which these answer as not_found/"job_not_found".
  Result<Job> accept_job(JobId job, PartyId worker) const;
  Result<Completion> complete_job(JobId job, PartyId worker, std::string result) const;
  Result<Cancellation> cancel_job(JobId job, PartyId requester) const;
  // not_found/"job_not_found" for an unknown id or another market's job. As `viewer` may see
  // it: the lifecycle's visibility gives the full prompt and the result only to the
  // requester and the accepted worker; others see the prompt's first 100 characters and no
  // result (Job::redacted_fields lists what was cut). The default viewer is the platform.
  Result<Job> job(JobId id, const JobViewer& viewer = JobViewer::of_platform()) const;
  Result<std::vector<Job>> jobs(const JobFilter& filter,
                                const JobViewer& viewer = JobViewer::of_platform()) const;

  // When the job stops being acceptable or completable: posted → created_at + 7 minutes;
  // accepted (and after) → accepted_at + timeout_sec.
  static int64_t expires_at_ms(const Job& job);
  // When a job expires if nobody accepts it: created_at + 7 minutes.
  static int64_t unaccepted_expires_at_ms(const Job& job) {
    return job.created_at_ms + kUnacceptedExpiryMs;
  }
  // A balance as j0 shows it: total = cash + promo.
  static CreditBalance credit_balance(int64_t cash_cents, int64_t promo_cents) {
    return {.cash_cents = cash_cents,
            .promo_cents = promo_cents,
            .total_cents = cash_cents + promo_cents};
  }
  // floor(credits × 0.9) as the job's locked quote pays it.
  static int64_t credits_earned(const Job& job) { return job.fees.worker_minor; }
  // Clamps a requested list size: absent → 50, above 100 → 100. invalid_argument below 1.
  Result<int32_t> list_limit(std::optional<int64_t> requested) const {
    return binding_.list_limit(requested);
  }

 private:
  explicit J0Market(MarketBinding binding) : binding_(std::move(binding)) {}
  Result<JobOutcome> fire(JobId job, std::string_view transition, PartyId actor,
                          std::string result = {}) const;

  MarketBinding binding_;
};

// The processing fee of credit purchases: the market's config_json "purchase_fee_bps", or
// payments' default (500) when absent or unreadable.
int64_t purchase_fee_bps(const MarketConfig& config);

// The seed's transaction type for a ledger transfer reason ("job_post" → "job_post",
// "purchase:…" → "purchase"), or "" for reasons j0 does not show.
std::string transaction_type(std::string_view transfer_reason);

}  // namespace mc::j0
