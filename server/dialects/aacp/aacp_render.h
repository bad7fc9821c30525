// server/dialects/aacp/aacp_render.h — AACP's JSON as the seed shows it: jobs with their
// agents, stake locks, snapshots, dispute, offers and lifecycle; amounts as decimal strings of
// raw USDC; on-chain times as Unix-second strings, others as RFC 3339 seconds; the
// {success, data} envelope and {success:false, error} errors.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "json/json_writer.h"
#include "marketcore/aacp.h"
#include "marketcore/status.h"

namespace mc::server::aacp {

void write_job(json::JsonWriter& out, const mc::aacp::JobView& job);
void write_agent(json::JsonWriter& out, const mc::aacp::AgentView& agent, bool with_pool);
void write_offer(json::JsonWriter& out, const mc::aacp::OfferView& offer);
void write_snapshot(json::JsonWriter& out, const mc::aacp::Snapshot& snapshot);
void write_dispute(json::JsonWriter& out, const mc::aacp::DisputeView& dispute);
// "2026-04-01T00:00:00Z".
std::string iso_seconds(int64_t unix_ms);
// HTTP status of a refusal (the seed's 400/401/403/404/409/429).
int aacp_status_for(const Status& status);

}  // namespace mc::server::aacp
