"""``Idempotency-Key`` on the events API, on both stores: a retry replays the first answer, a
different request with the same key is 422, a 4xx is an answer too, a server error is not kept,
and keys belong to their caller."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings
from opencx.web.idempotency import request_digest


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(engine.url), secret_key="test-secret", web_runs_jobs=False)
    return build(settings, clock=clock, engine=engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def caller(services: Services, name: str = "crm") -> dict[str, str]:
    access = AccessService(services.engine, services.clock)
    return {"Authorization": f"Bearer {access.create_api_key(name, ['events:write']).secret}"}


def event(external_id: str = "ev-1", kind: str = "page_view") -> dict[str, Any]:
    return {
        "type": "interaction",
        "source": "web",
        "create_missing_customers": True,
        "data": {
            "external_id": external_id,
            "customer": "c-1",
            "channel": "web",
            "kind": kind,
            "occurred_at": "2026-11-23T10:00:00Z",
        },
    }


def interactions(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM interactions")).scalar_one())


def test_a_retry_gets_the_first_answer_replayed(client: TestClient, services: Services) -> None:
    headers = {**caller(services), "Idempotency-Key": "order-7-attempt"}
    first = client.post("/api/events", json=event(), headers=headers)
    again = client.post("/api/events", json=event(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert interactions(services.engine) == 1


def test_the_same_key_with_another_request_is_422(client: TestClient, services: Services) -> None:
    headers = {**caller(services), "Idempotency-Key": "k1"}
    assert client.post("/api/events", json=event(), headers=headers).status_code == 201
    r = client.post("/api/events", json=event(kind="click"), headers=headers)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "'k1' was used with a different request" in r.json()["detail"]
    assert interactions(services.engine) == 1


def test_a_rejected_request_is_an_answer_too(client: TestClient, services: Services) -> None:
    headers = {**caller(services), "Idempotency-Key": "bad-1"}
    bad = event()
    bad["data"]["occurred_at"] = "yesterday-ish"
    first = client.post("/api/events", json=bad, headers=headers)
    again = client.post("/api/events", json=bad, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"


def test_keys_belong_to_their_caller(client: TestClient, services: Services) -> None:
    one, two = caller(services, "one"), caller(services, "two")
    a = client.post("/api/events", json=event("a"), headers={**one, "Idempotency-Key": "same"})
    b = client.post("/api/events", json=event("b"), headers={**two, "Idempotency-Key": "same"})
    assert a.status_code == b.status_code == 201 and "Idempotent-Replayed" not in b.headers
    assert interactions(services.engine) == 2


def test_a_bad_key_is_refused_by_name(client: TestClient, services: Services) -> None:
    r = client.post(
        "/api/events", json=event(), headers={**caller(services), "Idempotency-Key": "x" * 201}
    )
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    assert interactions(services.engine) == 0


def test_a_server_error_keeps_no_answer_so_the_retry_runs(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {**caller(services), "Idempotency-Key": "flaky"}
    real = services.ingest.ingest_event

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.ingest, "ingest_event", broken)
    with pytest.raises(RuntimeError):
        client.post("/api/events", json=event(), headers=headers)
    monkeypatch.setattr(services.ingest, "ingest_event", real)
    r = client.post("/api/events", json=event(), headers=headers)
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers
    assert interactions(services.engine) == 1


def keys(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT key FROM api_idempotency")).scalars())


def test_the_table_keeps_a_day_of_keys(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    """Bounded without a job: each new key deletes the records older than 24 h (store.purge,
    in the claim's transaction); a replay or a younger record deletes nothing."""
    headers = caller(services)
    for i in range(3):
        sent = client.post(
            "/api/events",
            json=event(f"old-{i}"),
            headers={**headers, "Idempotency-Key": f"old-{i}"},
        )
        assert sent.status_code == 201
    clock.advance(timedelta(hours=23))
    assert (
        client.post(
            "/api/events", json=event("new"), headers={**headers, "Idempotency-Key": "new"}
        ).status_code
        == 201
    )
    assert keys(services.engine) == ["new", "old-0", "old-1", "old-2"]  # all within the day
    clock.advance(timedelta(hours=2))  # the old ones are 25 h old, "new" 2 h
    again = client.post(
        "/api/events", json=event("new"), headers={**headers, "Idempotency-Key": "new"}
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    assert keys(services.engine) == ["new", "old-0", "old-1", "old-2"]  # a replay claims nothing
    assert (
        client.post(
            "/api/events", json=event("next"), headers={**headers, "Idempotency-Key": "next"}
        ).status_code
        == 201
    )
    assert keys(services.engine) == ["new", "next"]
    assert interactions(services.engine) == 5


def test_json_bodies_compare_as_data() -> None:
    one = request_digest("POST", "/api/events", b'{"a": 1, "b": [1, 2]}')
    assert one == request_digest("POST", "/api/events", b'{"b":[1,2],"a":1}')
    assert one != request_digest("POST", "/api/events", b'{"a": 2, "b": [1, 2]}')
    assert one != request_digest("POST", "/api/other", b'{"a": 1, "b": [1, 2]}')


def test_a_key_past_its_day_is_a_new_request(
    client: TestClient, services: Services, clock: FixedClock
) -> None:
    """After 24 h a key promises nothing: its next request runs as a new one (not replayed, not
    compared with the old body), even while no other new key has purged the old record."""
    headers = {**caller(services), "Idempotency-Key": "daily-sync"}
    assert client.post("/api/events", json=event("a"), headers=headers).status_code == 201
    clock.advance(timedelta(hours=23))
    refused = client.post("/api/events", json=event("b"), headers=headers)
    assert refused.status_code == 422  # within the day: another request under the same key
    clock.advance(timedelta(hours=2))
    fresh = client.post("/api/events", json=event("b"), headers=headers)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    again = client.post("/api/events", json=event("b"), headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == fresh.json()
    assert interactions(services.engine) == 2
    assert keys(services.engine) == ["daily-sync"]
