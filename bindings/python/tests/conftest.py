# pytest fixtures: an engine on a fresh database file, on a manual clock. The shared library
# comes from MARKETCORE_LIBRARY (ctest sets it to the build's libmarketcore.so).
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import marketcore  # noqa: E402

START_MS = 1_700_000_000_000


@pytest.fixture
def engine(tmp_path):
    with marketcore.Engine(str(tmp_path / "market.db"), clock="manual",
                           clock_start_ms=START_MS) as opened:
        yield opened


@pytest.fixture
def j0(engine):
    """The j0 market with a requester holding 100 credits and a worker."""
    market = engine.ensure_builtin_market("j0")
    requester = engine.register_party(market["id"], kind="wallet")
    worker = engine.register_party(market["id"], kind="wallet")
    engine.deposit(market["id"], requester["id"], 100, reason="purchase")
    return market["id"], requester["id"], worker["id"]
