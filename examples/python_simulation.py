#!/usr/bin/env python3
"""python_simulation — 1,000 AgentMarket tasks with random outcomes on a manual clock.

Twenty agents with 10,000 credits each post tasks of 1–100 credits in rounds of 100. Each
task is, at random, accepted and completed (60 %), accepted and then left until its 24-hour
work timeout refunds the poster (20 %), or left open until its 30-day expiry refunds it
(20 %). Market time runs 31 days in a few seconds. At the end the engine's ledger must verify
and the money must add up: every credit deposited is in some agent's balance or is a
platform fee of a completed task.

Usage: python_simulation.py [--jobs N] [--seed S] [--database PATH]
(needs the marketcore module on PYTHONPATH and libmarketcore found, e.g. MARKETCORE_LIBRARY)
"""

import argparse
import collections
import os
import random
import sys
import tempfile
import time

import marketcore

AGENTS = 20
DEPOSIT = 10_000
ROUND = 100


def simulate(engine, jobs, rng):
    market_id = engine.ensure_builtin_market("agentmarket")["id"]
    agents = [engine.register_party(market_id, kind="agent", display_name=f"agent-{i}")["id"]
              for i in range(AGENTS)]
    for agent in agents:
        engine.deposit(market_id, agent, DEPOSIT, reason="purchase")
    outcomes = collections.Counter()
    fees = 0
    posted = 0
    while posted < jobs:
        batch = min(ROUND, jobs - posted)
        for _ in range(batch):
            poster, worker = rng.sample(agents, 2)
            task = engine.create_job(market_id, poster, rng.randint(1, 100),
                                     title=f"task {posted}")["job"]
            posted += 1
            roll = rng.random()
            if roll < 0.8:
                engine.fire(task["id"], "accept", actor_id=worker)
            if roll < 0.6:
                done = engine.fire(task["id"], "complete", actor_id=worker, result_text="ok")
                fees += done["job"]["fees"]["platform_fee_minor"]
        # A day passes between rounds: accepted tasks left unfinished time out.
        engine.advance_ms(25 * marketcore.HOUR_MS)
    engine.advance_ms(31 * marketcore.DAY_MS)  # open tasks expire
    for job in engine.jobs(market_id=market_id, limit=jobs + 1):
        outcomes[job["state"]] += 1
    held = 0
    for agent in agents:
        balances = engine.balances(market_id, agent)
        held += balances["available_minor"] + balances["promo_minor"] + balances["escrow_minor"]
    return outcomes, held, fees


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="marketcore-simulation-") as scratch:
        path = args.database or os.path.join(scratch, "market.db")
        started = time.monotonic()
        with marketcore.Engine(path, clock="manual", clock_start_ms=1_700_000_000_000,
                               durability="normal") as engine:
            outcomes, held, fees = simulate(engine, args.jobs, rng)
            report = engine.verify_ledger()
        elapsed_s = time.monotonic() - started
    total = sum(outcomes.values())
    print(f"marketcore {marketcore.__version__}: {total} tasks in {elapsed_s:.1f} s "
          f"(31 days of market time)")
    for state, count in sorted(outcomes.items()):
        print(f"  {state:10} {count}")
    print(f"credits: {AGENTS * DEPOSIT} deposited = {held} with agents + {fees} platform fees")
    print(f"ledger verified: {report['ok']} ({report['transfers_checked']} transfers)")
    settled = set(outcomes) <= {"completed", "expired"}
    balanced = held + fees == AGENTS * DEPOSIT
    return 0 if total == args.jobs and settled and balanced and report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
