"""enqueue: written in the caller's transaction, once per dedupe_key (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.core.errors import InvalidInput
from opencx.db.schema import outbox
from opencx.outbox import enqueue

EMAIL = {"to": "ann@example.nl", "subject": "Hoe was uw bezoek?", "text": "Beste Ann, ..."}


def rows(engine: Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.select(outbox).order_by(outbox.c.created_at)))


def test_enqueue_writes_a_pending_message_due_now(engine: Engine, clock: FixedClock) -> None:
    with engine.begin() as conn:
        message_id = enqueue(
            conn, kind="email", dedupe_key="invite:1", payload=EMAIL, now=clock.now()
        )
    [row] = rows(engine)
    assert row.id == message_id
    assert (row.kind, row.dedupe_key, row.payload) == ("email", "invite:1", EMAIL)
    assert (row.status, row.attempts, row.sent_at, row.locked_until) == ("pending", 0, None, None)
    assert row.next_attempt_at == row.created_at == clock.now()


def test_same_dedupe_key_is_a_no_op_returning_the_first_id(
    engine: Engine, clock: FixedClock
) -> None:
    with engine.begin() as conn:
        first = enqueue(conn, kind="email", dedupe_key="invite:1", payload=EMAIL, now=clock.now())
    clock.advance(timedelta(hours=1))
    other = {**EMAIL, "subject": "changed"}
    with engine.begin() as conn:
        again = enqueue(conn, kind="email", dedupe_key="invite:1", payload=other, now=clock.now())
        in_same_tx = enqueue(
            conn, kind="email", dedupe_key="invite:1", payload=other, now=clock.now()
        )
    assert first == again == in_same_tx
    [row] = rows(engine)
    assert row.payload["subject"] == EMAIL["subject"]
    assert row.created_at == clock.now() - timedelta(hours=1)


def test_enqueue_rolls_back_with_the_callers_transaction(engine: Engine, clock: FixedClock) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        enqueue(
            conn,
            kind="sms",
            dedupe_key="otp:1",
            payload={"to": "+31", "text": "1234"},
            now=clock.now(),
        )
        raise RuntimeError("the change failed")
    assert rows(engine) == []
    with engine.begin() as conn:  # the key is free again
        enqueue(
            conn,
            kind="sms",
            dedupe_key="otp:1",
            payload={"to": "+31", "text": "1234"},
            now=clock.now(),
        )
    assert len(rows(engine)) == 1


def test_invalid_message_is_refused_before_writing(engine: Engine, clock: FixedClock) -> None:
    with pytest.raises(InvalidInput, match="needs a non-empty string 'url'"), engine.begin() as c:
        enqueue(c, kind="webhook", dedupe_key="hook:1", payload={"body": {}}, now=clock.now())
    assert rows(engine) == []
