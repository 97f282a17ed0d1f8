"""The targets page: statuses for readers, a form to set and remove targets for writers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings

PASSWORD = "correct-horse-9"


@pytest.fixture
def services(sqlite_engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="targets-secret")
    return build(settings, clock=clock, engine=sqlite_engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _log_in(client: TestClient, services: Services, role: str) -> str:
    email = f"{role}@example.org"
    AccessService(services.engine, services.clock).create_user(email, role=role, password=PASSWORD)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    page = client.get("/metrics/targets").text
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    return found.group(1) if found else ""


def test_an_analyst_sets_and_removes_a_target(client: TestClient, services: Services) -> None:
    token = _log_in(client, services, "analyst")
    assert 'id="set-target"' in client.get("/metrics/targets").text
    form = {
        "csrf_token": token,
        "metric": "nps",
        "comparator": ">=",
        "value": "40",
        "owner": "cx@example.org",
        "period": "month",
        "due": "2026-12-31",
    }
    saved = client.post("/metrics/targets", data=form)
    assert saved.status_code == 200 and "Target saved" in saved.text
    assert 'data-target="nps"' in saved.text and "no data" in saved.text
    (target,) = services.metrics.targets()
    assert (target.value, target.period, target.due_at.date().isoformat()) == (
        40.0,
        "month",
        "2026-12-31",
    )
    bad = client.post("/metrics/targets", data={**form, "comparator": "=="})
    assert bad.status_code == 422 and "use &gt;= or &lt;=" in bad.text
    unknown = client.post("/metrics/targets", data={**form, "metric": "happiness"})
    assert unknown.status_code in (404, 422)
    client.post(f"/metrics/targets/{target.id}/delete", data={"csrf_token": token})
    assert services.metrics.targets() == []


def test_the_metrics_page_links_to_targets(client: TestClient, services: Services) -> None:
    _log_in(client, services, "analyst")
    assert 'href="/metrics/targets"' in client.get("/metrics").text
