"""On PostgreSQL a request waits at most a lock timeout for a table another transaction has
locked (a first import locks its tables until it ends), then gets 503 naming the cause, instead
of holding its pooled connection until the import commits; work outside requests waits on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_clean: Engine) -> Engine:
    return pg_clean


def test_a_request_that_meets_a_locked_table_gets_503_naming_the_cause(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    engine: Engine,
) -> None:
    app.state.lock_timeout = "300ms"
    assert log_in(users["admin"]).status_code == 303
    with engine.connect() as holder, holder.begin():
        # as a first import into an empty store holds them until it commits
        holder.exec_driver_sql("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE")
        api = client.get("/api/customers")
        page = client.get("/customers")
        with engine.connect() as job:  # outside a request: no timeout on this connection
            assert job.exec_driver_sql("SHOW lock_timeout").scalar() == "0"
    assert api.status_code == 503, api.text
    assert api.headers["content-type"] == "application/problem+json"
    assert api.headers["retry-after"] == "30"
    assert "locked" in api.json()["detail"] and "300ms" in api.json()["detail"]
    assert page.status_code == 503, page.text
    assert "Error 503" in page.text and "first import" in page.text
    assert client.get("/api/customers").status_code == 200  # the lock let go of
