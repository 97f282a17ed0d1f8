"""The helpdesk through its edges on the real app: API with scoped keys, the agent console with
CSRF-protected forms, the SLA dashboard, the public contact form, and the SMTP mailbox."""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core import FixedClock
from opencx.helpdesk.cli import mailbox_controller

from .conftest import H, configure_demo_desk, outbox_rows

PASSWORD = "correct-horse-9"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _key(services: Services, *scopes: str) -> dict[str, str]:
    issued = AccessService(services.engine, services.clock).create_api_key("k", list(scopes))
    return {"Authorization": f"Bearer {issued.secret}"}


def _log_in(client: TestClient, services: Services, role: str = "agent") -> None:
    AccessService(services.engine, services.clock).create_user(
        "cy@shop.nl", role=role, password=PASSWORD, name="Cy"
    )
    token = CSRF.search(client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={
            "email": "cy@shop.nl",
            "password": PASSWORD,
            "next": "/helpdesk",
            "csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_api_opens_and_works_a_case_with_scopes(client: TestClient, services: Services) -> None:
    configure_demo_desk(services)
    reader, writer = _key(services, "helpdesk:read"), _key(services, "helpdesk:*")
    body = {
        "channel": "phone",
        "subject": "Card lost",
        "body": "Logged by phone",
        "phone": "+31612345678",
        "category": "billing",
        "priority": "urgent",
    }
    assert client.post("/api/helpdesk/cases", json=body, headers=reader).status_code == 403
    r = client.post("/api/helpdesk/cases", json=body, headers=writer)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["queue"] == "billing" and case["assignee"] == "ann@shop.nl" and case["customer_id"]
    r = client.post(
        f"/api/helpdesk/cases/{case['id']}/replies",
        json={"body": "Blocked it", "status": "resolved"},
        headers=writer,
    )
    assert r.status_code == 201 and r.json()["actor"] == "api:k"
    detail = client.get(f"/api/helpdesk/cases/{case['id']}", headers=reader).json()
    assert detail["status"] == "resolved" and [e["kind"] for e in detail["events"]][:2] == [
        "message_in",
        "assignment",
    ]
    assert {t["target"] for t in detail["sla"]} == {"first_response", "resolution"}
    r = client.post(
        f"/api/helpdesk/cases/{case['id']}/status", json={"status": "pending"}, headers=writer
    )
    assert r.status_code == 422 and "pending" in r.json()["detail"]
    assert client.get("/api/helpdesk/cases/nope", headers=reader).status_code == 404
    listed = client.get("/api/helpdesk/cases?status=resolved", headers=reader).json()
    assert [c["id"] for c in listed] == [case["id"]]


def test_agent_console_replies_notes_and_dashboard(
    client: TestClient, services: Services, hclock: FixedClock
) -> None:
    configure_demo_desk(services)
    assert client.get("/helpdesk", follow_redirects=False).status_code == 303  # login first
    token = CSRF.search(client.get("/help").text)
    assert token
    r = client.post(
        "/help",
        data={
            "email": "ana@example.org",
            "subject": "<b>Refund</b>",
            "message": "Please",
            "csrf_token": token.group(1),
        },
    )
    assert r.status_code == 200 and 'id="contact-sent"' in r.text
    case_id = re.search(r"<code>([0-9a-f]{26})</code>", r.text).group(1)  # type: ignore[union-attr]
    _log_in(client, services)
    page = client.get("/helpdesk").text
    assert "&lt;b&gt;Refund&lt;/b&gt;" in page and "<b>Refund</b>" not in page
    console = client.get(f"/helpdesk/cases/{case_id}").text
    token = CSRF.search(console)
    assert token and "Take this case" in console
    hclock.advance(H / 4)  # the agent answers a quarter of an hour later (within the idle limit)
    r = client.post(
        f"/helpdesk/cases/{case_id}/note",
        data={"body": "VIP", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"/helpdesk/cases/{case_id}/reply",
        data={"body": "Refunded", "status": "resolved", "csrf_token": token.group(1)},
    )
    assert r.status_code == 200 and 'id="case-status">resolved' in r.text
    forged = client.post(
        f"/helpdesk/cases/{case_id}/note", data={"body": "x", "csrf_token": "0" * 32}
    )
    assert forged.status_code == 403
    assert [row.payload["to"] for row in outbox_rows(services.engine)] == ["ana@example.org"]
    dash = client.get("/helpdesk/sla").text
    assert 'id="kpi-cases">1<' in dash and 'id="kpi-attainment">100.0 %<' in dash
    assert 'id="csat-case_agent"' not in dash  # CSAT per agent is a metric: not for agents


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_mail_to_the_mailbox_opens_a_case_and_a_reply_lands_on_it(
    services: Services, engine: Engine
) -> None:
    configure_demo_desk(services)
    port = _free_port()
    controller = mailbox_controller(services.helpdesk, "127.0.0.1", port)
    controller.start()
    try:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = (
            "Ana <ana@example.org>",
            "help@shop.nl",
            "Broken kettle",
        )
        msg.set_content("It leaks.")
        msg.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="leak.png")
        msg["Message-ID"], msg["Content-Language"] = "<m1@example.org>", "nl"
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(msg)
        [case] = services.helpdesk.cases()
        assert (case.channel, case.queue, case.subject) == ("email", "support", "Broken kettle")
        services.helpdesk.reply(
            case.id, "cy@shop.nl", body="Send it back", status="pending_customer"
        )
        out = outbox_rows(engine)[-1].payload
        answer = EmailMessage()
        answer["From"], answer["To"], answer["Subject"] = (
            "ana@example.org",
            "help@shop.nl",
            "Re: " + out["subject"],
        )
        answer.set_content("Sent it.")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(answer)
            smtp.send_message(msg)  # the same message again: no second case
    finally:
        controller.stop()
    [again] = services.helpdesk.cases()
    view = services.helpdesk.case(case.id)
    assert again.id == case.id and view.case.status == "open"
    assert [e.body.strip() for e in view.events if e.kind == "message_in"] == [
        "It leaks.",
        "Sent it.",
    ]
    assert [a.name for a in view.attachments] == ["leak.png"]
