"""An event's ``value`` (and every amount the loyalty API reads) is read from the JSON as the
Decimal it spells. The value is an amount by the rule ``POST /api/events`` reads one by
(``opencx.core.money.round_money``): more than 4 decimals rounded half away from zero, 10^14 or
more (also once rounded) a 422 naming ``value``, and nothing written; a rate keeps its stricter
bounds (at most 4 decimals, else a 422).

Before, the body went through ``json.loads`` into a float: 12345678901234.56789 was taken as
12345678901234.568, 0.00001, 1e14 and 1e400 (infinity) were stored, and NaN was a 500 on SQLite
(a NULL in a NOT NULL column) and stored on PostgreSQL. A cause's money_per_point sent as the
JSON number 12345678901234.56789 was stored as 12345678901234.568.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.app import Services
from opencx.loyalty.domain import Challenge
from opencx.web.exact_json import exact_json
from tests.loyalty.conftest import customer
from tests.loyalty.test_api import bearer


@pytest.fixture
def writer(services: Services) -> dict[str, str]:
    return bearer(services, "loyalty:*")


@pytest.fixture
def member(services: Services) -> str:
    return services.loyalty.enroll(customer(services, "ann"))


def _event(client: TestClient, writer: dict[str, str], member: str, body: str, key: str):
    headers = {**writer, "Idempotency-Key": key, "Content-Type": "application/json"}
    return client.post(f"/api/loyalty/members/{member}/events", content=body, headers=headers)


def _values(services: Services) -> list[float]:
    with services.engine.connect() as conn:
        q = sa.text("SELECT value FROM loyalty_activities ORDER BY idempotency_key")
        return [float(v) for v in conn.execute(q).scalars()]


RANGE = "out of range (at most 14 digits before the decimal point)"
ROUNDED = "out of range once rounded to 4 decimals (at most 14 digits before the decimal point)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100000000000000", RANGE),
        ("1e14", RANGE),
        ("-1E14", RANGE),
        ("1e400", RANGE),
        ('"1e999999999"', RANGE),
        ("99999999999999.99995", ROUNDED),
        ("-99999999999999.99995", ROUNDED),
        ('"NaN"', "finite number"),
    ],
)
def test_a_value_out_of_range_is_a_422_and_writes_nothing(
    client, services, writer, member, value, message
):
    r = _event(client, writer, member, f'{{"kind": "visit", "value": {value}}}', "v")
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", "value"] and message in error["msg"]
    assert _values(services) == []
    assert services.loyalty.member_view(member).entries == ()


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("12345678901234.56789", Decimal("12345678901234.5679")),
        ("0.00001", Decimal(0)),
        ("1e-5", Decimal(0)),
        ("0.00005", Decimal("0.0001")),
        ("-2.00015", Decimal("-2.0002")),
        ("0.1000000000000000055511151231257827", Decimal("0.1")),
        ('"1.00005"', Decimal("1.0001")),
        ("99999999999999.99994", Decimal("99999999999999.9999")),
        ('"1e-999999999"', Decimal(0)),
    ],
)
def test_more_than_4_decimals_are_rounded_as_the_event_api_rounds_an_amount(
    client, services, writer, member, value, kept
):
    """The loyalty event's value is read by the rule POST /api/events reads an amount by
    (opencx.core.money.round_money: half away from zero to 4 decimals). Before, every value
    here was a 422 ('no more than 4 decimal places', 'no more than 18 digits in total')."""
    r = _event(client, writer, member, f'{{"kind": "visit", "value": {value}}}', "v")
    assert r.status_code == 201, r.text
    assert _values(services) == [float(kept)]


def test_the_value_is_rounded_as_an_order_line_amount_of_post_api_events(
    client, services, writer, member
):
    """The same digits sent to POST /api/events as an order line's unit price and to the
    loyalty event as its value are kept alike."""
    customer_headers = bearer(services, "events:write")
    digits = "12.34565"
    body = (
        '{"type": "order", "source": "shop", "data": {"order_id": "o1", "customer": "ann",'
        ' "currency": "EUR",'
        ' "placed_at": "2026-01-10T10:00:00Z", "lines": [{"sku": "MUG", "quantity": 1,'
        f' "unit_price": {digits}}}]}}}}'
    )
    headers = {**customer_headers, "Content-Type": "application/json"}
    r = client.post("/api/events", content=body, headers=headers)
    assert r.status_code < 300, r.text
    assert _event(client, writer, member, f'{{"kind": "visit", "value": {digits}}}', "v").is_success
    with services.engine.connect() as conn:
        price = conn.execute(sa.text("SELECT unit_price FROM order_lines")).scalar_one()
    assert Decimal(str(price)) == Decimal("12.3457")
    assert _values(services) == [12.3457, 12.3457]  # the order's value as loyalty keeps it too


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client, services, writer, member, constant):
    body = f'{{"kind": "visit", "value": {constant}}}'
    r = _event(client, writer, member, body, "v")
    assert r.status_code == 422, r.text
    [error] = r.json()["detail"]
    assert error["loc"] == ["body", body.index(constant)]
    assert error["ctx"]["error"] == f"value: {constant} is not a JSON number"
    assert _values(services) == []


def test_values_in_range_are_kept_and_add_up_as_before(client, services, writer, member):
    start = services.clock.now() - timedelta(days=1)
    challenge = Challenge("c1", "Spend 100", "sum", "visit", 100, start, start + timedelta(30), 25)
    services.loyalty.add_challenge(challenge)
    bodies = [
        '{"kind": "visit", "value": 60.5}',
        '{"kind": "visit", "value": "-0.5"}',
        '{"kind": "visit", "value": 1e1}',
        '{"kind": "visit"}',  # 1 by default
        '{"kind": "visit", "value": 0.25}',
        '{"kind": "visit", "value": 28.75}',
    ]
    answers = [_event(client, writer, member, b, f"e{i}") for i, b in enumerate(bodies)]
    assert [r.status_code for r in answers] == [201] * 6
    assert _values(services) == [60.5, -0.5, 10.0, 1.0, 0.25, 28.75]
    assert [r.json() for r in answers[:5]] == [[]] * 5
    assert [p["points"] for p in answers[5].json()] == [25]  # the sum reaches 100
    big = _event(client, writer, member, '{"kind": "visit", "value": 99999999999999.9999}', "b")
    assert big.status_code == 201, big.text


def test_rates_are_read_exactly_too(client, services):
    admin = bearer(services, "loyalty:admin")
    body = '{"name": "Trees", "money_per_point": 12345678901234.56789}'
    headers = {**admin, "Content-Type": "application/json"}
    r = client.put("/api/loyalty/causes/c1", content=body, headers=headers)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "money_per_point"]
    assert services.loyalty.causes() == []
    body = '{"name": "Trees", "money_per_point": 0.0125}'
    assert client.put("/api/loyalty/causes/c1", content=body, headers=headers).is_success
    assert [c.money_per_point for c in services.loyalty.causes()] == [Decimal("0.0125")]


def test_exact_json_reads_fractions_as_decimals():
    assert exact_json(b'{"a": [1, 2.50, -3e2], "b": "NaN"}') == {
        "a": [1, Decimal("2.50"), Decimal("-3E+2")],
        "b": "NaN",
    }
