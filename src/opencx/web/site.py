"""Install the web layer on an app: error mapping, security headers, static files, shell pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencx.web.errors import install_error_handlers
from opencx.web.pages import add_coming_soon
from opencx.web.pages import router as shell_router

STATIC = Path(__file__).resolve().parent / "static"

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """Adds headers that stop MIME sniffing, framing and cross-site referrers on every reply."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_web(app: FastAPI) -> None:
    """Before the slices' routers: handlers, middleware, the shell's pages and /static."""
    install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    app.include_router(shell_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def finish_web(app: FastAPI) -> None:
    """After the slices' routers: "coming soon" pages for navigation entries still missing."""
    add_coming_soon(app)
