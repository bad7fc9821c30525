// Isolation of write units on PostgreSQL, and the store URL parameter that chooses it.
//
// A store URL is a libpq URL with one parameter of marketcore's own, removed before the URL
// reaches libpq:
//   mc_isolation=read_committed   every write unit is one READ COMMITTED transaction that locks
//                                 what it reads and then writes (see locks_sql.cpp), retried on
//                                 40P01 (deadlock) and 40001 (the default)
//   mc_isolation=serializable     every write unit is one SERIALIZABLE transaction, retried on
//                                 40001/40P01
// docs/scaling.md has the measurements behind the default: under contention SERIALIZABLE rolls
// back more units than it commits (the outbox and the hot accounts), READ COMMITTED none.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::store::postgres {

enum class Isolation : int32_t { serializable = 0, read_committed = 1 };

struct StoreUrl {
  std::string libpq_url;  // the URL without marketcore's parameter
  Isolation isolation = Isolation::read_committed;
};

// Splits mc_isolation off `url`; invalid_argument/"store_path_invalid" for an unknown value.
Result<StoreUrl> parse_store_url(std::string_view url);

// The BEGIN statement of a write unit under `isolation`.
const std::string& begin_write_sql(Isolation isolation);

}  // namespace mc::store::postgres
