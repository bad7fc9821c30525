// Planted bugs: the market simulator's self-check (docs/simulator.md, ./dev.sh planted).
//
// A build configured with -DMC_PLANTED_BUG=N (N ≥ 1) compiles bug N into the few engine files
// that carry a hook, to show that the simulator catches it. Every other build — all of
// ./dev.sh test, release, the server — has MC_PLANTED_BUG 0 and every hook compiles away.
//   1  hold posted twice: paying a job funded by two escrow parts (promo and cash) posts the
//      whole quote again from each part (the loop restarts its postings per hold)
//   2  refund skipped on one timeout path: a "timeout" fired by the system voids no escrow
//   3  guard outside the transaction: fire() checks state and guards on a job read before
//      its write unit, and guards the update on the row as re-read inside
//   4  idempotency key scoped without the actor: keys of every principal share one scope
//   5  fee rounded the other way: the platform and evaluator fees round opposite to policy
#pragma once

#ifndef MC_PLANTED_BUG
#define MC_PLANTED_BUG 0
#endif

#define MC_PLANTED_HOLD_POSTED_TWICE (MC_PLANTED_BUG == 1)
#define MC_PLANTED_REFUND_SKIPPED (MC_PLANTED_BUG == 2)
#define MC_PLANTED_GUARD_OUTSIDE_TX (MC_PLANTED_BUG == 3)
#define MC_PLANTED_KEY_WITHOUT_ACTOR (MC_PLANTED_BUG == 4)
#define MC_PLANTED_FEE_ROUNDED_OTHER_WAY (MC_PLANTED_BUG == 5)
