// The SQLite auth stores through Engine::auth_stores(), on real database files: each
// interface's contract (shared with the memory stores), durability across reopening the
// engine, the bounded purge of expired rows, and single use under racing threads.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "auth_store/auth_store_contracts.h"
#include "marketcore/api_keys.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/engine.h"
#include "marketcore/memory_auth_stores.h"
#include "marketcore/refresh_tokens.h"
#include "store/store_fixture.h"

using namespace mc;
using namespace mc::auth;
using mc::store::testing::TempDir;

namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;

// An engine on a database file in a temporary directory, reopened on demand over the same
// file with the same ManualClock.
class AuthStoreFixture {
 public:
  AuthStoreFixture() { reopen(); }

  void reopen() {
    engine.reset();
    auto opened = Engine::open({.database_path = dir.file("market.db"), .clock = clock});
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    engine = std::move(opened).value();
    stores = engine->auth_stores();
    REQUIRE(stores.nonces != nullptr);
    REQUIRE(stores.replay_guard != nullptr);
    REQUIRE(stores.refresh_tokens != nullptr);
    REQUIRE(stores.api_keys != nullptr);
  }

  TempDir dir;
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(kStartMs);
  std::unique_ptr<Engine> engine;
  AuthStores stores;
};

}  // namespace

TEST_CASE("auth store: the memory stores pass the shared contracts (reference semantics)") {
  auto clock = std::make_shared<ManualClock>(kStartMs);
  MemoryNonceStore nonces;
  testing::check_nonce_store_contract(nonces, clock);
  MemoryReplayGuard guard;
  testing::check_replay_guard_contract(guard, clock);
  testing::check_refresh_token_store_contract(std::make_shared<MemoryRefreshTokenStore>(), clock);
  testing::check_api_key_store_contract(std::make_shared<MemoryApiKeyStore>(), clock);
}

TEST_CASE("auth store: SQLite nonce store contract") {
  AuthStoreFixture fx;
  testing::check_nonce_store_contract(*fx.stores.nonces, fx.clock);
}

TEST_CASE("auth store: SQLite replay guard contract") {
  AuthStoreFixture fx;
  testing::check_replay_guard_contract(*fx.stores.replay_guard, fx.clock);
}

TEST_CASE("auth store: SQLite refresh token store contract") {
  AuthStoreFixture fx;
  testing::check_refresh_token_store_contract(fx.stores.refresh_tokens, fx.clock);
}

TEST_CASE("auth store: SQLite API key store contract") {
  AuthStoreFixture fx;
  testing::check_api_key_store_contract(fx.stores.api_keys, fx.clock);
}

TEST_CASE("auth store: an API key created before a restart authenticates after it") {
  AuthStoreFixture fx;
  auto created = ApiKeys(fx.stores.api_keys, fx.clock).create("agent_1", "ho_live_", "ci");
  REQUIRE(created.ok());
  auto revoked = *ApiKeys(fx.stores.api_keys, fx.clock).create("agent_1", "ho_live_", "old");
  REQUIRE(ApiKeys(fx.stores.api_keys, fx.clock).revoke("agent_1", revoked.record.id).ok());

  fx.reopen();
  fx.clock->advance_ms(1000);
  ApiKeys keys(fx.stores.api_keys, fx.clock);
  auto who = keys.authenticate(created->key);
  REQUIRE_MESSAGE(who.ok(), who.status().to_string());
  CHECK(who->id == created->record.id);
  CHECK(who->owner_id == "agent_1");
  CHECK(keys.authenticate(revoked.key).status().detail() == "api_key_revoked");
  auto listed = *keys.list("agent_1");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == created->record.id);
  CHECK(listed[1].revoked_at_ms == kStartMs);

  // The last use written before a restart is still there after it.
  fx.reopen();
  CHECK(fx.stores.api_keys->find_by_hash(created->record.key_hash)->last_used_at_ms ==
        kStartMs + 1000);
}

TEST_CASE("auth store: a consumed nonce stays consumed across a restart") {
  AuthStoreFixture fx;
  const int64_t t = fx.clock->now_ms();
  REQUIRE(fx.stores.nonces->insert({"spent", "0xabc", t, t + 60'000}).ok());
  REQUIRE(fx.stores.nonces->insert({"kept", "0xdef", t, t + 60'000}).ok());
  REQUIRE(fx.stores.nonces->consume("spent", t + 1).ok());

  fx.reopen();
  CHECK(fx.stores.nonces->consume("spent", t + 2).status().detail() == "nonce_unknown");
  auto kept = fx.stores.nonces->consume("kept", t + 2);
  REQUIRE(kept.ok());
  CHECK(kept->subject == "0xdef");
  CHECK(fx.stores.nonces->insert({"kept", "", t, t + 60'000}).ok());
}

TEST_CASE("auth store: a used refresh token and a remembered signature stay dead after restart") {
  AuthStoreFixture fx;
  RefreshTokens refresh({.ttl_ms = 60'000}, fx.stores.refresh_tokens, fx.clock);
  auto first = *refresh.issue("party_1");
  auto second = *refresh.rotate(first.token);
  const int64_t t = fx.clock->now_ms();
  REQUIRE(fx.stores.replay_guard->remember("sig_1", t + 60'000, t).ok());

  fx.reopen();
  RefreshTokens after({.ttl_ms = 60'000}, fx.stores.refresh_tokens, fx.clock);
  CHECK(after.rotate(first.token).status().detail() == "refresh_token_reused");
  // The refusal revoked the family durably, though the call that did it failed.
  fx.reopen();
  RefreshTokens again({.ttl_ms = 60'000}, fx.stores.refresh_tokens, fx.clock);
  CHECK(again.rotate(second.next.token).status().detail() == "refresh_token_revoked");
  CHECK(fx.stores.replay_guard->remember("sig_1", t + 60'000, t + 1).detail() ==
        "signature_replayed");
}

TEST_CASE("auth store: expired rows are purged a bounded number at a time") {
  AuthStoreFixture fx;
  const int64_t t = fx.clock->now_ms();
  constexpr int kNonces = 40;  // more than the default purge_rows_max (32)
  for (int i = 0; i < kNonces; ++i) {
    REQUIRE(fx.stores.nonces->insert({"old_" + std::to_string(i), "", t, t + 10}).ok());
  }
  fx.clock->advance_ms(10);
  REQUIRE(fx.stores.nonces->insert({"new", "", t + 10, t + 1000}).ok());
  int purged = 0;
  int expired = 0;
  for (int i = 0; i < kNonces; ++i) {
    const std::string detail =
        fx.stores.nonces->consume("old_" + std::to_string(i), t + 10).status().detail();
    if (detail == "nonce_unknown") ++purged;
    if (detail == "nonce_expired") ++expired;
  }
  CHECK(purged == SqliteAuthStoreOptions{}.purge_rows_max);
  CHECK(expired == kNonces - purged);
  CHECK(fx.stores.nonces->consume("new", t + 10).ok());

  // A replay key is forgotten only once expired, and may then be used again.
  REQUIRE(fx.stores.replay_guard->remember("sig", t + 20, t + 10).ok());
  CHECK(fx.stores.replay_guard->remember("other", t + 100, t + 19).ok());
  CHECK(fx.stores.replay_guard->remember("sig", t + 100, t + 19).detail() == "signature_replayed");
  CHECK(fx.stores.replay_guard->remember("other2", t + 100, t + 20).ok());  // its purge drops "sig"
  CHECK(fx.stores.replay_guard->remember("sig", t + 100, t + 20).ok());
}

TEST_CASE("auth store: two auth_stores() handles of one engine share the tables") {
  AuthStoreFixture fx;
  AuthStores second = fx.engine->auth_stores();
  const int64_t t = fx.clock->now_ms();
  REQUIRE(fx.stores.nonces->insert({"shared", "", t, t + 1000}).ok());
  CHECK(second.nonces->consume("shared", t + 1).ok());
  CHECK(fx.stores.nonces->consume("shared", t + 1).status().detail() == "nonce_unknown");
}
