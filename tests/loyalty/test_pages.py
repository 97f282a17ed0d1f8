"""Loyalty pages: overview, catalog, member statement, the 360 card, the signed member page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.loyalty.domain import Reward
from tests.loyalty.conftest import customer, order

PASSWORD = "correct horse battery"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


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
