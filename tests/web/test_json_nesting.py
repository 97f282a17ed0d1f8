"""A JSON body whose arrays and objects nest more than ``core.text.MAX_JSON_DEPTH`` (800) deep
is refused by every JSON endpoint as a malformed body is: the API's 422 ``json_invalid`` at
the place, its message naming the path to it and the bound; the survey answers' lane, the chat
socket and the helpdesk's JSON editors say the same in their own shape. Both stores.

Before, ``json`` recursed into such a body until Python's recursion limit stopped it, at a
depth that moved with the call stack: near 950 levels every API route answered 400 'There was
an error parsing the body' (naming nothing), ``POST /api/events`` 500 (its Idempotency-Key
digest read the body first), the survey answers' lane 500 'internal error', and the socket and
editors failed with a RecursionError.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from fastapi import params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from opencx.core import InvalidInput
from opencx.core.text import MAX_JSON_DEPTH, nested_too_deep
from opencx.helpdesk.api.chat import _receive
from opencx.helpdesk.pages.catalog import json_definition
from tests.ingest.test_event_api import count, key
from tests.web.test_route_access import _app_routes

RULE = "arrays and objects nested more than 800 levels deep (at most 800 are read)"


def nested(levels: int, inner: str = "1") -> str:
    return "[" * levels + inner + "]" * levels


def event(properties: str) -> str:
    """An interaction event whose ``properties`` is ``properties`` (3 levels of the body
    enclose it: the body, ``data`` and ``properties``)."""
    return (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data":'
        ' {"external_id": "e1", "customer": "c1", "channel": "web", "kind": "view",'
        ' "occurred_at": "2026-01-01T00:00:00Z", "properties": {"x": ' + properties + "}}}"
    )


# --- the bound, found without recursion ----------------------------------------------------


D = MAX_JSON_DEPTH
DEEPER = D + 100  # a depth past the bound


def test_800_levels_read_and_801_are_refused_at_the_opening_bracket() -> None:
    assert D == 800
    assert nested_too_deep(nested(D)) is None
    assert nested_too_deep(nested(D).encode()) is None
    text = "[" * (D + 1) + "]" * (D + 1)
    refused = nested_too_deep(text.encode())
    assert refused is not None and refused.pos == D
    assert refused.msg == "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]...: " + RULE


def test_the_path_names_the_field_and_brackets_in_strings_do_not_count() -> None:
    body = '{"s": "[[[[\\"]]]]", "t": "' + "[" * 2000 + '", "k": {"v": ' + nested(DEEPER) + "}}"
    refused = nested_too_deep(body.encode())
    assert refused is not None
    assert refused.pos == body.index('"v": ') + 5 + D - 2  # level D + 1: the body, k, D - 1 [
    assert refused.msg.startswith("k.v[0][0]") and refused.msg.endswith("...: " + RULE)
    assert nested_too_deep('["' + "]" * 2000 + '", ' + nested(D - 1) + "]") is None


def test_a_utf16_body_is_measured_as_json_reads_it() -> None:
    body = ('{"é": ' + nested(DEEPER) + "}").encode("utf-16")
    refused = nested_too_deep(body)
    assert refused is not None and refused.msg.startswith("é[0]")
    assert refused.pos == 6 + D - 1  # in the text json reads, not in the bytes


def test_text_that_is_no_json_before_the_place_is_refused_by_its_position() -> None:
    refused = nested_too_deep("{1: " + nested(DEEPER) + "}")
    assert refused is not None and refused.msg == RULE and refused.pos == 4 + D - 1


# --- every JSON endpoint of the API --------------------------------------------------------


def json_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every API route that reads a JSON body, path parameters as 'x'."""
    out = []
    for route in _app_routes(client.app):  # type: ignore[arg-type]
        if not isinstance(route, APIRoute) or not route.path.startswith("/api"):
            continue
        body = route.body_field
        if body is None or isinstance(body.field_info, params.Form):
            continue
        path = re.sub(r"\{[^}]*\}", "x", route.path)
        out += [(method, path) for method in sorted(route.methods)]
    return out


@pytest.mark.parametrize("levels", [801, 950, 5000, 100_000])
def test_every_json_endpoint_refuses_a_body_nested_too_deep(client, services, engine, levels):
    routes = json_routes(client)
    assert ("POST", "/api/events") in routes and ("PUT", "/api/loyalty/program") in routes
    assert len(routes) > 20
    headers = {**key(services, "events:write"), "Content-Type": "application/json"}
    body = '{"a": ' + nested(levels - 1) + "}"
    for method, path in routes:
        r = client.request(method, path, content=body, headers=headers)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])
        [error] = r.json()["detail"]
        assert error["type"] == "json_invalid", (method, path)
        assert error["loc"] == ["body", 6 + D - 1], (method, path)
        assert error["ctx"]["error"].endswith("...: " + RULE), (method, path)
        assert error["ctx"]["error"].startswith("a[0][0]"), (method, path)


def test_an_event_nested_too_deep_is_refused_with_its_key_and_nothing_is_written(
    client, services, engine
):
    body = event(nested(DEEPER))
    for extra in ({}, {"Idempotency-Key": "k-1"}):
        headers = {**key(services, "events:write"), "Content-Type": "application/json", **extra}
        r = client.post("/api/events", content=body, headers=headers)
        assert r.status_code == 422, r.text[:300]
        [error] = r.json()["detail"]
        assert error["loc"] == ["body", body.index("[") + MAX_JSON_DEPTH - 3]
        assert error["ctx"]["error"].startswith("data.properties.x[0][0]")
        # sent as another type, the digest of its key and the route read it as bytes
        text_plain = {**headers, "Content-Type": "text/plain"}
        r = client.post("/api/events", content=body, headers=text_plain)
        assert r.status_code == 422, r.text[:300]
    assert count(engine, "interactions") == 0


def test_an_event_nested_to_the_bound_is_read(client, services, engine):
    """Read to the body's bound: its properties, nested past a stored field's bound
    (``core.text.MAX_FIELD_DEPTH``), are then refused as that field, not as the body."""
    from opencx.ingest.domain.validation.values import FIELD_TOO_DEEP

    body = event(nested(MAX_JSON_DEPTH - 4))  # the body, data, properties and x's levels
    headers = {**key(services, "events:write"), "Content-Type": "application/json"}
    r = client.post("/api/events", content=body, headers={**headers, "Idempotency-Key": "k"})
    assert r.status_code == 422, r.text[:300]
    assert f"data.properties: {FIELD_TOO_DEEP}" in r.json()["detail"]
    assert count(engine, "interactions") == 0


# --- the other readers of JSON -------------------------------------------------------------


def test_the_survey_answers_lane_says_the_body_is_nested_too_deep(client):
    r = client.post("/r/no-such-token/answers", content='{"answers": ' + nested(DEEPER) + "}")
    assert r.status_code == 422, r.text[:300]
    assert r.json()["error"].startswith("body is not JSON: answers[0][0]")
    assert r.json()["error"].endswith(RULE)


def test_a_helpdesk_editor_says_the_definition_is_nested_too_deep():
    with pytest.raises(
        InvalidInput, match=r"the definition is not JSON: line 1, column 806: a\[0\]\[0\]"
    ):
        json_definition('{"a": ' + nested(DEEPER) + "}", "an item")


class _Socket:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sent: list[Any] = []

    async def receive(self) -> dict[str, Any]:  # a text frame, as Starlette hands it over
        return {"type": "websocket.receive", "text": self.text}

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))


def test_the_chat_socket_says_a_message_is_nested_too_deep():
    socket = _Socket('{"a": ' + nested(DEEPER) + "}")
    assert asyncio.run(_receive(socket)) == {}  # type: ignore[arg-type]
    [said] = socket.sent
    assert said["type"] == "error" and said["detail"].startswith("send JSON objects (a[0][0]")
