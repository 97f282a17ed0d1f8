"""A JSON body holding a lone surrogate (``"\\ud800"``: half a UTF-16 pair, which no store,
driver or Arrow array holds) is refused naming the field path it is in, as the other refused
values of an event are named (``data.properties.note: a lone surrogate (\\ud800, half a
UTF-16 pair) is no character``), at its place in the body (not at a pair's half), by every
JSON endpoint of the API, the survey answers, the chat socket and the helpdesk's JSON editors.
Both stores.

Before, the event and loyalty APIs named only a character position, and a position that could
be a valid pair's half; every other route took the string: ``POST /api/helpdesk/cases`` with
one in its subject was a 500, others a 404 or 422 quoting it.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from fastapi import params
from fastapi.routing import APIRoute

from opencx.core import InvalidInput
from opencx.core.text import lone_surrogate_path, surrogate_refused
from opencx.helpdesk.api.chat import _receive
from opencx.helpdesk.pages.catalog import json_definition
from tests.ingest.test_event_api import count, key
from tests.web.test_route_access import _app_routes

RULE = "a lone surrogate (\\u{}, half a UTF-16 pair) is no character"


def event(note: str) -> str:
    return (
        '{"type": "interaction", "source": "shop", "create_missing_customers": true, "data":'
        ' {"external_id": "e1", "customer": "c1", "channel": "web", "kind": "view",'
        ' "occurred_at": "2026-01-01T00:00:00Z", "properties": {"notes": ["ok", ' + note + "]}}}"
    )


# --- where, in document order ----------------------------------------------------------------


def test_the_path_is_of_the_first_string_or_key_holding_one() -> None:
    data = json.loads('{"a": "\\ud83d\\ude00", "b\\udc00": {"c": "\\ud800"}, "d": "\\udfff"}')
    assert lone_surrogate_path(data) == ("b\\udc00", "\udc00")  # the key, before its value
    assert lone_surrogate_path(json.loads('[1, {"k": ["x", "\\udbff"]}]')) == ("[1].k[1]", "\udbff")
    assert lone_surrogate_path(json.loads('"\\ud800"')) == ("", "\ud800")
    assert lone_surrogate_path(json.loads('{"smile": "\\ud83d\\ude00"}')) is None
    deep: object = "\ud800"
    for _ in range(5000):
        deep = [deep]
    assert lone_surrogate_path(deep) == ("[0]" * 5000, "\ud800")


def test_the_place_is_the_lone_half_not_a_pair_s() -> None:
    body = '{"n": "\\ud83d\\ude00 and \\ud83d, \\ude00"}'
    refused = surrogate_refused(body.encode())
    assert refused is not None and refused.msg == "n: " + RULE.format("d83d")
    assert refused.pos == body.index("\\ud83d,")
    low = '{"n": "\\ud83d\\ude00 \\ude00"}'
    refused = surrogate_refused(low.encode())
    assert refused is not None and refused.pos == low.rindex("\\ude00")


def test_a_body_in_utf16_or_with_raw_surrogate_bytes_is_read_as_json_reads_it() -> None:
    utf16 = '{"é": ["\\ud800"]}'.encode("utf-16")
    refused = surrogate_refused(utf16)
    assert refused is not None and refused.msg == "é[0]: " + RULE.format("d800")
    raw = '{"k": "a\udc00"}'.encode("utf-8", "surrogatepass")
    refused = surrogate_refused(raw)
    assert refused is not None and refused.msg == "k: " + RULE.format("dc00") and refused.pos == 8
    assert surrogate_refused(b'{"k": "\\\\ud800 is text, not an escape"}') is None


# --- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "spelled", "code"),
    [
        ('"\\ud800"', "\\ud800", "d800"),
        ('"a\\uDFFFb"', "\\uDFFF", "dfff"),
        ('"\\ud83d\\ude00 \\ud83d"', '\\ud83d"', "d83d"),
    ],
    ids=["high", "low", "after a pair"],
)
def test_an_event_names_the_field_path(client, services, engine, note, spelled, code):
    body = event(note)
    for extra in ({}, {"Idempotency-Key": "k-1"}):
        headers = {**key(services, "events:write"), "Content-Type": "application/json", **extra}
        r = client.post("/api/events", content=body, headers=headers)
        assert r.status_code == 422, r.text
        [error] = r.json()["detail"]
        assert error["type"] == "json_invalid"
        assert error["loc"] == ["body", body.index(spelled)]
        assert error["ctx"]["error"] == "data.properties.notes[1]: " + RULE.format(code)
    assert count(engine, "interactions") == 0


def test_the_loyalty_api_names_the_field_path(client, services):
    headers = {**key(services, "loyalty:admin"), "Content-Type": "application/json"}
    r = client.put("/api/loyalty/program", content=b'{"name": "\\ud800"}', headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["ctx"]["error"] == "name: " + RULE.format("d800")


def test_every_json_endpoint_refuses_one_naming_its_path(client, services, engine):
    routes = []
    for route in _app_routes(client.app):
        if isinstance(route, APIRoute) and route.path.startswith("/api"):
            body = route.body_field
            if body is not None and not isinstance(body.field_info, params.Form):
                path = re.sub(r"\{[^}]*\}", "x", route.path)
                routes += [(method, path) for method in sorted(route.methods)]
    assert ("POST", "/api/helpdesk/cases") in routes and len(routes) > 20
    headers = {**key(services, "*:write", "*:admin"), "Content-Type": "application/json"}
    body = b'{"subject": "\\udc00", "a": 1}'
    for method, path in routes:
        r = client.request(method, path, content=body, headers=headers)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])
        [error] = r.json()["detail"]
        assert error["type"] == "json_invalid" and error["loc"] == [
            "body",
            body.index(b"\\udc00"),
        ], (method, path)
        assert error["ctx"]["error"] == "subject: " + RULE.format("dc00"), (method, path)
    assert count(engine, "cases") == 0


# --- the other readers of JSON -------------------------------------------------------------


def test_the_survey_answers_name_the_field_path(client):
    r = client.post("/r/no-such-token/answers", content=b'{"answers": {"nps": "\\ud800"}}')
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "body is not JSON: answers.nps: " + RULE.format("d800")


def test_a_helpdesk_editor_names_the_field_path():
    with pytest.raises(InvalidInput, match=r"column 14: fields\[0\]: a lone surrogate"):
        json_definition('{"fields": ["\\ud800"]}', "an item")


class _Socket:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sent: list[Any] = []

    async def receive(self) -> dict[str, Any]:  # a text frame, as Starlette hands it over
        return {"type": "websocket.receive", "text": self.text}

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))


def test_the_chat_socket_names_the_field_path():
    socket = _Socket('{"type": "message", "body": "\\ud800"}')
    assert asyncio.run(_receive(socket)) == {}  # type: ignore[arg-type]
    [said] = socket.sent
    assert said == {"type": "error", "detail": f"send JSON objects (body: {RULE.format('d800')})"}
