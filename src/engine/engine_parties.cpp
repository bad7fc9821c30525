// Engine: parties — registration (alone, or as one unit with an opening deposit and an API
// key), profile updates and lookups.
//
// Identity uniqueness is a per-market setting (MarketConfig::unique_email, unique_wallet,
// unique_external_id) checked inside the write unit; the single writer runs one unit at a
// time, so two concurrent registrations of one wallet cannot both pass the check. Lookups by
// a field the market does not make unique return the oldest party that has it.
//
// Updates: update_party_fields applies only the fields a PartyUpdate sets to the row as it is
// inside the write unit, so concurrent updates of different fields (a verifier setting
// kyc_status, a dispute raising reputation) never lose each other's writes.
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "engine/engine_impl.h"
#include "engine/job_validation.h"
#include "engine/money_unit.h"

namespace mc {
namespace {

Status validate_party(const Party& party) {
  MC_TRY(engine::validate_json(party.profile_json, "profile_json"));
  for (const std::string* text :
       {&party.kind, &party.display_name, &party.email, &party.external_id, &party.kyc_status}) {
    if (!engine::utf8_code_points(*text)) {
      return invalid_argument("invalid_utf8", "party text is not valid UTF-8");
    }
  }
  return ok_status();
}

std::string lower_case(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// ok unless `found` is another party than `self` (a lookup's not_found is ok).
Status identity_free(const Result<Party>& found, PartyId self, const char* field) {
  if (!found.ok()) return found.status().code() == Code::not_found ? ok_status() : found.status();
  if (found->id == self) return ok_status();
  return Status(Code::already_exists, "party_identity_taken",
                std::string("another party of this market has this ") + field, field);
}

// The market's uniqueness settings against the party's identity fields.
Status check_identity(store::Transaction& tx, const MarketConfig& config, const Party& party) {
  if (config.unique_wallet && !party.wallet_address.empty()) {
    MC_TRY(identity_free(tx.party_by_wallet(party.market_id, party.wallet_address), party.id,
                         "wallet_address"));
  }
  if (config.unique_external_id && !party.external_id.empty()) {
    MC_TRY(identity_free(tx.party_by_external_id(party.market_id, party.external_id), party.id,
                         "external_id"));
  }
  if (config.unique_email && !party.email.empty()) {
    MC_TRY(identity_free(tx.party_by_email(party.market_id, party.email), party.id, "email"));
  }
  return ok_status();
}

Status validate_opening_deposit(const std::optional<Deposit>& deposit) {
  if (!deposit) return ok_status();
  if (deposit->idempotency) {
    return invalid_argument("idempotency_not_supported",
                            "a registration's opening deposit takes no idempotency key",
                            "opening_deposit.idempotency");
  }
  return engine::validate_deposit(*deposit);
}

void apply(const PartyUpdate& update, Party& party) {
  auto set = [](const auto& value, auto& field) {
    if (value) field = *value;
  };
  set(update.kind, party.kind);
  set(update.display_name, party.display_name);
  set(update.email, party.email);
  if (update.wallet_address) party.wallet_address = lower_case(*update.wallet_address);
  set(update.external_id, party.external_id);
  set(update.capabilities, party.capabilities);
  set(update.kyc_status, party.kyc_status);
  set(update.endpoint_url, party.endpoint_url);
  set(update.webhook_url, party.webhook_url);
  set(update.reputation, party.reputation);
  set(update.tier, party.tier);
  set(update.profile_json, party.profile_json);
}

}  // namespace

Result<Party> Engine::register_party(const Party& party) {
  MC_TRY_ASSIGN(RegisteredParty registered, register_party(RegisterParty{.party = party}));
  return std::move(registered.party);
}

Result<RegisteredParty> Engine::register_party(const RegisterParty& request) {
  MC_TRY(validate_party(request.party));
  MC_TRY(validate_opening_deposit(request.opening_deposit));
  if (request.api_key && (request.api_key->id.empty() || request.api_key->key_hash.empty())) {
    return invalid_argument("api_key_record_invalid", "an API key record needs an id and a hash",
                            "api_key");
  }
  Party row = request.party;
  row.id = 0;
  row.wallet_address = lower_case(row.wallet_address);
  row.created_at_ms = row.updated_at_ms = impl_->now_ms();
  return impl_->write<RegisteredParty>([&](store::Transaction& tx) -> Result<RegisteredParty> {
    MC_TRY_ASSIGN(Market market, tx.market(row.market_id));
    MC_TRY(check_identity(tx, market.config, row));
    MC_TRY_ASSIGN(PartyId id, tx.insert_party(row));
    RegisteredParty registered;
    if (request.opening_deposit) {
      Deposit deposit = *request.opening_deposit;
      deposit.market_id = row.market_id;
      deposit.party_id = id;
      MC_TRY_ASSIGN(registered.opening_deposit, engine::deposit_in_unit(tx, deposit));
    }
    if (request.api_key) {
      auth::ApiKeyRecord record = *request.api_key;
      record.owner_id = std::to_string(id);
      MC_TRY_ASSIGN(bool inserted, tx.insert_api_key(record));
      if (!inserted) {
        return Status(Code::already_exists, "api_key_exists", "an API key with this id exists");
      }
    }
    MC_TRY_ASSIGN(registered.party, tx.party(id));
    return registered;
  });
}

Status Engine::update_party(const Party& party) {
  MC_TRY(validate_party(party));
  Party row = party;
  row.wallet_address = lower_case(row.wallet_address);
  row.updated_at_ms = impl_->now_ms();
  return impl_->store->write(row.updated_at_ms, [&](store::Transaction& tx) -> Status {
    MC_TRY_ASSIGN(Party stored, tx.party(row.id));
    row.market_id = stored.market_id;
    MC_TRY_ASSIGN(Market market, tx.market(stored.market_id));
    MC_TRY(check_identity(tx, market.config, row));
    return tx.update_party(row);
  });
}

Result<Party> Engine::update_party_fields(const PartyUpdate& update) {
  const int64_t now_ms = impl_->now_ms();
  return impl_->write<Party>([&](store::Transaction& tx) -> Result<Party> {
    MC_TRY_ASSIGN(Party row, tx.party(update.id));
    apply(update, row);
    MC_TRY(validate_party(row));
    row.updated_at_ms = now_ms;
    if (update.email || update.wallet_address || update.external_id) {
      MC_TRY_ASSIGN(Market market, tx.market(row.market_id));
      MC_TRY(check_identity(tx, market.config, row));
    }
    MC_TRY(tx.update_party(row));
    return tx.party(row.id);
  });
}

Result<Party> Engine::party(PartyId id) {
  return impl_->read<Party>([&](store::Reader& reader) { return reader.party(id); });
}

Result<Party> Engine::party_by_wallet(MarketId market, std::string_view wallet_address) {
  const std::string wallet = lower_case(std::string(wallet_address));
  return impl_->read<Party>(
      [&](store::Reader& reader) { return reader.party_by_wallet(market, wallet); });
}

Result<Party> Engine::party_by_external_id(MarketId market, std::string_view external_id) {
  return impl_->read<Party>(
      [&](store::Reader& reader) { return reader.party_by_external_id(market, external_id); });
}

Result<std::vector<Party>> Engine::parties(MarketId market, std::optional<std::string> capability,
                                           int32_t limit, int32_t offset) {
  store::PartyFilter filter;
  filter.market_id = market;
  filter.capability = std::move(capability);
  filter.limit = std::clamp(limit, 1, 1000);
  filter.offset = std::max(0, offset);
  return impl_->read<std::vector<Party>>(
      [&](store::Reader& reader) { return reader.parties(filter); });
}

}  // namespace mc
