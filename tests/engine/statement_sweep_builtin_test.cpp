// Statement fault sweeps (statement_sweep.h) over the built-in AACP and 1337MKT lifecycles,
// whose effects the gig lifecycle does not use: stakes locked at funding and submission,
// released at settlement and slashed by a verdict or an evaluator's timeout; the dispute
// deposit returned or awarded to the platform; an offer picked; a lead funded and contracts
// drawing from its escrow, released back to it, approved and resolved. Each store statement
// of each call fails in turn: the call returns the store's error and changes nothing; with no
// fault reached it succeeds.
#include <doctest/doctest.h>

#include <string>

#include "engine/statement_sweep.h"

namespace mc::test {
namespace {

constexpr int64_t kUsdc = 1'000'000;

struct Builtin {
  explicit Builtin(std::string_view name) {
    const Result<MarketConfig> config = builtin_market_config(name);
    REQUIRE(config.ok());
    const Result<Market> created = f.engine->ensure_market(*config);
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    market = created->id;
  }

  PartyId member(int64_t available_minor, int64_t stake_minor, int64_t reputation = 100,
                 std::string profile_json = "{}") {
    Party row;
    row.market_id = market;
    row.kind = "agent";
    row.reputation = reputation;
    row.kyc_status = "VERIFIED";
    row.profile_json = std::move(profile_json);
    const Result<Party> registered = f.engine->register_party(row);
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    for (auto [kind, amount] : {std::pair{AccountKind::available, available_minor},
                                std::pair{AccountKind::stake, stake_minor}}) {
      if (amount <= 0) continue;
      REQUIRE(f.engine
                  ->deposit({.market_id = market,
                             .party_id = registered->id,
                             .amount_minor = amount,
                             .into = kind})
                  .ok());
    }
    return registered->id;
  }

  Balances balances(PartyId party) { return f.engine->balances(market, party).value(); }

  // Sweeps firing `request` and returns the job's state after the successful run.
  std::string sweep_fire(const FireTransition& request) {
    sweep(f, "fire " + request.transition, [&] { return f.engine->fire(request).status(); });
    return f.engine->job(request.job_id)->state;
  }

  SweepFixture f;
  MarketId market = 0;
};

struct Cast {
  explicit Cast(Builtin& b)
      : client(b.member(1000 * kUsdc, 100 * kUsdc)),
        provider(b.member(5 * kUsdc, 200 * kUsdc)),
        evaluator(b.member(0, 100 * kUsdc, 100, R"({"accepts_roles":["evaluator"]})")) {}
  PartyId client, provider, evaluator;
};

// An AACP job created, funded, given its provider through an offer and submitted (swept).
JobId aacp_submitted(Builtin& b, const Cast& cast) {
  JobId job = 0;
  sweep(b.f, "create_job (aacp, unfunded)", [&] {
    auto created = b.f.engine->create_job({.market_id = b.market,
                                           .poster_id = cast.client,
                                           .amount_minor = 100 * kUsdc,
                                           .evaluator_id = cast.evaluator,
                                           .category = "PROGRAM",
                                           .deadline_at_ms = kStartMs + 7 * kMillisecondsPerDay});
    if (created.ok()) job = created->job.id;
    return created.status();
  });
  CHECK(b.sweep_fire({.job_id = job, .transition = "fund", .actor_id = cast.client}) == "FUNDED");
  CHECK(b.balances(cast.evaluator).stake_locked_minor == 10 * kUsdc);
  sweep(b.f, "submit_offer (aacp)", [&] {
    return b.f.engine->submit_offer({.job_id = job, .party_id = cast.provider}).status();
  });
  CHECK(b.sweep_fire({.job_id = job,
                      .transition = "set_provider",
                      .actor_id = cast.client,
                      .worker_id = cast.provider}) == "FUNDED");
  CHECK(b.sweep_fire({.job_id = job,
                      .transition = "submit",
                      .actor_id = cast.provider,
                      .proof_json = R"({"deliverableHash":"0xabc"})"}) == "SUBMITTED");
  CHECK(b.balances(cast.provider).stake_locked_minor == 10 * kUsdc);
  return job;
}

TEST_CASE("statement sweep: AACP stakes, fees, settlement and an evaluator's timeout") {
  if (!sweeps_supported()) return;
  Builtin b("aacp");
  const Cast cast(b);
  const JobId completed = aacp_submitted(b, cast);
  CHECK(b.sweep_fire({.job_id = completed, .transition = "complete", .actor_id = cast.evaluator}) ==
        "COMPLETED");
  CHECK(b.balances(cast.evaluator).available_minor == 3 * kUsdc);
  CHECK(b.sweep_fire({.job_id = completed, .transition = "close"}) == "SETTLED_COMPLETED");
  CHECK(b.balances(cast.provider).stake_locked_minor == 0);

  const JobId abandoned = aacp_submitted(b, cast);
  CHECK(b.sweep_fire({.job_id = abandoned, .transition = "evaluator_timeout"}) == "EXPIRED");
  CHECK(b.balances(cast.evaluator).stake_locked_minor == 0);
  CHECK(b.balances(cast.evaluator).stake_minor == 90 * kUsdc);  // slashed to the provider
  b.f.verify();
}

TEST_CASE("statement sweep: AACP disputes, deposits and verdicts") {
  if (!sweeps_supported()) return;
  Builtin b("aacp");
  const Cast cast(b);
  const JobId rejected = aacp_submitted(b, cast);
  CHECK(b.sweep_fire({.job_id = rejected, .transition = "reject", .actor_id = cast.evaluator}) ==
        "REJECTED");
  CHECK(b.sweep_fire({.job_id = rejected, .transition = "dispute", .actor_id = cast.provider}) ==
        "DISPUTED");
  CHECK(
      b.sweep_fire({.job_id = rejected, .transition = "resolve_for_poster", .as_platform = true}) ==
      "ARBITRATED");
  CHECK(b.balances(cast.provider).available_minor == 0);  // the deposit went to the platform

  const JobId completed = aacp_submitted(b, cast);
  CHECK(b.sweep_fire({.job_id = completed, .transition = "complete", .actor_id = cast.evaluator}) ==
        "COMPLETED");
  CHECK(b.sweep_fire({.job_id = completed, .transition = "dispute", .actor_id = cast.client}) ==
        "DISPUTED");
  CHECK(b.sweep_fire({.job_id = completed, .transition = "arbitration_timeout"}) == "ARBITRATED");
  CHECK(b.balances(cast.client).stake_locked_minor == 0);

  const JobId late = aacp_submitted(b, cast);
  REQUIRE(b.f.engine->fire({.job_id = late, .transition = "complete", .actor_id = cast.evaluator})
              .ok());
  b.f.clock->advance_ms(49 * kMillisecondsPerHour);  // the 48 h window, its timer not yet run
  CHECK(b.f.engine->open_dispute(late, cast.client, "too late").status().detail() ==
        "dispute_window_closed");
  CHECK(b.f.engine->job(late)->state == "COMPLETED");
  b.f.verify();
}

TEST_CASE("statement sweep: a 1337MKT lead and its contracts") {
  if (!sweeps_supported()) return;
  Builtin b("1337mkt");
  const PartyId leader = b.member(1000 * kUsdc, 0);
  const PartyId doer = b.member(0, 0);
  const PartyId other = b.member(0, 0);
  JobId lead = 0;
  sweep(b.f, "create_job (lead)", [&] {
    auto created = b.f.engine->create_job({.market_id = b.market,
                                           .poster_id = leader,
                                           .amount_minor = 200 * kUsdc,
                                           .title = "Sign up",
                                           .category = "CPA",
                                           .deadline_at_ms = kStartMs + 30 * kMillisecondsPerDay,
                                           .contracts_max = 2});
    if (created.ok()) lead = created->job.id;
    return created.status();
  });
  CHECK(b.sweep_fire({.job_id = lead, .transition = "fund", .actor_id = leader}) == "funded");

  auto take = [&](PartyId taker, JobId& contract) {
    sweep(b.f, "create_job (contract)", [&] {
      auto created = b.f.engine->create_job({.market_id = b.market,
                                             .poster_id = taker,
                                             .amount_minor = 100 * kUsdc,
                                             .parent_job_id = lead,
                                             .category = "CPA",
                                             .deadline_at_ms = kStartMs + 5 * kMillisecondsPerDay});
      if (created.ok()) contract = created->job.id;
      return created.status();
    });
  };
  JobId first = 0;
  take(doer, first);
  CHECK(b.sweep_fire({.job_id = first,
                      .transition = "submit_proof",
                      .actor_id = doer,
                      .proof_json = R"({"url":"https://example.com/signup/1"})"}) ==
        "proof_submitted");
  CHECK(b.sweep_fire({.job_id = first, .transition = "dispute", .actor_id = leader}) == "disputed");
  CHECK(b.sweep_fire({.job_id = first, .transition = "resolve_for_poster", .as_platform = true}) ==
        "resolved_leader");
  CHECK(b.f.engine->job(lead)->contracts_taken == 0);

  JobId second = 0;
  take(other, second);
  CHECK(b.sweep_fire({.job_id = second, .transition = "abandon", .actor_id = other}) == "expired");
  JobId third = 0;
  take(doer, third);
  CHECK(b.f.engine->fire({.job_id = lead, .transition = "cancel", .actor_id = leader})
            .status()
            .detail() == "active_children");
  CHECK(b.sweep_fire({.job_id = third, .transition = "complete", .actor_id = leader}) ==
        "approved");
  CHECK(b.balances(doer).available_minor == 100 * kUsdc);
  CHECK(b.sweep_fire({.job_id = lead, .transition = "cancel", .actor_id = leader}) == "cancelled");
  CHECK(b.balances(leader).available_minor == 900 * kUsdc);
  b.f.verify();
}

}  // namespace
}  // namespace mc::test
