// server/dialects/humanops/humanops_render.h — the HumanOps seed's JSON shapes: tasks (agent
// detail and list, operator browse), money as dollars with cents (29.50), times in RFC 3339,
// errors {"error": "..."} with the seed's status codes.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../../http_types.h"
#include "json/json_writer.h"
#include "marketcore/humanops.h"

namespace mc::server::humanops {

void write_money(json::JsonWriter& out, std::string_view key, int64_t minor);
void write_time(json::JsonWriter& out, std::string_view key, std::optional<int64_t> at_ms);
// {id, name, rating} of a task's operator, or null.
void write_operator(json::JsonWriter& out, const std::optional<Party>& op);
// One item of GET /tasks.
void write_task_summary(json::JsonWriter& out, const Job& job, const std::optional<Party>& op);
// GET /tasks/:id: `verified_at_ms` from the task's history.
void write_task_detail(json::JsonWriter& out, const Job& job, const std::optional<Party>& op,
                       std::optional<int64_t> verified_at_ms);
// One item of GET /operator/tasks (a PENDING task as operators see it before accepting).
void write_offered_task(json::JsonWriter& out, const Job& job);
// {"error": message} with `status`.
Response error_response(int status, std::string_view message);
// The seed's status code for an error (errors.h's table, refined: 402 insufficient balance,
// 403 KYC / admin key, 409 conflicts and reused Idempotency-Keys, 410 expired tasks).
int humanops_status_for(const Status& status);

}  // namespace mc::server::humanops
