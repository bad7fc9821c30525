// server/native/render.h — the native API's JSON shapes (Stripe-like: "object" names the kind).
//
// Amounts are rendered twice: `*_minor` as an exact integer and the same value as a decimal
// string in the market's asset (e.g. "29.50"), never as a floating-point number.
//
// Thread-safety: pure functions writing into the caller's JsonWriter.
#pragma once

#include <string>
#include <vector>

#include "json/json_writer.h"
#include "marketcore/auth_stores.h"
#include "marketcore/dispute.h"
#include "marketcore/engine.h"

namespace mc::server::native {

void write_market(json::JsonWriter& out, const Market& market);
void write_party(json::JsonWriter& out, const Party& party);
void write_job(json::JsonWriter& out, const Job& job, const Asset& asset);
void write_history(json::JsonWriter& out, const JobTransitionRecord& record);
void write_transfer(json::JsonWriter& out, const Transfer& transfer, const Asset& asset);
void write_balances(json::JsonWriter& out, PartyId party, const Balances& balances,
                    const Asset& asset);
void write_event(json::JsonWriter& out, const Event& event);
void write_api_key(json::JsonWriter& out, const auth::ApiKeyRecord& key);
void write_dispute(json::JsonWriter& out, const Dispute& dispute);
void write_offer(json::JsonWriter& out, const Offer& offer);
// An amount as {"<name>_minor": n, "<name>": "decimal"}.
void write_amount(json::JsonWriter& out, std::string_view name, int64_t amount_minor,
                  const Asset& asset);

}  // namespace mc::server::native
