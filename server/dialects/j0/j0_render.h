// server/dialects/j0/j0_render.h — the seed's JSON shapes: users, jobs, times, errors.
//
// Times are ISO 8601 UTC with second precision ("2026-02-13T23:00:00Z"), as the seed shows;
// challenge and token expiries are Unix seconds. Errors are {"error": message, "code": CODE}.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "../../http_types.h"
#include "json/json_writer.h"
#include "marketcore/j0.h"
#include "marketcore/party.h"

namespace mc::server::j0 {

// Upper-cases ASCII letters ("job_not_found" → "JOB_NOT_FOUND").
std::string ascii_upper(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string format_time(int64_t unix_ms);

// {id, public_key, created_at}; with `login` also identity_type and reputation_score.
void write_user(json::JsonWriter& out, const Party& party, bool login);
// The EIP-55 form of a stored lower-case wallet address (or the text itself if unparsable).
std::string checksum_address(const std::string& lower);

// The full job object of GET /jobs and GET /jobs/:id, of a job read as its caller may see it
// (J0Market::job with the caller as viewer): the result is null until completed and for
// whoever may not read it.
void write_job(json::JsonWriter& out, const Job& job);
// The short object of POST /jobs.
void write_posted_job(json::JsonWriter& out, const Job& job);

// The error body and status of any failure.
Response render_j0_error(const Status& status);
// The seed's 429 body.
Response render_j0_rate_limited(int64_t retry_after_s);

}  // namespace mc::server::j0
