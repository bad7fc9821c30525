// example_bounty_host — a C++ host that brings its own lifecycle: a bounty paid in milestones.
//
// The host registers the "bounty" lifecycle (below) and a custom guard, creates a USD market
// on it (5 % platform fee, deducted), and runs two bounties on a manual clock:
//   1. $300.00 in 3 milestones: a hunter claims it, submits each milestone, the poster rejects
//      one submission, approves the others; approving the last one pays the bounty.
//   2. a bounty claimed and then abandoned: 8 days later the clock refunds the poster.
// Then it verifies the ledger. Exits non-zero if anything differs from the above.
//
// The lifecycle as a state table:
//   create             poster     → open                fund_escrow        bounty.posted
//   claim              candidate  open → in_progress    Record::worker     bounty.claimed
//   submit             worker     in_progress → review  Record::proof      milestone.submitted
//   approve_final      poster     review → paid         guard final_milestone; pay_worker;
//                                                       Record::verdict    bounty.paid
//   approve_milestone  poster     review → in_progress  Record::verdict    milestone.approved
//   reject             poster     review → in_progress                     milestone.rejected
//   expire             system     open → refunded       refund_poster      bounty.expired
//   abandon            system     in_progress → refunded  refund_poster    bounty.abandoned
//   review_lapsed      system     review → in_progress                     milestone.lapsed
// approve_final and approve_milestone form the group "approve": the host fires "approve" and
// the engine picks approve_final when the approved milestone is the last one (the custom guard
// compares the verdict's milestone with the payload's count), approve_milestone otherwise.
// Timers: open 14 days, in_progress 7 days, review 3 days — no bounty holds money forever.
//
// Usage: example_bounty_host [database-path]   (default: a fresh temporary file)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "marketcore/engine.h"

namespace {

constexpr int64_t kDayMs = mc::kMillisecondsPerDay;

mc::LifecycleDefinition bounty_lifecycle() {
  mc::LifecycleDefinition def;
  def.name = "bounty";
  def.states = {{"open"}, {"in_progress"}, {"review"}, {"paid", true}, {"refunded", true}};
  def.creation = {.name = "create",
                  .to = "open",
                  .roles = {mc::Role::poster},
                  .effects = {{.kind = mc::EffectKind::fund_escrow}},
                  .events = {"bounty.posted"}};
  const mc::Effect refund{.kind = mc::EffectKind::refund_poster};
  def.transitions = {
      {.name = "claim",
       .from = {"open"},
       .to = "in_progress",
       .roles = {mc::Role::candidate},
       .records = {mc::Record::worker},
       .events = {"bounty.claimed"}},
      {.name = "submit",
       .from = {"in_progress"},
       .to = "review",
       .roles = {mc::Role::worker},
       .records = {mc::Record::proof},
       .events = {"milestone.submitted"}},
      {.name = "approve_final",
       .from = {"review"},
       .to = "paid",
       .roles = {mc::Role::poster},
       .guards = {{.kind = mc::GuardKind::custom, .name = "final_milestone"}},
       .effects = {{.kind = mc::EffectKind::pay_worker}},
       .records = {mc::Record::verdict},
       .events = {"bounty.paid"},
       .group = "approve"},
      {.name = "approve_milestone",
       .from = {"review"},
       .to = "in_progress",
       .roles = {mc::Role::poster},
       .records = {mc::Record::verdict},
       .events = {"milestone.approved"},
       .group = "approve"},
      {.name = "reject",
       .from = {"review"},
       .to = "in_progress",
       .roles = {mc::Role::poster},
       .events = {"milestone.rejected"}},
      {.name = "expire",
       .from = {"open"},
       .to = "refunded",
       .roles = {mc::Role::system},
       .effects = {refund},
       .events = {"bounty.expired"}},
      {.name = "abandon",
       .from = {"in_progress"},
       .to = "refunded",
       .roles = {mc::Role::system},
       .effects = {refund},
       .events = {"bounty.abandoned"}},
      {.name = "review_lapsed",
       .from = {"review"},
       .to = "in_progress",
       .roles = {mc::Role::system},
       .events = {"milestone.lapsed"}},
  };
  def.timers = {{.state = "open", .transition = "expire", .after_ms = 14 * kDayMs},
                {.state = "in_progress", .transition = "abandon", .after_ms = 7 * kDayMs},
                {.state = "review", .transition = "review_lapsed", .after_ms = 3 * kDayMs}};
  return def;
}

// The integer after "key": in a small flat JSON object the host wrote itself, or -1.
int64_t json_integer(std::string_view json, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":";
  const size_t at = json.find(pattern);
  if (at == std::string_view::npos) return -1;
  return std::strtoll(std::string(json.substr(at + pattern.size())).c_str(), nullptr, 10);
}

// Passes when the milestone being approved is the bounty's last one.
mc::Status final_milestone(const mc::Job& job, std::optional<mc::PartyId>,
                           const mc::FireTransition& request) {
  const int64_t total = json_integer(job.payload_json, "milestones");
  const int64_t approved = json_integer(request.verdict_json, "milestone");
  if (approved >= 1 && approved == total) return mc::ok_status();
  return mc::failed_precondition("milestones_remaining", "not the last milestone");
}

bool check(const mc::Status& status, const char* what) {
  if (status.ok()) return true;
  std::fprintf(stderr, "%s failed: %s\n", what, status.to_string().c_str());
  return false;
}

void print_usd(const char* label, int64_t cents) {
  std::printf("  %-26s $%lld.%02lld\n", label, static_cast<long long>(cents / 100),
              static_cast<long long>(cents % 100));
}

// Bounty 1: three milestones, one rejected submission, paid on the last approval.
bool run_milestones(mc::Engine& engine, mc::MarketId market, mc::PartyId poster,
                    mc::PartyId hunter) {
  auto bounty = engine.create_job({.market_id = market,
                                   .poster_id = poster,
                                   .amount_minor = 300'00,
                                   .title = "Port the parser to C++20",
                                   .payload_json = R"({"milestones":3})"});
  if (!check(bounty.status(), "post bounty")) return false;
  const mc::JobId id = bounty->job.id;
  std::printf("bounty %lld posted ($300.00 escrowed, 3 milestones)\n", static_cast<long long>(id));
  if (!check(engine.fire({.job_id = id, .transition = "claim", .actor_id = hunter}).status(),
             "claim")) {
    return false;
  }
  std::string fired;
  for (int milestone = 1; milestone <= 3; ++milestone) {
    const std::string proof = R"({"milestone":)" + std::to_string(milestone) + "}";
    mc::FireTransition submit{
        .job_id = id, .transition = "submit", .actor_id = hunter, .proof_json = proof};
    if (!check(engine.fire(submit).status(), "submit")) return false;
    if (milestone == 2) {  // the first submission of milestone 2 is sent back
      if (!check(engine.fire({.job_id = id, .transition = "reject", .actor_id = poster}).status(),
                 "reject")) {
        return false;
      }
      std::printf("  milestone 2 rejected, resubmitted\n");
      if (!check(engine.fire(submit).status(), "resubmit")) return false;
    }
    auto approved = engine.fire(
        {.job_id = id, .transition = "approve", .actor_id = poster, .verdict_json = proof});
    if (!check(approved.status(), "approve")) return false;
    fired = approved->fired;
    std::printf("  milestone %d approved (%s): bounty %s\n", milestone, fired.c_str(),
                approved->job.state.c_str());
    engine.advance_ms(2 * kDayMs).status().ignore();  // work takes a while; no timer is due
  }
  auto paid = engine.job(id);
  return check(paid.status(), "job") && paid->state == "paid" && fired == "approve_final";
}

// Bounty 2: claimed, then nothing: the in_progress timer refunds the poster after 7 days.
bool run_abandoned(mc::Engine& engine, mc::MarketId market, mc::PartyId poster,
                   mc::PartyId hunter) {
  auto bounty = engine.create_job({.market_id = market,
                                   .poster_id = poster,
                                   .amount_minor = 50'00,
                                   .title = "Write the migration guide",
                                   .payload_json = R"({"milestones":1})"});
  if (!check(bounty.status(), "post second bounty")) return false;
  if (!check(engine.fire({.job_id = bounty->job.id, .transition = "claim", .actor_id = hunter})
                 .status(),
             "claim second")) {
    return false;
  }
  if (!check(engine.advance_ms(8 * kDayMs).status(), "advance_ms")) return false;
  auto abandoned = engine.job(bounty->job.id);
  if (!check(abandoned.status(), "job")) return false;
  std::printf("bounty %lld claimed and abandoned: %s after 8 days\n",
              static_cast<long long>(bounty->job.id), abandoned->state.c_str());
  return abandoned->state == "refunded";
}

int run(const std::string& path) {
  auto clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
  auto opened = mc::Engine::open({.database_path = path, .clock = clock});
  if (!check(opened.status(), "open")) return 1;
  mc::Engine& engine = *opened.value();
  if (!check(engine.register_lifecycle(bounty_lifecycle()), "register_lifecycle") ||
      !check(engine.register_guard("final_milestone", final_milestone), "register_guard")) {
    return 1;
  }
  mc::MarketConfig config;
  config.name = "bounties";
  config.asset = {"USD", 2};  // cents
  config.lifecycle = "bounty";
  config.fees = {.mode = mc::FeeMode::fee_deducted, .platform_fee_bps = 500};
  auto market = engine.ensure_market(config);
  if (!check(market.status(), "ensure_market")) return 1;
  auto poster = engine.register_party(mc::Party{.market_id = market->id, .kind = "org"});
  auto hunter = engine.register_party(mc::Party{.market_id = market->id, .kind = "person"});
  if (!check(poster.status(), "register") || !check(hunter.status(), "register")) return 1;
  if (!check(
          engine.deposit({.market_id = market->id, .party_id = poster->id, .amount_minor = 500'00})
              .status(),
          "deposit")) {
    return 1;
  }
  const bool milestones = run_milestones(engine, market->id, poster->id, hunter->id);
  const bool abandoned = run_abandoned(engine, market->id, poster->id, hunter->id);

  auto poster_balances = engine.balances(market->id, poster->id);
  auto hunter_balances = engine.balances(market->id, hunter->id);
  auto report = engine.verify_ledger();
  if (!check(poster_balances.status(), "balances") ||
      !check(hunter_balances.status(), "balances") || !check(report.status(), "verify_ledger")) {
    return 1;
  }
  std::printf("balances:\n");
  print_usd("poster available", poster_balances->available_minor);
  print_usd("hunter available", hunter_balances->available_minor);
  std::printf("ledger verified: %s\n", report->ok() ? "yes" : "NO");
  const bool amounts = poster_balances->available_minor == 200'00 &&
                       hunter_balances->available_minor == 285'00;  // $300 − 5 %
  return milestones && abandoned && amounts && report->ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) return run(argv[1]);
  std::random_device random;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("marketcore-bounty-" + std::to_string(random()));
  std::filesystem::create_directories(dir);
  const int code = run((dir / "market.db").string());
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return code;
}
