// Refusals of the engine that come before or without a store error: market configurations,
// engine options, idempotency keys, money movements, parties, job requests and firings,
// offers and appended events. Each case asserts the refusal's detail and, for calls that reach
// the store, that nothing was written (the ledger and the event count are unchanged).
#include <doctest/doctest.h>

#include <string>

#include "engine/engine_fixture.h"
#include "marketcore/auth_stores.h"

namespace mc::test {
namespace {

std::string detail(const auto& result) {
  return std::string(result.status().detail());
}

TEST_CASE("refusals: market configurations and engine options") {
  EngineFixture f;
  auto refused = [&](MarketConfig config) { return detail(f.engine->create_market(config)); };
  MarketConfig config = gig_market("bad");
  config.name = "";
  CHECK(refused(config) == "market_name_empty");
  for (int32_t scale : {-1, 19}) {
    config = gig_market("bad");
    config.asset.scale = scale;
    CHECK(refused(config) == "bad_asset");
  }
  config = gig_market("bad");
  config.asset.code = "";
  CHECK(refused(config) == "bad_asset");
  for (int field = 0; field < 6; ++field) {
    config = gig_market("bad");
    FeePolicy& fees = config.fees;
    if (field == 0) fees.platform_fee_bps = -1;
    if (field == 1) fees.platform_fee_bps = 10'001;
    if (field == 2) fees.evaluator_fee_bps = -1;
    if (field == 3) fees.evaluator_fee_bps = 10'001;
    if (field == 4) fees.platform_fee_min_minor = -1;
    if (field == 5) fees.trailing_window_ms = -1;
    CHECK_MESSAGE(refused(config) == "bad_fee_policy", "field ", field);
  }
  config = gig_market("bad");
  config.settlement_hold_ms = -1;
  CHECK(refused(config) == "bad_settlement_hold");
  config = gig_market("bad");
  config.lifecycle = "nonesuch";
  CHECK(detail(f.engine->ensure_market(config)) == "unknown_lifecycle");
  CHECK(f.engine->market_by_name("bad").status().code() == Code::not_found);

  CHECK(detail(Engine::open({.database_path = f.dir.path("short.db").string(),
                             .idempotency_retention_ms = 1000})) == "retention_too_short");
  CHECK(detail(Engine::open({.database_path = f.dir.path("missing/dir/x.db").string()})) ==
        "store_open_failed");
  // Without a clock the engine runs on the system clock, which advance_ms cannot move.
  auto system = Engine::open({.database_path = f.dir.path("system.db").string()});
  REQUIRE_MESSAGE(system.ok(), system.status().to_string());
  CHECK((*system)->clock().now_ms() > kStartMs);
  CHECK(detail((*system)->advance_ms(1)) == "not_manual_clock");
  CHECK(detail(f.engine->advance_ms(-1)) == "negative_delta");
  CHECK(f.engine
            ->register_guard("", [](const Job&, std::optional<PartyId>,
                                    const FireTransition&) { return ok_status(); })
            .detail() == "guard_name_empty");
  CHECK(f.engine->register_guard("empty", GuardFunction{}).detail() == "guard_empty");
}

TEST_CASE("refusals: idempotency keys and money movements") {
  EngineFixture f;
  const PartyId party = f.party(100);
  const int64_t events = f.event_count();
  const MarketId market = f.market.id;
  for (const IdempotencyKey& key : {IdempotencyKey{"", "k"}, IdempotencyKey{"s", ""},
                                    IdempotencyKey{"s", std::string(256, 'k')}}) {
    CHECK(detail(f.engine->deposit(
              {.market_id = market, .party_id = party, .amount_minor = 1, .idempotency = key})) ==
          "idempotency_key_invalid");
    CHECK(detail(f.engine->create_job(
              {.market_id = market, .poster_id = party, .amount_minor = 1, .idempotency = key})) ==
          "idempotency_key_invalid");
    CHECK(detail(f.engine->fire({.job_id = 1, .transition = "accept", .idempotency = key})) ==
          "idempotency_key_invalid");
    CHECK(detail(f.engine->open_dispute(1, party, "r", key)) == "idempotency_key_invalid");
  }
  CHECK(detail(f.engine->withdraw({.market_id = market,
                                   .party_id = party,
                                   .amount_minor = 1,
                                   .from = AccountKind::promo})) == "bad_account_kind");
  CHECK(detail(f.engine->withdraw(
            {.market_id = market, .party_id = party, .amount_minor = 1, .reason = ""})) ==
        "reason_empty");
  for (const std::string& ref : {std::string(), std::string(513, 'r')}) {
    CHECK(detail(f.engine->deposit(
              {.market_id = market, .party_id = party, .amount_minor = 1, .external_ref = ref})) ==
          "external_ref_invalid");
  }
  CHECK(detail(f.engine->deposit({.market_id = market, .party_id = 999, .amount_minor = 1})) ==
        "party_not_found");
  const MarketId other = f.engine->create_market(gig_market("other")).value().id;
  CHECK(detail(f.engine->deposit({.market_id = other, .party_id = party, .amount_minor = 1})) ==
        "party_not_found");
  MarketConfig capped = gig_market("capped");
  capped.movement_max_minor = capped.balance_max_minor = 1000;
  const MarketId small = f.engine->create_market(capped).value().id;
  Party member;
  member.market_id = small;
  const PartyId saver = f.engine->register_party(member).value().id;
  REQUIRE(f.engine->deposit({.market_id = small, .party_id = saver, .amount_minor = 600}).ok());
  CHECK(detail(f.engine->deposit({.market_id = small, .party_id = saver, .amount_minor = 600})) ==
        "balance_limit");
  CHECK(f.engine->balances(small, saver)->available_minor == 600);
  CHECK(f.balances(party).available_minor == 100);
  CHECK(f.event_count() == events + 1);  // the one deposit accepted in the capped market
  f.verify();
}

TEST_CASE("refusals: parties") {
  EngineFixture f;
  Party bad;
  bad.market_id = f.market.id;
  bad.profile_json = "{";
  CHECK(detail(f.engine->register_party(bad)) == "invalid_json");
  bad.profile_json = "{}";
  bad.display_name = "\xC3";
  CHECK(detail(f.engine->register_party(bad)) == "invalid_utf8");
  bad.display_name = "ok";
  CHECK(f.engine->update_party(Party{.id = 1, .kind = "\xFF"}).detail() == "invalid_utf8");
  RegisterParty request{.party = bad};
  request.opening_deposit = Deposit{.amount_minor = 5, .idempotency = IdempotencyKey{"s", "k"}};
  CHECK(detail(f.engine->register_party(request)) == "idempotency_not_supported");
  request.opening_deposit.reset();
  request.api_key = auth::ApiKeyRecord{.id = "", .key_hash = "h"};
  CHECK(detail(f.engine->register_party(request)) == "api_key_record_invalid");
  request.api_key = auth::ApiKeyRecord{.id = "key_1", .key_hash = ""};
  CHECK(detail(f.engine->register_party(request)) == "api_key_record_invalid");

  const PartyId first = f.party();
  const PartyId second = f.party();
  REQUIRE(f.engine->update_party_fields({.id = first, .wallet_address = "0xAA"}).ok());
  REQUIRE(f.engine->update_party_fields({.id = first, .external_id = "ext-1"}).ok());
  CHECK(detail(f.engine->update_party_fields({.id = second, .wallet_address = "0xaa"})) ==
        "party_identity_taken");
  CHECK(detail(f.engine->update_party_fields({.id = second, .external_id = "ext-1"})) ==
        "party_identity_taken");
  CHECK(detail(f.engine->update_party_fields({.id = second, .profile_json = "["})) ==
        "invalid_json");
  CHECK(f.engine->party(second)->wallet_address.empty());
}

TEST_CASE("refusals: job requests") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  auto create = [&](CreateJob request) {
    request.market_id = f.market.id;
    request.poster_id = poster;
    if (request.amount_minor == 0) request.amount_minor = 10;
    return detail(f.engine->create_job(request));
  };
  CHECK(create({.description = "\xE2\x82"}) == "invalid_utf8");
  CHECK(create({.prompt = "\xED\xA0\x80"}) == "invalid_utf8");                    // a surrogate
  CHECK(create({.category = "\xC0\x80"}) == "invalid_utf8");                      // overlong
  CHECK(create({.capabilities = {"ok", "\xF4\x90\x80\x80"}}) == "invalid_utf8");  // > U+10FFFF
  CHECK(create({.title = "t\xE2(x"}) == "invalid_utf8");  // a bad continuation byte
  CHECK(create({.work_timeout_ms = 0}) == "work_timeout_out_of_range");
  CHECK(create({.contracts_max = 0}) == "contracts_out_of_range");
  CHECK(create({.contracts_max = 2}) == "contracts_out_of_range");
  CHECK(create({.payload_json = "\"" + std::string(64 * 1024, 'x') + "\""}) == "payload_too_large");
  CHECK(create({.parent_job_id = 999}) == "job_not_found");
  const MarketId other = f.engine->create_market(gig_market("other")).value().id;
  Party stranger;
  stranger.market_id = other;
  const PartyId elsewhere = f.engine->register_party(stranger).value().id;
  REQUIRE(f.engine->deposit({.market_id = other, .party_id = elsewhere, .amount_minor = 50}).ok());
  const JobId foreign =
      f.engine->create_job({.market_id = other, .poster_id = elsewhere, .amount_minor = 10})
          .value()
          .job.id;
  CHECK(create({.parent_job_id = foreign}) == "parent_in_other_market");
  CHECK(f.balances(poster).escrow_minor == 0);
}

TEST_CASE("refusals: firings, offers and appended events") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 100);
  auto fire = [&](FireTransition request) {
    request.job_id = job.id;
    if (request.transition.empty() && !request.as_platform) request.transition = "accept";
    return detail(f.engine->fire(request));
  };
  CHECK(detail(f.engine->fire({.job_id = job.id})) == "transition_empty");
  CHECK(fire({.result_text = "\xFF"}) == "invalid_utf8");
  CHECK(fire({.proof_json = "{"}) == "invalid_json");
  CHECK(fire({.verdict_json = "{"}) == "invalid_json");
  CHECK(fire({.confidence = -1}) == "confidence_out_of_range");
  CHECK(fire({.confidence = 101}) == "confidence_out_of_range");
  CHECK(detail(f.engine->submit_offer(
            {.job_id = job.id, .party_id = worker, .payload_json = "{"})) == "invalid_json");
  CHECK(detail(f.engine->submit_offer({.job_id = job.id, .party_id = poster})) ==
        "role_not_allowed");
  CHECK(f.engine->withdraw_offer(job.id, worker).detail() == "offer_not_found");
  const int64_t first = f.engine->submit_offer({.job_id = job.id, .party_id = worker}).value();
  REQUIRE(f.engine->withdraw_offer(job.id, worker).ok());
  const int64_t second = f.engine->submit_offer({.job_id = job.id, .party_id = worker}).value();
  CHECK(second > first);
  REQUIRE(f.engine->withdraw_offer(job.id, worker).ok());  // the latest offer is withdrawn
  CHECK(f.engine->offers(job.id)->size() == 2);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  CHECK(detail(f.engine->submit_offer({.job_id = job.id, .party_id = f.party()})) == "wrong_state");
  CHECK(detail(f.engine->append_job_event(job.id, "job.noted", "{")) == "invalid_json");
  CHECK(detail(f.engine->append_job_event(job.id, "job.noted", "{}",
                                          Engine::JobEventRules{.worker = poster})) ==
        "role_not_allowed");
  CHECK(detail(f.engine->append_job_event(job.id, "job.noted", "{}",
                                          Engine::JobEventRules{.states = {"open"}})) ==
        "wrong_state");
  f.verify();
}

TEST_CASE("refusals: callers without the role, named workers and other offers") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  const PartyId other = f.party();
  const Job job = f.post(poster, 100);
  CHECK(detail(f.engine->fire({.job_id = job.id, .transition = "accept", .as_platform = true})) ==
        "role_not_allowed");
  CHECK(detail(f.fire(job.id, "accept", std::nullopt)) == "role_not_allowed");
  const MarketId elsewhere = f.engine->create_market(gig_market("elsewhere")).value().id;
  Party outsider;
  outsider.market_id = elsewhere;
  CHECK(detail(f.fire(job.id, "accept", f.engine->register_party(outsider).value().id)) ==
        "party_not_found");
  const JobId hired = f.engine
                          ->create_job({.market_id = f.market.id,
                                        .poster_id = poster,
                                        .amount_minor = 50,
                                        .worker_id = worker,
                                        .title = "t"})
                          .value()
                          .job.id;
  CHECK(detail(f.fire(hired, "accept", other)) == "not_assigned_worker");
  CHECK(f.fire(hired, "accept", worker).ok());

  REQUIRE(f.engine->submit_offer({.job_id = job.id, .party_id = worker}).ok());
  REQUIRE(f.engine->submit_offer({.job_id = job.id, .party_id = other}).ok());
  REQUIRE(f.engine->withdraw_offer(job.id, other).ok());
  const std::vector<Offer> offers = f.engine->offers(job.id).value();
  CHECK(offers.at(0).status == "PENDING");
  CHECK(offers.at(1).status == "WITHDRAWN");
  REQUIRE(f.fire(job.id, "cancel", poster).ok());
  CHECK(detail(f.engine->submit_offer({.job_id = job.id, .party_id = other})) == "wrong_state");
  f.verify();
}

TEST_CASE("refusals: identity checks a market turns off, every profile field, fee tiers") {
  EngineFixture f;
  MarketConfig open_config = gig_market("open");
  open_config.unique_wallet = open_config.unique_external_id = open_config.unique_email = false;
  open_config.fees.tiers = {{.spend_from_minor = 0, .fee_bps = 500},
                            {.spend_from_minor = 100, .fee_bps = 200}};
  open_config.fees.trailing_window_ms = 0;  // all-time spend
  const MarketId market = f.engine->create_market(open_config).value().id;
  Party twin;
  twin.market_id = market;
  twin.wallet_address = "0xBB";
  twin.external_id = "twin";
  twin.email = "twin@example.com";
  const PartyId first = f.engine->register_party(twin).value().id;
  CHECK(f.engine->register_party(twin).ok());  // the same identity again: allowed here
  const Result<Party> updated = f.engine->update_party_fields({.id = first,
                                                               .kind = "operator",
                                                               .display_name = "Twin",
                                                               .capabilities = {{"rust"}},
                                                               .kyc_status = "VERIFIED",
                                                               .endpoint_url = "https://a.example",
                                                               .webhook_url = "https://b.example",
                                                               .reputation = 70,
                                                               .tier = "Gold",
                                                               .profile_json = R"({"a":1})"});
  REQUIRE_MESSAGE(updated.ok(), updated.status().to_string());
  CHECK(updated->kind == "operator");
  CHECK(updated->capabilities == std::vector<std::string>{"rust"});
  CHECK(updated->reputation == 70);
  CHECK(updated->profile_json == R"({"a":1})");

  REQUIRE(f.engine->deposit({.market_id = market, .party_id = first, .amount_minor = 1000}).ok());
  const Job cheap =
      f.engine
          ->create_job({.market_id = market, .poster_id = first, .amount_minor = 100, .title = "t"})
          .value()
          .job;
  CHECK(cheap.fees.platform_fee_bps == 500);
  f.verify();
}

TEST_CASE("edges: a fee of the whole amount, no payload limit, a minimum work timeout") {
  EngineFixture f;
  MarketConfig config = gig_market("all_fee", kMillisecondsPerHour);
  config.fees.platform_fee_bps = 10'000;
  config.limits.payload_bytes_max = 0;  // no limit
  config.limits.work_timeout_min_ms = 1000;
  const MarketId market = f.engine->create_market(config).value().id;
  Party row;
  row.market_id = market;
  const PartyId poster = f.engine->register_party(row).value().id;
  const PartyId worker = f.engine->register_party(row).value().id;
  REQUIRE(f.engine->deposit({.market_id = market, .party_id = poster, .amount_minor = 100}).ok());
  CHECK(detail(f.engine->create_job({.market_id = market,
                                     .poster_id = poster,
                                     .amount_minor = 100,
                                     .work_timeout_ms = 500})) == "work_timeout_out_of_range");
  const Result<JobOutcome> created =
      f.engine->create_job({.market_id = market,
                            .poster_id = poster,
                            .amount_minor = 100,
                            .work_timeout_ms = 1000,
                            .payload_json = "\"" + std::string(70 * 1024, 'x') + "\""});
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  const JobId job = created->job.id;
  REQUIRE(f.fire(job, "accept", worker).ok());
  REQUIRE(f.fire(job, "submit", worker).ok());
  REQUIRE(f.fire(job, "approve", poster).ok());  // all of it is the platform's: nothing settles
  const Balances paid = f.engine->balances(market, worker).value();
  CHECK(paid.available_minor == 0);
  CHECK(paid.pending_minor == 0);
  CHECK(f.engine->next_due_at_ms().value() == std::nullopt);
  f.verify();
}

}  // namespace
}  // namespace mc::test
