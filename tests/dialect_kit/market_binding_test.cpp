// Dialect kit: a market binding creates its market from the built-in config, answers
// not_found for another market's job or party with the dialect's own detail, registers a
// wallet's party once, and clamps list limits.
#include "marketcore/market_binding.h"

#include <doctest/doctest.h>

#include "marketcore/agentmarket.h"
#include "scenarios/scenario_fixture.h"

TEST_CASE("dialect kit: a market binding scopes ids to its market") {
  mc::scenario::Scenario s("j0");
  mc::Engine& engine = *s.engine;
  const mc::PartyId j0_poster = s.party({.available_minor = 100});
  const mc::Job j0_job = s.create(
      {.poster_id = j0_poster, .amount_minor = 10, .category = "opus", .work_timeout_ms = 30'000});

  // The AgentMarket market does not exist yet: the binding creates it from its config.
  CHECK(engine.market_by_name("agentmarket").status().code() == mc::Code::not_found);
  mc::MarketBinding agentmarket = mc::agentmarket::open_market(engine, true).value();
  CHECK(engine.market_by_name("agentmarket").value().id == agentmarket.market_id());
  CHECK(agentmarket.market().config.lifecycle == "agentmarket");

  // Another market's job and party look exactly like ids that do not exist.
  const mc::Status foreign_job = agentmarket.job(j0_job.id).status();
  CHECK(foreign_job.code() == mc::Code::not_found);
  CHECK(foreign_job.detail() == "task_not_found");
  CHECK(foreign_job.message() == agentmarket.job(999'999).status().message());
  CHECK(agentmarket.job(0).status().detail() == "task_not_found");
  CHECK(
      agentmarket.job_as_seen_by(j0_job.id, mc::JobViewer::of_party(j0_poster)).status().detail() ==
      "task_not_found");
  CHECK(agentmarket.party(j0_poster).status().detail() == "agent_not_found");
  CHECK(agentmarket.party(-1).status().detail() == "agent_not_found");
  CHECK(agentmarket.jobs_as_seen_by({}, mc::JobViewer::of_platform()).value().empty());

  mc::MarketBinding j0 =
      mc::MarketBinding::open(engine, {.market_name = "j0", .lifecycle = "j0"}).value();
  CHECK(j0.job(j0_job.id).value().id == j0_job.id);
  CHECK(j0.jobs_as_seen_by({.market_id = agentmarket.market_id()}, mc::JobViewer::of_platform())
            .value()
            .size() == 1);  // the binding's market, whatever the query named

  // A market running another lifecycle is refused.
  CHECK(mc::MarketBinding::open(engine, {.market_name = "j0", .lifecycle = "agentmarket"})
            .status()
            .detail() == "wrong_lifecycle");
  CHECK(mc::MarketBinding::open(engine, {.market_name = "nosuch"}).status().detail() ==
        "unknown_builtin_market");
}

TEST_CASE("dialect kit: wallet parties are registered once; list limits are clamped") {
  mc::scenario::Scenario s("j0");
  mc::MarketBinding j0 =
      mc::MarketBinding::open(*s.engine, {.market_name = "j0",
                                          .list_limit_default = 50,
                                          .list_limit_max = 100,
                                          .invalid_limit_detail = "validation_error"})
          .value();
  const std::string wallet = "0x00000000000000000000000000000000000000aa";
  const mc::Party first = j0.party_for_wallet(wallet).value();
  CHECK(first.market_id == j0.market_id());
  CHECK(first.kind == "wallet");
  CHECK(j0.party_for_wallet(wallet).value().id == first.id);
  CHECK(j0.party(first.id).value().wallet_address == wallet);

  CHECK(j0.list_limit(std::nullopt).value() == 50);
  CHECK(j0.list_limit(1).value() == 1);
  CHECK(j0.list_limit(100).value() == 100);
  CHECK(j0.list_limit(101).value() == 100);
  const mc::Status zero = j0.list_limit(0).status();
  CHECK(zero.detail() == "validation_error");
  CHECK(zero.param() == "limit");
  CHECK(j0.clamp_limit(-5) == 1);
  CHECK(j0.clamp_limit(1'000'000) == 100);
}
