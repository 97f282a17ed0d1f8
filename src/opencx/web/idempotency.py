"""``Idempotency-Key`` on API writes: a retry gets the first answer, never a second effect.

As Stripe does it (and the IETF draft ``draft-ietf-httpapi-idempotency-key-header``): a client
sends ``Idempotency-Key: <unique string>`` with a write; the first request with that key runs
and its answer (status, media type, body, 4xx problems included) is kept for
:data:`~opencx.web.store.KEEP`; a retry with the same key and the same request gets that answer
again with ``Idempotent-Replayed: true`` and changes nothing; the same key with a different
request is ``422``. Keys are scoped to the caller (API key or user), so two callers never
collide. Two requests with one key at the same moment: one runs, the other waits for its
answer (up to :data:`WAIT` seconds, then ``409`` with ``Retry-After``). A request that fails
with a server error keeps no answer, so its retry runs again.

A route uses it in one line::

    def post_event(body: EventIn, principal: Writer, idem: IdempotencyDep) -> Response:
        return idem.respond(principal, lambda: make_it(body).model_dump(mode="json"), 201)

Slices with an idempotency key of their own in a ledger (loyalty) take the caller-scoped key
from :func:`scoped_key`, so both share the header and its rules.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, CustomerErased, InvalidInput, OpenCXError
from opencx.web import store
from opencx.web.auth import Principal
from opencx.web.errors import problem, status_for
from opencx.web.exact_json import exact_json

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY = 200
WAIT = 10.0  # seconds a duplicate waits for the first request's answer
CLAIM = timedelta(seconds=120)  # a first request that stopped answering is taken over after

KeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        description="A unique string per write (1-200 printable characters): a retry with "
        "the same key gets the first answer and changes nothing",
    ),
]


def check_key(key: str) -> str:
    """The key itself, or InvalidInput naming the rule."""
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(f"header {HEADER}: 1 to {MAX_KEY} printable characters")
    return key


def scoped_key(principal: Principal, key: str | None) -> str:
    """A required key scoped to its caller (``api:<kind>:<id>:<key>``), for a slice that keeps
    its own idempotency keys (the loyalty ledger)."""
    if key is None:
        raise InvalidInput(f"header {HEADER}: required on writes, 1 to {MAX_KEY} characters")
    return f"api:{principal.kind}:{principal.id}:{check_key(key)}"


def request_digest(method: str, target: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and query, and the body (a JSON body
    compared as data, so key order and spacing do not matter; its numbers as the routes read
    them, exactly: ``1.00004999999999999999`` and ``1.00005`` differ, ``0.10`` and ``0.1`` do
    not; an object spelling a number's tag, ``{"$number": ...}``, is not that number)."""
    try:
        data = exact_json(body)
        if b"$" in body or b"u0024" in body:  # a key may begin with "$", or spell it \u0024
            _escape_keys(data)
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=_number)
        payload = canonical.encode()
    except ValueError:
        payload = body
    h = hashlib.sha256(f"{method} {target}\n".encode())
    h.update(payload)
    return h.hexdigest()


def _escape_keys(data: Any) -> None:
    """One more ``$`` before each object key of ``data`` that begins with one (``$number`` is
    ``$$number``), so no object of a body reads as the tag :func:`_number` gives a number:
    ``{"$number": "100004999999999999999e-20"}`` digested as ``1.00004999999999999999``, and
    the one body was answered with the other's answer. A body with no such key digests as
    before. Walked without recursion (a body may nest thousands deep)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if any(key.startswith("$") for key in item):
                renamed = {f"${k}" if k.startswith("$") else k: v for k, v in item.items()}
                item.clear()
                item.update(renamed)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _number(value: object) -> float | dict[str, str]:
    """A JSON number read as a Decimal, in one form per value: the float it was before when
    that float is the number itself (``0.1``, ``0.10``: so a digest stored before reads the
    same), else its digits without trailing zeros and its exponent, tagged so no string or
    float equals it (``1.00004999999999999999``: ``100004999999999999999e-20``)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{type(value).__name__} is not JSON")
    near = float(value)
    if Decimal(repr(near)) == value:
        return near
    sign, digits, exponent = value.as_tuple()
    kept = "".join(map(str, digits)).rstrip("0") or "0"
    exponent = int(exponent) + len(digits) - len(kept)
    return {"$number": f"{'-' if sign else ''}{kept}e{exponent}"}


class Idempotency:
    """One request's key (or none) and the means to claim, answer or replay it."""

    def __init__(self, engine: Engine, clock: Clock, key: str | None, digest: str) -> None:
        self.engine, self.clock = engine, clock
        self.key = None if key is None else check_key(key)
        self.digest = digest

    def respond(
        self, principal: Principal, produce: Callable[[], Any], status_code: int = 200
    ) -> Response:
        """``produce()`` (JSON-able content) answered with ``status_code``, once per key."""
        if self.key is None:
            return JSONResponse(produce(), status_code=status_code)
        caller = f"{principal.kind}:{principal.id}"[:120]
        earlier = self._claim(caller)
        if earlier is not None:
            return earlier
        try:
            response: Response = JSONResponse(produce(), status_code=status_code)
        except OpenCXError as exc:  # a 4xx is an answer too: the same request gets it again
            response = problem(status_for(exc), str(exc))
        except BaseException:
            with self.engine.begin() as conn:
                store.release(conn, caller, self.key)
            raise
        with self.engine.begin() as conn:
            store.answer(
                conn,
                caller,
                self.key,
                status_code=response.status_code,
                media_type=response.media_type or "application/json",
                body=bytes(response.body).decode(),
            )
        return response

    def _claim(self, caller: str) -> Response | None:
        """None when this request is the key's first (it runs); else the answer to send."""
        assert self.key is not None
        give_up = time.monotonic() + WAIT
        while True:
            now = self.clock.now()
            with self.engine.begin() as conn:
                if store.claim(conn, caller, self.key, self.digest, now=now, until=now + CLAIM):
                    store.purge(conn, now - store.KEEP)
                    return None
                found = store.find(conn, caller, self.key)
                if found is not None and found.request_digest != self.digest:
                    return problem(
                        422,
                        f"header {HEADER}: {self.key!r} was used with a different request; "
                        "use a new key for a new request",
                    )
                if found is not None and found.status_code is not None:
                    return Response(
                        found.body,
                        status_code=found.status_code,
                        media_type=found.media_type,
                        headers={REPLAYED: "true"},
                    )
                if found is not None and store.take_over(
                    conn, caller, self.key, self.digest, now=now, until=now + CLAIM
                ):
                    return None
            if time.monotonic() > give_up:
                return problem(
                    409,
                    f"header {HEADER}: a request with key {self.key!r} is still running; "
                    "retry after it",
                    headers={"Retry-After": "1"},
                )
            time.sleep(0.02)


async def idempotency(request: Request, key: KeyHeader = None) -> Idempotency:
    """The dependency: the request's key and digest, with the application's store."""
    services = request.app.state.services
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    digest = request_digest(request.method, target, await request.body())
    return Idempotency(services.engine, services.clock, key, digest)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]


def on_customer_erased(event: CustomerErased, conn: Connection) -> None:
    """A person was erased: their values leave every API answer kept for replay (handler
    wired in ``opencx.app``, run in the erasing transaction)."""
    store.redact_bodies(conn, event.personal)
