"""A worker killed mid-batch loses nothing and doubles at most the message in flight.

The first worker is the real ``opencx worker`` command in a subprocess, delivering to a real SMTP
server whose handler is slow; it is SIGKILLed while a batch is half done. A second worker takes
over once the first one's lease has run out. The one message the server had accepted but not yet
acknowledged when the worker died is delivered again, with the same Message-ID, so the receiver
can recognise it (the at-least-once contract of docs/outbox.md).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db.schema import outbox
from opencx.outbox import enqueue, run_once
from opencx.outbox.domain import email_message_id
from opencx.outbox.transports import SmtpTransport

SENDER = "OpenCX <noreply@shop.example>"
N = 10


def test_kill_mid_batch_loses_nothing_and_doubles_at_most_the_one_in_flight(
    sqlite_url: str, sqlite_engine: Engine, smtp_server: Any, kill_worker_mid_batch: Any
) -> None:
    now = datetime.now(UTC)
    with sqlite_engine.begin() as conn:
        ids = [
            enqueue(
                conn,
                kind="email",
                dedupe_key=f"receipt:{i}",
                payload={"to": f"c{i}@example.dk", "subject": f"Kvittering {i}", "text": "Tak"},
                now=now,
            )
            for i in range(N)
        ]
    kill_worker_mid_batch(sqlite_url, batch=N, held=4)  # the 4th in flight when it dies

    with sqlite_engine.connect() as conn:
        at_kill = dict(conn.execute(sa.select(outbox.c.id, outbox.c.status)).all())
        lease_ends = conn.execute(
            sa.select(outbox.c.locked_until).where(outbox.c.status == "sending")
        ).scalars()
        lease_end = max(lease_ends)
    statuses = Counter(at_kill.values())
    assert statuses == {"sent": 3, "sending": N - 3}, statuses  # truly mid-batch

    smtp_server.inbox.delay = 0.0
    smtp_server.inbox.release.set()
    in_flight = str(smtp_server.inbox.messages[3]["Message-ID"])
    transports = {"email": SmtpTransport("127.0.0.1", smtp_server.port, SENDER, timeout=5)}
    # While the dead worker's lease holds, nobody may touch its messages...
    before = run_once(sqlite_engine, transports, lease_end - timedelta(milliseconds=1))
    assert before.claimed == 0
    # ...once it has run out, the second worker takes them over.
    after = run_once(sqlite_engine, transports, lease_end, worker_id="second")
    assert after.claimed == after.sent == statuses["sending"]

    received = Counter(smtp_server.inbox.message_ids())
    expected = {email_message_id(i, SENDER): i for i in ids}
    assert set(received) == set(expected)  # nothing lost
    doubled = [mid for mid, n in received.items() if n > 1]
    assert doubled == [in_flight] and received[in_flight] == 2, received
    with sqlite_engine.connect() as conn:
        final = {row.id: row for row in conn.execute(sa.select(outbox))}
    assert {row.status for row in final.values()} == {"sent"}
    # The one in flight was accepted by the server but never acknowledged to the worker.
    assert at_kill[expected[in_flight]] == "sending"
    for message_id, status in at_kill.items():
        assert final[message_id].attempts == (1 if status == "sent" else 2)
