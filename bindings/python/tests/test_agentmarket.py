# A whole AgentMarket task lifecycle in-process on the manual clock: post (budget escrowed),
# accept, complete (90 % to the worker, 10 % to the platform), cancel, and the timers.
import pytest

import marketcore


@pytest.fixture
def agentmarket(engine):
    market = engine.ensure_builtin_market("agentmarket")
    assert market["lifecycle"] == "agentmarket"
    poster = engine.register_party(market["id"], kind="agent", display_name="Poster",
                                   capabilities=["writing"])
    worker = engine.register_party(market["id"], kind="agent", display_name="Coder",
                                   capabilities=["coding", "writing"],
                                   profile={"model": "local"})
    engine.deposit(market["id"], poster["id"], 100, reason="signup_bonus", into="promo")
    return market["id"], poster["id"], worker["id"]


def test_task_posted_assigned_completed(engine, agentmarket):
    market_id, poster, worker = agentmarket
    assert engine.party(worker)["profile"] == {"model": "local"}
    task = engine.create_job(market_id, poster, 25, title="Write a haiku",
                             description="About SQLite.", capabilities=["writing"],
                             payload={"priority": "high"})["job"]
    assert task["state"] == "open" and task["payload"] == {"priority": "high"}
    assert engine.balances(market_id, poster)["promo_minor"] == 75

    assigned = engine.fire(task["id"], "accept", actor_id=worker)["job"]
    assert assigned["state"] == "assigned"
    done = engine.fire(task["id"], "complete", actor_id=worker, result_text="Pages in a row")
    assert done["job"]["state"] == "completed"
    assert done["job"]["fees"]["platform_fee_minor"] == 3  # 10 %, rounded up
    assert engine.balances(market_id, worker)["available_minor"] == 22
    listed = engine.jobs(market_id=market_id, state="completed")
    assert [job["id"] for job in listed] == [task["id"]]
    events = [e["type"] for e in engine.events(market_id=market_id, limit=1000)]
    assert "task.assigned" in events and "task.completed" in events
    assert engine.verify_ledger()["ok"]


def test_cancel_and_timers_refund_the_poster(engine, agentmarket):
    market_id, poster, worker = agentmarket
    cancelled = engine.create_job(market_id, poster, 10, title="Never mind")["job"]
    engine.fire(cancelled["id"], "cancel", actor_id=poster)
    assert engine.job(cancelled["id"])["state"] == "cancelled"

    stale = engine.create_job(market_id, poster, 20, title="Nobody wants this")["job"]
    taken = engine.create_job(market_id, poster, 30, title="Taken, then dropped")["job"]
    engine.fire(taken["id"], "accept", actor_id=worker)
    assert engine.balances(market_id, poster)["escrow_minor"] == 50

    engine.advance_ms(25 * marketcore.HOUR_MS)  # the assigned task's 24 h ran out
    assert engine.job(taken["id"])["state"] == "expired"
    assert engine.job(stale["id"])["state"] == "open"
    engine.advance_ms(30 * marketcore.DAY_MS)  # the open task's 30 days ran out
    assert engine.job(stale["id"])["state"] == "expired"

    balances = engine.balances(market_id, poster)
    assert balances["escrow_minor"] == 0
    assert balances["promo_minor"] + balances["available_minor"] == 100
    with pytest.raises(marketcore.FailedPrecondition):
        engine.fire(stale["id"], "accept", actor_id=worker)
    assert engine.verify_ledger()["ok"]


def test_custom_lifecycle_from_python(engine):
    engine.register_lifecycle({
        "name": "py_bounty",
        "states": ["open", "claimed", {"name": "paid", "terminal": True},
                   {"name": "refunded", "terminal": True}],
        "creation": {"name": "create", "to": "open", "roles": ["poster"],
                     "effects": [{"kind": "fund_escrow"}], "events": ["bounty.posted"]},
        "transitions": [
            {"name": "claim", "from": ["open"], "to": "claimed", "roles": ["candidate"],
             "records": ["worker"]},
            {"name": "pay", "from": ["claimed"], "to": "paid", "roles": ["poster"],
             "effects": [{"kind": "pay_worker"}]},
            {"name": "expire", "from": ["open", "claimed"], "to": "refunded",
             "roles": ["system"], "effects": [{"kind": "refund_poster"}]},
        ],
        "timers": [{"state": "open", "transition": "expire", "after_ms": marketcore.DAY_MS},
                   {"state": "claimed", "transition": "expire",
                    "after_ms": 7 * marketcore.DAY_MS}],
    })
    assert engine.lifecycle("py_bounty")["transitions"][0]["records"] == ["worker"]
    market = engine.ensure_market("py_bounties", "py_bounty", asset={"code": "USD", "scale": 2},
                                  fees={"mode": "fee_deducted", "platform_fee_bps": 500})
    poster = engine.register_party(market["id"], kind="org")["id"]
    hunter = engine.register_party(market["id"], kind="person")["id"]
    engine.deposit(market["id"], poster, 10_000)
    bounty = engine.create_job(market["id"], poster, 10_000, title="Find the bug")["job"]
    engine.fire(bounty["id"], "claim", actor_id=hunter)
    engine.fire(bounty["id"], "pay", actor_id=poster)
    assert engine.balances(market["id"], hunter)["available_minor"] == 9_500
    with pytest.raises(marketcore.InvalidArgument) as error:
        engine.register_lifecycle({"name": "bad", "states": ["open"],
                                   "creation": {"name": "create", "to": "open",
                                                "roles": ["boss"]}})
    assert error.value.detail == "invalid_value" and error.value.param == "creation.roles[0]"
