"""The public contact form and the chat's offline form open cases (and customers) for whatever
address is typed: an anonymous visitor is limited per client address, in the database (every
process shares the bucket), with a 429 naming when to retry; staff and trusted keys are not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import FixedClock
from opencx.db.schema import cases
from opencx.helpdesk.domain.limits import Bucket, TooManyRequests
from opencx.helpdesk.service import OpenCase
from opencx.helpdesk.store.tables import rate_buckets

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct-horse-9"


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    services.helpdesk.contact_limit = Bucket(2, timedelta(minutes=30))
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _cases(services: Services) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one())


def _contact(client: TestClient, n: int) -> tuple[int, str, str | None]:
    token = CSRF.search(client.get("/help").text)
    assert token
    r = client.post(
        "/help",
        data={
            "email": f"v{n}@x.nl",
            "subject": "Help",
            "message": "Please",
            "csrf_token": token.group(1),
        },
    )
    return r.status_code, r.text, r.headers.get("retry-after")


def _offline(client: TestClient, n: int, headers: dict[str, str] | None = None) -> object:
    return client.post(
        "/api/helpdesk/chat/offline",
        json={"email": f"w{n}@x.nl", "body": "Call me"},
        headers=headers or {},
    )


def test_visitors_are_limited_per_client_address_across_both_forms(
    client: TestClient, services: Services, hclock: FixedClock
) -> None:
    status, text, _ = _contact(client, 1)
    assert status == 200 and 'id="contact-sent"' in text
    assert _offline(client, 2).status_code == 201  # type: ignore[attr-defined]
    status, text, retry = _contact(client, 3)
    assert status == 429 and retry == "1800"
    assert "too many requests from your network address: try again in 30 minutes" in text
    refused = _offline(client, 4)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1800"  # type: ignore[attr-defined]
    assert _cases(services) == 2  # a refusal stores nothing (nor a customer)
    hclock.advance(timedelta(minutes=15))  # half a drain: one more fits after 15 more minutes
    assert _contact(client, 5)[2] == "900"
    hclock.advance(timedelta(minutes=15))
    assert _contact(client, 6)[0] == 200  # refusals cost nothing, so the bucket drained
    with services.engine.connect() as conn:  # the counter names no address
        keys = [k for (k,) in conn.execute(sa.select(rate_buckets.c.key))]
    assert keys and all(k.startswith("contact:") and "testclient" not in k for k in keys)


def test_staff_and_keys_that_may_work_cases_are_not_limited(
    client: TestClient, services: Services
) -> None:
    access = AccessService(services.engine, services.clock)
    access.create_user("ann@shop.nl", role="agent", password=PASSWORD)
    key = access.create_api_key("widget-proxy", ["helpdesk:write"])
    bearer = {"Authorization": f"Bearer {key.secret}"}
    for n in range(4):
        assert _offline(client, n, bearer).status_code == 201  # type: ignore[attr-defined]
    reader = access.create_api_key("reader", ["helpdesk:read"])
    weak = _offline(client, 9, {"Authorization": f"Bearer {reader.secret}"})
    assert weak.status_code == 403  # type: ignore[attr-defined]
    token = CSRF.search(client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"email": "ann@shop.nl", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    for n in range(4):  # an agent logging a visitor's request from the public form
        assert _contact(client, 10 + n)[0] == 200
    assert _cases(services) == 8


def test_chats_that_give_an_address_share_the_limit_and_every_chat_has_its_own(
    client: TestClient, services: Services, hclock: FixedClock
) -> None:
    """A chat with an email finds or creates a customer, as the forms do: same bucket. Every
    chat waits in the agents' queue, so chats also have a looser bucket of their own."""
    for n in range(2):
        r = client.post("/api/helpdesk/chat", json={"email": f"c{n}@x.nl"})
        assert r.status_code == 201
    refused = client.post("/api/helpdesk/chat", json={"email": "c9@x.nl"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1800"
    assert _contact(client, 3)[0] == 429  # the contact form shares the bucket
    services.helpdesk.chat_limit = Bucket(6, timedelta(minutes=1))  # 2 charged (refusals cost 0)
    for _ in range(4):  # a chat without an address creates no customer: only the chat bucket
        assert client.post("/api/helpdesk/chat", json={"name": "Ana"}).status_code == 201
    flood = client.post("/api/helpdesk/chat", json={"name": "Bot"})
    assert flood.status_code == 429 and flood.headers["retry-after"] == "60"
    hclock.advance(timedelta(minutes=1))
    assert client.post("/api/helpdesk/chat", json={"name": "Ana"}).status_code == 201
    key = AccessService(services.engine, services.clock).create_api_key("w", ["helpdesk:write"])
    vouched = client.post(
        "/api/helpdesk/chat",
        json={"email": "c10@x.nl"},
        headers={"Authorization": f"Bearer {key.secret}"},
    )
    assert vouched.status_code == 201


def test_an_ipv6_client_is_counted_by_its_network_not_each_address(services: Services) -> None:
    """A host with IPv6 sends from any address of its /64: counted per address, a new address
    per request passed every limit."""
    services.helpdesk.contact_limit = Bucket(2, timedelta(minutes=30))

    def contact(n: int, client: str) -> None:
        cmd = OpenCase(channel="web", subject="Help", body="Please", email=f"v{n}@x.nl")
        services.helpdesk.open_case(cmd, client=client)

    contact(1, "2001:db8:0:1::1")
    contact(2, "2001:db8:0:1::2")
    with pytest.raises(TooManyRequests):
        contact(3, "2001:db8:0:1:ffff::3")
    with pytest.raises(TooManyRequests):  # the offline form shares the bucket
        services.helpdesk.leave_message(None, "v4@x.nl", "Call me", client="2001:db8:0:1::4")
    contact(5, "2001:db8:0:2::1")  # another network
    contact(6, "203.0.113.7")
    contact(7, "203.0.113.8")  # an IPv4 address is a client of its own
    assert _cases(services) == 5
