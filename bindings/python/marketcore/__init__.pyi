# Type hints of the marketcore Python module (the implementation is marketcore/__init__.py).
from typing import Any, Dict, List, Literal, Optional, TypedDict

from .errors import (Aborted as Aborted, AlreadyExists as AlreadyExists, DataLoss as DataLoss,
                     DeadlineExceeded as DeadlineExceeded,
                     FailedPrecondition as FailedPrecondition, Internal as Internal,
                     InvalidArgument as InvalidArgument, MarketcoreError as MarketcoreError,
                     NotFound as NotFound, OutOfRange as OutOfRange,
                     PermissionDenied as PermissionDenied,
                     ResourceExhausted as ResourceExhausted, Unauthenticated as Unauthenticated,
                     Unavailable as Unavailable)

__version__: str
abi_version: int
SECOND_MS: int
MINUTE_MS: int
HOUR_MS: int
DAY_MS: int

class Asset(TypedDict):
    code: str
    scale: int

class Market(TypedDict):
    id: int
    name: str
    asset: Asset
    lifecycle: str
    fees: Dict[str, Any]
    limits: Dict[str, Any]
    settlement_hold_ms: int
    test_mode: bool
    movement_max_minor: int
    balance_max_minor: int
    config: Optional[Any]
    created_at_ms: int

class Party(TypedDict):
    id: int
    market_id: int
    kind: str
    display_name: str
    email: str
    wallet_address: str
    external_id: str
    capabilities: List[str]
    kyc_status: str
    endpoint_url: str
    webhook_url: str
    reputation: int
    tier: str
    profile: Optional[Any]
    created_at_ms: int
    updated_at_ms: int

class Movement(TypedDict):
    transfer_id: int
    balance_after_minor: int
    replayed: bool

class Balances(TypedDict):
    available_minor: int
    promo_minor: int
    pending_minor: int
    stake_minor: int
    stake_locked_minor: int
    escrow_minor: int

class Transfer(TypedDict):
    id: int
    market_id: int
    debit_account_id: int
    credit_account_id: int
    amount_minor: int
    reason: str
    job_id: Optional[int]
    hold_id: Optional[int]
    external_ref: Optional[str]
    created_at_ms: int

class LedgerReport(TypedDict):
    ok: bool
    markets_checked: int
    accounts_checked: int
    transfers_checked: int
    problems: List[str]

class FeeQuote(TypedDict):
    amount_minor: int
    platform_fee_bps: int
    platform_fee_minor: int
    evaluator_fee_minor: int
    worker_minor: int
    escrow_minor: int

class Job(TypedDict):
    id: int
    market_id: int
    parent_job_id: Optional[int]
    lifecycle: str
    state: str
    poster_id: int
    worker_id: Optional[int]
    evaluator_id: Optional[int]
    amount_minor: int
    fees: FeeQuote
    escrow_hold_id: Optional[int]
    title: str
    description: str
    prompt: str
    category: str
    capabilities: List[str]
    deadline_at_ms: Optional[int]
    work_timeout_ms: Optional[int]
    contracts_max: int
    contracts_taken: int
    payload: Optional[Any]
    result_text: str
    proof: Optional[Any]
    verdict: Optional[Any]
    created_at_ms: int
    updated_at_ms: int
    accepted_at_ms: Optional[int]
    submitted_at_ms: Optional[int]
    completed_at_ms: Optional[int]
    expires_at_ms: Optional[int]
    version: int

class JobOutcome(TypedDict):
    job: Job
    fired: str
    replayed: bool

class HistoryEntry(TypedDict):
    id: int
    job_id: int
    transition: str
    from_state: str
    to_state: str
    actor_id: Optional[int]
    actor_role: str
    at_ms: int

class Event(TypedDict):
    sequence: int
    market_id: int
    type: str
    job_id: Optional[int]
    party_ids: List[int]
    broadcast: bool
    payload: Optional[Any]
    created_at_ms: int

class Engine:
    def __init__(self, database_path: str, *, clock: Literal["system", "manual"] = ...,
                 clock_start_ms: Optional[int] = ...,
                 durability: Optional[Literal["full", "normal"]] = ...,
                 reader_connections: Optional[int] = ...,
                 verify_ledger_at_open: Optional[bool] = ...) -> None: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Engine: ...
    def __exit__(self, *exc_info: Any) -> None: ...
    def now_ms(self) -> int: ...
    def advance_ms(self, delta_ms: int) -> int: ...
    def run_due(self) -> int: ...
    def register_lifecycle(self, definition: Dict[str, Any]) -> None: ...
    def lifecycle(self, name: str) -> Dict[str, Any]: ...
    def ensure_builtin_market(self, name: str) -> Market: ...
    def ensure_market(self, name: str, lifecycle: str, **config: Any) -> Market: ...
    def market(self, market_id: int) -> Market: ...
    def register_party(self, market_id: int, *, kind: str = ..., display_name: str = ...,
                       email: str = ..., wallet_address: str = ..., external_id: str = ...,
                       capabilities: List[str] = ..., kyc_status: str = ...,
                       endpoint_url: str = ..., webhook_url: str = ..., reputation: int = ...,
                       tier: str = ..., profile: Any = ...) -> Party: ...
    def party(self, party_id: int) -> Party: ...
    def deposit(self, market_id: int, party_id: int, amount_minor: int, *,
                into: Literal["available", "promo", "stake"] = ..., reason: str = ...,
                external_ref: Optional[str] = ...,
                idempotency: Optional[Dict[str, str]] = ...) -> Movement: ...
    def withdraw(self, market_id: int, party_id: int, amount_minor: int, *,
                 from_account: Optional[Literal["available", "stake"]] = ..., reason: str = ..., external_ref: Optional[str] = ...,
                 idempotency: Optional[Dict[str, str]] = ...) -> Movement: ...
    def balances(self, market_id: int, party_id: int) -> Balances: ...
    def transfers(self, market_id: int, party_id: int, limit: int = ...) -> List[Transfer]: ...
    def verify_ledger(self) -> LedgerReport: ...
    def create_job(self, market_id: int, poster_id: int, amount_minor: int, *,
                   evaluator_id: Optional[int] = ..., worker_id: Optional[int] = ...,
                   parent_job_id: Optional[int] = ..., title: str = ...,
                   description: str = ..., prompt: str = ..., category: str = ...,
                   capabilities: List[str] = ..., deadline_at_ms: Optional[int] = ...,
                   work_timeout_ms: Optional[int] = ..., contracts_max: int = ...,
                   payload: Any = ..., idempotency: Optional[Dict[str, str]] = ...,
                   then_fire: str = ...) -> JobOutcome: ...
    def fire(self, job_id: int, transition: str, actor_id: Optional[int] = ..., *,
             as_platform: bool = ..., result_text: str = ..., proof: Any = ...,
             verdict: Any = ..., confidence: Optional[int] = ...,
             worker_id: Optional[int] = ...,
             idempotency: Optional[Dict[str, str]] = ...) -> JobOutcome: ...
    def job(self, job_id: int) -> Job: ...
    def jobs(self, *, market_id: Optional[int] = ..., state: Optional[str] = ...,
             poster_id: Optional[int] = ..., worker_id: Optional[int] = ...,
             any_party_id: Optional[int] = ..., parent_job_id: Optional[int] = ...,
             category: Optional[str] = ..., capability: Optional[str] = ...,
             before_id: Optional[int] = ..., limit: int = ..., offset: int = ...) -> List[Job]: ...
    def job_history(self, job_id: int) -> List[HistoryEntry]: ...
    def events(self, *, after_sequence: int = ..., market_id: Optional[int] = ...,
               party_id: Optional[int] = ..., limit: int = ...) -> List[Event]: ...
