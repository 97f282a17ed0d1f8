"""/healthz, /readyz (database, migrations, outbox backlog, worker heartbeat), /ops/metrics
(Prometheus, scope ops:read) and the request id on responses and JSON log lines."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.app import Services
from opencx.jobs.service import beat
from opencx.ops.logs import JsonFormatter
from opencx.outbox import enqueue


def checks(client: TestClient) -> tuple[int, dict[str, bool]]:
    answer = client.get("/readyz")
    return answer.status_code, {c["name"]: c["ok"] for c in answer.json()["checks"]}


def test_healthz_answers_without_login(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_readyz_needs_a_live_worker_and_a_small_backlog(
    client: TestClient, services: Services
) -> None:
    status, found = checks(client)
    assert status == 503
    assert found == {"database": True, "migrations": True, "outbox": True, "worker": False}
    now = services.clock.now()
    beat(services.engine, "w1", now=now, started_at=now, version="test")
    assert checks(client) == (
        200,
        {"database": True, "migrations": True, "outbox": True, "worker": True},
    )
    services.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    assert checks(client)[1]["worker"] is False  # the heartbeat went stale
    beat(services.engine, "w1", now=services.clock.now(), started_at=now, version="test")
    with services.engine.begin() as conn:
        for i in range(services.settings.ready_outbox_backlog + 1):
            enqueue(
                conn,
                kind="sms",
                dedupe_key=f"k{i}",
                payload={"to": "+1", "text": "x"},
                now=services.clock.now(),
            )
    status, found = checks(client)
    assert status == 503 and found["outbox"] is False and found["worker"] is True


def test_readyz_names_a_schema_behind_the_code(client: TestClient, services: Services) -> None:
    with services.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0004'"))
    answer = client.get("/readyz").json()
    [migrations] = [c for c in answer["checks"] if c["name"] == "migrations"]
    assert migrations["ok"] is False and "run 'opencx init'" in migrations["detail"]


def test_metrics_need_the_ops_scope(client: TestClient, ops_key: str) -> None:
    assert client.get("/ops/metrics").status_code == 401
    client.get("/healthz")
    answer = client.get("/ops/metrics", headers={"Authorization": f"Bearer {ops_key}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert 'opencx_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "opencx_http_request_duration_seconds_bucket" in text
    assert "opencx_outbox_overdue_messages 0.0" in text


def test_request_id_is_echoed_and_on_every_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="opencx.http"):
        answer = client.get(
            "/customers?q=ana@example.org",
            follow_redirects=False,
            headers={"X-Request-ID": "req-12345678"},
        )
    assert answer.headers["x-request-id"] == "req-12345678"
    [record] = [r for r in caplog.records if r.name == "opencx.http"]
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/customers" and line["status"] == 303  # to the login page
    assert "ana@example.org" not in json.dumps(line)  # no query string, no personal data
    assert client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"]


def test_json_lines_carry_the_request_id_and_mask_emails() -> None:
    from opencx.ops.logs import request_id_var

    token = request_id_var.set("abc123def")
    try:
        record = logging.LogRecord(
            "opencx.outbox",
            logging.WARNING,
            __file__,
            1,
            "recipient %s refused",
            ("ana@example.org",),
            None,
        )
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "abc123def"
    assert line["msg"] == "recipient <email> refused"
    assert line["level"] == "warning" and line["logger"] == "opencx.outbox"


def test_every_line_of_an_authenticated_request_names_the_key_not_the_person(
    client: TestClient, ops_key: str, services: Services
) -> None:
    import io

    from opencx.access.service import AccessService

    [key] = AccessService(services.engine, services.clock).list_api_keys()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        client.get(
            "/ops/metrics",
            headers={"Authorization": f"Bearer {ops_key}", "X-Request-ID": "scrape-000001"},
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    mine = [x for x in lines if x.get("request_id") == "scrape-000001"]
    assert mine and mine[-1]["logger"] == "opencx.http"
    assert {x.get("principal") for x in mine} == {f"api_key:{key.id}"}
    assert ops_key not in out.getvalue()
