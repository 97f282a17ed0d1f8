"""Composition root: builds the engine and every service, wires cross-slice events, mounts routes.

This is the only module that knows every slice. Nothing is created at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from opencx.core import Clock, EventBus, SystemClock
from opencx.db import create_engine_from_url
from opencx.outbox.transports import OutboxConfig, derived_webhook_secret
from opencx.settings import Settings


@dataclass
class Services:
    """Everything a request, a command or a worker needs, built once per process."""

    settings: Settings
    engine: Engine
    bus: EventBus
    clock: Clock
    outbox: OutboxConfig
    extra: dict[str, Any] = field(default_factory=dict)
    ingest: Any = None  # opencx.ingest.service.IngestService, built in build()
    customers: Any = None  # opencx.customers.service.CustomerService, built in build()
    modeling: Any = None  # opencx.modeling.service.ModelingService, built in build()
    metrics: Any = None  # opencx.metrics.service.MetricsService, built in build()


def build(
    settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """Build the engine, the services and the event wiring for ``settings``."""
    services = Services(
        settings=settings,
        engine=engine or create_engine_from_url(settings.database_url),
        bus=EventBus(),
        clock=clock or SystemClock(),
        outbox=_outbox_config(settings),
    )
    from opencx.ingest.service import IngestService

    services.ingest = IngestService(services.engine, services.bus, services.clock)
    from opencx.customers.service import CustomerService

    services.customers = CustomerService(services.engine, services.clock, services.bus)
    from opencx.modeling.service import ModelingService

    services.modeling = ModelingService(
        services.engine,
        secret_key=settings.secret_key,
        clock=services.clock,
        warehouse_url=settings.warehouse_url,
    )
    from opencx.metrics.service import MetricsService

    services.metrics = MetricsService(
        services.engine, clock=services.clock, warehouse_url=settings.warehouse_url
    )
    wire_events(services)
    return services


def _outbox_config(settings: Settings) -> OutboxConfig:
    return OutboxConfig(
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_sender=settings.smtp_sender,
        smtp_starttls=settings.smtp_starttls,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        sms_webhook_url=settings.sms_webhook_url,
        webhook_secret=settings.webhook_secret or derived_webhook_secret(settings.secret_key),
    )


def wire_events(services: Services) -> None:
    """Cross-slice reactions, all in one place. Each handler runs in the publisher's transaction."""
    from opencx.ingest.domain import CustomersUpserted

    # identity resolution for every customer write, bulk history included: it is not a reaction
    services.bus.subscribe(CustomersUpserted, services.customers.on_customers_upserted)


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    """The web application: the page shell and every slice's API routes and pages."""
    from opencx.web.site import finish_web, install_web

    services = services or build(settings)
    app = FastAPI(title="OpenCX", version="0.1.0", description="Customer-experience platform API")
    app.state.services = services
    install_web(app)
    for router in _routers():
        app.include_router(router)
    finish_web(app)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` (``opencx serve --reload``): settings from OPENCX_*."""
    return create_app(Settings())


def _routers() -> list[Any]:
    """Every slice's routers (one import per line; slices add theirs)."""
    from opencx.customers.api import router as customers_api
    from opencx.customers.pages import router as customers_pages
    from opencx.ingest.api import router as ingest_api
    from opencx.ingest.pages import router as ingest_pages
    from opencx.metrics.api import router as metrics_api
    from opencx.metrics.pages import router as metrics_pages
    from opencx.modeling.api import router as modeling_api
    from opencx.modeling.pages import router as modeling_pages

    return [
        ingest_api,
        ingest_pages,
        customers_api,
        customers_pages,
        modeling_api,
        modeling_pages,
        metrics_api,
        metrics_pages,
    ]
