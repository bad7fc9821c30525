// j0 edges: the worker's own wording when it accepts its job again, a result that is not UTF-8,
// a poster the engine does not know (its own refusal, not the seed's credit message), a job
// accepted past its expiry before the clock moved it, and the purchase fee read from the
// market's config with its default when the setting is absent or out of range.
#include <doctest/doctest.h>

#include <string>

#include "marketcore/j0.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::j0::J0Market;

mc::j0::PostJob job(mc::PartyId requester) {
  return {.requester_id = requester,
          .capability = "sonnet",
          .credits = 10,
          .timeout_sec = 30,
          .prompt = "Translate"};
}

int64_t fee_bps(std::string config_json) {
  mc::MarketConfig config;
  config.config_json = std::move(config_json);
  return mc::j0::purchase_fee_bps(config);
}

}  // namespace

TEST_CASE("j0 edges: the worker's own wording, results, unknown posters and late accepts") {
  mc::scenario::Scenario s("j0");
  const J0Market j0 = J0Market::open(*s.engine).value();
  const mc::PartyId requester = s.party({.available_minor = 100});
  const mc::PartyId worker = s.party();
  const mc::Job posted = j0.post_job(job(requester)).value();
  REQUIRE(j0.accept_job(posted.id, worker).ok());
  const mc::Status again = j0.accept_job(posted.id, worker).status();
  CHECK(again.detail() == "job_already_accepted");
  CHECK(again.message() == "Job already accepted by you");
  const mc::Status bad_text = j0.complete_job(posted.id, worker, "\xff\xfe").status();
  CHECK(bad_text.detail() == "validation_error");
  CHECK(bad_text.param() == "result");
  CHECK(s.job(posted.id).state == "accepted");

  // A poster the engine does not know: its refusal passes through.
  const mc::Status unknown = j0.post_job(job(requester + 1000)).status();
  CHECK_FALSE(unknown.ok());
  CHECK(unknown.detail() != "insufficient_credits");

  // Past the 7-minute expiry, before the clock has moved the job to timeout: the guard.
  const mc::Job late = j0.post_job(job(requester)).value();
  s.clock->advance_ms(7 * 60'000);
  const mc::Status expired = j0.accept_job(late.id, worker).status();
  CHECK(expired.detail() == "job_timeout_expired");
  CHECK(expired.message() == "Job timeout expired");
  CHECK(s.job(late.id).state == "posted");
  s.advance_ms(0);
  CHECK(s.job(late.id).state == "timeout");
  s.verify();
}

TEST_CASE("j0 edges: the purchase fee from the market's config, else the default") {
  const int64_t fallback = fee_bps("{}");
  CHECK(fee_bps(R"({"purchase_fee_bps":250})") == 250);
  CHECK(fee_bps(R"({"purchase_fee_bps":0})") == 0);
  CHECK(fee_bps(R"({"purchase_fee_bps":10000})") == 10'000);
  CHECK(fee_bps(R"({"purchase_fee_bps":10001})") == fallback);
  CHECK(fee_bps(R"({"purchase_fee_bps":-1})") == fallback);
  CHECK(fee_bps(R"({"purchase_fee_bps":"250"})") == fallback);
  CHECK(fee_bps("not json") == fallback);
  CHECK(fallback == 500);
}
