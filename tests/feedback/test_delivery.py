"""Invitations delivered for real: email to an aiosmtpd server (HTML and text parts with one-click
score links), SMS to a local HTTP provider stand-in, and a worker killed mid-batch after which
every customer still has exactly one invitation (a redelivery carries the same Message-ID, which
the receiver folds into one)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.outbox import run_once
from opencx.outbox.transports import SmtpTransport
from opencx.settings import Settings

from .conftest import BASE, add_customer

SENDER = "Shop <survey@shop.example>"
SIGNATURES: list[str] = []  # X-OpenCX-Signature of each request the stand-in received


@pytest.fixture
def sms_provider() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    signatures = SIGNATURES
    signatures.clear()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            signatures.append(self.headers.get("X-OpenCX-Signature", ""))
            received.append(body)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms", received
    server.shutdown()
    server.server_close()
    thread.join()


def _services(url: str, clock: FixedClock, engine: Engine, **settings: Any) -> Services:
    made = Settings(
        database_url=url,
        secret_key="k",
        base_url=BASE,
        smtp_host="127.0.0.1",
        smtp_sender=SENDER,
        **settings,
    )
    return build(made, clock=clock, engine=engine)


def test_email_and_sms_reach_real_servers(
    sqlite_url: str, sqlite_engine: Engine, smtp_server: Any, sms_provider: Any
) -> None:
    clock = FixedClock(datetime.now(UTC))
    url, texts = sms_provider
    services = _services(
        sqlite_url, clock, sqlite_engine, smtp_port=smtp_server.port, sms_webhook_url=url
    )
    fb = services.feedback
    fb.create_from_template("nps", "nps-x", "After your order", ["nl", "el", "en"])
    ann = add_customer(sqlite_engine, clock, language="el")
    bob = add_customer(sqlite_engine, clock, language="nl")
    assert fb.invite("nps-x", [ann]).sent == 1
    assert fb.invite("nps-x", [bob], channel="sms").sent == 1
    done = run_once(sqlite_engine, services.outbox.transports(), clock.now())
    assert done.sent == 2

    [mail] = smtp_server.inbox.messages
    assert mail["From"] == SENDER and mail["To"].endswith("@example.nl")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Πόσο πιθανό" in text and "Πόσο πιθανό" in html  # Greek, the customer's language
    for score in (0, 10):
        assert f"?score={score}" in text and f'?score={score}"' in html
    assert "/opt-out" in text
    [sms] = texts
    assert sms["to"].startswith("+316") and f"{BASE}/r/" in sms["text"]
    assert "Hoe waarschijnlijk" in sms["text"]


def test_killed_worker_still_gives_every_customer_exactly_one_invitation(
    sqlite_url: str, sqlite_engine: Engine, smtp_server: Any, kill_worker_mid_batch: Any
) -> None:
    n = 12
    clock = FixedClock(datetime.now(UTC))
    services = _services(sqlite_url, clock, sqlite_engine, smtp_port=smtp_server.port)
    fb = services.feedback
    fb.create_from_template("csat", "csat-x", "Help", ["en"])
    people = [add_customer(sqlite_engine, clock, language="en") for _ in range(n)]
    assert fb.invite("csat-x", people).sent == n
    assert fb.invite("csat-x", people).sent == 0  # a retried call sends nobody twice

    kill_worker_mid_batch(sqlite_url, batch=n, held=5, sender=SENDER)  # 5th in flight
    with sqlite_engine.connect() as conn:
        statuses = Counter(conn.execute(sa.select(outbox.c.status)).scalars())
        lease_end = max(
            conn.execute(
                sa.select(outbox.c.locked_until).where(outbox.c.status == "sending")
            ).scalars()
        )
    assert statuses["sending"] > 0 and statuses["sent"] > 0, statuses  # truly mid-batch

    smtp_server.inbox.delay = 0.0
    smtp_server.inbox.release.set()
    transports = {"email": SmtpTransport("127.0.0.1", smtp_server.port, SENDER, timeout=5)}
    run_once(sqlite_engine, transports, lease_end + timedelta(seconds=1), worker_id="second")

    per_person = Counter()
    seen: set[str] = set()
    for message in smtp_server.inbox.messages:
        if message["Message-ID"] in seen:
            continue  # a redelivery of the message in flight: same Message-ID, one invitation
        seen.add(str(message["Message-ID"]))
        per_person[str(message["To"])] += 1
    assert len(per_person) == n and set(per_person.values()) == {1}
    assert len(smtp_server.inbox.messages) <= n + 1
