"""The loyalty API: scopes, the Idempotency-Key header, errors as problems."""

from __future__ import annotations

from opencx.access.service import AccessService
from opencx.app import Services
from tests.loyalty.conftest import customer, order


def bearer(services: Services, *scopes: str) -> dict[str, str]:
    secret = AccessService(services.engine, services.clock).create_api_key("t", list(scopes)).secret
    return {"Authorization": f"Bearer {secret}"}


def test_api_end_to_end(client, services, clock):
    admin = bearer(services, "loyalty:*")
    reader = bearer(services, "loyalty:read")
    ann = customer(services, "ann")
    assert client.post("/api/loyalty/members", json={"customer_id": ann}).status_code == 401
    r = client.post("/api/loyalty/members", json={"customer_id": ann}, headers=reader)
    assert r.status_code == 403
    member = client.post("/api/loyalty/members", json={"customer_id": ann}, headers=admin).json()[
        "member_id"
    ]
    r = client.post(f"/api/loyalty/members/{member}/earn", json={"points": 300}, headers=admin)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["detail"]
    h = {**admin, "Idempotency-Key": "e-1"}
    first = client.post(f"/api/loyalty/members/{member}/earn", json={"points": 300}, headers=h)
    again = client.post(f"/api/loyalty/members/{member}/earn", json={"points": 300}, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.json()["duplicate"] and again.json()["entry_id"] == first.json()["entry_id"]
    clash = client.post(f"/api/loyalty/members/{member}/earn", json={"points": 5}, headers=h)
    assert clash.status_code == 409
    r = client.put(
        "/api/loyalty/rewards/mug", json={"name": "Mug", "points": 200, "stock": 1}, headers=admin
    )
    assert r.status_code == 200
    r = client.post(
        f"/api/loyalty/members/{member}/redeem",
        json={"reward_id": "mug"},
        headers={**admin, "Idempotency-Key": "r-1"},
    )
    assert r.status_code == 201 and r.json()["balance"] == 100
    r = client.post(
        f"/api/loyalty/members/{member}/spend",
        json={"points": 101},
        headers={**admin, "Idempotency-Key": "s-1"},
    )
    assert r.status_code == 409 and "spendable" in r.json()["detail"]
    order(services, "o1", "ann", [{"sku": "MUG", "quantity": 1, "unit_price": "40"}])
    view = client.get(f"/api/loyalty/members/{member}", headers=reader).json()
    assert (view["balance"], view["pending"]) == (140, 40)
    o = client.get("/api/loyalty/overview", headers=reader).json()
    assert o["members"] == 1 and o["liability_points"] == 140
    assert client.get("/api/loyalty/rewards", headers=reader).json()[0]["redeemed"] == 1
