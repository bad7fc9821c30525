// Numbered schema migrations, applied in order at open.
//
// The database's PRAGMA user_version is the number of migrations applied. Opening a store
// applies every later migration in one transaction (all or none), reporting progress through
// a callback. A database whose user_version is beyond what this build knows is refused
// (failed_precondition/"schema_too_new"): an older binary must not write a newer schema.
//
// Thread-safety: call on the writer connection before any other use.
#pragma once

#include <functional>
#include <string_view>

#include "marketcore/status.h"
#include "store/sqlite/connection.h"

namespace mc::store::sqlite {

// Number of migrations this build knows (the schema version it writes).
int migration_count();

// Applies pending migrations. Returns unavailable on I/O errors, failed_precondition/
// "schema_too_new" for a newer database.
Status apply_migrations(Connection& connection,
                        const std::function<void(std::string_view)>& progress);

}  // namespace mc::store::sqlite
