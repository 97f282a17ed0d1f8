"""Proactive incidents: the affected customers come from orders (products bought in the window)
and interactions (active in an affected region); one audited, idempotent notify action."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import InvalidInput
from opencx.db.schema import customers, interactions, order_lines, orders
from opencx.helpdesk.domain.incidents import CompensationGranted
from opencx.helpdesk.store.tables import incident_notices

from .conftest import outbox_rows

T = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _seed(services: Services) -> None:
    def person(cid: str, country: str, email: str | None) -> dict[str, Any]:
        return {
            "id": cid,
            "source": "shop",
            "external_id": cid,
            "email": email,
            "country": country,
            "created_at": T - timedelta(days=30),
            "attributes": {},
            "consent_email": True,
            "consent_sms": False,
            "consent_surveys": False,
        }

    def order(oid: str, cid: str, at: datetime, sku: str) -> None:
        conn.execute(
            orders.insert(),
            {
                "id": oid,
                "source": "shop",
                "external_id": oid,
                "customer_id": cid,
                "placed_at": at,
                "channel": "web",
                "status": "completed",
                "currency": "EUR",
                "discount_total": Decimal(0),
            },
        )
        conn.execute(
            order_lines.insert(),
            {
                "id": oid + "l",
                "order_id": oid,
                "line_no": 1,
                "sku": sku,
                "quantity": 1,
                "unit_price": Decimal(10),
                "discount": Decimal(0),
            },
        )

    with services.engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                person("ana", "NL", "ana@x.nl"),
                person("bo", "DK", "bo@x.dk"),
                person("cy", "NL", None),
                person("di", "DE", "di@x.de"),
            ],
        )
        order("o1", "ana", T + timedelta(hours=1), "KETTLE")  # in window, affected product
        order("o2", "di", T - timedelta(days=2), "KETTLE")  # before the window
        order("o3", "bo", T + timedelta(hours=2), "MUG")  # other product
        conn.execute(
            interactions.insert(),
            [
                {
                    "id": f"i{n}",
                    "source": "web",
                    "external_id": f"i{n}",
                    "customer_id": cid,
                    "occurred_at": at,
                    "channel": "app",
                    "kind": "login",
                    "properties": {},
                }
                for n, (cid, at) in enumerate(
                    [
                        ("cy", T + timedelta(hours=3)),
                        ("bo", T + timedelta(hours=3)),
                        ("di", T + timedelta(hours=3)),
                    ]
                )
            ],
        )
    services.customers.seal_existing()  # stored as crypto-shredding stores them (default)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def test_notify_reaches_each_affected_customer_once(client: TestClient, services: Services) -> None:
    _seed(services)
    member = services.loyalty.enroll("ana")  # ana is in the loyalty program, cy is not
    granted: list[CompensationGranted] = []
    services.bus.subscribe(CompensationGranted, lambda e, conn: granted.append(e))
    key = (
        AccessService(services.engine, services.clock).create_api_key("ops", ["helpdesk:*"]).secret
    )
    auth = {"Authorization": f"Bearer {key}"}
    body = {
        "title": "Kettle recall and NL app outage",
        "starts_at": T.isoformat(),
        "ends_at": (T + timedelta(hours=6)).isoformat(),
        "products": ["KETTLE"],
        "regions": ["nl"],
        "message": "Sorry for the trouble.",
        "points": 200,
        "voucher_prefix": "SORRY",
    }
    r = client.post("/api/helpdesk/incidents", json=body, headers=auth)
    assert r.status_code == 201
    incident_id = r.json()["id"]
    done = client.post(f"/api/helpdesk/incidents/{incident_id}/notify", headers=auth).json()
    assert (done["affected"], done["emailed"], done["already_notified"]) == (2, 1, 0)  # ana, cy
    [mail] = outbox_rows(services.engine)
    assert mail.payload["to"] == "ana@x.nl" and "Your voucher: SORRY-" in mail.payload["text"]
    assert sorted((e.customer_id, e.points) for e in granted) == [("ana", 200), ("cy", 200)]
    with services.engine.connect() as conn:
        notices = conn.execute(
            sa.select(incident_notices.c.customer_id, incident_notices.c.reason)
        ).all()
    assert sorted(notices) == [("ana", "product"), ("cy", "region")]
    again = client.post(f"/api/helpdesk/incidents/{incident_id}/notify", headers=auth).json()
    assert (again["emailed"], again["already_notified"]) == (0, 2) and len(
        outbox_rows(services.engine)
    ) == 1
    view = services.loyalty.member_view(member)  # loyalty credited the compensation, once
    assert view.balance == 200 and "incident" in view.entries[0].reason
    assert services.loyalty.member_of("cy") is None


def test_an_incident_needs_a_window_and_a_scope(services: Services) -> None:
    with pytest.raises(InvalidInput, match="must end after it starts"):
        services.helpdesk.declare_incident(
            title="x",
            starts_at=T,
            ends_at=T,
            products=frozenset({"A"}),
            regions=frozenset(),
            message="m",
            points=0,
            voucher_prefix=None,
            by="a",
        )
    with pytest.raises(InvalidInput, match="affected products or regions"):
        services.helpdesk.declare_incident(
            title="x",
            starts_at=T,
            ends_at=T + timedelta(hours=1),
            products=frozenset(),
            regions=frozenset(),
            message="m",
            points=0,
            voucher_prefix=None,
            by="a",
        )


def test_the_incidents_page_declares_and_notifies(client: TestClient, services: Services) -> None:
    _seed(services)
    AccessService(services.engine, services.clock).create_user(
        "ops@shop.nl", role="admin", password="correct-horse-9"
    )
    token = CSRF.search(client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"email": "ops@shop.nl", "password": "correct-horse-9", "csrf_token": token.group(1)},
    )
    page = client.get("/helpdesk/incidents")
    assert page.status_code == 200 and "No incidents declared." in page.text
    csrf = CSRF.search(page.text)
    assert csrf
    form = {
        "title": "Kettle recall",
        "starts_at": "2026-01-10T12:00",
        "ends_at": "2026-01-10T11:00",  # ends before it starts
        "products": "KETTLE",
        "regions": "",
        "message": "Sorry for the trouble.",
        "points": "50",
        "voucher_prefix": "SORRY",
        "csrf_token": csrf.group(1),
    }
    bad = client.post("/helpdesk/incidents", data=form)
    assert bad.status_code == 422 and "must end after it starts" in bad.text
    good = client.post("/helpdesk/incidents", data={**form, "ends_at": "2026-01-10T18:00"})
    assert good.status_code == 200 and "Kettle recall" in good.text
    incident = re.search(r"/helpdesk/incidents/([0-9a-z]+)/notify", good.text)
    assert incident
    done = client.post(
        f"/helpdesk/incidents/{incident.group(1)}/notify", data={"csrf_token": csrf.group(1)}
    )
    shown = re.search(r"id=\"incident-notified\">(.*?)</p>", done.text, re.S)
    assert done.status_code == 200 and shown, done.text[-3000:]
    assert " ".join(shown.group(1).split()) == "1 customers affected: 1 emailed now.", shown.group(
        1
    )
    again = client.post(
        f"/helpdesk/incidents/{incident.group(1)}/notify", data={"csrf_token": csrf.group(1)}
    )
    assert "0 emailed now, 1 reached before" in again.text
    assert [m.payload["to"] for m in outbox_rows(services.engine)] == ["ana@x.nl"]
