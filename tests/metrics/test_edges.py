"""Metrics over HTTP (API with scopes, dashboard pages), the CLI, targets and outbox alerts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

import opencx.metrics as m
from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.db.schema import outbox
from opencx.metrics.domain.targets import Target
from opencx.settings import Settings

from .conftest import load_sql

PASSWORD = "correct-horse-9"


@pytest.fixture
def services(sqlite_engine: Engine, canonical_rows, clock: FixedClock) -> Services:
    load_sql(sqlite_engine, canonical_rows)
    settings = Settings(database_url=str(sqlite_engine.url), secret_key="test-secret")
    return build(settings, clock=clock, engine=sqlite_engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _key(services: Services, scopes: list[str]) -> dict[str, str]:
    secret = AccessService(services.engine, services.clock).create_api_key("k", scopes).secret
    return {"Authorization": f"Bearer {secret}"}


def test_api_lists_and_computes_with_scope(client: TestClient, services: Services) -> None:
    read = _key(services, ["metrics:read"])
    assert client.get("/api/metrics", headers=_key(services, ["customers:read"])).status_code == 403
    names = {m["name"] for m in client.get("/api/metrics", headers=read).json()}
    assert {"nps", "csat", "churn_rate", "cohort_retention"} <= names
    r = client.get("/api/metrics/nps?by=country&period=quarter&min_n=1", headers=read)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["keys"] == ["country", "quarter"] and doc["rows"]
    assert all(row["lower"] <= row["value"] <= row["upper"] for row in doc["rows"])
    bad = client.get("/api/metrics/nsp", headers=read)
    assert bad.status_code == 422 and "nps" in bad.text
    empty = client.get("/api/metrics/csat?start=2040-01-01", headers=read).json()
    assert empty["rows"] == [] and empty["note"]


def _log_in(client: TestClient, services: Services) -> None:
    AccessService(services.engine, services.clock).create_user(
        "analyst@example.org", role="analyst", password=PASSWORD, name="Analyst"
    )
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    form = {"email": "analyst@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data={**form, "next": "/metrics"}).status_code in {200, 303}


def _offered(page: str) -> list[str]:
    """The breakdowns the page's form offers (the options of its ``by`` select)."""
    select = re.search(r'<select name="by">(.*?)</select>', page, re.S)
    assert select, "the page has no breakdown select"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_every_offered_breakdown_works_on_the_page_and_the_api(
    client: TestClient, services: Services
) -> None:
    """Each metric's page offers only its own breakdowns, and every pair it offers answers."""
    _log_in(client, services)
    read = _key(services, ["metrics:read"])
    offered = {}
    for metric in m.METRICS.values():
        offered[metric.name] = _offered(client.get(f"/metrics/{metric.name}").text)
        assert offered[metric.name] == list(metric.breakdowns)
    assert "category" not in offered["nps"] and "survey" not in offered["churn_rate"]
    assert "plan" in offered["nrr"] and "channel" not in offered["channel_mix"]
    failed = []
    for name, dims in offered.items():
        period = "quarter" if m.METRICS[name].periodic else ""
        for by in dims:
            page = client.get(f"/metrics/{name}?by={by}&period={period}")
            api = client.get(f"/api/metrics/{name}?by={by}&period={period}&min_n=1", headers=read)
            if page.status_code != 200 or api.status_code != 200:
                failed.append((name, by, page.status_code, api.status_code, api.text[:200]))
    assert failed == []
    assert sum(len(d) for d in offered.values()) > 100


def test_a_breakdown_a_metric_lacks_names_the_ones_it_has(client, services) -> None:
    read = _key(services, ["metrics:read"])
    r = client.get("/api/metrics/nps?by=category", headers=read)
    assert r.status_code == 422
    assert "'category' for nps" in r.text and "survey, channel, touchpoint" in r.text


def test_dashboard_shows_tiles_trend_and_drill_down(client: TestClient, services: Services) -> None:
    _log_in(client, services)
    page = client.get("/metrics?period=quarter")
    assert page.status_code == 200 and 'id="kpi-tiles"' in page.text
    assert 'data-metric="nps"' in page.text and "95%" in page.text
    detail = client.get("/metrics/nps?by=country&period=quarter")
    assert detail.status_code == 200 and 'id="trend"' in detail.text
    assert "filter=country%3DNL" in detail.text
    assert client.get("/metrics/nps?filter=country%3DNL").status_code == 200
    by_segment = client.get("/metrics/nps?by=segment&period=year")
    assert by_segment.status_code == 200 and "filter=segment%3Dgold" in by_segment.text
    assert client.get("/metrics/nps?filter=segment%3Dsilver").status_code == 200


def test_cli_formats_and_targets(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", str(services.engine.url))
    _mount()
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "metrics",
            "nps",
            "--by",
            "quarter",
            "--by",
            "country",
            "--min-n",
            "1",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["keys"] == ["country", "quarter"] and doc["rows"]
    r = runner.invoke(app, ["metrics", "csat", "--by", "country", "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("country,value,lower,upper,n")
    r = runner.invoke(app, ["metrics", "list", "--format", "json"])
    assert r.exit_code == 0 and "repeat_purchase_rate" in {m["name"] for m in json.loads(r.output)}
    r = runner.invoke(app, ["metrics", "nps", "--by", "shoe_size"])
    assert r.exit_code == 2 and "unknown breakdown" in r.output
    r = runner.invoke(
        app,
        [
            "metrics",
            "targets",
            "set",
            "nps",
            ">=",
            "40",
            "--owner",
            "cx@example.org",
            "--period",
            "month",
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["metrics", "targets", "list"])
    assert r.exit_code == 0 and "cx@example.org" in r.output


def _nps_answers(engine: Engine, month: datetime, score: int, count: int, tag: str) -> None:
    with engine.begin() as conn:
        for i in range(count):
            rid = f"{tag}{i:05d}"
            conn.execute(
                sa.text(
                    "INSERT INTO responses (id, source, external_id, survey_id, submitted_at, "
                    "completed, submission) VALUES (:id, 'test', :id, 's-nps', :at, 1, '{}')"
                ),
                {"id": rid, "at": (month + timedelta(hours=i)).replace(tzinfo=None)},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO answers (id, response_id, question_key, question_type, score) "
                    "VALUES (:id, :id, 'recommend', 'nps', :score)"
                ),
                {"id": rid, "score": score},
            )


def test_a_significant_drop_sends_one_alert_through_the_outbox(
    services: Services, clock: FixedClock
) -> None:
    engine = services.engine
    _nps_answers(engine, datetime(2026, 3, 1, tzinfo=UTC), 10, 80, "hi")
    _nps_answers(engine, datetime(2026, 4, 1, tzinfo=UTC), 2, 80, "lo")
    _nps_answers(engine, datetime(2026, 5, 1, tzinfo=UTC), 10, 5, "now")  # current, incomplete
    clock.at = datetime(2026, 5, 10, tzinfo=UTC)
    metrics = services.metrics
    metrics.set_target(Target("nps", ">=", 40, "owner@example.org", period="month"))
    sent = metrics.check_alerts()
    assert len(sent) == 1
    _, move, _ = sent[0]
    assert move.period == "2026-04" and move.change < -100 and move.p_value < 0.001
    assert metrics.check_alerts() and True  # the same move again ...
    with engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.payload, outbox.c.kind)).all()
    assert len(rows) == 1  # ... is deduplicated by the outbox
    payload = rows[0].payload if isinstance(rows[0].payload, dict) else json.loads(rows[0].payload)
    assert payload["to"] == "owner@example.org" and "dropped" in payload["subject"]
    status = metrics.statuses()[0]
    assert status.status in {"behind", "on track", "met"}


def test_small_enps_groups_are_suppressed_in_the_api_cli_and_pages(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eNPS is anonymous: a group of under 5 answers has no value, even with min_n=1."""
    read = _key(services, ["metrics:read"])
    doc = client.get("/api/metrics/enps?by=country&period=quarter&min_n=1", headers=read).json()
    small = [r for r in doc["rows"] if r["n"] < 5]
    assert small and all(r["value"] is None and r["flag"] == "suppressed" for r in small)
    _log_in(client, services)
    page = client.get("/metrics/enps?by=country&period=quarter")
    assert page.status_code == 200 and "anonymous survey" in page.text
    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", str(services.engine.url))
    _mount()
    args = ["metrics", "enps", "--by", "quarter", "--by", "country", "--min-n", "1"]
    r = CliRunner().invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)["rows"]
    assert [x for x in rows if x["n"] < 5] and all(
        x["value"] is None and x["flag"] == "suppressed" for x in rows if x["n"] < 5
    )
