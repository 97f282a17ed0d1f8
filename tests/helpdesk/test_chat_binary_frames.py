"""A binary frame on a chat socket, customer's or agent's, is answered as any other bad frame:
``{"type": "error", "detail": "send JSON objects (...)"}``, and the socket stays open for the
next text frame. Both stores.

Before, Starlette's ``receive_text`` read the frame's ``text`` key, which a binary frame has not:
a KeyError closed the socket with 1011 and logged a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services, create_app

from .test_chat import _agent

BINARY = "send JSON objects (a binary frame: send JSON as text)"
FRAMES = [b'{"type": "message", "body": "hi"}', b"\xff\x00", b""]


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.mark.parametrize("frame", FRAMES, ids=["json bytes", "not utf-8", "empty"])
def test_the_customer_socket_answers_a_binary_frame_and_stays_open(
    client: TestClient, services: Services, frame: bytes
) -> None:
    started = client.post("/api/helpdesk/chat", json={"name": "Ana", "email": "a@example.org"})
    token = started.json()["token"]
    with client.websocket_connect(f"/api/helpdesk/chat/ws?token={token}") as customer:
        customer.send_bytes(frame)
        assert customer.receive_json() == {"type": "error", "detail": BINARY}
        customer.send_text("not json")  # another bad frame: the same error, the socket open
        assert customer.receive_json() == {"type": "error", "detail": "send JSON objects"}
        customer.send_json({"type": "message", "body": "still here"})
        assert customer.receive_json()["body"] == "still here"
    chat_id = started.json()["chat_id"]
    _, history = services.helpdesk.chat(chat_id)
    assert [m.body for m in history] == ["still here"]  # the binary frame wrote nothing


def test_the_agent_socket_answers_a_binary_frame_and_stays_open(
    client: TestClient, services: Services
) -> None:
    _agent(client, services)
    with client.websocket_connect("/api/helpdesk/chat/agent") as agent:
        assert agent.receive_json() == {"type": "chats", "chats": []}
        agent.send_bytes(json.dumps({"type": "open", "chat_id": "x"}).encode())
        assert agent.receive_json() == {"type": "error", "detail": BINARY}
        agent.send_text("not json")
        assert agent.receive_json() == {"type": "error", "detail": "send JSON objects"}
        started = client.post("/api/helpdesk/chat", json={"name": "Bo", "email": "b@example.org"})
        said = agent.receive_json()  # the socket still serves: the new chat reaches it
        assert (said["type"], said["chat"]["id"]) == ("chat_started", started.json()["chat_id"])
