"""Points have a bound: one entry moves at most 999,999,999,999 points and a balance stays
within ±999,999,999,999 (``loyalty.domain.POINTS_LIMIT``), on both stores. Beyond it an earn,
spend, adjustment, transfer, donation, partner's points or a reward's price or stock is refused
with a 422 naming the field and the limit (the same sentence on the pages and in the CLI),
before anything is written: the idempotency key stays free.

Before, 2^63 points were a 500 on both stores (the BIGINT column), and two earns of 2^62 were
taken, leaving a balance of 2^63 that no BIGINT holds.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from opencx.app import Services
from opencx.core import InvalidInput
from opencx.customers.service import merge
from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import POINTS_LIMIT, Cause, Partner
from tests.loyalty.conftest import PROGRAM, customer, order
from tests.loyalty.test_api import bearer
from tests.loyalty.test_pages import _form, log_in

MOST = POINTS_LIMIT - 1  # 999999999999
HUGE = [POINTS_LIMIT, 2**62, 2**63 - 1, 2**63, 2**64, 10**40]


def entry_refusal(points: int, where: str = "points") -> str:
    unit = " points" if where == "points" else ""
    return f"{where}: {points} is out of range (at most 999999999999{unit}, 12 digits)"


def balance_refusal(member: str, change: int, before: int) -> str:
    return (
        f"points: {abs(change)} would take member {member}'s balance from {before} to"
        f" {before + change}, out of range (a balance stays within ±999999999999 points)"
    )


@pytest.fixture
def admin(services: Services) -> dict[str, str]:
    services.loyalty.put_cause(Cause("trees", "Trees", Decimal("0.0001"), "EUR"))
    services.loyalty.put_partner(Partner("air", "Air", Decimal("0.0001"), Decimal("0.0001"), "EUR"))
    return bearer(services, "loyalty:*")


def _member(services: Services, name: str) -> str:
    return services.loyalty.enroll(customer(services, name))


def _post(client: TestClient, admin: dict[str, str], url: str, body: dict, key: str):
    return client.post(f"/api/loyalty{url}", json=body, headers={**admin, "Idempotency-Key": key})


def _entries(services: Services) -> list[tuple[str, int]]:
    with services.engine.connect() as conn:
        q = sa.text("SELECT idempotency_key, points FROM loyalty_entries ORDER BY idempotency_key")
        return [(str(k), int(p)) for k, p in conn.execute(q)]


def _writes(ann: str, bob: str, points: int) -> list[tuple[str, dict]]:
    m = f"/members/{ann}"
    return [
        (f"{m}/earn", {"points": points}),
        (f"{m}/spend", {"points": points}),
        (f"{m}/adjust", {"points": points, "reason": "r"}),
        (f"{m}/adjust", {"points": -points, "reason": "r"}),
        (f"{m}/transfer", {"to_member_id": bob, "points": points}),
        (f"{m}/donate", {"cause_id": "trees", "points": points}),
        ("/partners/air/award", {"member_id": ann, "points": points}),
        ("/partners/air/accept", {"member_id": ann, "points": points}),
    ]


@pytest.mark.parametrize("points", HUGE)
def test_an_entry_of_10_to_the_12_points_or_more_is_a_422_naming_points(
    client, services, admin, points
):
    ann, bob = _member(services, "ann"), _member(services, "bob")
    assert _post(client, admin, f"/members/{ann}/earn", {"points": 500}, "e").status_code == 201
    before = _entries(services)
    for url, body in _writes(ann, bob, points):
        r = _post(client, admin, url, body, "k")
        assert r.status_code == 422, (url, body, r.text)
        assert r.json()["detail"] == entry_refusal(body["points"])
    assert _entries(services) == before
    # the key is free: the same key takes a write in range
    r = _post(client, admin, f"/members/{ann}/adjust", {"points": -MOST, "reason": "r"}, "k")
    assert r.status_code == 409 and "spendable" in r.text  # the floor (0) refuses it, not the bound
    r = _post(client, admin, f"/members/{ann}/earn", {"points": MOST - 500}, "k")
    assert r.status_code == 201 and r.json()["balance"] == MOST, r.text
    assert services.loyalty.audit(ann) == (MOST, MOST, True)


@pytest.mark.parametrize(
    "number", ["1e5000", "1E+10000000", "1" * 5000 + ".0", "0." + "0" * 1000 + "1"]
)
def test_a_number_past_a_thousand_digits_is_not_json_either(client, services, admin, number):
    """A JSON number whose exponent or digits pass 1,000 is a 422 json_invalid at it, as one
    no Decimal holds is: a float read it as inf (or 0), refused at once. Read exactly, 1e5000
    became a 5,001-digit int that the bound's sentence could not print (Python's 4,300-digit
    limit: a 500), and 1E+10000000, ten bytes, took pydantic 6 s of CPU to make an int."""
    ann = _member(services, "ann")
    body = f'{{"points": {number}}}'
    headers = {**admin, "Idempotency-Key": "k", "Content-Type": "application/json"}
    r = client.post(f"/api/loyalty/members/{ann}/earn", content=body, headers=headers)
    assert r.status_code == 422, r.text[:300]
    [error] = r.json()["detail"]
    assert error["type"] == "json_invalid" and error["loc"] == ["body", body.index(number)]
    assert error["ctx"]["error"].endswith("is out of range for a number")
    assert _entries(services) == []


def test_two_earns_of_2_to_the_62_leave_no_balance_of_2_to_the_63(client, services, admin):
    ann = _member(services, "ann")
    for key in ("a", "b"):
        r = _post(client, admin, f"/members/{ann}/earn", {"points": 2**62}, key)
        assert r.status_code == 422 and r.json()["detail"] == entry_refusal(2**62)
    assert _entries(services) == []


def test_a_balance_that_would_reach_10_to_the_12_is_a_422_and_writes_nothing(
    client, services, admin
):
    ann, bob = _member(services, "ann"), _member(services, "bob")
    big = 600_000_000_000
    assert _post(client, admin, f"/members/{ann}/earn", {"points": big}, "a1").status_code == 201
    assert _post(client, admin, f"/members/{bob}/earn", {"points": big}, "b1").status_code == 201
    before = _entries(services)
    rest = POINTS_LIMIT - big  # one point too many
    for url, body in [
        (f"/members/{ann}/earn", {"points": rest}),
        (f"/members/{ann}/adjust", {"points": rest, "reason": "r"}),
        ("/partners/air/award", {"member_id": ann, "points": rest}),
    ]:
        r = _post(client, admin, url, body, "k")
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == balance_refusal(ann, rest, big)
    # a transfer whose recipient would pass the bound: neither side is written
    r = _post(client, admin, f"/members/{bob}/transfer", {"to_member_id": ann, "points": big}, "t")
    assert r.status_code == 422 and r.json()["detail"] == balance_refusal(ann, big, big)
    assert _entries(services) == before
    r = _post(client, admin, f"/members/{ann}/earn", {"points": rest - 1}, "k")
    assert r.status_code == 201 and r.json()["balance"] == MOST, r.text
    for member, balance in ((ann, MOST), (bob, big)):
        assert services.loyalty.audit(member) == (balance, balance, True)


def test_with_no_floor_a_balance_stays_above_minus_10_to_the_12(client, services, admin):
    services.loyalty.configure({**PROGRAM, "floor": None})
    ann = _member(services, "ann")
    big = 600_000_000_000
    r = _post(client, admin, f"/members/{ann}/spend", {"points": big}, "s1")
    assert r.status_code == 201 and r.json()["balance"] == -big
    for url, body in [
        (f"/members/{ann}/spend", {"points": big}),
        (f"/members/{ann}/adjust", {"points": -big, "reason": "r"}),
        ("/partners/air/accept", {"member_id": ann, "points": big}),
    ]:
        r = _post(client, admin, url, body, "k")
        assert r.status_code == 422, r.text
        assert r.json()["detail"] == balance_refusal(ann, -big, -big)
    assert [p for _, p in _entries(services)] == [-big]
    r = _post(client, admin, f"/members/{ann}/spend", {"points": MOST - big}, "k")
    assert r.status_code == 201 and r.json()["balance"] == -MOST


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"points": 2**63}, entry_refusal(2**63)),
        ({"points": POINTS_LIMIT}, entry_refusal(POINTS_LIMIT)),
        ({"points": 10, "stock": 2**63}, entry_refusal(2**63, "stock")),
        ({"points": 10, "stock": POINTS_LIMIT}, entry_refusal(POINTS_LIMIT, "stock")),
    ],
)
def test_a_reward_priced_or_stocked_out_of_range_is_a_422(client, services, admin, body, detail):
    r = client.put("/api/loyalty/rewards/r", json={"name": "Mug", **body}, headers=admin)
    assert r.status_code == 422 and r.json()["detail"] == detail, r.text
    assert client.get("/api/loyalty/rewards", headers=admin).json() == []
    r = client.put("/api/loyalty/rewards/r", json={"name": "Mug", "points": MOST}, headers=admin)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("stock", [2**31, MOST])
def test_a_stock_within_the_bound_is_stored_and_redeemed_from(client, services, admin, stock):
    """Before migration 0035 the column was INTEGER: on PostgreSQL a stock of 2^31 or more was
    a 500 ('integer out of range')."""
    body = {"name": "Mug", "points": 10, "stock": stock}
    r = client.put("/api/loyalty/rewards/mug", json=body, headers=admin)
    assert r.status_code == 200, r.text
    ann = _member(services, "ann")
    services.loyalty.earn(ann, 10, "e")
    services.loyalty.redeem(ann, "mug", "r")
    assert [(reward.stock, n) for reward, n in services.loyalty.rewards()] == [(stock, 1)]


def test_a_merge_is_never_refused_for_the_bound(services):
    """A merge moves points that exist: the survivor may pass the bound, then only spend."""
    a_c, b_c = customer(services, "ann"), customer(services, "bob")
    a, b = services.loyalty.enroll(a_c), services.loyalty.enroll(b_c)
    services.loyalty.earn(a, 600_000_000_000, "a")
    services.loyalty.earn(b, 700_000_000_000, "b")
    with services.engine.begin() as conn:
        assert merge(conn, a_c, b_c, "manual", now=services.clock.now(), bus=services.bus)
    assert services.loyalty.audit(a) == (1_300_000_000_000, 1_300_000_000_000, True)
    with pytest.raises(InvalidInput, match="out of range"):
        services.loyalty.earn(a, 1, "c")
    assert services.loyalty.spend(a, 400_000_000_000, "d").balance == 900_000_000_000


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_pages_say_the_same_and_write_nothing(client, services):
    services.loyalty.put_cause(Cause("trees", "Trees", Decimal("0.0001"), "EUR"))
    ann = _member(services, "ann")
    services.loyalty.earn(ann, 600_000_000_000, "a")
    log_in(client, services, "admin")
    page = client.get(f"/loyalty/members/{ann}").text
    assert 'max="399999999999"' in page  # what an adjustment may add
    url = f"/loyalty/members/{ann}/adjust"
    form = {**_form(page, url), "direction": "add", "reason": "goodwill"}
    for points, detail in [
        (2**63, entry_refusal(2**63)),
        (POINTS_LIMIT, entry_refusal(POINTS_LIMIT)),
        (400_000_000_000, balance_refusal(ann, 400_000_000_000, 600_000_000_000)),
    ]:
        r = client.post(url, data={**form, "points": str(points)})
        assert r.status_code == 422 and detail.replace("'", "&#39;") in r.text, r.text
    donate = {**_form(page, f"/loyalty/members/{ann}/donate"), "cause_id": "trees"}
    r = client.post(f"/loyalty/members/{ann}/donate", data={**donate, "points": str(2**63)})
    assert r.status_code == 422 and entry_refusal(2**63) in r.text
    assert len(_entries(services)) == 1


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_says_the_same_and_writes_nothing(services):
    ann = _member(services, "ann")
    runner = CliRunner()
    for args, detail in [
        (["adjust", ann, str(2**63), "--reason", "r"], entry_refusal(2**63)),
        (["adjust", ann, "--reason", "r", "--", str(-(10**12))], entry_refusal(-(10**12))),
        (["reward", "mug", "Mug", str(2**63)], entry_refusal(2**63)),
        (["reward", "mug", "Mug", "10", "--stock", str(10**12)], entry_refusal(10**12, "stock")),
    ]:
        r = runner.invoke(cli, args, obj=services)
        assert r.exit_code == 1 and r.output.strip() == f"error: {detail}", r.output
    assert _entries(services) == [] and services.loyalty.rewards() == []
    r = runner.invoke(cli, ["adjust", ann, str(MOST), "--reason", "r"], obj=services)
    assert r.exit_code == 0 and re.search(r"balance 999999999999$", r.output.strip()), r.output


def test_an_order_earning_10_to_the_12_points_is_refused_naming_it(services):
    """A live order whose points would pass the bound is refused alone (its event is taken,
    the order stored): nothing of its points is written, and the refusal says which order
    (tests/loyalty/test_refused_orders.py has the rest)."""
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    lines = [{"sku": "MUG", "quantity": 2, "unit_price": "500000000000"}]
    order(services, "o1", "ann", lines)
    [refused] = services.loyalty.overview().refused
    assert re.match(r"^order o1 \(source shop\) of 1000000000000\.0+ EUR: ", refused.reason)
    assert refused.reason.endswith(entry_refusal(POINTS_LIMIT))
    assert _entries(services) == []
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": str(MOST)}])
    assert services.loyalty.member_view(member).balance == MOST
    assert services.loyalty.overview().refused_orders == 0


def test_a_survivor_past_the_bound_spends_and_returns_back_toward_it(services):
    """Past the bound after a merge, a member "can then spend" (docs/loyalty.md, Bounds): any
    debit moves its balance back toward the range and is taken, however small; so are an
    admin's adjustment down and an order's return. Before, each was refused ('would take member
    M's balance from 1300000000100 to 1300000000000, out of range') unless it brought the
    balance under the bound at once: a return of the survivor's order failed its event whole."""
    a_c, b_c = customer(services, "ann"), customer(services, "bob")
    a, b = services.loyalty.enroll(a_c), services.loyalty.enroll(b_c)
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 4, "unit_price": "25.00"}])
    services.loyalty.earn(a, 600_000_000_000, "a")
    services.loyalty.earn(b, 700_000_000_000, "b")
    with services.engine.begin() as conn:
        assert merge(conn, a_c, b_c, "manual", now=services.clock.now(), bus=services.bus)
    assert services.loyalty.member_view(a).balance == 1_300_000_000_100
    assert services.loyalty.spend(a, 100, "s").balance == 1_300_000_000_000
    assert services.loyalty.adjust(a, -5, "typo", "j", "admin").balance == 1_299_999_999_995
    ret = {"sku": "MUG", "quantity": -1, "unit_price": "25.00", "is_return": True}
    order(services, "r1", "ann", [{**ret, "returns_order": "o1"}])
    assert services.loyalty.member_view(a).balance == 1_299_999_999_970
    with pytest.raises(InvalidInput, match="out of range"):  # further out: still refused
        services.loyalty.earn(a, 1, "c")
    assert services.loyalty.audit(a) == (1_299_999_999_970, 1_299_999_999_970, True)
