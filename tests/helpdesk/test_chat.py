"""Live chat over real WebSockets (Starlette's test client): customer and agent sockets, typing
and read state, hand-off to a case with the transcript, tokens, offline fallback to email."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from opencx.access.service import AccessService
from opencx.app import Services, create_app
from opencx.core.ids import new_id
from opencx.helpdesk.domain.chat import ChatPost

from .conftest import outbox_rows

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _agent(client: TestClient, services: Services) -> None:
    AccessService(services.engine, services.clock).create_user(
        "cy@shop.nl", role="agent", password="pw-123456789"
    )
    token = CSRF.search(client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={
            "email": "cy@shop.nl",
            "password": "pw-123456789",
            "next": "/helpdesk",
            "csrf_token": token.group(1),
        },
    )


def test_customer_and_agent_chat_then_hand_off_to_a_case(
    client: TestClient, services: Services
) -> None:
    _agent(client, services)
    with client.websocket_connect("/api/helpdesk/chat/agent") as agent:
        assert agent.receive_json() == {"type": "chats", "chats": []}
        started = client.post(
            "/api/helpdesk/chat", json={"name": "Ana", "email": "ana@example.org"}
        ).json()
        assert started["online"] is True
        assert agent.receive_json()["type"] == "chat_started"
        with client.websocket_connect(
            f"/api/helpdesk/chat/ws?token={started['token']}"
        ) as customer:
            customer.send_json({"type": "message", "body": "My order is late"})
            assert customer.receive_json()["body"] == "My order is late"
            said = agent.receive_json()
            assert (said["type"], said["sender"], said["chat_id"]) == (
                "message",
                "customer",
                started["chat_id"],
            )
            customer.send_json({"type": "typing"})
            assert agent.receive_json() == {
                "type": "typing",
                "chat_id": started["chat_id"],
                "sender": "customer",
                "upto": None,
            }
            agent.send_json(
                {"type": "message", "chat_id": started["chat_id"], "body": "Checking now"}
            )
            reply = customer.receive_json()
            assert (reply["sender"], reply["author"], reply["body"]) == (
                "agent",
                "cy@shop.nl",
                "Checking now",
            )
            agent.receive_json()  # the agent's own message, echoed
            customer.send_json({"type": "read", "upto": reply["id"]})
            assert agent.receive_json()["type"] == "read"
            agent.send_json({"type": "handoff", "chat_id": started["chat_id"]})
            ended = customer.receive_json()
            assert ended["type"] == "ended" and ended["how"] == "handoff"
    view = services.helpdesk.case(ended["case_id"])
    assert (
        view.case.channel == "chat"
        and view.case.status == "open"
        and view.case.assignee == "cy@shop.nl"
    )
    assert [(e.kind, e.body) for e in view.events if e.kind.startswith("message")] == [
        ("message_in", "My order is late"),
        ("message_out", "Checking now"),
    ]
    assert view.case.first_response_at is not None
    page = client.get(f"/helpdesk/cases/{view.case.id}")  # no SLA policy: wall clock only
    assert page.status_code == 200 and "h wall" in page.text and "h business" not in page.text


def test_forged_tokens_and_anonymous_agents_are_refused(client: TestClient) -> None:
    started = client.post("/api/helpdesk/chat", json={"email": "ana@example.org"}).json()
    assert started["online"] is False
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect(
            f"/api/helpdesk/chat/ws?token={started['chat_id']}.{'0' * 32}"
        ) as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 4403
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/api/helpdesk/chat/agent") as ws,
    ):
        ws.receive_json()


def test_offline_message_becomes_a_case_answered_by_email(
    client: TestClient, services: Services
) -> None:
    r = client.post(
        "/api/helpdesk/chat/offline",
        json={"name": "Ana", "email": "ana@example.org", "body": "Call me"},
    )
    assert r.status_code == 201
    case_id = r.json()["case_id"]
    services.helpdesk.reply(case_id, "cy@shop.nl", body="We will")
    assert outbox_rows(services.engine)[-1].payload["to"] == "ana@example.org"


def test_chats_follow_merges_and_their_undo_and_erasure_blanks_them(
    client: TestClient, services: Services
) -> None:
    from opencx.customers.domain import CustomerErased
    from opencx.customers.service import merge

    started = client.post(
        "/api/helpdesk/chat", json={"name": "Ana", "email": "ana@example.org"}
    ).json()
    services.helpdesk.chat_post(started["chat_id"], "customer", None, "my address is Main St 1")
    chat, _ = services.helpdesk.chat(started["chat_id"])
    other = client.post("/api/helpdesk/chat", json={"name": "Bo", "email": "bo@example.org"}).json()
    survivor = services.helpdesk.chat(other["chat_id"])[0].customer_id
    assert survivor is not None and chat.customer_id is not None
    with services.engine.begin() as conn:
        merge_id = merge(
            conn, survivor, chat.customer_id, "manual", now=services.clock.now(), bus=services.bus
        )
    assert merge_id is not None
    moved, _ = services.helpdesk.chat(started["chat_id"])
    assert moved.customer_id == survivor
    services.customers.unmerge(merge_id)  # only the chat the merge moved goes back
    back, _ = services.helpdesk.chat(started["chat_id"])
    assert back.customer_id == chat.customer_id
    assert services.helpdesk.chat(other["chat_id"])[0].customer_id == survivor
    with services.engine.begin() as conn:
        services.bus.publish(CustomerErased((back.customer_id,)), conn)
    erased, messages = services.helpdesk.chat(started["chat_id"])
    assert (erased.name, erased.email, [m.body for m in messages]) == (None, None, [None])


def test_an_agent_connecting_first_after_a_start_gets_no_old_message_as_new(
    client: TestClient, services: Services
) -> None:
    """The first socket makes the process follow the store; messages stored before that are in
    the chats' history, never pushed as if just said (a chat long ended showed up as waiting)."""
    chat, _ = services.helpdesk.start_chat("Ana", None, None)
    services.helpdesk.chat_post_many([ChatPost(new_id(), chat.id, "customer", None, "old")])
    _agent(client, services)
    with client.websocket_connect("/api/helpdesk/chat/agent") as agent:
        assert agent.receive_json()["type"] == "chats"
        services.helpdesk.chat_post_many([ChatPost(new_id(), chat.id, "customer", None, "new")])
        said = agent.receive_json()
        assert (said["type"], said["body"]) == ("message", "new")
