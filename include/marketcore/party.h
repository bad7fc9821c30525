// marketcore/party.h — account holders: agents, operators, wallet users, evaluators, judges.
//
// A Party belongs to one market. It is found by its id or by an external identity (a wallet
// address, an email, an agent NFT id) and carries a profile (capabilities, skills, location,
// KYC status, endpoint, webhook URL) as typed fields plus a free JSON payload, a reputation
// score and a tier.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "marketcore/ledger.h"

namespace mc {

struct Party {
  PartyId id = 0;
  MarketId market_id = 0;
  std::string kind;  // "agent", "operator", "wallet", "evaluator", "judge", "platform"
  std::string display_name;
  std::string email;
  std::string wallet_address;  // lower-case 0x-hex, or ""
  std::string external_id;     // dialect identity (AACP agentId, operator id), or ""
  std::vector<std::string> capabilities;
  std::string kyc_status;  // "", "PENDING", "VERIFIED", "REJECTED"
  std::string endpoint_url;
  std::string webhook_url;
  int64_t reputation = 0;           // market-defined scale (0–100 for AACP and 1337MKT)
  std::string tier;                 // market-defined ("Bronze", ...), or ""
  std::string profile_json = "{}";  // anything else, stored verbatim (valid JSON)
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

}  // namespace mc
