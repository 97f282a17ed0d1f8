"""Lanes: a hot public endpoint answered before FastAPI's router and dependency injection.

A :class:`Lane` is a raw ASGI handler for one method and path pattern. The :class:`Lanes`
middleware sits inside the request-context and security-header middleware, so the request id,
the access line, the request metrics and the security headers apply exactly as for a route;
a matching request goes straight to its handler. The same endpoint stays declared as a FastAPI
route (OpenAPI, the route-access tests) and shares the handler's logic: the lane only skips the
router's match over every route, the dependency solving and the response classes, which cost
more CPU per request than the endpoint's own work (``bench/responses.py``).

Lanes are registered on ``app.state.lanes`` by the composition root.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Scope, Receive, Send, "re.Match[str]"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Lane:
    """``handle(scope, receive, send, match)`` answers ``method`` requests whose path matches
    ``pattern``; ``path`` is the route template named in the access line and metrics."""

    method: str
    path: str
    pattern: re.Pattern[str]
    handle: Handler


class Lanes:
    """ASGI middleware: requests that a lane on ``app.state.lanes`` matches go to that lane."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            lanes: Iterable[Lane] = getattr(scope["app"].state, "lanes", ())
            for lane in lanes:
                if scope["method"] == lane.method:
                    found = lane.pattern.match(scope["path"])
                    if found is not None:
                        scope["route"] = lane  # the access line names lane.path, as for a route
                        await lane.handle(scope, receive, send, found)
                        return
        await self.app(scope, receive, send)


async def read_body(receive: Receive) -> bytes:
    """The request body, whole."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_json(
    send: Send, status: int, payload: Any, headers: Mapping[str, str] | None = None
) -> None:
    """A JSON answer, as ``JSONResponse`` renders it (compact, UTF-8)."""
    body = json.dumps(
        payload, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
