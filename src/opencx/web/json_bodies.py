"""JSON bodies of the API that no route can take are refused before any route, dependency or
digest reads them, as FastAPI refuses a malformed body (a 422 ``json_invalid`` at the place,
its message naming the path to it): one nested past ``core.text.MAX_JSON_DEPTH``, which
``json`` would recurse into until Python stopped it, and one holding a lone surrogate
(``"\\ud800"``), which no store, driver or Arrow array can hold."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencx.core.text import MAX_JSON_DEPTH, nested_too_deep, surrogate_refused
from opencx.web.errors import json_invalid

__all__ = ["JsonBodies"]


def _json_api_body(scope: Scope) -> bool:
    """An API request whose body FastAPI reads as JSON (``application/json`` or ``+json``)."""
    path = scope["path"]
    if not (path == "/api" or path.startswith("/api/")):
        return False
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind.startswith(b"application/") and (
                kind == b"application/json" or kind.endswith(b"+json")
            )
    return False


class JsonBodies:
    """ASGI middleware: reads an API request's JSON body first; one nested more than
    :data:`~opencx.core.text.MAX_JSON_DEPTH` deep or holding a lone surrogate is answered 422
    there, any other goes on to the app as it came. Costs a count of brackets and a search of
    the bytes for a surrogate's escape: some 3 us for an event."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _json_api_body(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        opened = 0  # brackets of the body so far: past the bound, the body is looked at
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            opened += chunk.count(b"[") + chunk.count(b"{")
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        refused = nested_too_deep(body) if opened > MAX_JSON_DEPTH else None
        refused = refused or surrogate_refused(body)
        if refused is not None:
            response = await json_invalid(Request(scope), refused)
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
