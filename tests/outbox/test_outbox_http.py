"""SMS and webhooks over HTTP to a fake provider (a real local HTTP server): signed, idempotent."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.outbox import enqueue, run_once
from opencx.outbox.transports import OutboxConfig

SECRET = "s3cret"


@dataclass
class Provider:
    """What the fake provider received, and the status codes it answers with, in order."""

    answers: list[int] = field(default_factory=list)
    calls: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def provider() -> Iterator[Provider]:
    state = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.calls.append((self.path, dict(self.headers), body))
            status = state.answers.pop(0) if state.answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def config(sms_url: str | None) -> OutboxConfig:
    return OutboxConfig(
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_sender="x@y.z",
        webhook_secret=SECRET,
        sms_webhook_url=sms_url,
    )


def row(engine: Engine, message_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox).where(outbox.c.id == message_id)).one()


def test_sms_goes_to_the_provider_hook_signed_with_an_idempotency_key(
    engine: Engine, clock: FixedClock, provider: Provider
) -> None:
    with engine.begin() as conn:
        message_id = enqueue(
            conn,
            kind="sms",
            dedupe_key="otp:1",
            payload={"to": "+4520123456", "text": "Din kode: 1234"},
            now=clock.now(),
        )
    provider.answers = [503]  # the provider is briefly down, then accepts
    transports = config(provider.url + "/sms").transports()
    assert run_once(engine, transports, clock.now()).failed == 1
    assert row(engine, message_id).status == "failed"
    assert "HTTP 503" in row(engine, message_id).last_error
    later = row(engine, message_id).next_attempt_at
    assert run_once(engine, config(provider.url + "/sms").transports(), later).sent == 1

    assert len(provider.calls) == 2
    (path, headers, body), (_, retry_headers, retry_body) = provider.calls
    assert path == "/sms"
    assert json.loads(body) == {"id": message_id, "to": "+4520123456", "text": "Din kode: 1234"}
    assert headers["Idempotency-Key"] == retry_headers["Idempotency-Key"] == message_id
    assert body == retry_body
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-OpenCX-Signature"] == f"sha256={expected}"
    assert row(engine, message_id).status == "sent"


def test_webhook_posts_its_body_and_a_client_error_is_permanent(
    engine: Engine, clock: FixedClock, provider: Provider
) -> None:
    with engine.begin() as conn:
        ok = enqueue(
            conn,
            kind="webhook",
            dedupe_key="hook:case:1",
            payload={"url": provider.url + "/hooks/a", "body": {"case": "c1", "score": 3}},
            now=clock.now(),
        )
        gone = enqueue(
            conn,
            kind="webhook",
            dedupe_key="hook:case:2",
            payload={"url": provider.url + "/hooks/gone"},
            now=clock.now(),
        )
    provider.answers = [200, 410]  # claims come in creation order: ok first, then gone
    result = run_once(engine, config(None).transports(), clock.now())
    assert (result.sent, result.dead) == (1, 1)
    assert row(engine, ok).status == "sent"
    dead = row(engine, gone)
    assert (dead.status, dead.attempts) == ("dead", 1)
    assert "HTTP 410" in dead.last_error
    (path, headers, body), (gone_path, _, gone_body) = provider.calls
    assert (path, json.loads(body)) == ("/hooks/a", {"case": "c1", "score": 3})
    assert (gone_path, gone_body) == ("/hooks/gone", b"{}")
    assert headers["Content-Type"] == "application/json"


def test_unreachable_endpoint_is_retried(
    engine: Engine, clock: FixedClock, unused_port: int
) -> None:
    with engine.begin() as conn:
        message_id = enqueue(
            conn,
            kind="webhook",
            dedupe_key="hook:x",
            payload={"url": f"http://127.0.0.1:{unused_port}/x"},
            now=clock.now(),
        )
    assert run_once(engine, config(None).transports(), clock.now()).failed == 1
    failed = row(engine, message_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "ConnectError" in failed.last_error


def test_kinds_without_a_transport_stay_queued(engine: Engine, clock: FixedClock) -> None:
    """No SMS hook configured: SMS messages wait untouched instead of dying."""
    with engine.begin() as conn:
        message_id = enqueue(
            conn,
            kind="sms",
            dedupe_key="otp:2",
            payload={"to": "+30", "text": "x"},
            now=clock.now(),
        )
    transports = config(None).transports()
    assert "sms" not in transports
    assert run_once(engine, transports, clock.now()).claimed == 0
    assert (row(engine, message_id).status, row(engine, message_id).attempts) == ("pending", 0)
