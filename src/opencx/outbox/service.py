"""Write messages in the caller's transaction; deliver them with a worker (see docs/outbox.md).

``enqueue`` is how every slice sends anything out: the message commits or rolls back with the
change that caused it. ``run_once`` claims a batch of due messages in a short transaction,
delivers them outside it, and records each outcome in its own short transaction, so a worker
killed mid-batch leaves at most the message in flight to be delivered again (with the same
Message-ID / Idempotency-Key) once its lease expires.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from opencx.core.clock import Clock
from opencx.core.events import CustomerErased
from opencx.core.ids import new_id
from opencx.outbox import store
from opencx.outbox.domain import (
    DeliveryFailed,
    OutboxMessage,
    RetryPolicy,
    Status,
    Transport,
    validate_message,
)

log = logging.getLogger("opencx.outbox")

DEFAULT_LEASE = timedelta(seconds=120)


def enqueue(
    conn: Connection, *, kind: str, dedupe_key: str, payload: dict[str, Any], now: datetime
) -> str:
    """Write a message to the outbox inside the caller's transaction and return its id.

    A second call with the same ``dedupe_key`` changes nothing and returns the first id, so a
    retried use case never sends twice.

    Parameters
    ----------
    conn
        The connection of the change that causes the message (its transaction).
    kind
        ``"email"`` (payload ``to``, ``subject``, ``text``, optional ``html``, ``reply_to``),
        ``"sms"`` (``to``, ``text``) or ``"webhook"`` (``url``, optional JSON ``body``).
    dedupe_key
        Names the message in the business: ``"invitation:<id>:email"``. At most 300 characters.
    payload
        JSON-serialisable content as above.
    now
        Creation time, tz-aware UTC; the message is due immediately.

    Examples
    --------
    >>> with engine.begin() as conn:  # doctest: +SKIP
    ...     enqueue(conn, kind="email", dedupe_key="welcome:c1",
    ...             payload={"to": "a@b.nl", "subject": "Hi", "text": "Welcome"}, now=clock.now())
    """
    validate_message(kind, dedupe_key, payload)
    return store.insert_once(
        conn, id=new_id(), kind=kind, dedupe_key=dedupe_key, payload=payload, now=now
    )


def queue(
    conn: Connection, *, kind: str, dedupe_key: str, payload: dict[str, Any], now: datetime
) -> None:
    """:func:`enqueue` for a caller that needs no id back (a follow-up task, a webhook).

    In a pipelined unit of work (:func:`opencx.db.pipelined`) the message travels with the
    unit's other writes instead of costing a round trip of its own; a second call with the
    same ``dedupe_key`` changes nothing, as with :func:`enqueue`.
    """
    validate_message(kind, dedupe_key, payload)
    store.insert_if_new(
        conn, id=new_id(), kind=kind, dedupe_key=dedupe_key, payload=payload, now=now
    )


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one ``run_once`` did."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    released: int = 0
    lost: int = 0  # outcomes not recorded because another worker had reclaimed the message


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@contextmanager
def _claim_transaction(engine: Engine) -> Iterator[Connection]:
    """A short write transaction; on SQLite it takes the write lock first (BEGIN IMMEDIATE)."""
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            # pysqlite emits no BEGIN of its own before this; its commit() ends what we began.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def claim_batch(
    engine: Engine,
    *,
    now: datetime,
    batch: int,
    kinds: list[str],
    lease: timedelta,
    policy: RetryPolicy,
) -> list[OutboxMessage]:
    """Claim up to ``batch`` due messages for ``lease``; bury abandoned last attempts first."""
    with _claim_transaction(engine) as conn:
        store.bury_abandoned(conn, now, policy.max_attempts)
        return store.claim(conn, now=now, lease_end=now + lease, batch=batch, kinds=kinds)


def run_once(
    engine: Engine,
    transports: Mapping[str, Transport],
    now: datetime,
    batch: int = 50,
    worker_id: str | None = None,
    *,
    policy: RetryPolicy | None = None,
    lease: timedelta = DEFAULT_LEASE,
    rng: random.Random | None = None,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> BatchResult:
    """Claim due messages and deliver them; return the counts.

    Parameters
    ----------
    engine
        The store; each step opens its own short transaction.
    transports
        One transport per kind; only kinds present here are claimed.
    now
        The time of the claim (tz-aware UTC). Outcomes are stamped with ``clock.now()`` when a
        clock is given, else with ``now``.
    batch
        How many messages to claim at most.
    worker_id
        Names this worker in the logs.
    policy, lease, rng
        Backoff policy, claim lease, and the source of jitter (seed it for reproducible delays).
    clock, stop
        With a clock, a message whose lease has run out by the time its turn comes is given
        back untried; setting ``stop`` gives back the rest of the batch.
    """
    policy = policy or RetryPolicy()
    rng = rng or random.Random()
    worker_id = worker_id or default_worker_id()
    messages = claim_batch(
        engine, now=now, batch=batch, kinds=sorted(transports), lease=lease, policy=policy
    )
    counts = {"claimed": len(messages)}
    try:
        for message in messages:
            at = clock.now() if clock else now
            if (stop is not None and stop.is_set()) or at >= message.locked_until:
                outcome = "released" if _record(engine, store.release, message) else "lost"
            else:
                outcome = _deliver(engine, transports[message.kind], message, at, policy, rng)
            counts[outcome] = counts.get(outcome, 0) + 1
            log.debug("worker %s: message %s %s", worker_id, message.id, outcome)
    finally:
        for transport in transports.values():
            transport.close()
    result = BatchResult(**counts)
    if messages:
        log.info("worker %s: %s", worker_id, result)
    return result


def _record(engine: Engine, update: Any, message: OutboxMessage, **values: Any) -> bool:
    with engine.begin() as conn:
        return bool(update(conn, message, **values))


def _deliver(
    engine: Engine,
    transport: Transport,
    message: OutboxMessage,
    at: datetime,
    policy: RetryPolicy,
    rng: random.Random,
) -> str:
    """Send one message and record the outcome; return the BatchResult field to count."""
    try:
        transport.send(message)
    except Exception as exc:  # any transport error is an attempt that failed
        permanent = isinstance(exc, DeliveryFailed) and exc.permanent
        status, due = policy.after_failure(message.attempts, at, rng.random(), permanent=permanent)
        error = str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}: {exc}"
        recorded = _record(engine, store.mark_failed, message, status=status, due=due, error=error)
        log.warning("message %s attempt %d failed: %s", message.id, message.attempts, error)
        if not recorded:
            return "lost"
        return "dead" if status is Status.DEAD else "failed"
    return "sent" if _record(engine, store.mark_sent, message, at=at) else "lost"


def run(
    engine: Engine,
    transports: Mapping[str, Transport],
    *,
    clock: Clock,
    batch: int = 50,
    poll: float = 1.0,
    worker_id: str | None = None,
    policy: RetryPolicy | None = None,
    lease: timedelta = DEFAULT_LEASE,
    stop: threading.Event | None = None,
    handle_signals: bool = True,
) -> BatchResult:
    """Deliver until stopped (SIGTERM, SIGINT or ``stop``); poll every ``poll`` s when idle.

    A stop request lets the message in flight finish and gives back the rest of the batch.
    Returns the totals over all batches.
    """
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    rng = random.Random()
    total: dict[str, int] = {}
    with _stop_on_signals(stop, enabled=handle_signals):
        while not stop.is_set():
            try:
                result = run_once(
                    engine,
                    transports,
                    clock.now(),
                    batch,
                    worker_id,
                    policy=policy,
                    lease=lease,
                    rng=rng,
                    clock=clock,
                    stop=stop,
                )
            except DBAPIError as exc:  # database restarting or busy: what was claimed stays leased
                log.warning("worker %s: database error, retrying: %s", worker_id, exc)
                stop.wait(max(poll, 1.0))
                continue
            for name in BatchResult.__slots__:
                total[name] = total.get(name, 0) + getattr(result, name)
            if result.claimed == 0:
                stop.wait(poll)
    log.info("worker %s stopped", worker_id)
    return BatchResult(**total)


@contextmanager
def _stop_on_signals(stop: threading.Event, *, enabled: bool) -> Iterator[None]:
    """Set ``stop`` on SIGTERM/SIGINT (only possible from the main thread)."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()  # nothing else here: a signal handler may interrupt any code, even logging

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """A person was erased: their values leave every message, and nothing more is sent to them
    (handler wired in ``opencx.app``, run in the erasing transaction)."""
    store.redact_messages(conn, event.personal)


def dead_letters(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """Messages the worker gave up on (permanent error or attempts exhausted), newest first."""
    with engine.connect() as conn:
        return store.dead_letters(conn, limit)


def retry_dead(engine: Engine, ids: Sequence[str] | None, now: datetime) -> int:
    """Queue dead messages again (``ids``, or every dead one when None); how many were queued.

    Delivery is still idempotent on the receiving side: the message keeps its id, which the
    transports send as the email Message-ID and the webhook idempotency key.
    """
    with engine.begin() as conn:
        return store.revive(conn, ids, now)
