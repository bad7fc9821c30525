# A concurrent accept race from Python threads: ctypes releases the GIL, so the threads reach
# the engine together; the first accept wins atomically and every other one is refused.
import threading

import marketcore

THREADS = 12
JOBS = 5


def test_exactly_one_of_many_concurrent_accepts_wins(engine):
    market_id = engine.ensure_builtin_market("agentmarket")["id"]
    poster = engine.register_party(market_id, kind="agent")["id"]
    engine.deposit(market_id, poster, 1_000)
    workers = [engine.register_party(market_id, kind="agent")["id"] for _ in range(THREADS)]

    for _ in range(JOBS):
        task = engine.create_job(market_id, poster, 10, title="race")["job"]
        barrier = threading.Barrier(THREADS)
        winners, refusals, unexpected = [], [], []

        def accept(worker):
            barrier.wait()
            try:
                engine.fire(task["id"], "accept", actor_id=worker)
                winners.append(worker)
            except (marketcore.Aborted, marketcore.FailedPrecondition) as refused:
                refusals.append(refused.detail)
            except Exception as error:  # noqa: BLE001 — reported below
                unexpected.append(error)

        threads = [threading.Thread(target=accept, args=(w,)) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert unexpected == []
        assert len(winners) == 1, (winners, refusals)
        assert len(refusals) == THREADS - 1
        assert set(refusals) <= {"job_state_changed", "wrong_state"}
        assert engine.job(task["id"])["worker_id"] == winners[0]
        history = [h["transition"] for h in engine.job_history(task["id"])]
        assert history.count("accept") == 1

    assert engine.balances(market_id, poster)["escrow_minor"] == 10 * JOBS
    assert engine.verify_ledger()["ok"]
