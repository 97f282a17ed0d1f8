"""``Idempotency-Key`` on the events API, on both stores: a retry replays the first answer, a
different request with the same key is 422, a 4xx is an answer too, a server error is not kept,
and keys belong to their caller."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
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


SPELLED = '{"$number": "100004999999999999999e-20"}'  # the digest's own tag of the number


@pytest.mark.parametrize(
    "spelled", [SPELLED, SPELLED.replace("$", "\\u0024")], ids=["$", "\\u0024"]
)
def test_an_object_spelling_the_digest_s_tag_is_not_the_number(
    client: TestClient, services: Services, spelled: str
) -> None:
    """``{"$number": "100004999999999999999e-20"}`` in properties is an object, not the number
    1.00004999999999999999: the same key with the other is another request (422). Before, the
    tag the digest gives a number a float does not hold was also what such an object digests
    as, and the second body was answered with the first's answer."""
    headers = {**caller(services), "Idempotency-Key": "k1", "Content-Type": "application/json"}
    as_number = json.dumps(event()).replace(
        '"occurred_at"', '"properties": {"x": 1.00004999999999999999}, "occurred_at"'
    )
    as_object = as_number.replace("1.00004999999999999999", spelled)
    assert client.post("/api/events", content=as_number, headers=headers).status_code == 201
    r = client.post("/api/events", content=as_object, headers=headers)
    assert r.status_code == 422, r.text
    assert "'k1' was used with a different request" in r.json()["detail"]
    assert "Idempotent-Replayed" not in r.headers
    headers["Idempotency-Key"] = "k2"
    first = client.post("/api/events", content=as_object.replace("ev-1", "ev-2"), headers=headers)
    again = client.post("/api/events", content=as_object.replace("ev-1", "ev-2"), headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert interactions(services.engine) == 2


def test_keys_beginning_with_a_dollar_keep_bodies_apart() -> None:
    def digest(body: str) -> str:
        return request_digest("POST", "/api/events", body.encode())

    tagged = digest('{"a": 1.00004999999999999999}')
    assert tagged == digest('{"a": 1.000049999999999999990}')
    bodies = [
        '{"a": {"$number": "100004999999999999999e-20"}}',
        '{"a": {"$$number": "100004999999999999999e-20"}}',
        '{"a": {"$number": "100004999999999999999e-20", "$$number": 1}}',
        '{"a": {"$$number": "100004999999999999999e-20", "$number": 1}}',
    ]
    assert len({tagged, *map(digest, bodies)}) == 1 + len(bodies)
    assert digest('{"a": {"b": 1}}') == digest('{ "a": {"b":1} }')  # no '$': as before


def _text(value: Any) -> str:
    """``value`` as JSON text, a Decimal as its own digits."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(map(_text, value)) + "]"
    return str(value) if isinstance(value, Decimal) else json.dumps(value)


def _strict(value: Any) -> Any:
    """``value`` compared as a route reads it: a Decimal by its value, never equal to an int."""
    if isinstance(value, dict):
        return tuple(sorted((k, _strict(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", *map(_strict, value))
    if isinstance(value, Decimal):
        return ("decimal", value.normalize())
    return (type(value).__name__, value)


_KEYS = st.sampled_from(["$number", "$$number", "$", "a", "$a"])
_LEAVES = st.one_of(
    st.integers(-5, 5),
    st.sampled_from(["100004999999999999999e-20", "1e-20", "$number"]),
    st.sampled_from([Decimal("1.00004999999999999999"), Decimal("1E-20"), Decimal("0.1")]),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)


@given(_VALUES, _VALUES)
@example([Decimal("1.00004999999999999999")], [{"$number": "100004999999999999999e-20"}])
@example({"$number": 1, "$$number": 2}, {"$$number": 1, "$number": 2})
def test_bodies_that_differ_as_data_never_share_a_digest(one: Any, other: Any) -> None:
    same = request_digest("POST", "/e", _text(one).encode()) == request_digest(
        "POST", "/e", _text(other).encode()
    )
    assert same == (_strict(one) == _strict(other))
