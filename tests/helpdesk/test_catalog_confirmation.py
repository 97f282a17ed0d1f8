"""The public self-service catalog is no open relay: an anonymous visitor's request is held and
only a confirmation mail with a signed link goes out (through the outbox, to a real SMTP
server); the request becomes real when the link is followed, and the links expire. Confirmation
mails are limited per client address and per recipient, in the database (so every process
shares the limits), with a 429 naming when to retry."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.db.schema import customers
from opencx.helpdesk.domain.limits import Bucket, CatalogLimits, TooManyRequests
from opencx.helpdesk.store.tables import catalog_runs, catalog_unconfirmed, rate_buckets
from opencx.jobs import RunContext
from opencx.outbox import run_once
from opencx.outbox.transports import SmtpTransport
from tests.outbox.conftest import Inbox, SmtpServer, free_port

from .conftest import outbox_rows
from .test_catalog import INVOICE, LOST_CARD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"http://127\.0\.0\.1:8000(/help/catalog/confirm/[A-Za-z0-9_.-]+)")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(port=free_port(), inbox=Inbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    key = AccessService(services.engine, services.clock).create_api_key("lead", ["helpdesk:*"])
    with TestClient(create_app(services.settings, services=services)) as c:
        for item in (INVOICE, LOST_CARD):
            r = c.put(
                "/api/helpdesk/catalog/items",
                json=item,
                headers={"Authorization": f"Bearer {key.secret}"},
            )
            assert r.status_code == 200
        yield c


def deliver(services: Services, smtp: SmtpServer) -> list[Any]:
    """Run the worker's delivery once against the real SMTP server; the mails it received."""
    before = len(smtp.inbox.messages)
    transport = SmtpTransport("127.0.0.1", smtp.port, "OpenCX <noreply@shop.example>", timeout=5)
    run_once(services.engine, {"email": transport}, services.clock.now())
    return smtp.inbox.messages[before:]


def body_of(mail: Any) -> str:
    return str(mail.get_body(preferencelist=("plain",)).get_content())


def count(services: Services, table: sa.Table) -> int:
    with services.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_an_anonymous_request_sends_only_a_confirmation_until_its_link_is_followed(
    client: TestClient, services: Services, smtp: SmtpServer
) -> None:
    r = client.post(
        "/api/helpdesk/catalog/items/invoice-copy/requests",
        json={"email": "ana@x.nl", "form": {"invoice": "Buy cheap pills at spam.example"}},
    )
    assert r.status_code == 202, r.text
    held = r.json()
    assert held["status"] == "unconfirmed" and held["case_id"] is None
    # nothing real yet: no request, no customer record, one mail (the confirmation)
    assert count(services, catalog_runs) == 0
    assert count(services, customers) == 0
    [mail] = deliver(services, smtp)
    assert mail["To"] == "ana@x.nl" and mail["Subject"] == "Please confirm: Invoice copy"
    text = body_of(mail)
    assert "spam.example" not in text  # the visitor's words are not relayed
    link = LINK.search(text)
    assert link, text

    page = client.get(link.group(1))  # opening the link (a mail scanner does) confirms nothing
    assert page.status_code == 200 and 'id="confirm-request"' in page.text
    assert count(services, catalog_runs) == 0
    csrf = CSRF.search(page.text)
    assert csrf
    done = client.post(link.group(1), data={"csrf_token": csrf.group(1)})
    assert done.status_code == 200 and "is taken care of" in done.text
    run = services.helpdesk.catalog_request(held["id"])
    assert (run.status, run.email, run.customer_id is not None) == ("completed", "ana@x.nl", True)
    steps = [t.step for t in services.helpdesk.request_trail(held["id"])]
    assert steps == ["submitted", "confirmed", "completed"]
    [answer] = deliver(services, smtp)
    assert answer["Subject"] == "Invoice Buy cheap pills at spam.example"  # now, to its owner

    again = client.post(link.group(1), data={"csrf_token": csrf.group(1)})
    assert again.status_code == 200 and "is taken care of" in again.text
    token = link.group(1).rsplit("/", 1)[1]
    api = client.post("/api/helpdesk/catalog/confirmations", json={"token": token})
    assert api.json() == {
        "id": held["id"],
        "item": "invoice-copy",
        "status": "completed",
        "case_id": None,
    }
    assert deliver(services, smtp) == [] and count(services, catalog_runs) == 1


def test_links_expire_and_forged_ones_are_refused(
    client: TestClient, services: Services, hclock: FixedClock
) -> None:
    r = client.post(
        "/api/helpdesk/catalog/items/lost-card/requests",
        json={"email": "bo@x.nl", "form": {"card": "1234", "where": "home"}},
    )
    assert r.status_code == 202
    link = LINK.search(outbox_rows(services.engine)[-1].payload["text"])
    assert link
    token = link.group(1).rsplit("/", 1)[1]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    bad = client.post("/api/helpdesk/catalog/confirmations", json={"token": forged})
    assert bad.status_code == 422 and "not valid" in bad.json()["detail"]
    assert client.get(f"/help/catalog/confirm/{forged}").status_code == 422

    hclock.advance(timedelta(hours=24))
    late = client.post("/api/helpdesk/catalog/confirmations", json={"token": token})
    assert late.status_code == 410 and "expired" in late.json()["detail"]
    page = client.get(link.group(1))
    assert page.status_code == 410 and "send the form again" in page.text
    assert count(services, catalog_runs) == 0
    # the hourly job forgets what was never confirmed (and its address)
    [job] = [j for j in services.jobs if j.name == "helpdesk.unconfirmed"]
    now = hclock.now()
    done = job.run(RunContext(job.name, now, 1, now + timedelta(minutes=5)))
    assert done.startswith("1 expired unconfirmed request(s)")
    assert count(services, catalog_unconfirmed) == 0


def test_approval_items_wait_for_approval_once_confirmed(
    client: TestClient, services: Services
) -> None:
    r = client.post(
        "/api/helpdesk/catalog/items/lost-card/requests",
        json={"email": "cy@x.nl", "form": {"card": "9876", "where": "abroad"}},
    )
    link = LINK.search(outbox_rows(services.engine)[-1].payload["text"])
    assert link
    token = link.group(1).rsplit("/", 1)[1]
    done = client.post("/api/helpdesk/catalog/confirmations", json={"token": token})
    assert done.status_code == 200 and done.json()["status"] == "pending_approval"
    assert done.json()["id"] == r.json()["id"]
    assert services.helpdesk.catalog_requests("pending_approval")[0].email == "cy@x.nl"


def test_the_public_page_holds_a_visitors_request_and_limits_it(
    client: TestClient, services: Services
) -> None:
    services.helpdesk.catalog_limits = CatalogLimits(per_client=Bucket(2, timedelta(minutes=30)))
    page = client.get("/help/catalog")
    csrf = CSRF.search(page.text)
    assert csrf
    for n in (1, 2):
        held = client.post(
            "/help/catalog/invoice-copy",
            data={"email": f"v{n}@x.nl", "field:invoice": "F-1", "csrf_token": csrf.group(1)},
        )
        assert held.status_code == 200 and 'id="self-service-held"' in held.text
    refused = client.post(
        "/help/catalog/invoice-copy",
        data={"email": "v3@x.nl", "field:invoice": "F-1", "csrf_token": csrf.group(1)},
    )
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1800"
    assert "too many requests from your network address: try again in 30 minutes" in refused.text
    assert count(services, catalog_runs) == 0 and count(services, catalog_unconfirmed) == 2
    assert len([r for r in outbox_rows(services.engine) if r.kind == "email"]) == 2
    with services.engine.connect() as conn:  # the counters name no address
        keys = [k for (k,) in conn.execute(sa.select(rate_buckets.c.key))]
    assert keys and not any("x.nl" in k or "testclient" in k for k in keys)


def test_limits_per_recipient_hold_across_processes_and_drain(
    services: Services, hclock: FixedClock
) -> None:
    """Two services on one database (two server processes) share the limits."""
    other = build(services.settings, clock=hclock, engine=services.engine).helpdesk
    limits = CatalogLimits(per_address=Bucket(2, timedelta(minutes=20)))
    services.helpdesk.catalog_limits = other.catalog_limits = limits
    services.helpdesk.save_catalog_item(INVOICE)
    form = {"invoice": "F-2"}
    services.helpdesk.hold_request("invoice-copy", "Victim@X.nl", form, "10.0.0.1")
    other.hold_request("invoice-copy", "victim@x.nl", form, "10.0.0.2")
    with pytest.raises(TooManyRequests) as refused:
        services.helpdesk.hold_request("invoice-copy", "victim@x.nl ", form, "10.0.0.3")
    assert refused.value.seconds == 20 * 60 and "for victim@x.nl" in str(refused.value)
    with pytest.raises(TooManyRequests):
        other.hold_request("invoice-copy", "victim@x.nl", form, "10.0.0.4")  # refusals are free
    hclock.advance(timedelta(minutes=20))
    other.hold_request("invoice-copy", "victim@x.nl", form, "10.0.0.5")
    assert count(services, catalog_unconfirmed) == 3


def test_concurrent_submissions_never_pass_a_limit(services: Services, hclock: FixedClock) -> None:
    services.helpdesk.catalog_limits = CatalogLimits(per_client=Bucket(3, timedelta(hours=1)))
    services.helpdesk.save_catalog_item(INVOICE)
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def submit(n: int) -> None:
        start.wait()
        try:
            services.helpdesk.hold_request(
                "invoice-copy", f"p{n}@x.nl", {"invoice": "1"}, "1.2.3.4"
            )
            outcomes.append("held")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["held"] * 3 + ["refused"] * 3
    assert count(services, catalog_unconfirmed) == 3


def test_a_key_without_helpdesk_write_cannot_skip_the_confirmation(
    client: TestClient, services: Services
) -> None:
    reader = AccessService(services.engine, services.clock).create_api_key("r", ["helpdesk:read"])
    body = {"email": "ana@x.nl", "form": {"invoice": "F-3"}}
    url = "/api/helpdesk/catalog/items/invoice-copy/requests"
    r = client.post(url, json=body, headers={"Authorization": f"Bearer {reader.secret}"})
    assert r.status_code == 403
    assert client.post(url, json=body, headers={"X-API-Key": "ocx_bad_key"}).status_code == 401
    missing = client.post(url, json={"form": {"invoice": "F-3"}})
    assert missing.status_code == 422 and "email address is required" in missing.json()["detail"]
    assert count(services, catalog_unconfirmed) == 0 and outbox_rows(services.engine) == []


def test_erasure_deletes_the_persons_held_requests_and_runs_follow_merges(
    client: TestClient, services: Services
) -> None:
    """Held requests name no customer yet: erasure finds them by the person's address (its
    keyed hash, case and accents folded; contacts are sealed in this store); a request held
    before the key existed is found by its address. Confirmed requests follow merges."""
    form = {"invoice": "F-1"}
    mine = services.helpdesk.hold_request("invoice-copy", " Élodie@X.nl", form, "10.0.0.1")
    other = services.helpdesk.hold_request("invoice-copy", "bo@x.nl", form, "10.0.0.2")
    with services.engine.begin() as conn:  # held before migration 0028: no key
        conn.execute(
            catalog_unconfirmed.update()
            .where(catalog_unconfirmed.c.id == other.id)
            .values(email_key=None)
        )
    old = services.helpdesk.hold_request("invoice-copy", "ÉLODIE@x.nl", form, "10.0.0.3")
    with services.engine.begin() as conn:
        conn.execute(
            catalog_unconfirmed.update()
            .where(catalog_unconfirmed.c.id == old.id)
            .values(email_key=None)
        )
        keyed = conn.execute(
            sa.select(catalog_unconfirmed.c.email_key).where(catalog_unconfirmed.c.id == mine.id)
        ).scalar_one()
    assert keyed and "x.nl" not in keyed.lower()
    person = services.helpdesk.submit_request("invoice-copy", "élodie@x.nl", form)
    with services.engine.connect() as conn:
        run = conn.execute(sa.select(catalog_runs).where(catalog_runs.c.id == person.id)).one()
    survivor = services.helpdesk.submit_request("invoice-copy", "bo@x.nl", form)
    with services.engine.connect() as conn:
        bo = conn.execute(
            sa.select(catalog_runs.c.customer_id).where(catalog_runs.c.id == survivor.id)
        ).scalar_one()
    assert run.customer_id and bo and run.customer_id != bo

    merged = services.customers.merge(bo, run.customer_id)
    with services.engine.connect() as conn:
        owners = {
            r.id: r.customer_id
            for r in conn.execute(sa.select(catalog_runs.c.id, catalog_runs.c.customer_id))
        }
    assert owners[person.id] == merged[1] == owners[survivor.id]
    assert merged[0] is not None
    services.customers.unmerge(merged[0])
    with services.engine.connect() as conn:
        back = conn.execute(
            sa.select(catalog_runs.c.customer_id).where(catalog_runs.c.id == person.id)
        ).scalar_one()
    assert back == run.customer_id

    services.customers.erase(run.customer_id)
    with services.engine.connect() as conn:
        held = {r.id for r in conn.execute(sa.select(catalog_unconfirmed.c.id))}
        erased = conn.execute(sa.select(catalog_runs).where(catalog_runs.c.id == person.id)).one()
    assert held == {other.id}  # both of hers gone (keyed and unkeyed), Bo's kept
    assert (erased.email, erased.form) == (None, {})


def test_ipv6_visitors_are_limited_per_network(services: Services) -> None:
    services.helpdesk.catalog_limits = CatalogLimits(per_client=Bucket(2, timedelta(minutes=30)))
    services.helpdesk.save_catalog_item(INVOICE)
    form = {"invoice": "F-1"}
    for n in (1, 2):
        services.helpdesk.hold_request("invoice-copy", f"v{n}@x.nl", form, f"2001:db8:7::{n}")
    with pytest.raises(TooManyRequests):  # another address of the same /64
        services.helpdesk.hold_request("invoice-copy", "v3@x.nl", form, "2001:db8:7:0:a::3")
    services.helpdesk.hold_request("invoice-copy", "v4@x.nl", form, "2001:db8:8::1")
