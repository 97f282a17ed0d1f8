"""Reports sum across members and entries, so they pass the bounds a single row is held to:
members at the points bound with a point value near the money bound make a liability of some
3 × 10^26 EUR, and points earned or spend over a tier window pass 10^14. The reports show such
sums exactly, on both stores (the overview: page, API, CLI; the tier job's record).

Before, the overview's liability value was rounded to Decimal's 28 digits and its quantize
refused past them (decimal.InvalidOperation: a 500 on /loyalty and the overview API, a
traceback from the CLI), and the tier job stopped for every member when one member's
qualifying value reached 10^14 ('amount ... is out of range' binding the tier change's MONEY
value): nobody's tier moved."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import POINTS_LIMIT
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer
from tests.loyalty.test_pages import log_in
from tests.loyalty.test_service import audit_all

MOST = POINTS_LIMIT - 1
RATE = "99999999999999.9999"  # the most a point may cost (an amount: under 10^14, 4 decimals)
# 3 x 999999999999 points at 99999999999999.9999 each: 299999999999699999700000000.0003
LIABILITY = Decimal("299999999999699999700000000.00")


def _members(services, n: int) -> list[str]:
    return [services.loyalty.enroll(customer(services, f"m{i}")) for i in range(n)]


def test_the_overview_of_members_at_the_bound_is_exact(client, services):
    services.loyalty.configure({**PROGRAM, "point_value": RATE, "floor": None})
    members = _members(services, 4)
    for i, member in enumerate(members[:3]):
        services.loyalty.earn(member, MOST, f"fill{i}")
    services.loyalty.adjust(members[3], -MOST, "owed", "debt", "admin")  # no floor: a debt
    o = services.loyalty.overview()
    assert (o.liability_points, o.debt_points, o.earned) == (3 * MOST, MOST, 3 * MOST)
    assert o.liability_value == LIABILITY
    r = client.get("/api/loyalty/overview", headers=bearer(services, "loyalty:read"))
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["liability_value"]) == LIABILITY
    assert r.json()["liability_points"] == 3 * MOST
    balances = {m.id: int(m.balance) for m in services.loyalty.recent_members(10)}
    assert balances == {**dict.fromkeys(members[:3], MOST), members[3]: -MOST}
    out = CliRunner().invoke(cli, ["overview"], obj=services)
    assert out.exit_code == 0, out.output
    assert f"liability {3 * MOST} points = {LIABILITY} EUR" in out.output
    audit_all(services)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_overview_page_shows_it(client, services):
    services.loyalty.configure({**PROGRAM, "point_value": RATE})
    for i, member in enumerate(_members(services, 3)):
        services.loyalty.earn(member, MOST, f"fill{i}")
    log_in(client, services, "admin")
    page = client.get("/loyalty")
    assert page.status_code == 200, page.text[:300]
    assert (
        "299\u2009999\u2009999\u2009999\u2009699\u2009999\u2009700\u2009000\u2009000.00"
        in page.text
    )


def _tier_value(services, member: str) -> tuple[str, Decimal]:
    with services.engine.connect() as conn:
        q = sa.text("SELECT tier, value FROM loyalty_tier_changes WHERE member_id = :m")
        tier, value = conn.execute(q, {"m": member}).one()
    return str(tier), Decimal(str(value))


def test_points_earned_past_an_amount_move_the_tier_and_are_recorded_as_the_most(services):
    """101 earns at the bound, each spent, in the window: 100,999,999,999,899 points earned."""
    a, b = _members(services, 2)
    for i in range(101):
        services.loyalty.earn(a, MOST, f"e{i}")
        services.loyalty.spend(a, MOST, f"s{i}")
    services.loyalty.earn(b, 1000, "b")
    assert services.loyalty.evaluate_tiers() == {"evaluated": 2, "up": 2, "down": 0}
    assert _tier_value(services, a) == ("gold", Decimal("99999999999999"))
    assert _tier_value(services, b) == ("gold", Decimal(1000))


def test_spend_past_an_amount_moves_the_tier_and_is_recorded_as_the_most(services):
    document = copy.deepcopy(PROGRAM)
    document["earning"]["points_per_unit"] = "0.001"
    document["tiers"]["basis"] = "spend"
    services.loyalty.configure(document)
    ann, bob = customer(services, "ann"), customer(services, "bob")
    a, b = services.loyalty.enroll(ann), services.loyalty.enroll(bob)
    big = [{"sku": "MUG", "quantity": 1, "unit_price": "60000000000000"}]  # 6 x 10^13 EUR
    order(services, "o1", "ann", big)
    order(services, "o2", "ann", big, at="2026-01-11T10:00:00Z")
    order(services, "o3", "bob", [{"sku": "MUG", "quantity": 1, "unit_price": "5000"}])
    assert services.loyalty.member_view(a).balance == 2 * 60_000_000_000
    assert services.loyalty.evaluate_tiers() == {"evaluated": 2, "up": 2, "down": 0}
    assert _tier_value(services, a) == ("gold", Decimal("99999999999999"))
    assert _tier_value(services, b) == ("gold", Decimal(5000))  # 5 points: spend is counted
