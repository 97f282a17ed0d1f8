"""Domain errors map to HTTP in one table: problem JSON under /api, an HTML page elsewhere."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event
from sqlalchemy.engine import Engine

from opencx.core import Conflict, InvalidInput, NotFound, OpenCXError, PermissionDenied
from opencx.web.errors import ERROR_STATUS, status_for


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """Pages and error mapping do not depend on the store: SQLite is enough here."""
    return sqlite_engine


def test_the_table() -> None:
    assert {InvalidInput: 422, NotFound: 404, Conflict: 409, PermissionDenied: 403} == ERROR_STATUS

    class DuplicateOrder(Conflict):
        pass

    assert status_for(DuplicateOrder("x")) == 409
    assert status_for(OpenCXError("x")) == 400


@pytest.mark.parametrize(
    ("name", "status"), [("invalid", 422), ("missing", 404), ("conflict", 409), ("denied", 403)]
)
def test_api_errors_are_problem_json(client: TestClient, name: str, status: int) -> None:
    r = client.get(f"/api/probe/error/{name}")
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["detail"]


@pytest.mark.parametrize(
    ("name", "status"), [("invalid", 422), ("missing", 404), ("conflict", 409), ("denied", 403)]
)
def test_page_errors_are_html_pages(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    name: str,
    status: int,
) -> None:
    log_in(users["analyst"])
    r = client.get(f"/probe/error/{name}")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert f"Error {status}" in r.text and "Analyst User" in r.text


def test_error_messages_are_escaped_on_pages(client: TestClient) -> None:
    r = client.get("/probe/error/invalid")
    assert "<b>x</b>" not in r.text
    assert "&lt;b&gt;x&lt;/b&gt;" in r.text


def test_unknown_paths(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "there is no page at /no/such/page" in page.text
    api = client.get("/api/no/such/thing")
    assert api.status_code == 404 and api.json()["title"] == "Not Found"


def test_a_bad_query_parameter_on_a_page_gets_the_error_page(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["analyst"])
    r = client.get("/customers?limit=abc")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "Error 422" in r.text and "Analyst User" in r.text
    assert "query parameter limit" in r.text and "&#39;abc&#39;" in r.text


def test_a_bad_query_parameter_in_the_api_stays_json(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["analyst"])
    r = client.get("/api/customers?limit=abc")
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/json"
    assert r.json()["detail"][0]["loc"] == ["query", "limit"]


def test_api_docs_use_local_assets(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404


def test_a_write_behind_sqlites_write_lock_gets_503_naming_the_cause(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response], engine: Engine
) -> None:
    """An SQLite import holds the store's write lock for its whole transaction: a write from a
    page or the API waits out the busy timeout (30 s; 0.2 s here), then gets 503 with a
    ``Retry-After`` and the cause, where it got a bare 500 ``Internal Server Error``."""

    @event.listens_for(engine, "checkout")
    def short_wait(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 200")

    holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as an import's transaction holds it
    try:
        api = client.post("/api/helpdesk/chat", json={"name": "Ana"})
        page = log_in(users["agent"])  # signing in writes the session
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert api.status_code == 503, api.text
    assert api.headers["content-type"] == "application/problem+json"
    assert api.headers["retry-after"] == "30"
    assert "SQLite's write lock" in api.json()["detail"]
    assert "import" in api.json()["detail"]
    assert page.status_code == 503, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "Error 503" in page.text and "write lock (an import holds it" in page.text
    assert client.post("/api/helpdesk/chat", json={"name": "Ana"}).status_code == 201
    assert log_in(users["agent"]).status_code == 303
