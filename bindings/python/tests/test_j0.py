# A whole j0 job lifecycle in-process on the manual clock, its refusals as exceptions, and
# timeouts that fire days of market time later in milliseconds of test time.
import time

import pytest

import marketcore


def post(engine, market_id, requester, credits=25, timeout_ms=30_000):
    outcome = engine.create_job(market_id, requester, credits, category="opus",
                                prompt="Summarize the attached paper.",
                                work_timeout_ms=timeout_ms)
    return outcome["job"]


def test_posted_accepted_completed_pays_worker_and_platform(engine, j0):
    market_id, requester, worker = j0
    job = post(engine, market_id, requester)
    assert job["state"] == "posted"
    assert engine.balances(market_id, requester)["escrow_minor"] == 25

    accepted = engine.fire(job["id"], "accept", actor_id=worker)["job"]
    assert accepted["state"] == "accepted" and accepted["worker_id"] == worker
    engine.advance_ms(10 * marketcore.SECOND_MS)
    completed = engine.fire(job["id"], "complete", actor_id=worker, result_text="1. ...")
    assert completed["fired"] == "complete"
    assert completed["job"]["state"] == "completed"
    assert completed["job"]["result_text"] == "1. ..."
    assert completed["job"]["fees"]["worker_minor"] == 22  # floor(25 × 0.9)

    assert engine.balances(market_id, worker)["available_minor"] == 22
    assert engine.balances(market_id, requester) == {
        "available_minor": 75, "promo_minor": 0, "pending_minor": 0, "stake_minor": 0,
        "stake_locked_minor": 0, "escrow_minor": 0}
    history = [(h["transition"], h["to_state"]) for h in engine.job_history(job["id"])]
    assert history[-2:] == [("accept", "accepted"), ("complete", "completed")]
    types = [event["type"] for event in engine.events(market_id=market_id, limit=1000)]
    assert ["job.posted", "job.accepted", "job.completed"] == [
        t for t in types if t in ("job.posted", "job.accepted", "job.completed")]
    assert engine.verify_ledger()["ok"]


def test_accepted_job_times_out_days_later_in_milliseconds(engine, j0):
    market_id, requester, worker = j0
    job = post(engine, market_id, requester, credits=40, timeout_ms=60_000)
    engine.fire(job["id"], "accept", actor_id=worker)
    started = time.monotonic()
    processed = engine.advance_ms(3 * marketcore.DAY_MS)
    elapsed_s = time.monotonic() - started
    assert processed >= 1
    assert engine.now_ms() == 1_700_000_000_000 + 3 * marketcore.DAY_MS
    timed_out = engine.job(job["id"])
    assert timed_out["state"] == "timeout"
    assert engine.balances(market_id, requester)["available_minor"] == 100  # refunded
    assert engine.balances(market_id, worker)["available_minor"] == 0
    # Three days of market time are bookkeeping, not waiting (generous bound, never tight).
    assert elapsed_s < 60
    with pytest.raises(marketcore.FailedPrecondition) as error:
        engine.fire(job["id"], "complete", actor_id=worker, result_text="too late")
    assert error.value.detail == "wrong_state"


def test_unaccepted_job_expires_after_seven_minutes(engine, j0):
    market_id, requester, _ = j0
    job = post(engine, market_id, requester, credits=10)
    engine.advance_ms(6 * marketcore.MINUTE_MS)
    assert engine.job(job["id"])["state"] == "posted"
    engine.advance_ms(2 * marketcore.MINUTE_MS)
    assert engine.job(job["id"])["state"] == "timeout"
    assert engine.balances(market_id, requester)["available_minor"] == 100


def test_refusals_raise_the_class_of_their_code(engine, j0):
    market_id, requester, worker = j0
    job = post(engine, market_id, requester)
    with pytest.raises(marketcore.PermissionDenied) as denied:
        engine.fire(job["id"], "accept", actor_id=requester)
    assert denied.value.detail == "role_not_allowed" and not denied.value.transient
    with pytest.raises(marketcore.FailedPrecondition) as poor:
        post(engine, market_id, requester, credits=90)
    assert poor.value.detail == "insufficient_funds"
    with pytest.raises(marketcore.NotFound) as missing:
        engine.job(987_654)
    assert missing.value.detail == "job_not_found"
    with pytest.raises(marketcore.InvalidArgument) as typo:
        engine.create_job(market_id, requester, 10, categroy="opus")
    assert typo.value.detail == "unknown_param" and typo.value.param == "categroy"
    with pytest.raises(marketcore.MarketcoreError) as base:
        engine.ensure_builtin_market("no-such-dialect")
    assert isinstance(base.value, marketcore.NotFound)
    assert base.value.code == 2 and base.value.code_name == "not_found"
    # Nothing above moved money.
    assert engine.balances(market_id, requester)["available_minor"] == 75
    assert engine.verify_ledger()["ok"]


def test_idempotent_deposit_and_withdrawal(engine, j0):
    market_id, requester, _ = j0
    first = engine.deposit(market_id, requester, 30, reason="purchase", external_ref="evt_9")
    again = engine.deposit(market_id, requester, 30, reason="purchase", external_ref="evt_9")
    assert again["replayed"] and again["transfer_id"] == first["transfer_id"]
    taken = engine.withdraw(market_id, requester, 50, from_account="available")
    assert taken["balance_after_minor"] == 80
    with pytest.raises(marketcore.FailedPrecondition):
        engine.withdraw(market_id, requester, 1_000)


def test_closed_engine_refuses_calls(tmp_path):
    engine = marketcore.Engine(str(tmp_path / "closed.db"), clock="manual", clock_start_ms=0)
    engine.close()
    engine.close()
    assert engine.closed
    with pytest.raises(ValueError):
        engine.now_ms()
    with pytest.raises(marketcore.FailedPrecondition) as error:
        with marketcore.Engine(str(tmp_path / "system.db")) as system:
            system.advance_ms(1)
    assert error.value.detail == "not_manual_clock"
