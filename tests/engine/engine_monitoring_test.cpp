// Writer statistics: the group-commit counters a host's monitoring reads.
#include <doctest/doctest.h>

#include "engine/engine_fixture.h"

namespace mc::test {

TEST_CASE("engine monitoring: writer statistics count committed and failed units") {
  EngineFixture f;
  const Engine::WriterStatistics before = f.engine->writer_statistics();
  const PartyId party = f.party();
  REQUIRE(f.engine->deposit({.market_id = f.market.id, .party_id = party, .amount_minor = 5}).ok());
  auto refused =
      f.engine->withdraw({.market_id = f.market.id, .party_id = party, .amount_minor = 6});
  REQUIRE_FALSE(refused.ok());
  const Engine::WriterStatistics after = f.engine->writer_statistics();
  CHECK(after.units_committed >= before.units_committed + 2);  // the party and the deposit
  CHECK(after.units_failed == before.units_failed + 1);        // the refused withdrawal
  CHECK(after.batches_committed > before.batches_committed);
  CHECK(after.batch_units_largest >= 1);
}

}  // namespace mc::test
