"""Leases: an expired claim is taken over, and the slow worker can no longer record an outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.outbox import RetryPolicy, enqueue, run_once
from opencx.outbox.domain import OutboxMessage

LEASE = timedelta(seconds=30)


class Recorder:
    def __init__(self, on_send: Any = None) -> None:
        self.sent: list[tuple[str, int]] = []
        self.on_send = on_send

    def send(self, message: OutboxMessage) -> None:
        if self.on_send is not None:
            self.on_send(message)
        self.sent.append((message.id, message.attempts))

    def close(self) -> None:
        pass


def one_message(engine: Engine, clock: FixedClock, key: str = "m:1") -> str:
    with engine.begin() as conn:
        payload = {"to": "+45", "text": "hej"}
        return enqueue(conn, kind="sms", dedupe_key=key, payload=payload, now=clock.now())


def row(engine: Engine, message_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox).where(outbox.c.id == message_id)).one()


def test_a_stalled_worker_loses_its_claim_and_cannot_overwrite_the_outcome(
    engine: Engine, clock: FixedClock
) -> None:
    message_id = one_message(engine, clock)
    fast = Recorder()
    takeover: dict[str, Any] = {}

    def stall_past_the_lease(message: OutboxMessage) -> None:
        # While the slow worker is stuck in its send, its lease runs out and another takes over.
        takeover["result"] = run_once(engine, {"sms": fast}, clock.now() + LEASE, lease=LEASE)

    slow = Recorder(on_send=stall_past_the_lease)
    result = run_once(engine, {"sms": slow}, clock.now(), lease=LEASE)

    assert takeover["result"].sent == 1
    assert fast.sent == [(message_id, 2)] and slow.sent == [(message_id, 1)]
    assert (result.claimed, result.sent, result.lost) == (1, 0, 1)
    final = row(engine, message_id)
    assert (final.status, final.attempts, final.sent_at) == ("sent", 2, clock.now() + LEASE)


def test_a_claim_not_started_before_its_lease_ends_is_given_back(
    engine: Engine, clock: FixedClock
) -> None:
    """With a clock, a worker that fell behind hands back what it can no longer send safely."""
    first = one_message(engine, clock, "m:1")
    second = one_message(engine, clock, "m:2")

    def slow(message: OutboxMessage) -> None:
        clock.advance(LEASE)  # the first send takes the whole lease

    sender = Recorder(on_send=slow)
    result = run_once(engine, {"sms": sender}, clock.now(), lease=LEASE, clock=clock)
    assert (result.claimed, result.sent, result.released) == (2, 1, 1)
    assert [mid for mid, _ in sender.sent] == [first]
    given_back = row(engine, second)
    assert (given_back.status, given_back.attempts, given_back.locked_until) == (
        "pending",
        0,
        None,
    )


def test_an_abandoned_last_attempt_is_buried_not_retried(engine: Engine, clock: FixedClock) -> None:
    policy = RetryPolicy(max_attempts=1)
    message_id = one_message(engine, clock)

    def die(message: OutboxMessage) -> None:
        raise KeyboardInterrupt  # the worker stops dead in the middle of the send

    with pytest.raises(KeyboardInterrupt):
        run_once(engine, {"sms": Recorder(on_send=die)}, clock.now(), lease=LEASE, policy=policy)
    assert row(engine, message_id).status == "sending"
    later = run_once(engine, {"sms": Recorder()}, clock.now() + LEASE, policy=policy)
    assert later.claimed == 0
    buried = row(engine, message_id)
    assert (buried.status, buried.attempts) == ("dead", 1)
    assert "lease expired" in buried.last_error
