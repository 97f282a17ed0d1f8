"""The web application (FastAPI): :func:`create_app` builds every service, then the app with its
lifespan (the in-process job runner), the page shell, middleware and error handlers
(:mod:`opencx.web.site`), the operations endpoints (:mod:`opencx.ops.web`) and every slice's
routes and panels (:mod:`opencx.app.mounts`); :func:`create_app_from_env` is uvicorn's
factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from opencx.app.mounts import mount_slices
from opencx.app.root import build
from opencx.jobs import Scheduler
from opencx.jobs.service import Runner
from opencx.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI  # imported by create_app: a CLI command builds no app

    from opencx.app.services import Services


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    """The web application: the page shell and every slice's API routes and pages."""
    from fastapi import FastAPI

    from opencx.ops.web import install_ops
    from opencx.web.site import finish_web, install_web

    services = (services or build(settings)).built()  # no request builds one
    queue = job_queue(services)

    @asynccontextmanager
    async def lifespan(running: FastAPI) -> AsyncIterator[None]:
        runner = Runner(queue) if settings.web_runs_jobs else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            for stop in running.state.stopping:  # tasks an edge started (the chat feed)
                await stop()
            if runner is not None:
                runner.stop()

    app = FastAPI(
        title="OpenCX",
        version="0.1.0",
        description="Customer-experience platform API",
        docs_url=None,  # served offline by opencx.web.site.install_api_docs
        redoc_url=None,  # ReDoc loads from a CDN: blank offline, so not offered
        lifespan=lifespan,
        # OpenCX reports through its own access line and Prometheus metrics (opencx.ops.http);
        # FastAPI's OpenTelemetry hooks would look up three providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.services = services
    app.state.job_queue = queue
    app.state.stopping = []  # async callables run at shutdown, in order
    install_web(app, lock_timeout=settings.request_lock_timeout_seconds)
    install_ops(app, settings)
    mount_slices(app)
    finish_web(app)
    return app


def job_queue(services: Services) -> Scheduler:
    """Where requests hand heavy work (the jobs declared without a schedule): any worker runs
    it, and so does the web process itself unless ``OPENCX_WEB_RUNS_JOBS=false``."""
    from opencx.outbox.service import default_worker_id

    on_request = [job for job in services.jobs if job.on_request]
    return Scheduler(
        services.engine, services.clock, on_request, worker=f"web:{default_worker_id()}"
    )


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (``serve --reload`` / ``--workers N``): settings from
    OPENCX_*; each server process sets up its own JSON logging."""
    from opencx.ops.logs import configure_logging

    settings = Settings()
    configure_logging(settings)
    return create_app(settings)
