// The store's hold operations refuse a hold account whose stored balance no hold operation
// could have produced (negative, or above the hold's amount) with data_loss/"store_corrupt",
// leaving everything as it was, instead of paying out of it.
#include <sqlite3.h>

#include <string>

#include "store/store_fixture.h"

using mc::AccountKind;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

namespace {

void exec_raw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  CHECK_MESSAGE(rc == SQLITE_OK, (error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close_v2(db);
}

}  // namespace

TEST_CASE("hold invariants: a hold account edited out of range is refused as store_corrupt") {
  int64_t stored_minor = 0;
  SUBCASE("negative") {
    stored_minor = -1;
  }
  SUBCASE("above the held amount") {
    stored_minor = 51;
  }
  StoreFixture fx;
  const mc::PartyId poster = fx.add_party();
  const mc::PartyId worker = fx.add_party();
  fx.deposit(poster, 100);
  const mc::Hold hold = fx.write_value<mc::Hold>([&](Transaction& tx) {
    return tx.create_hold(mc::HoldPurpose::escrow, fx.available(poster), 50, std::nullopt, poster,
                          "job_post");
  });
  exec_raw(fx.dir.file("market.db"),
           "UPDATE accounts SET balance_minor = " + std::to_string(stored_minor) +
               " WHERE kind = 6 AND owner_id = " + std::to_string(hold.id));
  const mc::Status voided =
      fx.write([&](Transaction& tx) { return tx.void_hold(hold.id, "job_cancel"); });
  CHECK(voided.code() == mc::Code::data_loss);
  CHECK(voided.detail() == "store_corrupt");
  const mc::Status posted = fx.write([&](Transaction& tx) {
    return tx.post_hold(hold.id, {{fx.available(worker), 1, "job_earn"}});
  });
  CHECK(posted.code() == mc::Code::data_loss);
  CHECK(posted.detail() == "store_corrupt");
  CHECK(fx.read_value<mc::Hold>([&](mc::store::Reader& r) { return r.hold(hold.id); }).state ==
        mc::HoldState::held);
  CHECK(fx.balance(fx.available(poster)) == 50);
  CHECK(fx.balance(fx.available(worker)) == 0);
}
