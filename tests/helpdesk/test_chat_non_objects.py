"""A text frame of JSON that is no object (``[1]``, ``"x"``, ``3``, ``null``, ``true``) on a
chat socket, customer's or agent's, is answered as any other bad frame: ``{"type": "error",
"detail": "send JSON objects (not an array)"}``, and the socket stays open for the next
frame. Both stores.

Before, such a frame was read as an empty object: nothing answered it, so a client that sent
a list of messages, or a bare string, was never told it had been dropped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services, create_app

from .test_chat import _agent

FRAMES = [
    ('[{"type": "message", "body": "hi"}]', "an array"),
    ('"hello"', "a string"),
    ("3", "a number"),
    ("2.5", "a number"),
    ("null", "null"),
    ("true", "true or false"),
]


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.mark.parametrize(("frame", "kind"), FRAMES, ids=[f for f, _ in FRAMES])
def test_the_customer_socket_answers_a_frame_that_is_no_object_and_stays_open(
    client: TestClient, services: Services, frame: str, kind: str
) -> None:
    started = client.post("/api/helpdesk/chat", json={"name": "Ana", "email": "a@example.org"})
    token = started.json()["token"]
    with client.websocket_connect(f"/api/helpdesk/chat/ws?token={token}") as customer:
        customer.send_text(frame)
        customer.send_json({"type": "message", "body": "still here"})  # answered after it
        assert customer.receive_json() == {
            "type": "error",
            "detail": f"send JSON objects (not {kind})",
        }
        assert customer.receive_json()["body"] == "still here"
    _, history = services.helpdesk.chat(started.json()["chat_id"])
    assert [m.body for m in history] == ["still here"]  # the frame wrote nothing


def test_the_agent_socket_answers_a_frame_that_is_no_object_and_stays_open(
    client: TestClient, services: Services
) -> None:
    _agent(client, services)
    with client.websocket_connect("/api/helpdesk/chat/agent") as agent:
        assert agent.receive_json() == {"type": "chats", "chats": []}
        agent.send_text('["open", "x"]')
        started = client.post("/api/helpdesk/chat", json={"name": "Bo", "email": "b@example.org"})
        said = agent.receive_json()
        assert said == {"type": "error", "detail": "send JSON objects (not an array)"}, said
        said = agent.receive_json()  # the socket still serves: the new chat reaches it
        assert (said["type"], said["chat"]["id"]) == ("chat_started", started.json()["chat_id"])
