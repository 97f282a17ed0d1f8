"""Lanes: a hot public endpoint answered before FastAPI's router and dependency injection.

A :class:`Lane` is a raw ASGI handler for one method and path pattern. The :class:`Lanes`
middleware sits inside the request-context and security-header middleware, so the request id,
the access line, the request metrics and the security headers apply exactly as for a route;
a matching request goes straight to its handler. The same endpoint stays declared as a FastAPI
route (OpenAPI, the route-access tests) and shares the handler's logic: the lane only skips the
router's match over every route, the dependency solving and the response classes, which cost
more CPU per request than the endpoint's own work (``bench/responses.py``).

Lanes are registered on ``app.state.lanes`` by the composition root. What FastAPI's exception
handlers would do for a route, :class:`Lanes` does for a lane: a body over :data:`MAX_BODY` is
413, an unexpected error is logged and answered 500 in JSON, both with the lane's own headers
(the widget's CORS header, so the browser lets the page read the error).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import queue
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Scope, Receive, Send, "re.Match[str]"], Awaitable[None]]
T = TypeVar("T")
Jobs = queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[[], Any]]]
MAX_BODY = 1 << 20  # a lane's request body, whole (a survey's answers are a few KB)
log = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    """A lane's request body is over :data:`MAX_BODY`."""


@dataclass(frozen=True, slots=True)
class Lane:
    """``handle(scope, receive, send, match)`` answers ``method`` requests whose path matches
    ``pattern``; ``path`` is the route template named in the access line and metrics;
    ``headers`` go on the lane's error answers too."""

    method: str
    path: str
    pattern: re.Pattern[str]
    handle: Handler
    headers: Mapping[str, str] = field(default_factory=dict)


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
                        await _answer(lane, scope, receive, send, found)
                        return
        await self.app(scope, receive, send)


async def _answer(
    lane: Lane, scope: Scope, receive: Receive, send: Send, found: re.Match[str]
) -> None:
    started = False

    async def sending(message: Any) -> None:
        nonlocal started
        started = True
        await send(message)

    try:
        await lane.handle(scope, receive, sending, found)
    except BodyTooLarge:
        if not started:
            error = f"the request body is over {MAX_BODY:,} bytes"
            await send_json(send, 413, {"error": error}, lane.headers)
    except Exception:
        log.exception("%s %s failed", lane.method, lane.path)
        if not started:
            await send_json(send, 500, {"error": "internal error; try again"}, lane.headers)
        else:
            raise


async def read_body(receive: Receive, limit: int = MAX_BODY) -> bytes:
    """The request body, whole; :class:`BodyTooLarge` past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(size)
        chunks.append(chunk)
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


class Threads:
    """Threads of their own for a lane's blocking unit of work (a database transaction).

    ``await threads.run(fn)`` runs ``fn()`` on one of ``count`` threads and gives its result
    or raises its exception. What ``loop.run_in_executor`` does, with less per call: one queue
    put and one ``call_soon_threadsafe`` back, no ``concurrent.futures.Future`` (a lock and a
    condition) chained to an asyncio one. Threads start on the first call, in the process
    that serves (after a fork), and stay; they are daemons, so they never hold up an exit
    (the server waits for the requests in flight first).
    """

    def __init__(self, count: int, name: str) -> None:
        self.count = count
        self.name = name
        self._jobs: Jobs = queue.SimpleQueue()
        self._pid = 0  # the process whose threads run (a forked child starts its own)
        self._lock = threading.Lock()

    def run(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        if self._pid != os.getpid():
            self._start()
        self._jobs.put((loop, done, fn))
        return done

    def _start(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                self._jobs = queue.SimpleQueue()
                for n in range(self.count):
                    thread = threading.Thread(
                        target=self._serve, args=(self._jobs,), name=f"{self.name}-{n}"
                    )
                    thread.daemon = True
                    thread.start()
                self._pid = os.getpid()

    @staticmethod
    def _serve(jobs: Jobs) -> None:
        while True:
            loop, done, fn = jobs.get()
            if done.cancelled():  # the request went away while queued: its work is not done
                continue
            try:
                result, error = fn(), None
            except BaseException as exc:  # handed to the awaiting request, as an executor does
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, done, result, error)


def _settle(done: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)
