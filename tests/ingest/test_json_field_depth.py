"""A JSON field the store keeps (an event's ``properties``, a file's ``attributes``) nests at most
``core.text.MAX_FIELD_DEPTH`` (200) levels deep: one deeper is refused naming the field, and a
person holding one at the bound still has a profile and a GDPR export. Both stores.

Before, the event API took properties nested up to its body's bound (800) and an import up to
where ``json`` stopped (some 950): pydantic, which writes every answer, stops at 254 levels of
the whole answer, so the person's profile (``attributes``) or export (``properties``) was a
500 'Maximum serialization depth exceeded' from some 250 levels, a RecursionError near 800.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from opencx.core.text import MAX_FIELD_DEPTH
from opencx.ingest.domain.validation.values import FIELD_TOO_DEEP
from tests.ingest.test_event_api import count, key


def nested(levels: int) -> str:
    """A JSON value of ``levels`` arrays, one inside the other."""
    return "[" * levels + "1" + "]" * levels


def event(properties: str) -> str:
    return (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data":'
        ' {"external_id": "e1", "customer": "c1", "channel": "web", "kind": "view",'
        ' "occurred_at": "2026-01-01T00:00:00Z", "properties": ' + properties + "}}"
    )


def _customer_id(engine, external_id: str) -> str:
    with engine.connect() as conn:
        q = sa.text("SELECT id FROM customers WHERE external_id = :e")
        return str(conn.execute(q, {"e": external_id}).scalar_one())


@pytest.mark.parametrize("levels", [MAX_FIELD_DEPTH + 1, 260, 790])
def test_properties_nested_past_the_field_bound_are_refused(client, services, engine, levels):
    headers = {**key(services, "events:write"), "Content-Type": "application/json"}
    body = event('{"x": ' + nested(levels - 1) + "}")  # the object and levels - 1 arrays
    r = client.post("/api/events", content=body, headers=headers)
    assert r.status_code == 422, r.text[:300]
    assert f"data.properties: {FIELD_TOO_DEEP}" in r.json()["detail"]
    assert count(engine, "interactions") == 0


def test_properties_at_the_field_bound_are_kept_and_exported(client, services, engine):
    headers = key(services, "events:write", "customers:read", "customers:erase")
    headers["Content-Type"] = "application/json"
    body = event('{"x": ' + nested(MAX_FIELD_DEPTH - 1) + "}")
    r = client.post("/api/events", content=body, headers=headers)
    assert r.status_code == 201, r.text[:300]
    customer = _customer_id(engine, "c1")
    for path in ("", "/timeline", "/export"):
        r = client.get(f"/api/customers/{customer}{path}", headers=headers)
        assert r.status_code == 200, (path, r.text[:300])
    exported = r.text
    assert "[" * (MAX_FIELD_DEPTH - 1) + "1" in exported.replace(" ", "")


def test_attributes_past_the_field_bound_are_a_rejected_row_and_at_it_a_profile(
    client, services, engine, tmp_path, run_import
):
    cells = {
        "deep": '"{""n"": ' + nested(MAX_FIELD_DEPTH) + '}"',
        "kept": '"{""n"": ' + nested(MAX_FIELD_DEPTH - 1) + '}"',
    }
    path = tmp_path / "customers.csv"
    rows = "".join(f"{ext},{cell}\n" for ext, cell in cells.items())
    path.write_text("external_id,attributes\n" + rows, encoding="utf-8")
    report = run_import("customers", path, allow_rejects=True)
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (2, "attributes", FIELD_TOO_DEEP)
    ]
    assert report.rows_loaded == 1
    headers = key(services, "customers:read", "customers:erase")
    customer = _customer_id(engine, "kept")
    for path_ in ("", "/export"):
        r = client.get(f"/api/customers/{customer}{path_}", headers=headers)
        assert r.status_code == 200, (path_, r.text[:300])
