"""The customers API and pages through the real app: scopes, mapping, merged ids, escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings

PASSWORD = "correct-horse-9"
EVIL = "<script>alert('x')</script>"


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(engine.url), secret_key="test-secret")
    return build(settings, clock=clock, engine=engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.fixture
def keys(services: Services) -> dict[str, dict[str, str]]:
    access = AccessService(services.engine, services.clock)
    scopes = {
        "read": ["customers:read"],
        "write": ["customers:write"],
        "erase": ["customers:erase", "customers:read"],
    }
    return {
        name: {"Authorization": f"Bearer {access.create_api_key(name, s).secret}"}
        for name, s in scopes.items()
    }


@pytest.fixture
def people(services: Services, seed: Any) -> dict[str, str]:
    ann = seed.customer(name="Ann de Vries", email="ann@example.nl", country="NL")
    dup = seed.customer(created=3, source="crm", email="ANN@example.nl")
    evil = seed.customer(name=EVIL, email="evil@example.com")
    seed.order(ann, seed.day(5), [(2, "10.00", True)])
    seed.response(dup, seed.day(6), [("nps", 10, f"Loved it {EVIL}")])
    seed.case(evil, seed.day(7), subject=EVIL, events=[(seed.day(7, 1), "message_in", EVIL)])
    with services.engine.begin() as conn:
        services.customers.index(conn, [ann, dup, evil])
    return {"ann": ann, "dup": dup, "evil": evil}


def test_profile_and_timeline_resolve_merged_ids(
    client: TestClient, keys: Any, people: Any
) -> None:
    r = client.get(f"/api/customers/{people['dup']}", headers=keys["read"])
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == people["ann"] and body["requested_id"] == people["dup"]
    assert body["note"] == f"customer {people['dup']} was merged into {people['ann']}"
    assert body["orders"] == 1
    assert [(Decimal(m["amount"]), m["currency"]) for m in body["revenue"]] == [
        (Decimal(20), "EUR")
    ]
    assert body["latest"]["nps"]["score"] == 10
    assert body["merged_ids"] == [people["dup"]]
    t = client.get(f"/api/customers/{people['dup']}/timeline?limit=1", headers=keys["read"])
    assert t.status_code == 200 and t.json()["customer_id"] == people["ann"]
    assert [e["kind"] for e in t.json()["entries"]] == ["response"]
    cursor = t.json()["next_cursor"]
    older = client.get(
        f"/api/customers/{people['ann']}/timeline",
        params={"before": cursor},
        headers=keys["read"],
    ).json()
    assert [e["kind"] for e in older["entries"]] == ["order"]
    assert older["entries"][0]["amount"]["currency"] == "EUR"


def test_search_and_errors(client: TestClient, keys: Any, people: Any) -> None:
    # contact fields are sealed (crypto-shredding, the default): found by email, not by name
    r = client.get("/api/customers", params={"q": "ANN@example.nl"}, headers=keys["read"])
    assert [c["id"] for c in r.json()["customers"]] == [people["ann"]]
    assert (r.json()["total"], r.json()["first"], r.json()["prev_before"]) == (1, 1, None)
    assert client.get("/api/customers/nobody", headers=keys["read"]).status_code == 404
    bad = client.get(
        f"/api/customers/{people['ann']}/timeline", params={"before": "x"}, headers=keys["read"]
    )
    assert bad.status_code == 422 and "cursor" in bad.json()["detail"]
    assert client.get("/api/customers").status_code == 401


def test_scopes_guard_writes_and_privacy(client: TestClient, keys: Any, people: Any) -> None:
    ann = people["ann"]
    assert client.get(f"/api/customers/{ann}/export", headers=keys["read"]).status_code == 403
    assert client.post(f"/api/customers/{ann}/erase", headers=keys["read"]).status_code == 403
    body = {"a": people["evil"], "b": ann}
    assert client.post("/api/customers/merges", json=body, headers=keys["read"]).status_code == 403


def test_merge_and_undo_over_http(client: TestClient, keys: Any, people: Any) -> None:
    r = client.post(
        "/api/customers/merges",
        json={"a": people["evil"], "b": people["ann"]},
        headers=keys["write"],
    )
    assert r.status_code == 201
    merge = r.json()
    assert (merge["survivor_id"], merge["merged_id"]) == (people["ann"], people["evil"])
    assert merge["rule"] == "manual" and merge["moved"]["cases"]
    again = client.post(
        "/api/customers/merges",
        json={"a": people["ann"], "b": people["evil"]},
        headers=keys["write"],
    ).json()
    assert again["merge_id"] is None
    undo = client.post(f"/api/customers/merges/{merge['merge_id']}/undo", headers=keys["write"])
    assert undo.status_code == 200 and undo.json()["undone_at"] == "2026-01-15T12:00:00Z"
    assert client.post("/api/customers/merges/nope/undo", headers=keys["write"]).status_code == 404


def test_export_and_erase_over_http(client: TestClient, keys: Any, people: Any) -> None:
    export = client.get(f"/api/customers/{people['dup']}/export", headers=keys["erase"])
    assert export.status_code == 200
    assert "ann@example.nl" in export.text and len(export.json()["customers"]) == 2
    erased = client.post(f"/api/customers/{people['ann']}/erase", headers=keys["erase"]).json()
    assert erased["customer_id"] == people["ann"] and not erased["already_erased"]
    assert sorted(erased["erased_ids"]) == sorted([people["ann"], people["dup"]])
    again = client.post(f"/api/customers/{people['ann']}/erase", headers=keys["erase"]).json()
    assert again["already_erased"] is True
    profile = client.get(f"/api/customers/{people['ann']}", headers=keys["read"]).json()
    assert profile["name"] is None and profile["erased_at"] == "2026-01-15T12:00:00Z"
    assert profile["orders"] == 1


def log_in(client: TestClient, services: Services, role: str = "agent") -> None:
    AccessService(services.engine, services.clock).create_user(
        f"{role}@example.org", role=role, password=PASSWORD, name=role.title()
    )
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert token
    r = client.post(
        "/login",
        data={
            "email": f"{role}@example.org",
            "password": PASSWORD,
            "next": "/customers",
            "csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_pages_need_login(client: TestClient, people: Any) -> None:
    r = client.get("/customers", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_list_page_searches_and_escapes(
    client: TestClient, services: Services, people: Any
) -> None:
    log_in(client, services)
    html = client.get("/customers").text
    assert "Ann de Vries" in html and EVIL not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    found = client.get("/customers", params={"q": "ann@example.nl"}).text
    assert "Ann de Vries" in found and "evil@example.com" not in found
    none = client.get("/customers", params={"q": "<b>zz</b>"}).text
    assert "&lt;b&gt;zz&lt;/b&gt;" in none and "<b>zz</b>" not in none


def test_list_page_paginates(client: TestClient, services: Services, seed: Any) -> None:
    log_in(client, services)
    for n in range(4):
        seed.customer(name=f"Person {n}")
    first = client.get("/customers", params={"limit": 3}).text
    assert first.count("Person ") == 3 and "Next page" in first
    after = re.search(r'after=([0-9a-z]+)"', first)
    assert after
    second = client.get("/customers", params={"limit": 3, "after": after.group(1)}).text
    assert second.count("Person ") == 1 and "Next page" not in second
    assert "4–4 of 4 customers" in second and "Previous page" in second
    before = re.search(r'before=([0-9a-z]+)"', second)
    assert before
    back = client.get("/customers", params={"limit": 3, "before": before.group(1)}).text
    assert "1–3 of 4 customers" in back and "Previous page" not in back


def test_360_page_shows_profile_scores_and_escaped_timeline(
    client: TestClient, services: Services, people: Any, seed: Any
) -> None:
    log_in(client, services)
    seed.score(people["ann"], seed.model_run(seed.day(9)), "clv", 321.5)
    html = client.get(f"/customers/{people['dup']}").text
    assert "was merged into this customer" in html
    assert "Ann de Vries" in html and "321.50" in html and "Latest NPS" in html
    assert "icon-cart" in html and "icon-star" in html and "Loved it &lt;script&gt;" in html
    evil = client.get(f"/customers/{people['evil']}").text
    assert EVIL not in evil and "&lt;script&gt;" in evil
    assert client.get("/customers/nobody").status_code == 404


def test_identity_resolution_runs_on_customers_upserted(services: Services, seed: Any) -> None:
    from opencx.ingest.domain import CustomersUpserted

    a = seed.customer(email="same@example.org")
    b = seed.customer(created=1, email="Same@Example.org")
    with services.engine.begin() as conn:
        services.bus.publish(CustomersUpserted((a, b), live=False), conn)
    assert services.customers.show(b).profile.customer.id == a
    assert services.customers.show(a).profile.merged_ids == (b,)


def test_timeline_filters_by_kind_on_the_page_and_the_api(
    client: TestClient, services: Services, keys: Any, people: Any, seed: Any
) -> None:
    from opencx.customers.domain import KIND_RANK

    ann = people["ann"]
    seed.order(ann, seed.day(8), [(1, "5.00", True)])
    seed.interaction(ann, seed.day(9))
    api = f"/api/customers/{ann}/timeline"
    only = client.get(api, params={"kind": ["order", "response"]}, headers=keys["read"])
    assert [e["kind"] for e in only.json()["entries"]] == ["order", "response", "order"]
    bad = client.get(api, params={"kind": "visits"}, headers=keys["read"])
    assert bad.status_code == 422 and "'visits'" in bad.text

    log_in(client, services)
    page = client.get(f"/customers/{ann}", params={"kind": "order", "limit": 1}).text
    boxes = re.findall(r'name="kind" value="([a-z_]+)"( checked)?', page)
    assert boxes == [(k, " checked" if k == "order" else "") for k in KIND_RANK]
    assert page.count('class="kind-order"') == 1 and "kind-interaction" not in page
    older = re.search(r'href="/customers/[^?]+\?([^"#]+)#timeline-h">Older', page)
    assert older and "kind=order" in older.group(1)
    rest = client.get(f"/customers/{ann}?{older.group(1).replace('&amp;', '&')}").text
    assert rest.count('class="kind-order"') == 1 and "kind-response" not in rest
    assert "Older" not in rest
    assert client.get(f"/customers/{ann}", params={"kind": "visits"}).status_code == 422
