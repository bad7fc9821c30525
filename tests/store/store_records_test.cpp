// Store records other than jobs and money: parties, events, timers, idempotency, offers,
// disputes and votes.
#include "store/store_fixture.h"

using mc::Code;
using mc::store::Reader;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

namespace {

mc::Party make_party(mc::MarketId market, std::string kind, std::string wallet,
                     std::vector<std::string> capabilities) {
  mc::Party party;
  party.market_id = market;
  party.kind = std::move(kind);
  party.display_name = "p-" + wallet;
  party.wallet_address = std::move(wallet);
  party.capabilities = std::move(capabilities);
  return party;
}

}  // namespace

TEST_CASE(
    "store: parties by id, wallet, external id, email; filters; a shared identity finds the "
    "oldest") {
  StoreFixture fx;
  mc::Party agent = make_party(fx.market, "agent", "0xaa", {"code", "web search"});
  agent.email = "a@example.com";
  agent.external_id = "agent-1";
  agent.profile_json = R"({"bio":"é"})";
  agent.reputation = 70;
  agent.tier = "Gold";
  agent.kyc_status = "VERIFIED";
  agent.endpoint_url = "https://a.example/run";
  agent.webhook_url = "https://a.example/hook";
  agent.id = fx.write_value<mc::PartyId>([&](Transaction& tx) { return tx.insert_party(agent); });
  fx.write_value<mc::PartyId>([&](Transaction& tx) {
    return tx.insert_party(make_party(fx.market, "operator", "0xbb", {"photo"}));
  });
  mc::Party got = fx.read_value<mc::Party>([&](Reader& r) { return r.party(agent.id); });
  CHECK(got.capabilities == agent.capabilities);
  CHECK(got.profile_json == agent.profile_json);
  CHECK(got.reputation == 70);
  CHECK(got.tier == "Gold");
  CHECK(got.kyc_status == "VERIFIED");
  CHECK(got.webhook_url == agent.webhook_url);
  CHECK(got.created_at_ms == fx.now_ms);
  CHECK(fx.read_value<mc::Party>([&](Reader& r) {
            return r.party_by_wallet(fx.market, "0xaa");
          }).id == agent.id);
  CHECK(fx.read_value<mc::Party>([&](Reader& r) {
            return r.party_by_external_id(fx.market, "agent-1");
          }).id == agent.id);
  CHECK(fx.read_value<mc::Party>([&](Reader& r) {
            return r.party_by_email(fx.market, "a@example.com");
          }).id == agent.id);
  CHECK(fx.store->read_result<mc::Party>([&](Reader& r) { return r.party_by_email(fx.market, ""); })
            .status()
            .detail() == "party_not_found");
  CHECK(fx.store->read_result<mc::Party>([&](Reader& r) { return r.party(999); }).status().code() ==
        Code::not_found);
  auto list = [&](mc::store::PartyFilter filter) {
    filter.market_id = fx.market;
    return fx.read_value<std::vector<mc::Party>>([&](Reader& r) { return r.parties(filter); });
  };
  CHECK(list({}).size() == 2);
  CHECK(list({.kind = "operator"}).size() == 1);
  CHECK(list({.capability = "web search"}).size() == 1);
  CHECK(list({.capability = "web"}).empty());
  CHECK(list({.limit = 1, .offset = 1}).size() == 1);
  CHECK(fx.write([&](Transaction& tx) {
            return tx.insert_party(make_party(fx.market + 100, "agent", "0xcc", {})).status();
          }).detail() == "market_not_found");
  // Update.
  got.capabilities = {"photo"};
  got.reputation = 71;
  fx.now_ms += 5;
  got.updated_at_ms = 0;
  REQUIRE(fx.write([&](Transaction& tx) { return tx.update_party(got); }).ok());
  mc::Party updated = fx.read_value<mc::Party>([&](Reader& r) { return r.party(agent.id); });
  CHECK(updated.reputation == 71);
  CHECK(updated.updated_at_ms == fx.now_ms);
  CHECK(updated.created_at_ms == got.created_at_ms);
  CHECK(list({.capability = "photo"}).size() == 2);
  got.id = 999;
  CHECK(fx.write([&](Transaction& tx) { return tx.update_party(got); }).detail() ==
        "party_not_found");
  // Uniqueness is the engine's, per market: the store keeps a second party with the same
  // wallet, and a lookup by it answers the oldest.
  const mc::PartyId second = fx.write_value<mc::PartyId>(
      [&](Transaction& tx) { return tx.insert_party(make_party(fx.market, "agent", "0xaa", {})); });
  CHECK(second > agent.id);
  CHECK(fx.read_value<mc::Party>([&](Reader& r) {
            return r.party_by_wallet(fx.market, "0xaa");
          }).id == agent.id);
}

TEST_CASE("store: events are ordered by sequence and filtered by market and party") {
  StoreFixture fx;
  auto append = [&](std::string type, std::vector<mc::PartyId> parties, bool broadcast) {
    return fx.write_value<int64_t>([&](Transaction& tx) {
      mc::Event event;
      event.market_id = fx.market;
      event.type = type;
      event.job_id = 3;
      event.party_ids = parties;
      event.broadcast = broadcast;
      event.payload_json = R"({"n":1})";
      return tx.append_event(event);
    });
  };
  const int64_t first = append("job.posted", {}, true);
  const int64_t second = append("job.accepted", {1, 2}, false);
  const int64_t third = append("balance.updated", {2}, false);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(fx.read_value<int64_t>([](Reader& r) { return r.last_event_sequence(); }) == third);
  auto query = [&](mc::EventQuery q) {
    return fx.read_value<std::vector<mc::Event>>([&](Reader& r) { return r.events(q); });
  };
  auto all = query({});
  REQUIRE(all.size() == 3);
  CHECK(all[0].sequence == first);
  CHECK(all[0].broadcast);
  CHECK(all[1].party_ids == std::vector<mc::PartyId>{1, 2});
  CHECK(all[1].payload_json == R"({"n":1})");
  CHECK(all[1].job_id == 3);
  CHECK(all[1].created_at_ms == fx.now_ms);
  CHECK(query({.after_sequence = first}).size() == 2);
  CHECK(query({.party_id = 1}).size() == 2);  // broadcast + accepted
  CHECK(query({.party_id = 2}).size() == 3);
  CHECK(query({.after_sequence = second, .party_id = 1}).empty());
  CHECK(query({.market_id = fx.market + 1}).empty());
  CHECK(query({.limit = 2}).size() == 2);
  // A rolled-back unit's event never appears, and its sequence is not visible.
  mc::Status failed = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.append_event({.market_id = fx.market, .type = "job.cancelled"}));
    return mc::aborted("test", "roll back");
  });
  CHECK(failed.detail() == "test");
  CHECK(query({}).size() == 3);
  CHECK(append("job.completed", {}, false) > third);
}

TEST_CASE("store: timers are due in order, cancelled per job, deleted one by one") {
  StoreFixture fx;
  auto schedule = [&](mc::JobId job, int64_t due_at_ms) {
    return fx.write_value<int64_t>([&](Transaction& tx) {
      return tx.schedule_timer(
          {.job_id = job, .transition = "timeout", .state = "accepted", .due_at_ms = due_at_ms});
    });
  };
  const int64_t t1 = schedule(1, fx.now_ms + 300);
  const int64_t t2 = schedule(2, fx.now_ms + 100);
  schedule(1, fx.now_ms + 200);
  auto due = [&]() {
    return fx.write_value<std::vector<mc::store::Timer>>(
        [](Transaction& tx) { return tx.due_timers(10); });
  };
  CHECK(due().empty());
  CHECK(fx.write_value<std::optional<int64_t>>([](Transaction& tx) { return tx.next_due_at(); }) ==
        fx.now_ms + 100);
  fx.now_ms += 250;
  auto found = due();
  REQUIRE(found.size() == 2);
  CHECK(found[0].id == t2);
  CHECK(found[0].transition == "timeout");
  CHECK(found[0].state == "accepted");
  CHECK(found[1].job_id == 1);
  REQUIRE(fx.write([&](Transaction& tx) { return tx.delete_timer(t2); }).ok());
  REQUIRE(fx.write([&](Transaction& tx) { return tx.cancel_timers(1); }).ok());
  fx.now_ms += 1000;
  CHECK(due().empty());
  CHECK_FALSE(fx.write_value<std::optional<int64_t>>([](Transaction& tx) {
                  return tx.next_due_at();
                }).has_value());
  (void)t1;
}

TEST_CASE("store: idempotency records are found, kept once, and purged by age") {
  StoreFixture fx;
  REQUIRE(fx.write([](Transaction& tx) {
              return tx.save_idempotency("party:1", "key-1", "hash-a", R"({"job_id":5})");
            }).ok());
  auto find = [&](std::string scope, std::string key) {
    return fx.write_value<std::optional<mc::store::IdempotencyRecord>>(
        [&](Transaction& tx) { return tx.find_idempotency(scope, key); });
  };
  auto record = find("party:1", "key-1");
  REQUIRE(record.has_value());
  CHECK(record->request_hash == "hash-a");
  CHECK(record->result_json == R"({"job_id":5})");
  CHECK(record->created_at_ms == fx.now_ms);
  CHECK_FALSE(find("party:2", "key-1").has_value());  // scoped to the principal
  mc::Status again = fx.write(
      [](Transaction& tx) { return tx.save_idempotency("party:1", "key-1", "hash-b", "{}"); });
  CHECK(again.detail() == "idempotency_key_exists");
  CHECK(fx.write([](Transaction& tx) {
            return tx.save_idempotency("", "k", "h", "{}");
          }).detail() == "idempotency_key_empty");
  fx.now_ms += 24 * 3'600'000LL;
  REQUIRE(fx.write([](Transaction& tx) {
              return tx.save_idempotency("party:1", "key-2", "hash-c", "{}");
            }).ok());
  const int64_t cutoff = fx.now_ms - 24 * 3'600'000LL + 1;
  CHECK(fx.write_value<int64_t>([&](Transaction& tx) { return tx.purge_idempotency(cutoff); }) ==
        1);
  CHECK_FALSE(find("party:1", "key-1").has_value());
  CHECK(find("party:1", "key-2").has_value());
}

TEST_CASE("store: offers, disputes and votes") {
  StoreFixture fx;
  const mc::PartyId poster = fx.add_party();
  const mc::JobId job = fx.write_value<mc::JobId>([&](Transaction& tx) {
    return tx.insert_job(
        {.market_id = fx.market, .lifecycle = "aacp", .state = "open", .poster_id = poster});
  });
  const int64_t offer = fx.write_value<int64_t>([&](Transaction& tx) {
    return tx.insert_offer({.job_id = job, .party_id = 9, .status = "PENDING"});
  });
  REQUIRE(fx.write([&](Transaction& tx) {
              return tx.update_offer({.id = offer, .status = "ACCEPTED", .payload_json = "{}"});
            }).ok());
  auto offers = fx.read_value<std::vector<mc::Offer>>([&](Reader& r) { return r.offers(job); });
  REQUIRE(offers.size() == 1);
  CHECK(offers[0].status == "ACCEPTED");
  CHECK(fx.write([&](Transaction& tx) { return tx.update_offer({.id = 77}); }).detail() ==
        "offer_not_found");
  CHECK(fx.write([&](Transaction& tx) {
            return tx.insert_offer({.job_id = 999, .party_id = 9}).status();
          }).detail() == "job_not_found");

  CHECK_FALSE(fx.read_value<std::optional<mc::Dispute>>([&](Reader& r) {
                  return r.dispute_of_job(job);
                }).has_value());
  mc::Dispute dispute{.job_id = job, .filed_by = poster, .status = "open", .reason = "bad"};
  dispute.id = fx.write_value<int64_t>([&](Transaction& tx) { return tx.insert_dispute(dispute); });
  CHECK(fx.read_value<std::vector<mc::Dispute>>([&](Reader& r) {
            return r.open_disputes(fx.market, 10);
          }).size() == 1);
  for (mc::PartyId judge : {21, 22}) {
    REQUIRE(fx.write([&](Transaction& tx) {
                return tx.upsert_dispute_vote({.dispute_id = dispute.id, .judge_id = judge});
              }).ok());
  }
  REQUIRE(fx.write([&](Transaction& tx) {
              return tx.upsert_dispute_vote({.dispute_id = dispute.id,
                                             .judge_id = 21,
                                             .vote = "worker",
                                             .voted_at_ms = fx.now_ms});
            }).ok());
  auto votes = fx.read_value<std::vector<mc::DisputeVote>>(
      [&](Reader& r) { return r.dispute_votes(dispute.id); });
  REQUIRE(votes.size() == 2);
  CHECK(votes[0].judge_id == 21);
  CHECK(votes[0].vote == "worker");
  CHECK(votes[1].vote.empty());
  CHECK(fx.write([&](Transaction& tx) {
            return tx.upsert_dispute_vote({.dispute_id = 999, .judge_id = 1});
          }).detail() == "dispute_not_found");
  dispute.status = "resolved";
  dispute.verdict = "worker";
  dispute.resolved_at_ms = fx.now_ms;
  REQUIRE(fx.write([&](Transaction& tx) { return tx.update_dispute(dispute); }).ok());
  mc::Dispute got = fx.read_value<mc::Dispute>([&](Reader& r) { return r.dispute(dispute.id); });
  CHECK(got.verdict == "worker");
  CHECK(got.resolved_at_ms == fx.now_ms);
  CHECK(fx.read_value<std::optional<mc::Dispute>>([&](Reader& r) {
            return r.dispute_of_job(job);
          })->id == dispute.id);
  CHECK(fx.read_value<std::vector<mc::Dispute>>([&](Reader& r) {
            return r.open_disputes(fx.market, 10);
          }).empty());
  CHECK(fx.store->read_result<mc::Dispute>([&](Reader& r) { return r.dispute(999); })
            .status()
            .detail() == "dispute_not_found");
}
