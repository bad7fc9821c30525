// server/dialects/mkt1337/mkt1337_render.h — the 1337MKT JSON shapes (snake_case; USDC as
// JSON numbers of dollars, exact to the micro-dollar; times RFC 3339) and its error body.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../../http_types.h"
#include "json/json_writer.h"
#include "marketcore/mkt1337.h"

namespace mc::server::mkt1337 {

// "25", "25.5", "0.000001".
std::string usdc(int64_t minor);
void write_usdc(json::JsonWriter& out, std::string_view key, int64_t minor);

// The wallet of a party ("" when unknown).
using WalletOf = std::function<std::string(PartyId)>;

void write_account(json::JsonWriter& out, const mc::mkt1337::Account& account);
void write_lead(json::JsonWriter& out, const Job& lead, const WalletOf& wallet_of);
// The contract's seed status: active, proof_submitted, approved, disputed, refunded, expired.
std::string contract_status(const Job& contract);
void write_contract(json::JsonWriter& out, const Job& contract, const WalletOf& wallet_of,
                    int64_t now_ms, const std::optional<std::string>& payout_tx_hash);
void write_escrow(json::JsonWriter& out, const mc::mkt1337::EscrowStatus& escrow);
void write_dispute(json::JsonWriter& out, const Dispute& dispute,
                   const std::vector<DisputeVote>& votes, const WalletOf& wallet_of);

// HTTP status of a refusal (the server table; a few 1337MKT details refined).
int mkt1337_status_for(const Status& status);
// {"error": "..."}.
Response error_response(int status, std::string_view message);

}  // namespace mc::server::mkt1337
