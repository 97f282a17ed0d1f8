"""Per-request plumbing: a request id on every log line, one access line, Prometheus counters,
and the origin (principal, client address, request id) of any privileged act the request does.

The request id is the caller's ``X-Request-ID`` when it is a short token (a proxy's), else a new
one; it is echoed in the response. The access line names the route *template*
(``/customers/{customer_id}``), never the query string, and the principal by id only.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencx.core.audit import Origin, acting
from opencx.ops.logs import current_principal, request_id_var, request_scope_var

log = logging.getLogger("opencx.http")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

REQUESTS = Counter(
    "opencx_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "opencx_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched")


class RequestContext:
    """ASGI middleware: request id, access log line and request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _TOKEN.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope_token = request_scope_var.set(scope)
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        def origin() -> Origin:  # read when an act is recorded, after the credentials' check
            client = scope.get("client")
            return Origin(
                actor=current_principal() or "anonymous",
                ip=str(client[0]) if client else None,
                request_id=request_id,
            )

        try:
            with acting(origin):
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - began
            route, method = _route(scope), scope.get("method", "")
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            log.info(
                "%s %s %d %.1f ms",
                method,
                route,
                status,
                elapsed * 1000,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "principal": current_principal(),
                },
            )
            request_id_var.reset(token)
            request_scope_var.reset(scope_token)
