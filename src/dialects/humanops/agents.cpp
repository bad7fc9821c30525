// HumanOps agents: registration (one write unit: the agent and its first API key), API keys
// (more keys, listed by prefix, revoked), balances and deposits. Deposit bounds ($5–$10,000,
// the market's deposit_min_minor / deposit_max_minor) are this market's rules; a USDC
// tx_hash credits once, ever (the engine's external reference "usdc:<hash>").
#include <algorithm>
#include <cctype>

#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/humanops.h"

namespace mc::humanops {
namespace {

bool hex_hash(std::string_view text) {
  if (text.size() != 66 || text.substr(0, 2) != "0x") return false;
  return std::all_of(text.begin() + 2, text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

bool printable_token(std::string_view text) {
  return !text.empty() && text.size() <= 128 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Service::Service(Engine& engine, Market market, auth::ApiKeys& keys, ServiceOptions options)
    : engine_(engine), market_(std::move(market)), keys_(keys), options_(std::move(options)) {
  if (options_.test_mode) {
    if (!options_.payments) options_.payments = instant_payment_provider();
    if (!options_.payouts) options_.payouts = instant_payout_provider();
  }
}

std::string Service::api_key_prefix(bool test_mode) {
  return test_mode ? "ho_test_" : "ho_live_";
}

Result<RegisteredAgent> Service::register_agent(const NewAgent& agent, bool admin_ok) {
  if (!options_.test_mode && !admin_ok) {
    return permission_denied("admin_key_required", "X-Admin-Key header required");
  }
  MC_TRY(internal::check_text(agent.name, "name", 100, true));
  MC_TRY(internal::check_text(agent.email, "email", 254, true));
  if (agent.email.find('@') == std::string::npos) {
    return invalid_argument("invalid_value", "email must be an email address", "email");
  }
  MC_TRY(internal::check_text(agent.company, "company", 200, false));
  Party party;
  party.market_id = market_.id;
  party.kind = "agent";
  party.display_name = agent.name;
  json::JsonWriter profile;
  profile.begin_object();
  profile.key("email").value(agent.email);
  if (!agent.company.empty()) profile.key("company").value(agent.company);
  profile.end_object();
  party.profile_json = std::move(profile).take();
  MC_TRY_ASSIGN(auth::CreatedApiKey key,
                keys_.mint("", api_key_prefix(options_.test_mode), "default"));
  RegisterParty registration{.party = std::move(party), .api_key = key.record};
  MC_TRY_ASSIGN(RegisteredParty created, engine_.register_party(registration));
  return RegisteredAgent{.party = created.party,
                         .agent_id = agent_id(created.party.id),
                         .api_key = std::move(key.key)};
}

Result<Party> Service::authenticate_agent(std::string_view api_key) {
  return binding_.party_for_api_key(keys_, api_key, api_key_prefix(options_.test_mode), "agent");
}

Result<NewKey> Service::create_key(PartyId agent, std::string label) {
  if (label.empty()) label = "default";
  MC_TRY(internal::check_text(label, "name", 100, false));
  MC_TRY_ASSIGN(auth::CreatedApiKey created,
                keys_.create(std::to_string(agent), api_key_prefix(options_.test_mode), label));
  return NewKey{.api_key = std::move(created.key), .record = std::move(created.record)};
}

Result<std::vector<auth::ApiKeyRecord>> Service::keys(PartyId agent) {
  MC_TRY_ASSIGN(std::vector<auth::ApiKeyRecord> all, keys_.list(std::to_string(agent)));
  std::vector<auth::ApiKeyRecord> active;
  for (auth::ApiKeyRecord& record : all) {
    if (!record.revoked_at_ms) active.push_back(std::move(record));
  }
  return active;
}

Status Service::revoke_key(PartyId agent, std::string_view key_id) {
  Status revoked = keys_.revoke(std::to_string(agent), key_id);
  if (!revoked.ok() && revoked.code() == Code::not_found) {
    return not_found("key_not_found", "API key not found");
  }
  return revoked;
}

Result<Balances> Service::balances(PartyId agent) {
  return engine_.balances(market_.id, agent);
}

namespace {

Status check_deposit_amount(const Market& market, int64_t amount_minor, const char* param) {
  const int64_t minimum = internal::setting_int(market, "deposit_min_minor", 500);
  const int64_t maximum = internal::setting_int(market, "deposit_max_minor", 1'000'000);
  if (amount_minor < minimum || amount_minor > maximum) {
    return invalid_argument("deposit_out_of_range",
                            std::string(param) + " must be between $" +
                                std::to_string(minimum / 100) + " and $" +
                                std::to_string(maximum / 100),
                            param);
  }
  return ok_status();
}

}  // namespace

Result<Deposited> Service::deposit_usdc(PartyId agent, std::string_view tx_hash,
                                        int64_t amount_minor) {
  if (tx_hash.empty()) return invalid_argument("missing_param", "tx_hash is required", "tx_hash");
  if (options_.test_mode ? !printable_token(tx_hash) : !hex_hash(tx_hash)) {
    return invalid_argument("invalid_value", "tx_hash must be a Base L2 transaction hash",
                            "tx_hash");
  }
  MC_TRY(check_deposit_amount(market_, amount_minor, "amount_usdc"));
  int64_t credited = amount_minor;
  if (!options_.test_mode) {
    if (!options_.chain) {
      return Status(Code::unavailable, "chain_confirmation_unavailable",
                    "USDC deposits cannot be confirmed on this server");
    }
    MC_TRY_ASSIGN(credited, options_.chain->confirmed_amount_minor(tx_hash));
    if (credited != amount_minor) {
      return invalid_argument(
          "amount_mismatch", "amount_usdc does not match the confirmed transaction", "amount_usdc");
    }
  }
  MC_TRY_ASSIGN(MoneyMovement moved, engine_.deposit({.market_id = market_.id,
                                                      .party_id = agent,
                                                      .amount_minor = credited,
                                                      .reason = "usdc_deposit",
                                                      .external_ref = "usdc:" + lower(tx_hash)}));
  return Deposited{.transaction_id = transaction_id(moved.transfer_id),
                   .amount_minor = credited,
                   .status = "confirmed"};
}

Result<Deposited> Service::deposit_fiat(PartyId agent, int64_t amount_minor,
                                        const std::string& payment_method,
                                        const std::string& return_url) {
  if (payment_method != "card" && payment_method != "bank_transfer") {
    return invalid_argument("invalid_value", "payment_method must be \"card\" or \"bank_transfer\"",
                            "payment_method");
  }
  MC_TRY(internal::check_text(return_url, "return_url", 2048, false));
  MC_TRY(check_deposit_amount(market_, amount_minor, "amount_usd"));
  if (!options_.payments) {
    return Status(Code::unavailable, "payments_unavailable",
                  "Fiat deposits are not available on this server");
  }
  MC_TRY_ASSIGN(std::string random, crypto::random_bytes(6));
  const std::string order_id = agent_id(agent) + "_" + std::to_string(engine_.clock().now_ms()) +
                               encoding::hex_encode(random);
  MC_TRY_ASSIGN(PaymentStarted started, options_.payments->start({.agent = agent,
                                                                  .amount_minor = amount_minor,
                                                                  .payment_method = payment_method,
                                                                  .return_url = return_url,
                                                                  .order_id = order_id}));
  if (started.completed) return credit_payment(order_id, amount_minor);
  return Deposited{.amount_minor = amount_minor,
                   .status = "pending",
                   .payment_id = order_id,
                   .redirect_url = started.redirect_url};
}

Result<Deposited> Service::credit_payment(std::string_view order_id, int64_t amount_minor) {
  // "agent_<n>_<the rest>"
  const Status unknown = invalid_argument("invalid_value", "order_id names no agent", "order_id");
  if (order_id.substr(0, 6) != "agent_") return unknown;
  const size_t end = order_id.find('_', 6);
  if (end == std::string_view::npos || end == 6 || end - 6 > 18) return unknown;
  PartyId agent = 0;
  for (const char c : order_id.substr(6, end - 6)) {
    if (c < '0' || c > '9') return unknown;
    agent = agent * 10 + (c - '0');
  }
  Result<Party> party = binding_.party(agent);
  if (!party.ok() || party->kind != "agent") return unknown;
  MC_TRY(internal::check_text(order_id, "order_id", 200, true));
  MC_TRY(check_deposit_amount(market_, amount_minor, "amount"));
  MC_TRY_ASSIGN(MoneyMovement moved,
                engine_.deposit({.market_id = market_.id,
                                 .party_id = agent,
                                 .amount_minor = amount_minor,
                                 .reason = "fiat_deposit",
                                 .external_ref = "fiat:" + std::string(order_id)}));
  return Deposited{.transaction_id = transaction_id(moved.transfer_id),
                   .amount_minor = amount_minor,
                   .status = "completed",
                   .payment_id = std::string(order_id)};
}

Result<Deposited> Service::deposit_status(PartyId agent, std::string_view payment_id) {
  if (payment_id.empty()) {
    return invalid_argument("missing_param", "payment_id is required", "payment_id");
  }
  const std::string ref = "fiat:" + std::string(payment_id);
  std::optional<TransferId> before;
  for (int page = 0; page < 100; ++page) {
    MC_TRY_ASSIGN(std::vector<Transfer> transfers,
                  engine_.transfers(market_.id, agent, before, 200));
    for (const Transfer& transfer : transfers) {
      if (transfer.external_ref == ref) {
        return Deposited{.transaction_id = transaction_id(transfer.id),
                         .amount_minor = transfer.amount_minor,
                         .status = "completed",
                         .payment_id = std::string(payment_id)};
      }
    }
    if (transfers.size() < 200) break;
    before = transfers.back().id;
  }
  return not_found("payment_not_found", "Payment not found");
}

}  // namespace mc::humanops
