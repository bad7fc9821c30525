// The PostgreSQL schema as numbered migrations, applied at open (see migrations.cpp).
#pragma once

#include <functional>
#include <string_view>

#include "marketcore/status.h"
#include "store/postgres/connection.h"

namespace mc::store::postgres {

// Number of migrations this build knows.
int migration_count();

// Applies every pending migration in one transaction, under a transaction-scoped advisory
// lock per schema, so several servers starting together apply each migration once and the
// others wait and then find the schema current. failed_precondition/"schema_too_new" when the
// database holds a newer schema than this build knows.
Status apply_migrations(Connection& connection,
                        const std::function<void(std::string_view)>& progress);

}  // namespace mc::store::postgres
