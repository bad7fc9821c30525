// c_lifecycle_json.h — lifecycle definitions and enumerators as JSON for the C ABI.
//
// Enumerators travel by their C++ names (Role::candidate is "candidate", GuardKind::
// before_expiry is "before_expiry"); an unknown name is invalid_argument/"invalid_value" with
// the param path. A definition renders to JSON and reads back to an equal definition (a test
// round-trips every built-in lifecycle).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "marketcore/fees.h"
#include "marketcore/ledger.h"
#include "marketcore/lifecycle.h"
#include "marketcore/money.h"
#include "marketcore/status.h"

namespace mc::json {
class JsonWriter;
}

namespace mc::c_api {

Result<AccountKind> account_kind_from_name(std::string_view name, const std::string& param);
Result<FeeMode> fee_mode_from_name(std::string_view name, const std::string& param);
Result<Rounding> rounding_from_name(std::string_view name, const std::string& param);
const char* fee_mode_name(FeeMode mode);
const char* rounding_name(Rounding rounding);

// Reads a definition in the form of marketcore_c.h (mc_engine_register_lifecycle).
Result<LifecycleDefinition> parse_lifecycle(std::string_view text);
// Writes `definition` in the same form.
void write_lifecycle(json::JsonWriter& json, const LifecycleDefinition& definition);

}  // namespace mc::c_api
