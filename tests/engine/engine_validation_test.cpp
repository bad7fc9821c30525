// create_job validation: every bound gives invalid_argument naming the field, and nothing is
// written. Text limits count characters (code points), not bytes.
#include <doctest/doctest.h>

#include "engine/engine_fixture.h"
#include "engine/job_validation.h"

namespace mc::test {
namespace {

void check_invalid(EngineFixture& f, CreateJob request, const std::string& detail,
                   const std::string& param) {
  request.market_id = f.market.id;
  auto created = f.engine->create_job(request);
  REQUIRE_FALSE(created.ok());
  CHECK(created.status().code() == Code::invalid_argument);
  CHECK(created.status().detail() == detail);
  CHECK(created.status().param() == param);
}

}  // namespace

TEST_CASE("engine validation: utf8 code points") {
  CHECK(engine::utf8_code_points("abc") == 3);
  CHECK(engine::utf8_code_points("h\xC3\xA9llo") == 5);               // é
  CHECK(engine::utf8_code_points("\xF0\x9F\x98\x80") == 1);           // 😀
  CHECK_FALSE(engine::utf8_code_points("\xC3").has_value());          // truncated
  CHECK_FALSE(engine::utf8_code_points("\xC0\xAF").has_value());      // overlong
  CHECK_FALSE(engine::utf8_code_points("\xED\xA0\x80").has_value());  // surrogate
}

TEST_CASE("engine validation: create_job bounds") {
  EngineFixture f;
  const PartyId poster = f.party(10'000'000);
  CreateJob base{.poster_id = poster, .amount_minor = 10};
  CreateJob request = base;
  request.amount_minor = 0;
  check_invalid(f, request, "amount_not_positive", "amount_minor");
  request.amount_minor = -1;
  check_invalid(f, request, "amount_not_positive", "amount_minor");
  request.amount_minor = 1'000'001;
  check_invalid(f, request, "amount_above_maximum", "amount_minor");
  request = base;
  request.title =
      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";
  auto ten_accents = f.engine->create_job(
      {.market_id = f.market.id, .poster_id = poster, .amount_minor = 10, .title = request.title});
  CHECK(ten_accents.ok());  // 10 characters, 20 bytes: within the 10-character limit
  request.title += "x";
  check_invalid(f, request, "title_too_long", "title");
  request = base;
  request.title = "\xFF";
  check_invalid(f, request, "invalid_utf8", "title");
  request = base;
  request.payload_json = "{not json";
  check_invalid(f, request, "invalid_json", "payload_json");
  request = base;
  request.deadline_at_ms = kStartMs - 1;
  check_invalid(f, request, "deadline_in_past", "deadline_at_ms");
  request = base;
  request.contracts_max = 2;
  check_invalid(f, request, "contracts_out_of_range", "contracts_max");
  request = base;
  request.work_timeout_ms = 0;
  check_invalid(f, request, "work_timeout_out_of_range", "work_timeout_ms");
  request = base;
  request.evaluator_id = 9999;
  auto evaluator = f.engine->create_job(
      {.market_id = f.market.id, .poster_id = poster, .amount_minor = 10, .evaluator_id = 9999});
  CHECK(evaluator.status().detail() == "party_not_found");
  CHECK(evaluator.status().param() == "evaluator_id");
  auto no_market =
      f.engine->create_job({.market_id = 777, .poster_id = poster, .amount_minor = 10});
  CHECK(no_market.status().code() == Code::not_found);
  auto jobs = f.engine->jobs({.market_id = f.market.id});
  REQUIRE(jobs.ok());
  CHECK(jobs->size() == 1);  // only the ten-accent job
  f.verify();
}

TEST_CASE("engine validation: a market's categories and work timeout bounds") {
  EngineFixture f;
  MarketConfig config = gig_market("strict");
  config.limits.categories = {"opus", "sonnet"};
  config.limits.work_timeout_min_ms = 10'000;
  config.limits.work_timeout_max_ms = 60'000;
  auto market = f.engine->create_market(config);
  REQUIRE(market.ok());
  auto poster = f.engine->register_party({.market_id = market->id, .kind = "agent"});
  REQUIRE(poster.ok());
  REQUIRE(f.engine->deposit({.market_id = market->id, .party_id = poster->id, .amount_minor = 100})
              .ok());
  CreateJob request{.market_id = market->id,
                    .poster_id = poster->id,
                    .amount_minor = 10,
                    .category = "gpt5",
                    .work_timeout_ms = 30'000};
  CHECK(f.engine->create_job(request).status().detail() == "unknown_category");
  request.category = "opus";
  request.work_timeout_ms = 61'000;
  CHECK(f.engine->create_job(request).status().detail() == "work_timeout_out_of_range");
  request.work_timeout_ms.reset();
  CHECK(f.engine->create_job(request).status().detail() == "work_timeout_required");
  request.work_timeout_ms = 10'000;
  CHECK(f.engine->create_job(request).ok());
  auto wrong_market =
      f.engine->create_job({.market_id = f.market.id, .poster_id = poster->id, .amount_minor = 10});
  CHECK(wrong_market.status().detail() == "party_not_found");
  f.verify();
}

}  // namespace mc::test
