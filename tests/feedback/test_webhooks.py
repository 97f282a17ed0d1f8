"""Webhook subscriptions, delivered for real to a local HTTP server: each subscription gets the
events it asked for, once per response, signed with its own secret; a subscriber that is down
gets the event later (retries with backoff); a removed subscription gets nothing more; and the
subscriptions are managed from the API (admin) and the CLI (the page, /feedback/webhooks, is
walked and its form submitted by tests/browser/test_walk.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import FixedClock, InvalidInput

from .conftest import outbox_rows, run_tasks


@dataclass
class Receiver:
    url: str
    calls: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    failing: int = 0  # answer this many next requests with 503

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for p, _, raw in self.calls if p == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            if state.failing > 0:
                state.failing -= 1
                self.send_response(503)
            else:
                state.calls.append((self.path, dict(self.headers.items()), raw))
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


def _link(services: Services, customer: str) -> str:
    [invited] = services.feedback.invite("csat-x", [customer], channel="link").invited
    return (invited.url or "").rsplit("/", 1)[1]


def _signed(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def test_each_subscription_gets_its_events_once_signed_with_its_own_secret(
    services: Services, customer: Any, clock: FixedClock, receiver: Receiver
) -> None:
    fb = services.feedback
    fb.create_from_template("csat", "csat-x", "Help", ["en"])
    every, every_key = fb.add_webhook(receiver.url + "/crm")
    _, done_key = fb.add_webhook(
        receiver.url + "/bi", ["response.completed"], secret="bi-secret-0123456789"
    )
    assert every.events == ("response.created", "response.completed")
    assert every_key.startswith("whsec_") and done_key == "bi-secret-0123456789"

    token = _link(services, customer(language="en"))
    fb.respond(token, {"csat": 2}, finish=False)
    fb.respond(token, {"csat": 2}, finish=False)  # a double click: nothing new to tell
    fb.respond(token, {"csat": 2, "why_low": "Slow"}, finish=True)
    # three webhook tasks (two for /crm, one for /bi) and the follow-up
    assert sorted(m["payload"]["task"] for m in outbox_rows(services.engine)) == [
        "feedback.follow_up",
        "feedback.webhook",
        "feedback.webhook",
        "feedback.webhook",
    ]
    assert run_tasks(services).sent == 4
    assert run_tasks(services).claimed == 0  # each sent once
    assert [b["event"] for b in receiver.bodies("/crm")] == [
        "response.created",
        "response.completed",
    ]
    [completed] = receiver.bodies("/bi")
    assert completed["event"] == "response.completed"
    assert completed["answers"] == {"csat": 2, "why_low": "Slow"}
    assert completed["survey"] == "csat-x"
    keys = {"/crm": every_key, "/bi": done_key}
    for path, headers, raw in receiver.calls:
        assert headers["X-OpenCX-Signature"] == _signed(keys[path], raw)  # its own secret
        assert headers["Idempotency-Key"]
    assert len({h["Idempotency-Key"] for _, h, _ in receiver.calls}) == 3


def test_a_subscriber_that_is_down_gets_the_event_later_and_a_removed_one_nothing(
    services: Services, customer: Any, clock: FixedClock, receiver: Receiver
) -> None:
    fb = services.feedback
    fb.create_from_template("csat", "csat-x", "Help", ["en"])
    hook, _ = fb.add_webhook(receiver.url + "/crm", ["response.completed"])
    receiver.failing = 1
    fb.respond(_link(services, customer()), {"csat": 5}, finish=True)
    assert run_tasks(services).failed == 1 and receiver.calls == []
    clock.advance(timedelta(minutes=1))  # past the first backoff (30 s at most)
    assert run_tasks(services).sent == 1
    assert [b["customer_id"] is not None for b in receiver.bodies("/crm")] == [True]

    queued = _link(services, customer())
    fb.respond(queued, {"csat": 4}, finish=True)  # queued for the subscriber ...
    assert fb.remove_webhook(hook.id)  # ... which is removed before the worker runs
    fb.respond(_link(services, customer()), {"csat": 4}, finish=True)
    assert run_tasks(services).sent == 1  # the queued task finds no subscription: nothing sent
    assert len(receiver.calls) == 1
    tasks = [m for m in outbox_rows(services.engine) if m["kind"] == "task"]
    assert len(tasks) == 2  # none was queued for the response after the removal


def test_subscriptions_are_managed_by_admins_from_the_api(
    services: Services, receiver: Receiver
) -> None:
    access = AccessService(services.engine, services.clock)
    admin = access.create_api_key("ops", ["feedback:admin"]).secret
    writer = access.create_api_key("crm", ["feedback:write", "feedback:read"]).secret
    with TestClient(create_app(services.settings, services=services)) as client:
        body = {"url": receiver.url + "/crm", "events": ["response.created"]}
        as_writer = {"Authorization": f"Bearer {writer}"}
        refused = client.post("/api/feedback/webhooks", json=body, headers=as_writer)
        assert refused.status_code == 403
        as_admin = {"Authorization": f"Bearer {admin}"}
        made = client.post("/api/feedback/webhooks", json=body, headers=as_admin)
        assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
        listed = client.get("/api/feedback/webhooks", headers=as_admin).json()
        assert [(h["url"], h["events"], h["secret"]) for h in listed] == [
            (receiver.url + "/crm", ["response.created"], None)  # the secret is shown once
        ]
        bad = client.post(
            "/api/feedback/webhooks", json={"url": "ftp://x", "events": []}, headers=as_admin
        )
        assert bad.status_code == 422 and "http:// or https://" in bad.json()["detail"]
        gone = client.delete(f"/api/feedback/webhooks/{made.json()['id']}", headers=as_admin)
        assert gone.status_code == 200
        assert client.delete("/api/feedback/webhooks/nope", headers=as_admin).status_code == 404

    with pytest.raises(InvalidInput, match="secret"):
        services.feedback.add_webhook(receiver.url, secret="short")


def test_subscriptions_from_the_cli(sqlite_url: str, receiver: Receiver) -> None:
    from opencx.cli import _mount, app

    _mount()
    runner = CliRunner()
    env = {"OPENCX_DATABASE_URL": sqlite_url, "OPENCX_SECRET_KEY": "test-secret"}
    out = runner.invoke(
        app,
        ["feedback", "webhooks", "add", receiver.url + "/bi", "--event", "response.completed"],
        env=env,
    )
    assert out.exit_code == 0 and "signing secret (shown once): whsec_" in out.output
    listed_cli = runner.invoke(app, ["feedback", "webhooks", "list"], env=env).output
    assert receiver.url + "/bi" in listed_cli and "whsec_" not in listed_cli
    wrong = runner.invoke(app, ["feedback", "webhooks", "add", "x", "--event", "nope"], env=env)
    assert wrong.exit_code == 1 and "webhook" in wrong.output
    assert runner.invoke(app, ["feedback", "webhooks", "remove", "nope"], env=env).exit_code == 1
