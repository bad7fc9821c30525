// Parties: typed profile columns; capabilities as a JSON array (filtered with
// jsonb_array_elements_text). Wallet, external id and email are indexed per market, not unique:
// whether a market makes them unique is the engine's rule (MarketConfig::unique_*). A lookup by one
// of them answers the oldest party that has it.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

Result<Party> one_party(Connection& connection, std::string_view tail, MarketId market,
                        std::string_view key) {
  MC_TRY_ASSIGN(Statement stmt, connection.prepare(select_sql(kPartyColumns, "parties", tail)));
  stmt.bind(1, market).bind(2, key);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("party_not_found", "no such party");
  return read_party(stmt);
}

}  // namespace

Result<Party> PgTransaction::party(PartyId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kPartyColumns, "parties",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR SHARE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("party_not_found", "no such party");
  return read_party(stmt);
}

Result<Party> PgTransaction::party_by_wallet(MarketId market, std::string_view wallet_lower) {
  if (wallet_lower.empty()) return not_found("party_not_found", "no such party");
  MC_TRY(lock_key(KeySpace::party_wallet, market, wallet_lower));
  return one_party(connection_, "WHERE market_id = ?1 AND wallet_address = ?2 ORDER BY id LIMIT 1",
                   market, wallet_lower);
}

Result<Party> PgTransaction::party_by_external_id(MarketId market, std::string_view external_id) {
  if (external_id.empty()) return not_found("party_not_found", "no such party");
  MC_TRY(lock_key(KeySpace::party_external_id, market, external_id));
  return one_party(connection_, "WHERE market_id = ?1 AND external_id = ?2 ORDER BY id LIMIT 1",
                   market, external_id);
}

Result<Party> PgTransaction::party_by_email(MarketId market, std::string_view email) {
  if (email.empty()) return not_found("party_not_found", "no such party");
  MC_TRY(lock_key(KeySpace::party_email, market, email));
  return one_party(connection_, "WHERE market_id = ?1 AND email = ?2 ORDER BY id LIMIT 1", market,
                   email);
}

Result<std::vector<Party>> PgTransaction::parties(const PartyFilter& filter) {
  std::string tail = "WHERE market_id = ?1";
  if (filter.kind) tail += " AND kind = ?2";
  if (filter.capability) {
    tail +=
        " AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(parties.capabilities_json::jsonb) c "
        "WHERE c = ?3)";
  }
  tail += " ORDER BY id LIMIT ?4 OFFSET ?5";
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kPartyColumns, "parties", tail)));
  stmt.bind(1, filter.market_id);
  if (filter.kind) stmt.bind(2, *filter.kind);
  if (filter.capability) stmt.bind(3, *filter.capability);
  stmt.bind(4, int64_t{std::clamp(filter.limit, 1, 1000)});
  stmt.bind(5, int64_t{std::max(filter.offset, 0)});
  std::vector<Party> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Party party, read_party(stmt));
    out.push_back(std::move(party));
  }
  return out;
}

Result<PartyId> PgTransaction::insert_party(const Party& party) {
  MC_TRY(market(party.market_id));
  MC_TRY_ASSIGN(
      Statement stmt,
      connection_.prepare(
          "INSERT INTO parties (market_id, kind, display_name, email, wallet_address, "
          "external_id, capabilities_json, kyc_status, endpoint_url, webhook_url, "
          "reputation, tier, profile_json, created_at_ms, updated_at_ms) VALUES "
          "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14) RETURNING id"));
  stmt.bind(1, party.market_id).bind(2, party.kind).bind(3, party.display_name);
  stmt.bind(4, party.email).bind(5, party.wallet_address).bind(6, party.external_id);
  stmt.bind(7, encode_string_list(party.capabilities)).bind(8, party.kyc_status);
  stmt.bind(9, party.endpoint_url).bind(10, party.webhook_url).bind(11, party.reputation);
  stmt.bind(12, party.tier).bind(13, party.profile_json);
  stmt.bind(14, party.created_at_ms != 0 ? party.created_at_ms : now_ms_);
  return stmt.run_returning_id();
}

Status PgTransaction::update_party(const Party& party) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(
                    "UPDATE parties SET kind = ?2, display_name = ?3, email = ?4, "
                    "wallet_address = ?5, external_id = ?6, capabilities_json = ?7, "
                    "kyc_status = ?8, endpoint_url = ?9, webhook_url = ?10, reputation = ?11, "
                    "tier = ?12, profile_json = ?13, updated_at_ms = ?14 WHERE id = ?1"));
  stmt.bind(1, party.id).bind(2, party.kind).bind(3, party.display_name).bind(4, party.email);
  stmt.bind(5, party.wallet_address).bind(6, party.external_id);
  stmt.bind(7, encode_string_list(party.capabilities)).bind(8, party.kyc_status);
  stmt.bind(9, party.endpoint_url).bind(10, party.webhook_url).bind(11, party.reputation);
  stmt.bind(12, party.tier).bind(13, party.profile_json);
  stmt.bind(14, party.updated_at_ms != 0 ? party.updated_at_ms : now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) return not_found("party_not_found", "no such party");
  return ok_status();
}

}  // namespace mc::store::postgres
