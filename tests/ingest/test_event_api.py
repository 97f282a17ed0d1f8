"""POST /api/events: scoped, validated like an import, idempotent, published live."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services
from opencx.ingest.domain import CustomersUpserted, InteractionsImported, OrdersImported


def key(services: Services, *scopes: str) -> dict[str, str]:
    secret = AccessService(services.engine, services.clock).create_api_key("t", list(scopes)).secret
    return {"Authorization": f"Bearer {secret}"}


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_events_are_written_once_and_published_live(client, services, engine):
    seen: list[object] = []
    for event in (CustomersUpserted, OrdersImported, InteractionsImported):
        services.bus.subscribe(event, lambda e, conn: seen.append(e))
    headers = key(services, "events:write")
    customer = {
        "type": "customer",
        "source": "shop",
        "data": {"external_id": "c-1", "name": "Ann", "email": "ann@example.nl"},
    }
    order = {
        "type": "order",
        "source": "shop",
        "data": {
            "order_id": "o-1",
            "customer": "c-1",
            "currency": "EUR",
            "placed_at": "2026-01-10T10:00:00+01:00",
            "lines": [
                {"sku": "MUG", "quantity": 2, "unit_price": "7.50"},
                {"sku": "CUP", "quantity": 1, "unit_price": 3},
            ],
        },
    }
    visit = {
        "type": "interaction",
        "source": "shop",
        "data": {
            "external_id": "v-1",
            "customer": "c-1",
            "channel": "web",
            "kind": "page_view",
            "occurred_at": "2026-01-10T09:00:00Z",
            "properties": {"path": "/cart"},
        },
    }
    for _ in range(2):
        for body in (customer, order, visit):
            response = client.post("/api/events", json=body, headers=headers)
            assert response.status_code == 201, response.text
    assert [count(engine, t) for t in ("customers", "orders", "order_lines", "interactions")] == [
        1,
        1,
        2,
        1,
    ]
    assert seen and all(e.live for e in seen)
    assert {type(e) for e in seen} == {CustomersUpserted, OrdersImported, InteractionsImported}


def test_bad_event_is_422_and_writes_nothing(client, services, engine):
    headers = key(services, "events:write")
    body = {
        "type": "order",
        "data": {
            "order_id": "o-2",
            "currency": "EUR",
            "placed_at": "yesterday",
            "lines": [{"sku": "MUG", "quantity": -1, "unit_price": "x"}],
        },
    }
    response = client.post("/api/events", json=body, headers=headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "placed_at: not a date" in detail
    assert "unit_price: not a number" in detail and "quantity: negative quantity" in detail
    assert count(engine, "orders") == 0 and count(engine, "products") == 0


def test_unknown_customer_and_scope(client, services):
    body = {
        "type": "interaction",
        "data": {
            "external_id": "v",
            "customer": "nobody",
            "channel": "web",
            "kind": "visit",
            "occurred_at": "2026-01-01T00:00:00Z",
        },
    }
    assert (
        client.post("/api/events", json=body, headers=key(services, "customers:read")).status_code
        == 403
    )
    response = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert response.status_code == 422 and "unknown customer" in response.json()["detail"]


def _order_event(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "order_id": "o-1",
        "customer": "c-1",
        "currency": "EUR",
        "placed_at": "2026-01-10T10:00:00Z",
        "lines": [
            {"sku": "MUG", "quantity": 1, "unit_price": "7.50"},
            {"sku": "CUP", "quantity": 1, "unit_price": "2"},
        ],
    }
    data.update(changes)
    return {"type": "order", "source": "shop", "data": data}


@pytest.mark.parametrize("amount", ["1E-5001", "1,5", "12 EUR"])
def test_an_amount_that_is_no_number_is_said_in_the_api_s_words(client, services, engine, amount):
    """An amount sent as a string that is no number is named by its place in the body and told
    what an event may send; before, 'unit_price: not a number (decimal separator '.'; use
    --decimal to change it)', an option of the command, which an API caller cannot pass."""
    body = _order_event()
    body["data"]["lines"][1]["unit_price"] = amount  # type: ignore[index]
    response = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail == (
        "event rejected: data.customer: unknown customer (send a customer event for it first,"
        " or set create_missing_customers: true) (value 'c-1'); data.lines[1].unit_price: not"
        " a number (send a JSON number, or a string of digits with '.' before the decimals and"
        f' no exponent, such as "7.50") (value {amount!r})'
    )
    assert "--" not in detail
    assert count(engine, "orders") == count(engine, "products") == 0


def test_unknown_and_missing_fields_are_named_by_their_path(client, services, engine):
    """Not 'unknown column (map it with --map FIELD=COLUMN or pass --ignore-unknown)': an
    event's fields are not mapped, and there is nothing to pass."""
    body = _order_event(gift="yes")
    body["data"]["lines"][1]["colour"] = "red"  # type: ignore[index]
    del body["data"]["order_id"]  # type: ignore[attr-defined]
    response = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    fields = "order_id, customer, placed_at, channel, status, currency, discount_total, line_no,"
    assert detail.startswith(
        "data.order_id: required field is missing; data.gift: unknown field (the fields of"
        f" orders: {fields}"
    ), detail
    assert "; data.lines[1].colour: unknown field (the fields of orders: " in detail
    assert "--" not in detail
    assert count(engine, "orders") == 0
