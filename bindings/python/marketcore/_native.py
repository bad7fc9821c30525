"""Loads libmarketcore and declares the C ABI (marketcore/marketcore_c.h) for ctypes.

The library is found, in order: the MARKETCORE_LIBRARY environment variable (a path), the
path recorded at install time (_location.py), the system's library search path
(libmarketcore.so.0). ctypes releases the GIL for every call, so Python threads call the
engine in parallel, as C threads would.
"""

import ctypes
import ctypes.util
import os

SONAME = "libmarketcore.so.0"


def _find_library() -> str:
    path = os.environ.get("MARKETCORE_LIBRARY")
    if path:
        return path
    try:
        from ._location import LIBRARY  # written by `cmake --install`

        if os.path.exists(LIBRARY):
            return LIBRARY
    except ImportError:
        pass
    return ctypes.util.find_library("marketcore") or SONAME


lib = ctypes.CDLL(_find_library())

_c_char_p_p = ctypes.POINTER(ctypes.c_void_p)
_size_p = ctypes.POINTER(ctypes.c_size_t)
_status_p = ctypes.POINTER(ctypes.c_void_p)
_int64_p = ctypes.POINTER(ctypes.c_int64)
_engine = ctypes.c_void_p
_code = ctypes.c_int32


def _declare(name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)


_declare("mc_version", ctypes.c_char_p)
_declare("mc_abi_version", ctypes.c_int32)
_declare("mc_code_name", ctypes.c_char_p, _code)
_declare("mc_code_is_transient", ctypes.c_int32, _code)
_declare("mc_free", None, ctypes.c_void_p)
_declare("mc_status_code", _code, ctypes.c_void_p)
for _name in ("mc_status_detail", "mc_status_message", "mc_status_param"):
    _declare(_name, ctypes.c_void_p, ctypes.c_void_p, _size_p)
_declare("mc_status_free", None, ctypes.c_void_p)
_declare("mc_engine_open", _code, ctypes.c_char_p, ctypes.c_size_t,
         ctypes.POINTER(ctypes.c_void_p), _status_p)
_declare("mc_engine_close", None, _engine)
_declare("mc_engine_now_ms", ctypes.c_int64, _engine)
_declare("mc_engine_advance_ms", _code, _engine, ctypes.c_int64, _int64_p, _status_p)
_declare("mc_engine_run_due", _code, _engine, _int64_p, _status_p)
_declare("mc_engine_register_lifecycle", _code, _engine, ctypes.c_char_p, ctypes.c_size_t,
         _status_p)

# JSON text in, JSON text out.
for _name in ("mc_engine_lifecycle", "mc_engine_ensure_builtin_market",
              "mc_engine_ensure_market", "mc_engine_register_party", "mc_engine_deposit",
              "mc_engine_withdraw", "mc_engine_create_job", "mc_engine_fire", "mc_engine_jobs",
              "mc_engine_events"):
    _declare(_name, _code, _engine, ctypes.c_char_p, ctypes.c_size_t, _c_char_p_p, _size_p,
             _status_p)
# One id in, JSON text out.
for _name in ("mc_engine_market", "mc_engine_party", "mc_engine_job", "mc_engine_job_history"):
    _declare(_name, _code, _engine, ctypes.c_int64, _c_char_p_p, _size_p, _status_p)
_declare("mc_engine_balances", _code, _engine, ctypes.c_int64, ctypes.c_int64, _c_char_p_p,
         _size_p, _status_p)
_declare("mc_engine_transfers", _code, _engine, ctypes.c_int64, ctypes.c_int64, ctypes.c_int32,
         _c_char_p_p, _size_p, _status_p)
_declare("mc_engine_verify_ledger", _code, _engine, _c_char_p_p, _size_p, _status_p)
