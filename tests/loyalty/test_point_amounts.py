"""A donation or a partner's points whose amount (points × rate) reaches 10^14 is refused with a
422 naming ``points`` and the limit, before anything is written, on both stores.

Before, both stores answered 500: the donation's debit was written, then its amount failed
MONEY's guard (the transaction rolled back); a partner award of 10^19 points failed the
ledger's BIGINT first.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.app import Services
from opencx.core.errors import InvalidInput
from opencx.core.money import amount_at_rate
from opencx.loyalty.domain import Cause, Partner, donation_amount, settlement_amount
from tests.loyalty.conftest import customer
from tests.loyalty.test_api import bearer

BIG = 10**11  # points: at 1000 EUR a point, 10^14 EUR
LIMIT = "out of range for an amount (less than 10^14: at most 14 digits before the decimal point)"


@pytest.fixture
def admin(services: Services) -> dict[str, str]:
    return bearer(services, "loyalty:*")


@pytest.fixture
def member(client: TestClient, services: Services, admin: dict[str, str]) -> str:
    ann = customer(services, "ann")
    member = client.post("/api/loyalty/members", json={"customer_id": ann}, headers=admin)
    member_id = str(member.json()["member_id"])
    earn = {"points": BIG}
    r = client.post(
        f"/api/loyalty/members/{member_id}/earn",
        json=earn,
        headers={**admin, "Idempotency-Key": "e"},
    )
    assert r.status_code == 201, r.text
    rates = {"cost_per_point": "1000", "value_per_point": "1000"}
    assert client.put(
        "/api/loyalty/causes/big", json={"name": "Big", "money_per_point": "1000"}, headers=admin
    ).is_success
    assert client.put(
        "/api/loyalty/partners/air", json={"name": "Air", **rates}, headers=admin
    ).is_success
    return member_id


def _keyed(admin: dict[str, str], key: str) -> dict[str, str]:
    return {**admin, "Idempotency-Key": key}


def _entries(services: Services) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM loyalty_entries")).scalar_one())


def _balance(client: TestClient, admin: dict[str, str], member: str) -> int:
    return int(client.get(f"/api/loyalty/members/{member}", headers=admin).json()["balance"])


def _refused(r, points: int, amount: str) -> None:
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"points: {points} at 1000 EUR each is {amount} EUR, {LIMIT}"


def _unchanged(client: TestClient, services: Services, admin: dict[str, str], member: str) -> None:
    assert _entries(services) == 1
    assert _balance(client, admin, member) == BIG
    [cause] = services.loyalty.cause_statements()
    [partner] = services.loyalty.partner_statements()
    assert (cause.donations, cause.points, cause.amount) == (0, 0, 0)
    assert (partner.points_awarded, partner.points_accepted, partner.net) == (0, 0, 0)


def test_a_donation_worth_10_to_the_14_is_a_422_and_writes_nothing(client, services, admin, member):
    url = f"/api/loyalty/members/{member}/donate"
    r = client.post(url, json={"cause_id": "big", "points": BIG}, headers=_keyed(admin, "d"))
    _refused(r, BIG, "100000000000000")
    _unchanged(client, services, admin, member)
    # nothing was keyed: the same key takes the largest donation a store keeps
    r = client.post(url, json={"cause_id": "big", "points": BIG - 1}, headers=_keyed(admin, "d"))
    assert r.status_code == 201 and r.json()["balance"] == 1, r.text
    [cause] = services.loyalty.cause_statements()
    assert (cause.points, cause.amount) == (BIG - 1, Decimal("99999999999000.00"))
    assert services.loyalty.audit(member) == (1, 1, True)


@pytest.mark.parametrize(("action", "points"), [("award", BIG), ("accept", BIG)])
def test_partner_points_worth_10_to_the_14_are_a_422_and_write_nothing(
    client, services, admin, member, action, points
):
    url = f"/api/loyalty/partners/air/{action}"
    body = {"member_id": member, "points": points}
    r = client.post(url, json=body, headers=_keyed(admin, "p"))
    _refused(r, points, str(points * 1000))
    _unchanged(client, services, admin, member)
    body["points"] = BIG - 1
    assert client.post(url, json=body, headers=_keyed(admin, "p")).status_code == 201
    [partner] = services.loyalty.partner_statements()
    assert abs(partner.net) == Decimal("99999999999000.00")
    assert services.loyalty.audit(member)[2]


def test_an_amount_rounded_up_to_10_to_the_14_is_refused():
    cause = Cause("c", "Trees", Decimal("99999999999999.995"), "EUR")
    with pytest.raises(InvalidInput, match=r"^points: 1 at 99999999999999\.995 EUR each is "):
        donation_amount(cause, 1)
    assert donation_amount(Cause("c", "T", Decimal("99999999999999.994"), "EUR"), 1) == Decimal(
        "99999999999999.99"
    )
    partner = Partner("p", "Air", Decimal("0.0001"), Decimal("99999999999.9999"), "EUR")
    assert settlement_amount(partner, 10**17, awarded=True) == Decimal("10000000000000.00")
    with pytest.raises(InvalidInput, match="out of range"):
        settlement_amount(partner, 10**18, awarded=True)
    with pytest.raises(InvalidInput, match="out of range"):  # past Decimal's 28 digits
        settlement_amount(partner, 10**40, awarded=False)
    assert amount_at_rate(250, Decimal("0.0125"), where="points") == Decimal("3.12")
