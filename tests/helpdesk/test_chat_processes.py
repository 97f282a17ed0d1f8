"""Live chat across server processes: two real uvicorn processes on one store, a customer on
one and an agent on the other (as behind a load balancer), talking over real WebSockets, with
typing, read receipts, chats starting and ending, and whether an agent is online.

PostgreSQL carries the messages and signals by LISTEN/NOTIFY, SQLite by polling the message and
signal numbers; each process counts its agents in the store.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from websockets.sync.client import ClientConnection, connect

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url
from tests.browser.serving import free_port

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
EMAIL, PASSWORD = "agent@example.org", "process-pass-1"
pytestmark = pytest.mark.slow  # two server processes start per store


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[Engine]:
    """The store of this module's tests on each kind, shared by them as their server processes
    are (starting two processes takes seconds, minutes on a busy machine): a fresh SQLite file;
    the session's PostgreSQL database, emptied once they are done."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("chat-processes") / "opencx.db"
        shutil.copyfile(migrated_sqlite, path)
        engine = create_engine_from_url(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("pg_engine")
    emptying = request.getfixturevalue("_emptying")
    yield engine
    with engine.begin() as conn:
        emptying.empty(conn)


@pytest.fixture(scope="module")
def servers(store: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two ``opencx`` web processes (A, B) on the module's store, with the same secret key,
    shared by its tests: none needs fresh processes (each starts its own chats, and the one
    that needs nobody online waits until the store says so)."""
    url = store.url.render_as_string(hide_password=False)
    AccessService(store, FixedClock(datetime(2026, 1, 1, tzinfo=UTC))).create_user(
        EMAIL, role="agent", password=PASSWORD
    )
    env = {**os.environ, "OPENCX_DATABASE_URL": url, "OPENCX_SECRET_KEY": "two-processes"}
    command = [sys.executable, "-m", "uvicorn", "opencx.app:create_app_from_env", "--factory"]
    procs, bases = [], []
    folder = tmp_path_factory.mktemp("chat-servers")
    try:
        logs = [folder / f"server-{name}.log" for name in "ab"]
        for log in logs:  # both start at once: importing the app takes seconds on a busy machine
            port = free_port()
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        [*command, "--host", "127.0.0.1", "--port", str(port)],
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
            bases.append(f"http://127.0.0.1:{port}")
        for base, proc, log in zip(bases, procs, logs, strict=True):
            _wait_until_up(base, proc, log)
        yield bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # still importing the app: it cannot shut down
                proc.kill()
                proc.wait()


def _nobody_online(store: Engine) -> None:
    """Wait until no process counts an agent in the store: an earlier test's agent left, and
    its process says so when it sees the socket close, or at its next refresh (10 s)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with store.connect() as conn:
            if not conn.execute(sa.text("SELECT sum(agents) FROM helpdesk_chat_presence")).scalar():
                return
        time.sleep(0.1)
    pytest.fail("an agent that left is still counted online after 20 s")


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """As the browser tests wait, with more patience: two processes importing the whole app at
    once on a shared 2-core machine took up to two minutes (a guard, not a measure)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(base + "/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail(f"server did not answer on {base} within 300 s:\n{log.read_text()}")


def _agent_socket(base: str) -> ClientConnection:
    with httpx.Client(base_url=base) as http:
        token = CSRF.search(http.get("/login").text)
        assert token
        http.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    ws_url = base.replace("http://", "ws://") + "/api/helpdesk/chat/agent"
    return connect(ws_url, additional_headers={"Cookie": cookies, "Origin": base})


def _next(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next frame of ``kind`` (others, such as history or typing, are skipped)."""
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(timeout=20))
        if frame["type"] == kind:
            return frame


def test_a_customer_on_one_process_and_an_agent_on_another_talk(
    servers: tuple[str, str],
) -> None:
    a, b = servers
    with _agent_socket(b) as agent:
        _next(agent, "chats")
        started = httpx.post(f"{a}/api/helpdesk/chat", json={"name": "Ana"}).json()
        ws_url = a.replace("http://", "ws://") + f"/api/helpdesk/chat/ws?token={started['token']}"
        with connect(ws_url) as customer:
            customer.send(json.dumps({"type": "message", "body": "Hello from A"}))
            mine = _next(customer, "message")  # stored, then back on the sender's own socket
            heard = _next(agent, "message")  # the other process, through the store
            assert (heard["id"], heard["chat_id"], heard["body"], heard["sender"]) == (
                mine["id"],
                started["chat_id"],
                "Hello from A",
                "customer",
            )

            agent.send(json.dumps({"type": "message", "chat_id": started["chat_id"], "body": "Hi"}))
            assert _next(agent, "message")["body"] == "Hi"  # the agent's own, from B at once
            reply = _next(customer, "message")
            assert (reply["sender"], reply["author"], reply["body"]) == ("agent", EMAIL, "Hi")
            assert reply["seq"] > mine["seq"]

            bodies = [f"part {k}" for k in range(5)] + ["last"]
            for body in bodies:  # sent back to back: each arrives once, in the order sent
                customer.send(json.dumps({"type": "message", "body": body}))
            for ws in (customer, agent):  # a message doubled by the feed would come before "last"
                got = [_next(ws, "message") for _ in bodies]
                assert [m["body"] for m in got] == bodies
                assert [m["seq"] for m in got] == sorted(m["seq"] for m in got)


def test_what_is_not_stored_crosses_too_and_a_lost_listener_misses_nothing(
    servers: tuple[str, str], store: Engine
) -> None:
    """What is not stored crosses too: an agent on B makes a chat started on A *online*, and
    sees it start; typing and read go both ways; the end reaches the customer. On PostgreSQL,
    a message stored while the listening connections are down is pushed once they are back."""
    a, b = servers
    _nobody_online(store)
    offline = httpx.post(f"{a}/api/helpdesk/chat", json={"name": "Early"}).json()
    assert offline["online"] is False  # nobody connected anywhere yet
    with _agent_socket(b) as agent:
        _next(agent, "chats")
        started = httpx.post(f"{a}/api/helpdesk/chat", json={"name": "Ana"}).json()
        assert started["online"] is True  # the agent is on B; the widget reached A
        assert _next(agent, "chat_started")["chat"]["id"] == started["chat_id"]
        chat_id = started["chat_id"]
        ws_url = a.replace("http://", "ws://") + f"/api/helpdesk/chat/ws?token={started['token']}"
        with connect(ws_url) as customer:
            customer.send(json.dumps({"type": "typing"}))
            assert _next(agent, "typing") | {"upto": None} == {
                "type": "typing",
                "chat_id": chat_id,
                "sender": "customer",
                "upto": None,
            }
            agent.send(json.dumps({"type": "typing", "chat_id": chat_id}))
            assert _next(customer, "typing")["sender"] == "agent"
            customer.send(json.dumps({"type": "message", "body": "Hello"}))
            mine = _next(customer, "message")
            assert _next(agent, "message")["id"] == mine["id"]
            agent.send(json.dumps({"type": "read", "chat_id": chat_id, "upto": mine["id"]}))
            assert _next(customer, "read")["upto"] == mine["id"]

            if store.dialect.name == "postgresql":  # both processes lose their listener
                with store.connect() as conn:
                    killed = conn.execute(
                        sa.text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND query LIKE 'LISTEN %'"
                        )
                    ).scalar_one()
                assert killed >= 2
                customer.send(json.dumps({"type": "message", "body": "while reconnecting"}))
                assert _next(customer, "message")["body"] == "while reconnecting"
                heard = _next(agent, "message")  # from the store, once B listens again
                assert heard["body"] == "while reconnecting"
                agent.send(json.dumps({"type": "message", "chat_id": chat_id, "body": "back"}))
                # on A once it listens again (signals raised before that are lost, by design)
                assert _next(customer, "message")["body"] == "back"

            agent.send(json.dumps({"type": "end", "chat_id": chat_id}))
            ended = _next(customer, "ended")
            assert ended["case_id"] == _next(agent, "ended")["case_id"]
            customer.send(json.dumps({"type": "message", "body": "one more"}))
            assert "ended" in _next(customer, "error")["detail"]
            agent.send(json.dumps({"type": "message", "chat_id": chat_id, "body": "x"}))
            assert _next(agent, "error")["chat_id"] == chat_id
            assert [f for f in _rest(agent) if f["type"] == "message"] == []  # none twice


def _rest(ws: ClientConnection) -> list[dict[str, Any]]:
    """The frames that arrive within the next 2 s."""
    frames = []
    try:
        while True:
            frames.append(json.loads(ws.recv(timeout=2)))
    except TimeoutError:
        return frames
