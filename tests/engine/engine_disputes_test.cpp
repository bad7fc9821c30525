// Disputes on the gig lifecycle: filing takes the deposit, judges must be eligible, a
// majority verdict moves the escrow and the deposit in the deciding vote's unit.
#include <doctest/doctest.h>

#include "engine/engine_fixture.h"

namespace mc::test {

TEST_CASE("engine disputes: judges vote, the majority decides, money follows") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party(10);
  const PartyId low = f.party(0, 0, 10);
  std::vector<PartyId> judges{f.party(0, 0, 60), f.party(0, 0, 70), f.party(0, 0, 80),
                              f.party(0, 0, 90)};
  const Job job = f.post(poster, 40);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  REQUIRE(f.fire(job.id, "submit", worker).ok());
  auto dispute = f.engine->open_dispute(job.id, worker, "they will not approve");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  CHECK(dispute->status == "open");
  CHECK(dispute->judges_needed == 3);
  CHECK(dispute->deposit_hold_id.has_value());
  CHECK(f.balances(worker).available_minor == 5);
  CHECK(f.engine->open_dispute(job.id, poster, "again").status().detail() == "dispute_exists");
  f.verify();

  CHECK(f.engine->join_dispute(dispute->id, poster).detail() == "judge_not_eligible");
  CHECK(f.engine->join_dispute(dispute->id, low).detail() == "judge_not_eligible");
  for (size_t i = 0; i < 3; ++i) REQUIRE(f.engine->join_dispute(dispute->id, judges[i]).ok());
  CHECK(f.engine->join_dispute(dispute->id, judges[0]).ok());  // joining twice is harmless
  CHECK(f.engine->join_dispute(dispute->id, judges[3]).detail() == "panel_full");
  CHECK(f.engine->cast_vote(dispute->id, judges[3], "worker").status().detail() == "not_a_judge");
  CHECK(f.engine->cast_vote(dispute->id, judges[0], "maybe").status().detail() == "bad_vote");
  auto first = f.engine->cast_vote(dispute->id, judges[0], "worker");
  REQUIRE(first.ok());
  CHECK(first->status == "open");
  CHECK(f.engine->cast_vote(dispute->id, judges[0], "worker").status().detail() == "already_voted");
  REQUIRE(f.engine->cast_vote(dispute->id, judges[1], "poster").ok());
  auto decided = f.engine->cast_vote(dispute->id, judges[2], "worker");
  REQUIRE_MESSAGE(decided.ok(), decided.status().to_string());
  CHECK(decided->status == "resolved");
  CHECK(decided->verdict == "worker");
  auto resolved = f.engine->job(job.id);
  REQUIRE(resolved.ok());
  CHECK(resolved->state == "done");
  CHECK(resolved->verdict_json.find("\"verdict\":\"worker\"") != std::string::npos);
  CHECK(f.balances(worker).available_minor == 10 + 36);  // deposit back, 90 % of 40
  CHECK(f.balances(poster).available_minor == 60);
  f.verify();
}

TEST_CASE("engine disputes: an unresolved dispute times out for the poster") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party(10);
  const Job job = f.post(poster, 40);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  REQUIRE(f.fire(job.id, "submit", worker).ok());
  auto dispute = f.engine->open_dispute(job.id, worker, "no reason");
  REQUIRE(dispute.ok());
  REQUIRE(f.engine->advance_ms(7 * kMillisecondsPerDay).ok());
  CHECK(f.engine->job(job.id)->state == "refunded");
  CHECK(f.balances(poster).available_minor == 100);
  CHECK(f.balances(worker).available_minor == 5);  // the deposit was forfeit
  f.verify();
}

}  // namespace mc::test
