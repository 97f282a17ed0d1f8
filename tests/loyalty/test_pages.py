"""Loyalty pages: overview, catalog, member statement, the 360 card, the signed member page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services
from opencx.loyalty.domain import Reward
from tests.loyalty.conftest import customer, order

PASSWORD = "correct horse battery"


def log_in(client: TestClient, services: Services, role: str) -> None:
    email = f"{role}@example.org"
    AccessService(services.engine, services.clock).create_user(email, role=role, password=PASSWORD)
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "next": "/", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_pages_for_staff_and_the_member(client, services):
    ann = customer(services, "ann")
    member = services.loyalty.enroll(ann)
    services.loyalty.put_reward(Reward("mug", "Mug <b>", 100, stock=5))
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 2, "unit_price": "60"}])
    assert client.get("/loyalty", follow_redirects=False).status_code == 303  # login first
    log_in(client, services, "admin")
    page = client.get("/loyalty")
    assert page.status_code == 200, page.text
    assert 'id="liability"' in page.text and ">120<" in page.text, page.text[
        page.text.find("<main") :
    ][:3000]
    catalog = client.get("/loyalty/rewards").text
    assert "Mug &lt;b&gt;" in catalog  # escaped
    profile = client.get(f"/customers/{ann}").text
    assert 'id="loyalty-panel"' in profile and "120 points" in profile
    statement = client.get(f"/loyalty/members/{member}").text
    link = re.search(r"<code>(/loyalty/me/[^<]+)</code>", statement)
    assert link
    client.cookies.clear()
    mine = client.get(link.group(1))
    assert mine.status_code == 200 and "Your points" in mine.text and "Mug" in mine.text
    forged = link.group(1)[:-3] + "AAA"
    assert client.get(forged).status_code == 403
    assert client.get("/loyalty/effectiveness", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_expiry_and_tier_jobs_are_registered_with_the_worker(services):
    names = {job.name for job in services.jobs}
    assert {"loyalty.expiry", "loyalty.tiers"} <= names


def _form(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` on ``page``."""
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    return dict(re.findall(r'type="hidden" name="([a-z_]+)" value="([^"]*)"', form))


def _options(page: str, name: str) -> list[str]:
    select = page[page.index(f'name="{name}"') :]
    return re.findall(r'<option value="([^"]+)"', select[: select.index("</select>")])


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_staff_enroll_redeem_donate_and_adjust_from_the_pages(client, services):
    from opencx.loyalty.domain import Cause

    bob = customer(services, "bob")
    services.loyalty.put_reward(Reward("cap", "Cap", 100, stock=5))
    services.loyalty.put_reward(Reward("car", "Car", 100_000))  # beyond reach
    services.loyalty.put_reward(Reward("old", "Old", 10, active=False))  # withdrawn
    services.loyalty.put_reward(Reward("gone", "Gone", 10, stock=0))  # out of stock
    services.loyalty.put_cause(Cause("trees", "Trees", Decimal("0.01"), "EUR"))
    services.loyalty.put_cause(Cause("closed", "Closed", Decimal("0.01"), "EUR", active=False))
    log_in(client, services, "admin")

    profile = client.get(f"/customers/{bob}").text
    assert "Enroll in Club" in profile
    r = client.post("/loyalty/enroll", data=_form(profile, "/loyalty/enroll"))
    assert r.status_code == 200 and "Enrolled" in r.text
    member = services.loyalty.member_of(bob)
    assert member is not None and "Enroll in" not in client.get(f"/customers/{bob}").text

    page = client.get(f"/loyalty/members/{member}").text
    assert "No reward in stock is within this member's reach" in page  # no points yet
    assert "Remove points" not in page  # floor 0, balance 0: nothing to remove
    add = {
        **_form(page, f"/loyalty/members/{member}/adjust"),
        "points": "300",
        "reason": "goodwill",
    }
    url = f"/loyalty/members/{member}/adjust"
    assert "Adjustment written" in client.post(url, data=add).text
    client.post(url, data=add)  # sent twice (a reload): one entry
    assert services.loyalty.member_view(member).balance == 300

    page = client.get(f"/loyalty/members/{member}").text
    assert _options(page, "reward_id") == ["cap"]  # only what the ledger accepts now
    assert _options(page, "cause_id") == ["trees"]
    assert 'max="300"' in page
    r = client.post(
        f"/loyalty/members/{member}/redeem",
        data={**_form(page, f"/loyalty/members/{member}/redeem"), "reward_id": "cap"},
    )
    assert "Reward redeemed" in r.text
    donate = {**_form(page, f"/loyalty/members/{member}/donate"), "cause_id": "trees"}
    assert (
        "Donation written"
        in client.post(f"/loyalty/members/{member}/donate", data={**donate, "points": "50"}).text
    )
    forms = re.findall(r'name="key" value="([^"]+)"', page)
    remove = {**_form(page, url), "key": next(k for k in forms if k.endswith("-remove"))}
    remove.update(direction="remove", points="20", reason="correction")
    assert "Adjustment written" in client.post(url, data=remove).text
    view = services.loyalty.member_view(member)
    assert view.balance == 300 - 100 - 50 - 20
    assert any("goodwill (by" in e.reason for e in view.entries)
    bad = {**remove, "key": "other", "points": "0"}
    assert client.post(url, data=bad).status_code == 422
    client.cookies.clear()
    log_in(client, services, "analyst")  # reads, acts on nothing
    page = client.get(f"/loyalty/members/{member}").text
    assert "member-actions" not in page and "Enroll in" not in client.get(f"/customers/{bob}").text
    assert client.post(url, data=add).status_code == 403


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_rewards_page_shows_the_units_left_the_domain_counts(client, services):
    """The catalog page's 'Stock left' is what ``domain.stock_left`` says (the rule redeeming
    checks with), not a sum of its own: a stock lowered below the units redeemed is 0 left,
    and the member page offers no such reward."""
    from opencx.loyalty.domain import stock_left

    member = services.loyalty.enroll(customer(services, "ann"))
    services.loyalty.earn(member, 1000, "e1")
    services.loyalty.put_reward(Reward("mug", "Mug", 100, stock=3))
    services.loyalty.put_reward(Reward("pen", "Pen", 50))
    services.loyalty.redeem(member, "mug", "r1")
    services.loyalty.redeem(member, "mug", "r2")
    services.loyalty.put_reward(Reward("mug", "Mug", 100, stock=1))  # lowered below 2
    log_in(client, services, "admin")
    page = client.get("/loyalty/rewards").text
    rows = re.findall(r"<tr><td>(\w+)</td>\s*<td>[\d,]+</td><td>(\d+)</td>\s*<td>(\w+)</td>", page)
    assert rows == [("Pen", "0", "unlimited"), ("Mug", "2", "0")], page
    assert [stock_left(r, n) for r, n in services.loyalty.rewards()] == [None, 0]
    offered = client.get(f"/loyalty/members/{member}").text
    assert 'value="pen"' in offered and 'value="mug"' not in offered
