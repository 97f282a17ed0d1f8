"""Install the web layer on an app: error mapping, security headers, static files, shell pages,
and the OpenAPI docs page with Swagger UI served from the installed ``swagger-ui-bundle-v2``
wheel (no CDN: ``/docs`` works offline and behind a firewall).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from opencx.db.engine import REQUEST_LOCK_TIMEOUT, lock_timeout
from opencx.web.account import router as account_router
from opencx.web.admin import router as admin_router
from opencx.web.errors import install_error_handlers
from opencx.web.json_bodies import JsonBodies
from opencx.web.lanes import Lanes
from opencx.web.openapi import install_openapi
from opencx.web.pages import add_coming_soon
from opencx.web.pages import router as shell_router

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER_ASSETS = "/docs/assets"

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


class RequestLockTimeout:
    """Marks the handling of each HTTP request, lanes included, so the PostgreSQL connections
    it takes wait at most ``app.state.lock_timeout`` seconds for a lock
    (``OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS``; ``REQUEST_LOCK_TIMEOUT``); 0 or unset: no limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = REQUEST_LOCK_TIMEOUT.set(
            lock_timeout(getattr(scope["app"].state, "lock_timeout", 0))
        )
        try:
            await self.app(scope, receive, send)
        finally:
            REQUEST_LOCK_TIMEOUT.reset(token)


def install_web(app: FastAPI, *, lock_timeout: float = 0) -> None:
    """Before the slices' routers: handlers, middleware, the shell's pages and /static.
    ``lock_timeout``: the seconds a request waits for a PostgreSQL lock (0: no limit)."""
    app.state.lock_timeout = lock_timeout
    install_error_handlers(app)
    app.add_middleware(JsonBodies)  # inside the lanes: a lane reads its own body
    app.add_middleware(Lanes)  # lanes still get request ids and headers
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLockTimeout)
    app.include_router(shell_router)
    app.include_router(account_router)
    app.include_router(admin_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    install_api_docs(app)


def swagger_ui_dir() -> Path:
    """The swagger-ui-dist files inside the installed wheel (Apache-2.0, its LICENSE beside)."""
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


def install_api_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from local assets. Create the app with ``docs_url=None`` and
    ``redoc_url=None`` (FastAPI's own pages load their scripts from a CDN)."""
    app.mount(SWAGGER_ASSETS, StaticFiles(directory=swagger_ui_dir()), name="swagger-ui")
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
            oauth2_redirect_url=oauth2_redirect,
        )

    @app.get(oauth2_redirect, include_in_schema=False)
    def api_docs_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def finish_web(app: FastAPI) -> None:
    """After the slices' routers: "coming soon" pages for navigation entries still missing,
    and an OpenAPI document declaring the error answers every API route can give."""
    add_coming_soon(app)
    install_openapi(app)
