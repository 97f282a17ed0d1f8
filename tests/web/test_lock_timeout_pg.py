"""On PostgreSQL a request waits at most ``OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS`` for a table
another transaction has locked (a first import locks its tables until it ends), then gets 503
naming the cause and the wait, instead of holding its pooled connection until the import
commits; with 0 it waits as long as it must, as work outside requests always does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.settings import Settings
from tests.web.conftest import SECRET

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_clean: Engine) -> Engine:
    return pg_clean


@pytest.fixture
def lock_seconds() -> str:
    return "0.3"


@pytest.fixture
def services(
    engine: Engine, clock: FixedClock, lock_seconds: str, monkeypatch: pytest.MonkeyPatch
) -> Services:
    """The app's settings read the timeout from the environment, as a server's do."""
    monkeypatch.setenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", lock_seconds)
    settings = Settings(database_url=str(engine.url), secret_key=SECRET)
    return build(settings, clock=clock, engine=engine)


def test_a_request_that_meets_a_locked_table_gets_503_naming_the_cause(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    engine: Engine,
) -> None:
    assert log_in(users["admin"]).status_code == 303
    with engine.connect() as holder, holder.begin():
        # as a first import into an empty store holds them until it commits
        holder.exec_driver_sql("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        api = client.get("/api/customers")
        waited = time.monotonic() - started
        page = client.get("/customers")
        with engine.connect() as job:  # outside a request: no timeout on this connection
            assert job.exec_driver_sql("SHOW lock_timeout").scalar() == "0"
    assert 0.3 <= waited < 5, waited  # the setting's 300 ms, not the default 10 s
    assert api.status_code == 503, api.text
    assert api.headers["content-type"] == "application/problem+json"
    assert api.headers["retry-after"] == "30"
    detail = api.json()["detail"]
    assert "locked" in detail and "waited 0.3 s" in detail, detail
    assert "OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS" in detail
    assert page.status_code == 503, page.text
    assert "Error 503" in page.text and "first import" in page.text
    assert client.get("/api/customers").status_code == 200  # the lock let go of


@pytest.mark.parametrize("lock_seconds", ["0"])
def test_with_0_a_request_waits_for_the_lock_as_long_as_it_must(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    engine: Engine,
) -> None:
    assert log_in(users["admin"]).status_code == 303
    holder = engine.connect()
    holder.begin()
    holder.exec_driver_sql("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")

    def let_go() -> None:
        time.sleep(1.5)
        holder.rollback()
        holder.close()

    releasing = threading.Thread(target=let_go)
    started = time.monotonic()
    releasing.start()
    try:
        api = client.get("/api/customers")
    finally:
        releasing.join()
    assert api.status_code == 200, api.text
    assert time.monotonic() - started >= 1.4  # it waited for the lock, not 503 at once
    with engine.connect() as job:
        assert job.exec_driver_sql("SHOW lock_timeout").scalar() == "0"


@pytest.mark.parametrize("lock_seconds", ["0"])  # deadlock_timeout (1 s) comes first
def test_a_deadlock_victim_gets_503_saying_so(
    app: FastAPI, client: TestClient, engine: Engine
) -> None:
    """PostgreSQL ends one of two requests that wait for each other's row locks: that one is
    answered 503 naming the deadlock, not a lock timeout it did not wait for."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE probe_rows (id int PRIMARY KEY, n int)")
        conn.exec_driver_sql("INSERT INTO probe_rows VALUES (1, 0), (2, 0)")
    barrier = threading.Barrier(2)

    @app.get("/api/probe/deadlock/{first}")
    def cross(first: int) -> dict[str, int]:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE probe_rows SET n = n + 1 WHERE id = :i"), {"i": first})
            barrier.wait()
            conn.execute(sa.text("UPDATE probe_rows SET n = n + 1 WHERE id = :i"), {"i": 3 - first})
        return {"ok": first}

    answers: list[Response] = []
    threads = [
        threading.Thread(target=lambda i=i: answers.append(client.get(f"/api/probe/deadlock/{i}")))
        for i in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 503], [a.text for a in answers]
    busy = next(answer for answer in answers if answer.status_code == 503)
    assert busy.headers["retry-after"] == "30"
    assert "PostgreSQL ended this one" in busy.json()["detail"]
    assert "OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS" not in busy.json()["detail"]
