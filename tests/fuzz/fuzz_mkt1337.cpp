// Fuzzes the 1337MKT dialect's request decoding: JSON bodies through the server's JsonBody
// (the fields the routes read: lead_id, lead_ids, amount/payout as USDC, success_criteria),
// the typed success criteria of every lead type, the lead and proof guards, and the id parsers.
// The first byte picks the lead type; the rest is the body. Every input is decoded or refused
// with invalid_argument / out_of_range; nothing else may happen.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json_request.h"
#include "marketcore/mkt1337.h"

namespace {

bool refusal(const mc::Status& status) {
  return status.ok() || status.code() == mc::Code::invalid_argument ||
         status.code() == mc::Code::out_of_range;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& types = mc::mkt1337::lead_types();
  const std::string type(types[data[0] % types.size()]);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (!refusal(mc::mkt1337::check_success_criteria(type, input))) __builtin_trap();
  mc::Job lead;
  lead.category = type;
  lead.contracts_max = 1 + data[0] % 7;
  lead.amount_minor = static_cast<int64_t>(size) * lead.contracts_max;
  lead.payload_json = std::string(input);
  if (!refusal(mc::mkt1337::check_lead(lead, std::nullopt, {}))) __builtin_trap();
  mc::FireTransition proof;
  proof.proof_json = std::string(input);
  if (!refusal(mc::mkt1337::check_proof(lead, std::nullopt, proof))) __builtin_trap();
  if (auto id = mc::mkt1337::parse_lead_id(input); id && mc::mkt1337::lead_id(*id) != input) {
    __builtin_trap();
  }
  if (auto id = mc::mkt1337::parse_contract_id(input);
      id && mc::mkt1337::contract_id(*id) != input) {
    __builtin_trap();
  }

  mc::Result<mc::server::JsonBody> body = mc::server::JsonBody::parse(input);
  if (!body.ok()) {
    if (!refusal(body.status())) __builtin_trap();
    return 0;
  }
  if (!refusal(body->optional_string("lead_id").status())) __builtin_trap();
  if (!refusal(body->string_array("lead_ids").status())) __builtin_trap();
  for (const char* money : {"amount", "payout"}) {
    mc::Result<std::optional<int64_t>> amount = body->optional_money(money, 6);
    if (!refusal(amount.status())) __builtin_trap();
  }
  mc::Result<std::optional<std::string>> criteria = body->optional_object_json("success_criteria");
  if (!refusal(criteria.status())) __builtin_trap();
  if (criteria.ok() && *criteria &&
      !refusal(mc::mkt1337::check_success_criteria(type, **criteria))) {
    __builtin_trap();
  }
  return 0;
}
