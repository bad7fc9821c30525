// server/dialects/agentmarket/agentmarket_render.h — JSON of the AgentMarket seed: envelopes,
// agents, tasks, errors.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "../../http_types.h"
#include "json/json_writer.h"
#include "marketcore/agentmarket.h"

namespace mc::server::agentmarket {

void write_agent(json::JsonWriter& out, const mc::agentmarket::AgentProfile& agent, bool own);
void write_task(json::JsonWriter& out, const mc::agentmarket::TaskView& task);
// {"success":true,"data":<data>[,"balance":N]}.
Response envelope(int status, const std::string& data_json, std::optional<int64_t> balance);
Response error_response(int status, std::string_view message);
// The status code of an error in this dialect (errors.h's table, 402 for insufficient
// credits, 504/502 for execution timeouts/failures).
int agentmarket_status_for(const Status& status);

}  // namespace mc::server::agentmarket
