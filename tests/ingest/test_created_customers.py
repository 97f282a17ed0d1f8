"""The customers an import creates for references it did not know are announced as written
(``CustomersUpserted.created``), so the customers slice indexes them without reading them back:
each announced value is the one the store holds, on both stores, for an event and for a file of
more rows than one statement writes (PostgreSQL's COPY from 64). A chunk that creates more
than ``AS_WRITTEN_UP_TO`` announces their ids only (they are read back, set-based)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from opencx.db.schema import customers
from opencx.ingest.domain import CreatedCustomer, CustomersUpserted
from opencx.ingest.service import run
from opencx.ingest.service.run import AS_WRITTEN_UP_TO


def _announced(bus) -> list[CustomersUpserted]:
    seen: list[CustomersUpserted] = []
    bus.subscribe(CustomersUpserted, lambda event, _conn: seen.append(event))
    return seen


def _stored(engine, ids) -> list[CreatedCustomer]:
    """The rows of ``ids`` as the store reads them back, checked to hold nothing else."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(customers).where(customers.c.id.in_(ids))).all()
    found = {}
    for r in rows:
        assert (r.name, r.email, r.phone, r.language) == (None, None, None, None)
        assert r.attributes in ({}, "{}") and r.merged_into is None and r.erased_at is None
        assert not (r.consent_email or r.consent_sms or r.consent_surveys)
        found[r.id] = CreatedCustomer(r.id, r.source, r.external_id, r.country, r.created_at)
    return [found[i] for i in ids]


def test_an_order_events_new_customer_is_announced_as_written(ingest, bus, engine) -> None:
    seen = _announced(bus)
    order = {
        "order_id": "O-1",
        "customer": "C-1",
        "placed_at": "2025-06-01T10:00:00.123456+02:00",
        "currency": "EUR",
        "country": "NL",
        "lines": [{"sku": "MUG", "quantity": 1, "unit_price": "9.50"}],
    }
    ingest.ingest_event("order", order, source="shop", create_missing_customers=True)
    [event] = seen
    assert event.created == tuple(_stored(engine, event.customer_ids))
    assert event.created[0].created_at == datetime(2025, 6, 1, 8, 0, 0, 123456, tzinfo=UTC)
    assert (event.created[0].source, event.created[0].external_id) == ("shop", "C-1")

    ingest.ingest_event("order", {**order, "order_id": "O-2"}, source="shop")
    assert len(seen) == 1  # a known customer: nothing created, nothing announced


@pytest.mark.parametrize("up_to", [AS_WRITTEN_UP_TO, 89])
def test_a_files_new_customers_are_announced_as_written(
    tmp_path: Path, run_import, bus, engine, up_to: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up to :data:`AS_WRITTEN_UP_TO` customers created by a chunk; more by their ids only."""
    monkeypatch.setattr(run, "AS_WRITTEN_UP_TO", up_to)
    seen = _announced(bus)
    path = tmp_path / "orders.csv"
    rows = [
        f"O{i},C{i % 90},2024-0{1 + i % 9}-1{i % 10} 10:0{i % 10},EUR,SKU{i % 7},1,2.50,"
        + ("BE" if i % 3 else "")
        for i in range(200)
    ]
    path.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,country\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    assert run_import("orders", path, create_missing_customers=True).status == "loaded"
    created = [c for event in seen for c in event.created]
    ids = [i for event in seen for i in event.customer_ids]
    assert len(ids) == 90
    assert created == (_stored(engine, ids) if up_to >= 90 else [])
