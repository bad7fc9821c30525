// The j0 lifecycle (seed 001): posted → accepted → completed | timeout | cancelled.
//
//   create    poster     → posted      fund_escrow (promo credits first)     job.posted
//   accept    candidate  posted → accepted   before_expiry; Record::worker   job.accepted
//   complete  worker     accepted → completed  before_expiry; pay_worker     job.completed
//   cancel    poster     posted → cancelled    refund_poster                 job.cancelled
//   expire    system     posted → timeout      refund_poster                 job.timeout
//   timeout   system     accepted → timeout    refund_poster                 job.timeout
//
// Visibility: the prompt in full and the result only to the poster and the worker (and the
// platform); everyone else sees the prompt's first 100 characters and no result.
//
// Timers: posted fires "expire" 7 minutes after posting; accepted fires "timeout" at
// accepted_at + timeout_sec (work_timeout) and, as a fallback for a job created without a
// work timeout, 60 s (the seed's maximum timeout_sec) after acceptance. An unaccepted job
// that expires ends in `timeout`: the seed's statuses have no "expired", its transaction type
// job_refund reads "Job timeout/cancel", and job.timeout is the WebSocket event clients watch.
#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

LifecycleDefinition make_j0() {
  LifecycleDefinition def;
  def.name = "j0";
  def.states = {
      {"posted"}, {"accepted"}, {"completed", true}, {"timeout", true}, {"cancelled", true}};
  def.creation = {.name = "create",
                  .to = "posted",
                  .roles = {Role::poster},
                  .effects = {{.kind = EffectKind::fund_escrow}},
                  .events = {"job.posted"}};
  def.transitions = {
      {.name = "accept",
       .from = {"posted"},
       .to = "accepted",
       .roles = {Role::candidate},
       .guards = {{.kind = GuardKind::before_expiry}},
       .records = {Record::worker},
       .events = {"job.accepted"}},
      {.name = "complete",
       .from = {"accepted"},
       .to = "completed",
       .roles = {Role::worker},
       .guards = {{.kind = GuardKind::before_expiry}},
       .effects = {{.kind = EffectKind::pay_worker}},
       .records = {Record::result},
       .events = {"job.completed"}},
      {.name = "cancel",
       .from = {"posted"},
       .to = "cancelled",
       .roles = {Role::poster},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"job.cancelled"}},
      {.name = "expire",
       .from = {"posted"},
       .to = "timeout",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"job.timeout"}},
      {.name = "timeout",
       .from = {"accepted"},
       .to = "timeout",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"job.timeout"}},
  };
  def.timers = {
      {.state = "posted", .transition = "expire", .after_ms = 7 * kMillisecondsPerMinute},
      {.state = "accepted", .transition = "timeout", .base = TimerBase::work_timeout},
      {.state = "accepted", .transition = "timeout", .after_ms = 60 * kMillisecondsPerSecond},
  };
  // The full prompt and the result only to the requester and the accepted worker; others
  // see the prompt's first 100 characters and no result.
  def.visibility = {
      {.field = JobField::prompt, .full_view = {Role::poster, Role::worker}, .preview_chars = 100},
      {.field = JobField::result, .full_view = {Role::poster, Role::worker}, .preview_chars = 0},
  };
  return def;
}

}  // namespace

const LifecycleDefinition& j0_lifecycle() {
  static const LifecycleDefinition definition = make_j0();
  return definition;
}

}  // namespace mc
