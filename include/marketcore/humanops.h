// marketcore/humanops.h — the HumanOps market definition (seed 004) over an Engine.
//
// AI agents hire human operators: an agent registers (an API key "ho_live_…" / "ho_test_…",
// shown once), funds its deposit balance (USDC by tx_hash, each hash credited once ever; fiat
// through a PaymentProvider), posts tasks whose reward plus the volume-tier fee (18 / 15 / 12 %
// on the trailing 30-day spend, at least $2.00) is escrowed at creation, and reads, cancels
// (PENDING or ACCEPTED, full refund) and settles them (manual verify). Operators register (KYC
// VERIFIED at once in test mode), browse PENDING tasks, accept one (KYC required; first accept
// wins), submit proof (photos, a confirmation, or a Tier 2 encrypted credential), and draw
// their earnings, which wait 7 days in `pending` before they become `available`, as payouts of
// at least $10 through a PayoutProvider. Submitted proof is routed by a Verifier (≥ 90
// complete, 50–89 manual review, < 50 disputed; a failing or absent verifier means manual
// review) off the request thread, from durable state (SUBMITTED tasks without a verdict);
// callbacks go out through the engine's webhook outbox, signed with the task's callback secret.
//
// Rules live in two places, both in the library: what a task may be (task types, domains,
// category maximums, Tier 2 public keys, locations, instruction sizes) is the built-in engine
// guard "humanops_task" on the lifecycle's creation (check_task below), so a task created
// through /v1 or by a C++ host is held to the same rules; money bounds (deposits, payouts),
// authentication and who sees what are this Service's.
//
// Identities: "agent_<n>", "task_<n>", "txn_<n>", "payout_<random hex>"; an operator's id is its
// external identity (the X-Operator-Id of test mode, the JWT subject in production).
//
// Errors (details; dialects map codes to HTTP): invalid_argument (param names the field);
// unauthenticated/"api_key_invalid", "operator_unknown"; permission_denied/"kyc_required",
// "admin_key_required", "not_your_task"; not_found/"task_not_found", "key_not_found",
// "payment_not_found", "payout_not_found"; failed_precondition/"insufficient_funds" (402),
// "task_not_pending", "wrong_state", "credential_not_available", "insufficient_earnings";
// already_exists/"task_taken", "external_ref_used", "external_ref_conflict";
// failed_precondition/"task_expired" (410); aborted/"idempotency_key_reused" (409).
//
// Thread-safety: Service is thread-safe (its providers must be too).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/api_keys.h"
#include "marketcore/engine.h"
#include "marketcore/market_binding.h"
#include "marketcore/webhooks.h"

namespace mc::humanops {

// --- the market ------------------------------------------------------------------------

MarketBindingOptions market_binding_options(std::optional<bool> test_mode = std::nullopt);
Result<MarketBinding> open_market(Engine& engine, std::optional<bool> test_mode = std::nullopt);

std::string agent_id(PartyId id);     // "agent_12"
std::string task_id(JobId id);        // "task_7"
std::string transaction_id(int64_t);  // "txn_3"
std::optional<JobId> parse_task_id(std::string_view text);

// --- task types (the seed's 13) --------------------------------------------------------

struct TaskType {
  std::string_view name;           // "VERIFICATION", ...
  bool digital = false;            // domain DIGITAL (else PHYSICAL)
  bool credential = false;         // Tier 2: needs agent_public_key, ARTIFACT proof
  int64_t reward_max_minor = 0;    // the category maximum (0: the market's $10,000)
  std::string_view default_proof;  // PHOTO, SCREENSHOT, CONFIRMATION or ARTIFACT
  std::string_view description;
};

const std::vector<TaskType>& task_types();
const TaskType* find_task_type(std::string_view name);

// The guard "humanops_task" of the lifecycle's creation: the task's category is one of the 13
// types; task_domain, when given, matches the type's; proof_type, when given, is one of the
// four; the reward is at most the category maximum; a Tier 2 type carries agent_public_key
// (base64 of a P-256 point, raw or SPKI); a physical task has location {lat, lng}; a deadline
// is set; digital_instructions has at most 10,000 characters. invalid_argument naming the
// field. Engine::open registers it.
Status check_task(const Job& job, std::optional<PartyId> actor, const FireTransition& request);

// --- providers (interfaces the host implements; test doubles below) ---------------------

// Confirms a USDC transfer on Base: the amount in cents the transaction really moved to the
// agent's deposit address. Production only (test mode credits at once).
class ChainConfirmer {
 public:
  virtual ~ChainConfirmer() = default;
  virtual Result<int64_t> confirmed_amount_minor(std::string_view tx_hash) = 0;
};

struct PaymentRequest {
  PartyId agent = 0;
  int64_t amount_minor = 0;
  std::string payment_method;  // "card" | "bank_transfer"
  std::string return_url;
  // Ours: "<agent_id>_<ms>" (the seed's dLocal order_id, "agentId_timestamp"); it is also the
  // payment_id the agent sees, and credit_payment's key.
  std::string order_id;
};
struct PaymentStarted {
  bool completed = false;  // true: credit now (test mode); false: the provider's webhook will
  std::string redirect_url;
};
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual Result<PaymentStarted> start(const PaymentRequest& request) = 0;
};

struct PayoutRequest {
  PartyId operator_party = 0;
  int64_t amount_minor = 0;
  std::string payee_id;
  std::string payout_id;  // ours, for the provider's idempotency
};
class PayoutProvider {
 public:
  virtual ~PayoutProvider() = default;
  // ok: the money was sent. An error reverses the debit.
  virtual Status send(const PayoutRequest& request) = 0;
};

// Knows an operator's identity verification (production): "VERIFIED", "PENDING" or
// "REJECTED". Asked when an operator who is not VERIFIED tries to accept a task; the answer is
// stored on the operator.
class KycProvider {
 public:
  virtual ~KycProvider() = default;
  virtual Result<std::string> kyc_status(const Party& op) = 0;
};

// The AI Guardian: judges a proof against the task.
struct GuardianResult {
  std::string decision;  // "APPROVE" | "MANUAL_REVIEW" | "REJECT"
  int32_t confidence = 0;
  std::string reasoning;
};
class Verifier {
 public:
  virtual ~Verifier() = default;
  // `task_json` is the task as its agent sees it (with proof). An error (or a timeout) routes
  // the task to manual review.
  virtual Result<GuardianResult> verify(const std::string& task_json) = 0;
};

// Test doubles: payments complete at once; payouts succeed.
std::shared_ptr<PaymentProvider> instant_payment_provider();
std::shared_ptr<PayoutProvider> instant_payout_provider();

// --- requests and views ----------------------------------------------------------------

struct NewAgent {
  std::string name;
  std::string email;
  std::string company;
};
struct RegisteredAgent {
  Party party;
  std::string agent_id;
  std::string api_key;  // shown once
};

struct NewKey {
  std::string api_key;  // shown once
  auth::ApiKeyRecord record;
};

struct Deposited {
  std::string transaction_id;
  int64_t amount_minor = 0;
  std::string status;  // "confirmed" (USDC), "completed" / "pending" (fiat)
  std::string payment_id;
  std::string redirect_url;
};

struct Location {
  std::optional<std::string> lat;  // decimal text as given
  std::optional<std::string> lng;
  std::optional<std::string> address;
};

struct NewTask {
  std::string title;
  std::string description;
  std::optional<std::string> location_json;  // the object as given
  int64_t reward_minor = 0;
  std::optional<int64_t> deadline_ms;
  std::vector<std::string> proof_requirements;
  std::string task_type;
  std::optional<std::string> task_domain;
  std::optional<std::string> proof_type;
  std::optional<std::string> digital_instructions;
  std::optional<std::string> callback_url;
  std::optional<std::string> callback_secret;
  std::optional<std::string> agent_public_key;
  std::string idempotency_key;  // "" for none
};

// A task's HumanOps fields, read from its payload (secrets never included).
struct TaskFields {
  std::string location_json = "null";
  std::vector<std::string> proof_requirements;
  std::string task_domain;
  std::string proof_type;
  std::string digital_instructions;
  std::string callback_url;
  std::string agent_public_key;
  bool has_callback_secret = false;
};
TaskFields task_fields(const Job& job);

struct TaskFilter {
  std::optional<std::string> status;
  std::optional<std::string> task_type;
  int64_t limit = 20;
  int64_t offset = 0;
};
struct TaskPage {
  std::vector<Job> tasks;
  int64_t limit = 20;
  int64_t offset = 0;
  int64_t total = 0;
};

struct NewOperator {
  std::string external_id;  // X-Operator-Id or the JWT subject
  std::string name;
  std::string email;
  std::string phone;
  std::string location_json = "{}";
  std::vector<std::string> skills;
};

struct Proof {
  std::vector<std::string> photos;
  std::string notes;
  std::optional<std::string> confirmation_text;
  std::optional<std::string> reference_url;
  std::optional<std::string> encrypted_credential_json;  // {ciphertext, iv, ephemeralPublicKey}
};

struct Earnings {
  int64_t pending_minor = 0;
  int64_t available_minor = 0;
  int64_t total_earned_minor = 0;
  std::vector<Job> recent_tasks;  // completed, newest first (at most 10)
};

struct Payout {
  std::string payout_id;
  int64_t amount_minor = 0;
  std::string status;  // "completed"
};

struct ServiceOptions {
  bool test_mode = true;
  std::shared_ptr<ChainConfirmer> chain;      // production USDC (null: refused)
  std::shared_ptr<PaymentProvider> payments;  // null: instant in test mode, else refused
  std::shared_ptr<PayoutProvider> payouts;    // null: instant in test mode, else refused
  std::shared_ptr<KycProvider> kyc;           // null: KYC changes only by the host's hand
};

class Service {
 public:
  // Requires: engine and keys outlive the Service; `keys` is over the engine's key store.
  Service(Engine& engine, Market market, auth::ApiKeys& keys, ServiceOptions options);

  const Market& market() const { return market_; }
  const MarketBinding& binding() const { return binding_; }
  bool test_mode() const { return options_.test_mode; }
  static std::string api_key_prefix(bool test_mode);  // "ho_test_" / "ho_live_"

  // --- agents
  // `admin_ok`: the caller presented the admin key (required in production).
  Result<RegisteredAgent> register_agent(const NewAgent& agent, bool admin_ok);
  Result<Party> authenticate_agent(std::string_view api_key);
  Result<NewKey> create_key(PartyId agent, std::string label);
  Result<std::vector<auth::ApiKeyRecord>> keys(PartyId agent);  // active only
  Status revoke_key(PartyId agent, std::string_view key_id);
  Result<Balances> balances(PartyId agent);
  Result<Deposited> deposit_usdc(PartyId agent, std::string_view tx_hash, int64_t amount_minor);
  Result<Deposited> deposit_fiat(PartyId agent, int64_t amount_minor,
                                 const std::string& payment_method, const std::string& return_url);
  Result<Deposited> deposit_status(PartyId agent, std::string_view payment_id);
  // The payment provider confirmed `order_id` (dLocal PAID / COMPLETED): credits its agent
  // once, ever (a repeat answers the first credit). invalid_argument for an order_id that
  // names no agent of this market, deposit bounds as for deposits.
  Result<Deposited> credit_payment(std::string_view order_id, int64_t amount_minor);

  // --- tasks (agent side)
  Result<JobOutcome> create_task(PartyId agent, const NewTask& task);
  Result<TaskPage> tasks(PartyId agent, const TaskFilter& filter);
  Result<Job> task(PartyId agent, std::string_view id);
  Result<Job> cancel(PartyId agent, std::string_view id);
  Result<Job> verify(PartyId agent, std::string_view id, std::string_view decision);
  // The stored blob, byte for byte, to the task's agent once the task is COMPLETED.
  Result<std::string> retrieve_credential(PartyId agent, std::string_view id);

  // --- operators
  Result<Party> register_operator(const NewOperator& op);
  // The operator registered under `external_id`; unauthenticated/"operator_unknown".
  Result<Party> operator_by_id(std::string_view external_id);
  Result<TaskPage> available_tasks(const TaskFilter& filter);
  Result<Job> accept(PartyId op, std::string_view id);
  Result<Job> submit(PartyId op, std::string_view id, const Proof& proof);
  Result<Earnings> earnings(PartyId op);
  Result<Payout> payout(PartyId op, int64_t amount_minor, const std::string& payee_id);
  Result<Payout> payout_status(PartyId op, std::string_view payout_id);

  // Verified operators near a point (MCP search_operators): operators whose profile location
  // carries lat/lng within `radius_km` (default 25, at most 20,000), nearest first, with the
  // task type among their skills when one is given. At most 50.
  struct NearbyOperator {
    Party party;
    double distance_km = 0;
  };
  Result<std::vector<NearbyOperator>> search_operators(double lat, double lng,
                                                       std::optional<double> radius_km,
                                                       std::optional<std::string> task_type);

  // --- verification (run off the request thread)
  // Routes up to `limit` SUBMITTED tasks that have no guardian result yet: asks `verifier`
  // (none: manual review) with no transaction open, then fires the lifecycle's routing.
  // Returns how many were routed.
  Result<int64_t> verify_pending(Verifier* verifier, int32_t limit);
  // The task as its agent reads it (the JSON a Verifier receives).
  std::string task_json_for_verifier(const Job& job) const;

  // --- callbacks
  // The callback for one claimed delivery: the seed's body signed X-HumanOps-Signature with
  // the task's callback secret; nullopt when the event is not a callback of this endpoint.
  struct Callback {
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  Result<std::optional<Callback>> render_callback(const DueWebhookDelivery& due);

 private:
  Result<Job> own_task(PartyId agent, std::string_view id);
  Result<std::string> callback_secret(const Job& job);
  Status ensure_callback_endpoint(PartyId agent, const std::string& url);

  Engine& engine_;
  Market market_;
  auth::ApiKeys& keys_;
  ServiceOptions options_;
  MarketBinding binding_ = MarketBinding::of(engine_, market_, market_binding_options());
};

}  // namespace mc::humanops
