"""Delivery to a real SMTP server (aiosmtpd on loopback): exactly once, retries, dead letters."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.outbox import RetryPolicy, enqueue, run_once
from opencx.outbox.domain import email_message_id
from opencx.outbox.transports import SmtpTransport

SENDER = "OpenCX <noreply@shop.example>"


def transports(port: int) -> dict[str, SmtpTransport]:
    return {"email": SmtpTransport("127.0.0.1", port, SENDER, timeout=5)}


def enqueue_emails(engine: Engine, now: datetime, n: int) -> dict[str, int]:
    ids = {}
    with engine.begin() as conn:
        for i in range(n):
            payload = {
                "to": f"customer{i}@example.nl",
                "subject": f"Uw bestelling {i}",
                "text": f"Bedankt voor bestelling {i}.\n",
            }
            if i % 2:
                payload["html"] = f"<p>Bedankt voor bestelling <b>{i}</b>.</p>"
            ids[enqueue(conn, kind="email", dedupe_key=f"order:{i}", payload=payload, now=now)] = i
    return ids


def state(engine: Engine, message_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox).where(outbox.c.id == message_id)).one()


def test_twenty_emails_arrive_exactly_once(
    engine: Engine, clock: FixedClock, smtp_server: Any
) -> None:
    ids = enqueue_emails(engine, clock.now(), 20)
    first = run_once(engine, transports(smtp_server.port), clock.now(), batch=8, worker_id="w1")
    assert (first.claimed, first.sent) == (8, 8)
    while run_once(engine, transports(smtp_server.port), clock.now(), batch=8).claimed:
        pass

    received = {str(m["Message-ID"]): m for m in smtp_server.inbox.messages}
    assert len(smtp_server.inbox.messages) == len(received) == 20
    for message_id, i in ids.items():
        mail = received[email_message_id(message_id, SENDER)]
        assert mail["Subject"] == f"Uw bestelling {i}"
        assert mail["To"] == f"customer{i}@example.nl"
        assert mail["From"] == SENDER
        text = (mail.get_payload(0) if mail.is_multipart() else mail).get_payload(decode=True)
        assert text.decode().replace("\r\n", "\n") == f"Bedankt voor bestelling {i}.\n"
        assert mail.is_multipart() == bool(i % 2)
        row = state(engine, message_id)
        assert (row.status, row.attempts, row.sent_at, row.locked_until) == (
            "sent",
            1,
            clock.now(),
            None,
        )
    # Nothing is due any more: a further run claims nothing and sends nothing.
    assert run_once(engine, transports(smtp_server.port), clock.now()).claimed == 0
    assert len(smtp_server.inbox.messages) == 20


def test_server_down_backs_off_then_delivers_when_up(
    engine: Engine, clock: FixedClock, smtp_server: Any
) -> None:
    smtp_server.stop()
    policy = RetryPolicy(base=timedelta(seconds=10), factor=2.0, max_attempts=8, jitter=0.5)
    [message_id] = enqueue_emails(engine, clock.now(), 1)
    rng, expected = random.Random(7), random.Random(7)
    delays = []
    for attempt in range(1, 5):
        result = run_once(engine, transports(smtp_server.port), clock.now(), policy=policy, rng=rng)
        assert (result.claimed, result.failed) == (1, 1)
        row = state(engine, message_id)
        assert (row.status, row.attempts) == ("failed", attempt)
        assert "ConnectionRefusedError" in row.last_error
        delay = row.next_attempt_at - clock.now()
        assert delay == policy.delay(attempt, expected.random())  # seeded jitter, reproducible
        delays.append(delay)
        # Not due before its time...
        clock.advance(delay - timedelta(seconds=1))
        assert (
            run_once(engine, transports(smtp_server.port), clock.now(), policy=policy).claimed == 0
        )
        clock.advance(timedelta(seconds=1))  # ...due exactly at it.
    assert delays == sorted(delays) and delays[-1] > delays[0]

    smtp_server.start()
    result = run_once(engine, transports(smtp_server.port), clock.now(), policy=policy)
    assert result.sent == 1
    row = state(engine, message_id)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 5, clock.now())
    assert smtp_server.inbox.message_ids() == [email_message_id(message_id, SENDER)]


def test_max_attempts_make_a_message_dead(
    engine: Engine, clock: FixedClock, smtp_server: Any
) -> None:
    smtp_server.stop()
    policy = RetryPolicy(base=timedelta(seconds=1), max_attempts=3)
    [message_id] = enqueue_emails(engine, clock.now(), 1)
    outcomes = []
    for _ in range(5):
        result = run_once(engine, transports(smtp_server.port), clock.now(), policy=policy)
        outcomes.append((result.failed, result.dead))
        clock.advance(timedelta(hours=1))
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    row = state(engine, message_id)
    assert (row.status, row.attempts, row.sent_at) == ("dead", 3, None)


def test_refused_recipient_is_dead_at_once(
    engine: Engine, clock: FixedClock, unused_port: int
) -> None:
    """A permanent SMTP answer (550 for the recipient) is not retried."""

    class Refuses:
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
        ) -> str:
            await asyncio.sleep(0)
            return "550 5.1.1 no such user"

    port = unused_port
    controller = Controller(Refuses(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        [message_id] = enqueue_emails(engine, clock.now(), 1)
        result = run_once(engine, transports(port), clock.now())
    finally:
        controller.stop()
    assert result.dead == 1
    row = state(engine, message_id)
    assert row.status == "dead" and "550" in row.last_error
