"""Amounts an admin gives the loyalty slice (causes' and partners' rates, the program's point
value and plan fees) are checked where they arrive, with the same 422 on both stores.

Before: a cause's money_per_point of 123456789012345 was stored on SQLite and a 500 on
PostgreSQL (numeric(18, 4) overflow); 0.00005 was kept as given on SQLite and rounded to 0.0001
on PostgreSQL; zero and negative rates, point values and fees were accepted.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from opencx.access.service import AccessService
from opencx.app import Services
from opencx.core import InvalidInput
from opencx.loyalty.domain import Partner, check_program_points, parse_program
from opencx.loyalty.store import catalog
from tests.loyalty.conftest import PROGRAM

BAD_RATES = [
    ("123456789012345", "no more than 14 digits before the decimal point"),
    ("100000000000000", "no more than 14 digits before the decimal point"),
    ("0.00005", "no more than 4 decimal places"),
    (0.00005, "no more than 4 decimal places"),
    ("0", "greater than 0"),
    ("-0.05", "greater than 0"),
]


@pytest.fixture
def admin(services: Services) -> dict[str, str]:
    key = AccessService(services.engine, services.clock).create_api_key("t", ["loyalty:admin"])
    return {"Authorization": f"Bearer {key.secret}"}


def _partners(services: Services) -> list[Partner]:
    with services.engine.connect() as conn:
        return catalog.all_partners(conn)


def _refused(response: Any, field: str, message: str) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert [e["loc"][-1] for e in errors] == [field]
    assert message in errors[0]["msg"]


@pytest.mark.parametrize(("rate", "message"), BAD_RATES)
def test_a_cause_rate_out_of_range_or_too_precise_is_a_422(client, admin, services, rate, message):
    body = {"name": "Trees", "money_per_point": rate}
    _refused(
        client.put("/api/loyalty/causes/c1", json=body, headers=admin), "money_per_point", message
    )
    assert services.loyalty.causes() == []


@pytest.mark.parametrize(("rate", "message"), BAD_RATES)
@pytest.mark.parametrize("field", ["cost_per_point", "value_per_point"])
def test_a_partner_rate_out_of_range_or_too_precise_is_a_422(
    client, admin, services, field, rate, message
):
    body = {"name": "Air", "cost_per_point": "0.01", "value_per_point": "0.008", field: rate}
    _refused(client.put("/api/loyalty/partners/p1", json=body, headers=admin), field, message)
    assert _partners(services) == []


def test_rates_at_the_bounds_are_kept_alike_on_both_stores(client, admin, services):
    big, small = "99999999999.9999", "0.0001"  # 15 significant digits: exact in SQLite's REAL
    body = {"name": "Trees", "money_per_point": small}
    assert client.put("/api/loyalty/causes/c1", json=body, headers=admin).status_code == 200
    body = {"name": "Air", "cost_per_point": big, "value_per_point": "1.5000"}
    assert client.put("/api/loyalty/partners/p1", json=body, headers=admin).status_code == 200
    assert [c.money_per_point for c in services.loyalty.causes()] == [Decimal(small)]
    [partner] = _partners(services)
    assert (partner.cost_per_point, partner.value_per_point) == (Decimal(big), Decimal("1.5"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"point_value": "0.00005"}, "program.point_value: 0.00005 has more than 4 decimals"),
        ({"point_value": "0"}, "program.point_value: must be greater than 0"),
        ({"point_value": "-0.01"}, "program.point_value: must be greater than 0"),
        (
            {"point_value": "123456789012345"},
            "program.point_value: 123456789012345 is out of range for an amount"
            " (at most 14 digits before the decimal point)",
        ),
        ({"plans": [{"key": "vip", "fee": "49.00001"}]}, "plans[0].fee: 49.00001 has more than 4"),
        ({"plans": [{"key": "vip", "fee": "-49"}]}, "plans[0].fee: must not be negative"),
        (
            {"plans": [{"key": "vip", "fee": "100000000000000"}]},
            "plans[0].fee: 100000000000000 is out of range for an amount",
        ),
    ],
)
def test_a_program_amount_out_of_range_or_too_precise_is_a_422(
    client, admin, services, change, message
):
    before = services.loyalty.program()
    r = client.put("/api/loyalty/program", json={**PROGRAM, **change}, headers=admin)
    assert r.status_code == 422, r.text
    assert message in r.text
    assert services.loyalty.program() == before
    with pytest.raises(InvalidInput, match=re.escape(message)):  # the magnitude with the
        # program's other bounds (a stored program is read as it is: test_unreadable_numbers)
        check_program_points(parse_program({**PROGRAM, **change}))


def test_a_free_plan_and_a_trailing_zero_pass():
    program = parse_program(
        {**PROGRAM, "point_value": "0.0100", "plans": [{"key": "free", "fee": "0"}]}
    )
    assert program.point_value == Decimal("0.01") and program.plans[0].fee == 0
