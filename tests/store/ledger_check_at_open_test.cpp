// EngineOptions::verify_ledger_at_open: a consistent file opens; a file whose ledger was
// corrupted by hand (one stored balance changed with raw SQL) is refused with
// data_loss/"ledger_inconsistent", naming the first problem; without the option it opens.
#include <sqlite3.h>

#include <memory>
#include <string>

#include "marketcore/engine.h"
#include "store/store_fixture.h"

using mc::store::testing::TempDir;

namespace {

mc::Result<std::unique_ptr<mc::Engine>> open_engine(const std::string& path, bool verify) {
  return mc::Engine::open({.database_path = path,
                           .clock = std::make_shared<mc::ManualClock>(1'700'000'000'000),
                           .durability = mc::Durability::normal,
                           .verify_ledger_at_open = verify});
}

void exec_raw(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  CHECK_MESSAGE(rc == SQLITE_OK, (error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close_v2(db);
}

}  // namespace

TEST_CASE("ledger check at open: a consistent file opens, a hand-edited balance is refused") {
  TempDir dir;
  const std::string path = dir.file("market.db");
  mc::PartyId party = 0;
  {
    auto engine = open_engine(path, true);  // a new, empty file verifies too
    REQUIRE_MESSAGE(engine.ok(), engine.status().to_string());
    auto market = (*engine)->ensure_market(mc::builtin_market_config("j0").value());
    REQUIRE(market.ok());
    auto registered = (*engine)->register_party({.market_id = market->id, .kind = "agent"});
    REQUIRE(registered.ok());
    party = registered->id;
    REQUIRE(
        (*engine)->deposit({.market_id = market->id, .party_id = party, .amount_minor = 100}).ok());
  }
  {
    auto engine = open_engine(path, true);
    REQUIRE_MESSAGE(engine.ok(), engine.status().to_string());
  }

  // One stored balance no longer matches its transfers (nor does the market sum to zero).
  const std::string corrupt =
      "UPDATE accounts SET balance_minor = balance_minor + 1 WHERE kind = "
      "2 AND owner_id = " +
      std::to_string(party);
  exec_raw(path, corrupt.c_str());

  std::string first_problem;
  {
    auto unchecked = open_engine(path, false);  // off by default: the host decides
    REQUIRE_MESSAGE(unchecked.ok(), unchecked.status().to_string());
    auto report = (*unchecked)->verify_ledger();
    REQUIRE(report.ok());
    REQUIRE_FALSE(report->ok());
    first_problem = report->problems.front();
  }
  auto refused = open_engine(path, true);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == mc::Code::data_loss);
  CHECK(refused.status().detail() == "ledger_inconsistent");
  CAPTURE(refused.status().message());
  CHECK(refused.status().message().find(first_problem) != std::string::npos);
}
