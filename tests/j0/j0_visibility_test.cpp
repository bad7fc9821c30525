// Who may see what, as data: the j0 lifecycle declares that the full prompt and the result are
// for the requester and the accepted worker only, and the engine's read path applies it for
// every caller (Engine::job_as_seen_by / jobs_as_seen_by, and J0Market on top of it).
#include <doctest/doctest.h>

#include <string>

#include "marketcore/j0.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::JobField;
using mc::JobViewer;

struct Completed {
  mc::PartyId requester = 0;
  mc::PartyId worker = 0;
  mc::PartyId third = 0;
  mc::JobId job = 0;
  std::string prompt;
};

Completed completed_job(mc::scenario::Scenario& s) {
  Completed c{
      .requester = s.party({.available_minor = 100}), .worker = s.party(), .third = s.party()};
  // 120 code points, two bytes each after the first 60: the preview ends on a whole one.
  c.prompt = std::string(60, 'a');
  for (int i = 0; i < 60; ++i) c.prompt += "\xC3\xA9";
  const mc::Job job = s.create({.poster_id = c.requester,
                                .amount_minor = 10,
                                .prompt = c.prompt,
                                .category = "opus",
                                .work_timeout_ms = 30'000});
  c.job = job.id;
  s.fire_ok(job.id, "accept", c.worker);
  mc::FireTransition complete{.job_id = job.id, .transition = "complete", .actor_id = c.worker};
  complete.result_text = "the answer";
  s.fire_ok(complete);
  return c;
}

}  // namespace

TEST_CASE("visibility: through Engine a third party sees the 100-char j0 prompt and no result") {
  mc::scenario::Scenario s("j0");
  const Completed c = completed_job(s);
  mc::Engine& engine = *s.engine;

  const mc::Job third = engine.job_as_seen_by(c.job, JobViewer::of_party(c.third)).value();
  std::string preview = std::string(60, 'a');
  for (int i = 0; i < 40; ++i) preview += "\xC3\xA9";
  CHECK(third.prompt == preview);
  CHECK(third.result_text.empty());
  CHECK(mc::is_redacted(third, JobField::prompt));
  CHECK(mc::is_redacted(third, JobField::result));

  for (mc::PartyId party : {c.requester, c.worker}) {
    const mc::Job seen = engine.job_as_seen_by(c.job, JobViewer::of_party(party)).value();
    CHECK(seen.prompt == c.prompt);
    CHECK(seen.result_text == "the answer");
    CHECK(seen.redacted_fields.empty());
  }
  const mc::Job platform = engine.job_as_seen_by(c.job, JobViewer::of_platform()).value();
  CHECK(platform.prompt == c.prompt);
  CHECK(platform.result_text == "the answer");

  const std::vector<mc::Job> listed =
      engine.jobs_as_seen_by({.market_id = s.market.id}, JobViewer::of_party(c.third)).value();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].prompt == preview);
  CHECK(listed[0].result_text.empty());
  // The plain read is the host's full view.
  CHECK(engine.job(c.job).value().result_text == "the answer");
}

TEST_CASE("visibility: J0Market reads through the declared rule, and other markets show all") {
  mc::scenario::Scenario s("j0");
  const Completed c = completed_job(s);
  const mc::j0::J0Market j0 = mc::j0::J0Market::open(*s.engine).value();
  const mc::Job third = j0.job(c.job, JobViewer::of_party(c.third)).value();
  CHECK(third.result_text.empty());
  CHECK(j0.jobs({}, JobViewer::of_party(c.third)).value().at(0).result_text.empty());
  CHECK(j0.job(c.job, JobViewer::of_party(c.worker)).value().result_text == "the answer");
  // The rule is the lifecycle's: AgentMarket declares none, so everyone reads everything.
  CHECK(mc::j0_lifecycle().visibility.size() == 2);
  CHECK(mc::agentmarket_lifecycle().visibility.empty());
}
