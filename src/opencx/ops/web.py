"""What running in production adds to the web app: start-up refusals, request context, health."""

from __future__ import annotations

from fastapi import FastAPI

from opencx.ops.health import router as health_router
from opencx.ops.http import RequestContext
from opencx.settings import Settings, check_production


def install_ops(app: FastAPI, settings: Settings) -> None:
    """Refuse unsafe production settings; add request ids, access logs, metrics and health."""
    check_production(settings)
    app.add_middleware(RequestContext)  # outermost: its request id covers every other layer
    app.include_router(health_router)
