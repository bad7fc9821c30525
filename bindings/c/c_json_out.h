// c_json_out.h — renders the engine's results as the C ABI's JSON (fields in marketcore_c.h).
//
// Names and units follow the C++ structs; absent optional values are null; the stored JSON
// fields (profile, payload, proof, verdict, event payload) are embedded as JSON values, an
// empty one as null.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "marketcore/engine.h"

namespace mc::c_api {

std::string market_json(const Market& market);
std::string party_json(const Party& party);
std::string movement_json(const MoneyMovement& movement);
std::string balances_json(const Balances& balances);
std::string transfers_json(const std::vector<Transfer>& transfers);
std::string ledger_report_json(const LedgerReport& report);
std::string job_json(const Job& job);
std::string jobs_json(const std::vector<Job>& jobs);
std::string outcome_json(const JobOutcome& outcome);
std::string history_json(const std::vector<JobTransitionRecord>& history);
std::string events_json(const std::vector<Event>& events);
std::string lifecycle_json(const LifecycleDefinition& definition);

}  // namespace mc::c_api
