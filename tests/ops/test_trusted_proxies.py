"""Forwarded headers are believed only from OPENCX_TRUSTED_PROXIES: a real uvicorn server with
the options ``opencx serve`` uses; the login's session cookie is Secure only when a trusted
proxy says the client came over HTTPS."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import build, create_app
from opencx.core import FixedClock
from opencx.ops.serve import uvicorn_options
from opencx.settings import Settings
from tests.outbox.conftest import free_port

PASSWORD = "correct-horse-9"


@pytest.fixture(params=["127.0.0.1", "10.9.8.7"], ids=["trusted", "untrusted"])
def server(
    request: pytest.FixtureRequest, sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> Iterator[tuple[str, bool]]:
    settings = Settings(database_url=sqlite_url, secret_key="k" * 40, trusted_proxies=request.param)
    services = build(settings, clock=clock, engine=sqlite_engine)
    AccessService(sqlite_engine, clock).create_user(
        "ana@example.org", role="admin", password=PASSWORD
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, services=services),
        **uvicorn_options(settings, host="127.0.0.1", port=port),
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn never started"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", request.param == "127.0.0.1"
    instance.should_exit = True
    thread.join(timeout=30)


def test_forwarded_proto_only_from_a_trusted_proxy(server: tuple[str, bool]) -> None:
    base, trusted = server
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with httpx.Client(base_url=base, headers=proxy) as client:
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
        assert token
        login = client.post(
            "/login",
            follow_redirects=False,
            data={
                "email": "ana@example.org",
                "password": PASSWORD,
                "next": "/",
                "csrf_token": token.group(1),
            },
        )
    assert login.status_code == 303
    cookie = next(
        v
        for k, v in login.headers.multi_items()
        if k == "set-cookie" and v.startswith("opencx_session")
    )
    assert ("Secure" in cookie) is trusted
