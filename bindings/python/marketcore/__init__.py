"""marketcore for Python: the paid-task marketplace engine in-process, on its C ABI.

    import marketcore

    with marketcore.Engine("market.db", clock="manual", clock_start_ms=1_700_000_000_000) as engine:
        market = engine.ensure_builtin_market("j0")
        poster = engine.register_party(market["id"], kind="wallet")
        worker = engine.register_party(market["id"], kind="wallet")
        engine.deposit(market["id"], poster["id"], 100, reason="purchase")
        job = engine.create_job(market["id"], poster["id"], 25, category="opus",
                                prompt="Summarize ...", work_timeout_ms=30_000)["job"]
        engine.fire(job["id"], "accept", actor_id=worker["id"])
        engine.advance_ms(3 * marketcore.DAY_MS)         # the job times out, refunded
        assert engine.job(job["id"])["state"] == "timeout"
        assert engine.verify_ledger()["ok"]

Values are dicts (and lists of dicts) with the field names of the C ABI (marketcore_c.h),
which are those of the C++ structs: money in integer minor units (`*_minor`), time in
integer milliseconds since the Unix epoch (`*_ms`). Failures raise a MarketcoreError
subclass chosen by the error code (marketcore.errors). An Engine may be shared by threads;
calls run without the GIL.
"""

import ctypes
import json
from typing import Any, Dict, List, Optional

from . import errors
from ._native import lib
from .errors import (Aborted, AlreadyExists, DataLoss, DeadlineExceeded, FailedPrecondition,
                     Internal, InvalidArgument, MarketcoreError, NotFound, OutOfRange,
                     PermissionDenied, ResourceExhausted, Unauthenticated, Unavailable)

__all__ = [
    "Engine", "MarketcoreError", "InvalidArgument", "NotFound", "AlreadyExists",
    "PermissionDenied", "Unauthenticated", "FailedPrecondition", "Aborted", "OutOfRange",
    "ResourceExhausted", "Unavailable", "Internal", "DeadlineExceeded", "DataLoss",
    "SECOND_MS", "MINUTE_MS", "HOUR_MS", "DAY_MS", "__version__", "abi_version",
]

__version__: str = lib.mc_version().decode()
abi_version: int = lib.mc_abi_version()

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def _status_text(function, status) -> str:
    size = ctypes.c_size_t()
    pointer = function(status, ctypes.byref(size))
    return ctypes.string_at(pointer, size.value).decode("utf-8", "replace")


def _check(code: int, status: ctypes.c_void_p) -> None:
    if code == 0:
        return
    try:
        if status.value is None:  # the library could not allocate the status
            raise errors.BY_CODE.get(code, MarketcoreError)(code, "unknown", "", "", "")
        detail = _status_text(lib.mc_status_detail, status)
        message = _status_text(lib.mc_status_message, status)
        param = _status_text(lib.mc_status_param, status)
    finally:
        lib.mc_status_free(status)
    name = lib.mc_code_name(code).decode()
    transient = bool(lib.mc_code_is_transient(code))
    raise errors.BY_CODE.get(code, MarketcoreError)(code, name, detail, message, param, transient)


def _encode(request: Dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in request.items() if v is not None},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Engine:
    """An engine over one SQLite database file (created if missing).

    clock: "system" (wall time; call run_due() periodically) or "manual" (time moves only by
    advance_ms(), starting at clock_start_ms). durability: "full" (default) or "normal".
    Raises InvalidArgument for bad options, Unavailable when the file cannot be opened.
    Use it as a context manager, or call close().
    """

    def __init__(self, database_path: str, *, clock: str = "system",
                 clock_start_ms: Optional[int] = None, durability: Optional[str] = None,
                 reader_connections: Optional[int] = None,
                 verify_ledger_at_open: Optional[bool] = None) -> None:
        options = _encode({
            "database_path": str(database_path), "clock": clock,
            "clock_start_ms": clock_start_ms, "durability": durability,
            "reader_connections": reader_connections,
            "verify_ledger_at_open": verify_ledger_at_open,
        })
        handle = ctypes.c_void_p()
        status = ctypes.c_void_p()
        _check(lib.mc_engine_open(options, len(options), ctypes.byref(handle),
                                  ctypes.byref(status)), status)
        self._handle: Optional[ctypes.c_void_p] = handle

    # --- lifetime ------------------------------------------------------------------------
    def close(self) -> None:
        """Closes the engine (idempotent). No other thread may be inside a call."""
        handle, self._handle = self._handle, None
        if handle is not None:
            lib.mc_engine_close(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def _engine(self) -> ctypes.c_void_p:
        if self._handle is None:
            raise ValueError("the engine is closed")
        return self._handle

    def _json_call(self, function, request: bytes) -> Any:
        out = ctypes.c_void_p()
        size = ctypes.c_size_t()
        status = ctypes.c_void_p()
        _check(function(self._engine(), request, len(request), ctypes.byref(out),
                        ctypes.byref(size), ctypes.byref(status)), status)
        return self._take(out, size)

    def _id_call(self, function, *ids: int) -> Any:
        out = ctypes.c_void_p()
        size = ctypes.c_size_t()
        status = ctypes.c_void_p()
        _check(function(self._engine(), *ids, ctypes.byref(out), ctypes.byref(size),
                        ctypes.byref(status)), status)
        return self._take(out, size)

    @staticmethod
    def _take(out: ctypes.c_void_p, size: ctypes.c_size_t) -> Any:
        try:
            return json.loads(ctypes.string_at(out, size.value).decode("utf-8"))
        finally:
            lib.mc_free(out)

    # --- time ----------------------------------------------------------------------------
    def now_ms(self) -> int:
        """The engine clock's time."""
        return lib.mc_engine_now_ms(self._engine())

    def advance_ms(self, delta_ms: int) -> int:
        """Manual clock only: moves time on, firing timers and holds at their due times.
        Returns how many due items were processed."""
        processed = ctypes.c_int64()
        status = ctypes.c_void_p()
        _check(lib.mc_engine_advance_ms(self._engine(), delta_ms, ctypes.byref(processed),
                                        ctypes.byref(status)), status)
        return processed.value

    def run_due(self) -> int:
        """Fires every timer and timed hold due now; returns how many were attempted."""
        attempted = ctypes.c_int64()
        status = ctypes.c_void_p()
        _check(lib.mc_engine_run_due(self._engine(), ctypes.byref(attempted),
                                     ctypes.byref(status)), status)
        return attempted.value

    # --- lifecycles and markets ----------------------------------------------------------
    def register_lifecycle(self, definition: Dict[str, Any]) -> None:
        """Registers a host lifecycle (the JSON form of marketcore_c.h, as a dict)."""
        request = _encode(definition)
        status = ctypes.c_void_p()
        _check(lib.mc_engine_register_lifecycle(self._engine(), request, len(request),
                                                ctypes.byref(status)), status)

    def lifecycle(self, name: str) -> Dict[str, Any]:
        return self._json_call(lib.mc_engine_lifecycle, name.encode())

    def ensure_builtin_market(self, name: str) -> Dict[str, Any]:
        """The market of a built-in dialect ("j0", "agentmarket", "humanops", "aacp",
        "1337mkt"), created if missing."""
        return self._json_call(lib.mc_engine_ensure_builtin_market, name.encode())

    def ensure_market(self, name: str, lifecycle: str, **config: Any) -> Dict[str, Any]:
        """The market `name` on `lifecycle`, created from `config` if missing (asset, fees,
        limits, settlement_hold_ms, ...)."""
        return self._json_call(lib.mc_engine_ensure_market,
                               _encode({"name": name, "lifecycle": lifecycle, **config}))

    def market(self, market_id: int) -> Dict[str, Any]:
        return self._id_call(lib.mc_engine_market, market_id)

    # --- parties -------------------------------------------------------------------------
    def register_party(self, market_id: int, **party: Any) -> Dict[str, Any]:
        return self._json_call(lib.mc_engine_register_party,
                               _encode({"market_id": market_id, **party}))

    def party(self, party_id: int) -> Dict[str, Any]:
        return self._id_call(lib.mc_engine_party, party_id)

    # --- money ---------------------------------------------------------------------------
    def deposit(self, market_id: int, party_id: int, amount_minor: int,
                **fields: Any) -> Dict[str, Any]:
        return self._json_call(lib.mc_engine_deposit, _encode(
            {"market_id": market_id, "party_id": party_id, "amount_minor": amount_minor,
             **fields}))

    def withdraw(self, market_id: int, party_id: int, amount_minor: int, *,
                 from_account: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        """Debits a party; from_account is "available" (default) or "stake"."""
        return self._json_call(lib.mc_engine_withdraw, _encode(
            {"market_id": market_id, "party_id": party_id, "amount_minor": amount_minor,
             "from": from_account, **fields}))

    def balances(self, market_id: int, party_id: int) -> Dict[str, int]:
        return self._id_call(lib.mc_engine_balances, market_id, party_id)

    def transfers(self, market_id: int, party_id: int, limit: int = 100) -> List[Dict[str, Any]]:
        return self._id_call(lib.mc_engine_transfers, market_id, party_id, limit)

    def verify_ledger(self) -> Dict[str, Any]:
        """Recomputes every balance; {"ok": bool, "problems": [...], ...}."""
        out = ctypes.c_void_p()
        size = ctypes.c_size_t()
        status = ctypes.c_void_p()
        _check(lib.mc_engine_verify_ledger(self._engine(), ctypes.byref(out), ctypes.byref(size),
                                           ctypes.byref(status)), status)
        return self._take(out, size)

    # --- jobs ----------------------------------------------------------------------------
    def create_job(self, market_id: int, poster_id: int, amount_minor: int,
                   **fields: Any) -> Dict[str, Any]:
        """Creates a job; returns the outcome {"job": {...}, "fired": str, "replayed": bool}."""
        return self._json_call(lib.mc_engine_create_job, _encode(
            {"market_id": market_id, "poster_id": poster_id, "amount_minor": amount_minor,
             **fields}))

    def fire(self, job_id: int, transition: str, actor_id: Optional[int] = None,
             **fields: Any) -> Dict[str, Any]:
        """Fires a transition; returns the outcome {"job": {...}, "fired", "replayed"}."""
        return self._json_call(lib.mc_engine_fire, _encode(
            {"job_id": job_id, "transition": transition, "actor_id": actor_id, **fields}))

    def job(self, job_id: int) -> Dict[str, Any]:
        return self._id_call(lib.mc_engine_job, job_id)

    def jobs(self, **query: Any) -> List[Dict[str, Any]]:
        """Jobs newest first; filters market_id, state, poster_id, worker_id, ..., limit."""
        return self._json_call(lib.mc_engine_jobs, _encode(query))

    def job_history(self, job_id: int) -> List[Dict[str, Any]]:
        return self._id_call(lib.mc_engine_job_history, job_id)

    # --- events --------------------------------------------------------------------------
    def events(self, **query: Any) -> List[Dict[str, Any]]:
        """Events after after_sequence (exclusive), oldest first; market_id, party_id, limit."""
        return self._json_call(lib.mc_engine_events, _encode(query))
