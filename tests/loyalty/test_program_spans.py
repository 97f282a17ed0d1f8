"""A program's spans are held to 100 years when it is set: ``expiry_months`` and each plan's
``term_months`` at most 1,200 months, ``pending_days`` at most 36,500 days, refused past it with
the bounds' sentence (the API's 422, the CLI's error), the program in force kept. Both stores.

Before, any whole number was taken, and the dates it gave a lot or a term passed what a datetime
holds (year 9999): with ``expiry_months`` of 1,000,000 or ``pending_days`` of 10,000,000 every
order event failed ('year 85359 is out of range', 'date value out of range'); with a plan's
``term_months`` of 1,000,000 every join failed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.core import InvalidInput
from opencx.loyalty.cli import app as cli
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer

SPANS = [
    ("program.expiry_months", 1200, "months"),
    ("program.pending_days", 36_500, "days"),
    ("plans[0].term_months", 1200, "months"),
]


def with_span(where: str, value: int) -> dict[str, Any]:
    document = copy.deepcopy(PROGRAM)
    if where.startswith("plans"):
        document["plans"][0]["term_months"] = value
    else:
        document[where.removeprefix("program.")] = value
    return document


def refusal(where: str, value: int, most: int, unit: str) -> str:
    return f"{where}: {value} is out of range (at most {most} {unit}, 100 years)"


@pytest.mark.parametrize(("where", "most", "unit"), SPANS)
@pytest.mark.parametrize("past", [1, 10**6, 10**40])
def test_a_span_past_100_years_is_refused_and_the_program_kept(
    client, services, where, most, unit, past
):
    value = most + past
    admin = bearer(services, "loyalty:*")
    before = client.get("/api/loyalty/program", headers=admin).json()
    r = client.put("/api/loyalty/program", json=with_span(where, value), headers=admin)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == refusal(where, value, most, unit)
    assert client.get("/api/loyalty/program", headers=admin).json() == before
    with pytest.raises(InvalidInput, match="out of range"):
        services.loyalty.configure(with_span(where, value))
    cust = customer(services, "ann")
    member = services.loyalty.enroll(cust)
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}])
    assert services.loyalty.member_view(member).balance == 10


def test_spans_of_100_years_date_lots_and_terms_on_both_stores(services, clock):
    document = copy.deepcopy(PROGRAM)
    document.update(expiry_months=1200, pending_days=36_500)
    document["plans"][0]["term_months"] = 1200
    services.loyalty.configure(document)
    member = services.loyalty.enroll(customer(services, "ann"))
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "10.00"}])
    services.loyalty.join_plan(member, "vip", "j1")
    with services.engine.connect() as conn:
        lots = conn.execute(
            sa.text("SELECT available_at, expires_at FROM loyalty_lots ORDER BY points")
        ).all()
        term = conn.execute(sa.text("SELECT ends_at FROM loyalty_terms")).scalar_one()
    days = [(str(a)[:10], str(e)[:10]) for a, e in lots]
    # the order's 10 points (placed 2026-01-10): spendable 36,500 days on, expiring 1,200
    # months on; the welcome points (joined 2026-01-15): spendable at once
    assert days == [("2125-12-17", "2126-01-10"), ("2026-01-15", "2126-01-15")]
    assert str(term)[:10] == "2126-01-15"
    assert services.loyalty.member_view(member).balance == 510


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_says_the_same(services, tmp_path):
    path = tmp_path / "program.json"
    path.write_text(json.dumps(with_span("program.pending_days", 36_501)))
    r = CliRunner().invoke(cli, ["configure", str(path)], obj=services)
    assert r.exit_code == 1, r.output
    said = refusal("program.pending_days", 36_501, 36_500, "days")
    assert r.output.strip() == f"error: {path}: {said}"
