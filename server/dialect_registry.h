// server/dialect_registry.h — the dialects built into this binary, by name.
//
// A dialect engineer adds one line to dialect_registry.cpp (name → factory). The server mounts
// each configured dialect at its configured prefix, or its default prefix.
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dialect.h"
#include "server_context.h"

namespace mc::server {

// Names of the dialects this binary can mount, in default mounting order.
std::vector<std::string> built_dialects();
// not_found/"unknown_dialect" for a name not built in.
Result<std::shared_ptr<Dialect>> make_dialect(std::string_view name, ServerContext& context);

}  // namespace mc::server
