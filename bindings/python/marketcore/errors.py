"""Exceptions raised for the engine's error codes (one class per canonical code).

Every failure carries the code, its stable `detail` ("insufficient_funds",
"job_state_changed"), a human `message` and the request field at fault (`param`, or "").
Catch a class for what to do next (FailedPrecondition: the state forbids it; Aborted: a
concurrent call won, re-read and retry), or compare `detail` for the precise case.
"""


class MarketcoreError(Exception):
    """A failed marketcore call."""

    code = -1
    code_name = "unknown"

    def __init__(self, code: int, code_name: str, detail: str, message: str, param: str,
                 transient: bool = False):
        super().__init__(f"{code_name}/{detail}: {message}" + (f" (param {param})" if param else ""))
        self.code = code
        self.code_name = code_name
        self.detail = detail
        self.message = message
        self.param = param
        #: True when retrying the identical call later may succeed.
        self.transient = transient


class InvalidArgument(MarketcoreError):
    """The request is malformed or out of bounds (code 1)."""


class NotFound(MarketcoreError):
    """The job, party, market or lifecycle does not exist (code 2)."""


class AlreadyExists(MarketcoreError):
    """What the request would create exists already (code 3)."""


class PermissionDenied(MarketcoreError):
    """The actor's role does not allow this (code 4)."""


class Unauthenticated(MarketcoreError):
    """The caller could not be identified (code 5)."""


class FailedPrecondition(MarketcoreError):
    """The state forbids the action: wrong state, insufficient funds, deadline (code 6)."""


class Aborted(MarketcoreError):
    """A concurrent call won a race; re-read and retry (code 7)."""


class OutOfRange(MarketcoreError):
    """An arithmetic result left its range (code 8)."""


class ResourceExhausted(MarketcoreError):
    """A queue or quota is full; retry later (code 9)."""


class Unavailable(MarketcoreError):
    """A transient store failure; the call may be retried (code 10)."""


class Internal(MarketcoreError):
    """A broken invariant or an unexpected failure (code 11)."""


class DeadlineExceeded(MarketcoreError):
    """A time limit passed (code 12)."""


class DataLoss(MarketcoreError):
    """Stored data is unreadable or inconsistent (code 13)."""


BY_CODE = {
    1: InvalidArgument,
    2: NotFound,
    3: AlreadyExists,
    4: PermissionDenied,
    5: Unauthenticated,
    6: FailedPrecondition,
    7: Aborted,
    8: OutOfRange,
    9: ResourceExhausted,
    10: Unavailable,
    11: Internal,
    12: DeadlineExceeded,
    13: DataLoss,
}
