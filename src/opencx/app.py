"""Composition root: builds the engine and every service, wires cross-slice events, mounts routes.

This is the only module that knows every slice. Nothing is created at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import (
    Clock,
    CustomerErased,
    CustomersMerged,
    EventBus,
    MergeUndone,
    SystemClock,
)
from opencx.core.events import Handler
from opencx.core.sealing import plaintext
from opencx.db import create_engine_from_url
from opencx.db.schema import load_tables_with
from opencx.jobs import Job, Scheduler
from opencx.jobs.service import Runner
from opencx.outbox.transports import OutboxConfig, TaskHandler, derived_webhook_secret
from opencx.settings import Settings

if TYPE_CHECKING:  # each slice is imported where its service is built (Services), on first use
    from fastapi import APIRouter, FastAPI  # a CLI command builds the services, not the app

    from opencx.access.service import AccessService
    from opencx.audit.service import AuditService
    from opencx.customers.service import CustomerService
    from opencx.customers.store.vault import Vault
    from opencx.demo.service import DemoService
    from opencx.feedback.service import FeedbackService
    from opencx.helpdesk.service import HelpdeskService
    from opencx.ingest.service import IngestService
    from opencx.loyalty.service import LoyaltyService
    from opencx.metrics.service import MetricsService
    from opencx.modeling.service import ModelingService


#: every slice's service, in the order :meth:`Services.built` builds them
SERVICE_NAMES = (
    "access",
    "audit",
    "customers",
    "ingest",
    "demo",
    "modeling",
    "metrics",
    "helpdesk",
    "loyalty",
    "feedback",
)


class Services:
    """Everything a request, a command or a worker needs, one set per process.

    The settings, engine, bus and clock exist at once; each slice's service is built on first
    use, together with the services it is given (ingest takes the customers slice's
    tombstones). A command builds what it calls and what handles the events it raises (the bus
    is wired by :func:`build`, each handler reaching its service when an event comes):
    ``opencx customers search`` imports no ingest (Arrow, DuckDB), demo (NumPy) or helpdesk
    code (tests/contracts/test_cli_start.py). The web app and the worker build every service
    at start (:meth:`built`, the jobs), so no request pays for a build.

    Edges reach a slice's service through one typed accessor per slice (a FastAPI dependency
    made by :func:`opencx.web.provide`, a CLI function calling
    :func:`opencx.core.services.service_of`), by the attribute's name and class.
    """

    def __init__(self, settings: Settings, engine: Engine, bus: EventBus, clock: Clock) -> None:
        self.settings = settings
        self.engine = engine
        self.bus = bus
        self.clock = clock

    def built(self) -> Services:
        """This container with every service built (the web app's and the worker's start)."""
        for name in SERVICE_NAMES:
            getattr(self, name)
        return self

    @cached_property
    def outbox(self) -> OutboxConfig:
        """The transports' settings and every slice's task handlers (:func:`_tasks`)."""
        return replace(_outbox_config(self.settings), tasks=_tasks(self))

    @cached_property
    def jobs(self) -> tuple[Job, ...]:
        """Every slice's periodic jobs (:func:`_jobs`), run by the worker."""
        return tuple(_jobs(self))

    @cached_property
    def access(self) -> AccessService:
        return _access(self.settings, self.engine, self.clock, self.bus)

    @cached_property
    def audit(self) -> AuditService:
        from opencx.audit.service import AuditService

        return AuditService(self.engine, self.clock, secret_key=self.settings.secret_key)

    @cached_property
    def customers(self) -> CustomerService:
        from opencx.customers.service import CustomerService

        settings = self.settings
        return CustomerService(
            self.engine,
            self.clock,
            self.bus,
            secret_key=settings.secret_key,
            vault=_vault(settings),
        )

    @cached_property
    def ingest(self) -> IngestService:
        from opencx.ingest.service import IngestService

        customers = self.customers
        return IngestService(
            self.engine,
            self.bus,
            self.clock,
            erased=customers.erased_among,
            seal=customers.seal_contacts if customers.vault else plaintext,
            imports_dir=self.settings.imports_dir,
        )

    @cached_property
    def demo(self) -> DemoService:
        from opencx.demo.service import DemoService

        demo = DemoService(self.engine, self.bus, self.clock)
        # its surveys are sent and answered through the feedback slice's history load
        demo.surveys = self.feedback.load_history
        return demo

    @cached_property
    def modeling(self) -> ModelingService:
        from opencx.modeling.service import ModelingService

        return ModelingService(
            self.engine,
            secret_key=self.settings.secret_key,
            clock=self.clock,
            warehouse_url=self.settings.warehouse_url,
            bus=self.bus,
            contacts=self.customers.contacts,
        )

    @cached_property
    def metrics(self) -> MetricsService:
        from opencx.metrics.service import MetricsService

        return MetricsService(
            self.engine, clock=self.clock, warehouse_url=self.settings.warehouse_url
        )

    @cached_property
    def helpdesk(self) -> HelpdeskService:
        from opencx.helpdesk.service import HelpdeskService

        settings, customers = self.settings, self.customers
        return HelpdeskService(
            self.engine,
            self.clock,
            self.bus,
            identify=customers.identify_contact,
            sender=settings.smtp_sender,
            secret_key=settings.secret_key,
            base_url=settings.base_url,
            contacts=customers.contacts,
        )

    @cached_property
    def loyalty(self) -> LoyaltyService:
        from opencx.loyalty.service import LoyaltyService

        return LoyaltyService(self.engine, self.clock)

    @cached_property
    def feedback(self) -> FeedbackService:
        from opencx.feedback.service import FeedbackConfig, FeedbackService

        settings = self.settings
        config = FeedbackConfig(
            secret_key=settings.secret_key,
            base_url=settings.base_url,
            contacts=self.customers.contacts,
        )
        feedback = FeedbackService(self.engine, self.clock, self.bus, config)
        # a staff_pulse trigger (agent eNPS) goes to the helpdesk's agents, read when it runs
        feedback.staff = lambda: self.helpdesk.agent_emails()
        return feedback


def build(
    settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """The engine, the bus wired with every cross-slice reaction, and the services (each
    built on first use, :class:`Services`) for ``settings``."""
    engine = engine or create_engine_from_url(settings.database_url)
    services = Services(settings, engine, EventBus(), clock or SystemClock())
    wire_events(services)
    load_tables_with(_load_customer_tables)
    return services


#: the stores of the slices whose own tables hold rows of a customer (a merge plans their
#: moves: ``opencx.customers.store.merging.customer_tables``); the canonical ones are in
#: ``opencx.db.schema``. tests/contracts/test_cli_start.py checks that these are all.
CUSTOMER_TABLE_STORES = (
    "opencx.feedback.store",
    "opencx.helpdesk.store",
    "opencx.loyalty.store",
    "opencx.modeling.store",
)


def _load_customer_tables() -> None:
    """The slices' tables that hold a customer's rows, on the metadata before a merge is planned
    (a command imports a slice's store only when it builds its service)."""
    for store in CUSTOMER_TABLE_STORES:
        importlib.import_module(store)


def _vault(settings: Settings) -> Vault | None:
    """The customers slice's key vault when crypto-shredding is on (docs/security.md)."""
    if not settings.crypto_shredding:
        return None
    from opencx.core.keys import BLIND_INDEX, MASTER_KEY, purpose_key
    from opencx.customers.domain.sealing import Sealer, master_key_from
    from opencx.customers.store.vault import Vault

    if settings.master_key:
        master = master_key_from(settings.master_key)
    else:
        master = purpose_key(settings.secret_key, MASTER_KEY)
    return Vault(Sealer(master, purpose_key(settings.secret_key, BLIND_INDEX)))


def _jobs(services: Services) -> list[Job]:
    """Every slice's periodic jobs (docs/jobs.md); the worker runs them. Slices add theirs."""
    from opencx.customers.jobs import jobs as customers_jobs
    from opencx.feedback.jobs import jobs as feedback_jobs
    from opencx.helpdesk.jobs import jobs as helpdesk_jobs
    from opencx.ingest.jobs import jobs as ingest_jobs
    from opencx.loyalty.jobs import jobs as loyalty_jobs
    from opencx.metrics.jobs import jobs as metrics_jobs
    from opencx.modeling.jobs import jobs as modeling_jobs

    return [
        *modeling_jobs(services.modeling),  # on request: fits and scorings from the API
        *customers_jobs(services.customers),  # on request: scrubbing after an erasure
        *ingest_jobs(services.ingest),  # on request: uploaded files from the page and the API
        *_access_jobs(services.access),
        *metrics_jobs(services.metrics),
        *feedback_jobs(services.feedback),
        *loyalty_jobs(services.loyalty),
        *helpdesk_jobs(services.helpdesk),
    ]


def _access_jobs(access: AccessService) -> list[Job]:
    """The access platform's periodic job (it sits below the jobs package, so it is declared
    here): login-throttle counters nobody charged for a day are deleted every hour, whether
    or not anyone logs in successfully."""
    from opencx.jobs import every

    def prune(_: object) -> str:
        return f"{access.prune_login_throttle()} throttle counter(s) pruned"

    return [
        Job(
            name="access.prune_throttle",
            schedule=every(hours=1),
            run=prune,
            description="delete login-throttle counters not charged for a day",
        )
    ]


def _tasks(services: Services) -> dict[str, TaskHandler]:
    """Every slice's outbox task handlers (domain events handled asynchronously by the worker,
    docs/outbox.md); slices add theirs."""
    from opencx.feedback.jobs import tasks as feedback_tasks

    return {**feedback_tasks(services.feedback)}


def _access(settings: Settings, engine: Engine, clock: Clock, bus: EventBus) -> AccessService:
    """Users, sessions and login throttling with this deployment's limits (docs/security.md)."""
    from datetime import timedelta

    from opencx.access.domain import SessionPolicy, ThrottlePolicy
    from opencx.access.service import AccessService

    sessions = SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
    )
    throttle = ThrottlePolicy(
        ip_capacity=settings.login_ip_burst,
        ip_drain=timedelta(seconds=settings.login_ip_seconds),
        account_capacity=settings.login_account_burst,
        account_drain=timedelta(seconds=settings.login_account_seconds),
    )
    return AccessService(engine, clock, sessions=sessions, throttle=throttle, bus=bus)


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
    """Cross-slice reactions, all in one place. Each handler runs in the publisher's transaction
    and reaches its service (built then, :class:`Services`) or module when an event comes."""
    from opencx.ingest.domain import CustomersUpserted

    bus = services.bus
    # identity resolution for every customer write, bulk history included: it is not a reaction
    bus.subscribe(
        CustomersUpserted, lambda e, conn: services.customers.on_customers_upserted(e, conn)
    )
    bus.subscribe(CustomerErased, lambda e, conn: services.helpdesk.on_customer_erased(e, conn))
    bus.subscribe(CustomerErased, _uploads_erased(services))
    wire_customer_lifecycle(bus)
    _wire_audit(services)
    _wire_loyalty(services)
    _wire_feedback(services)
    _wire_helpdesk(services)
    _wire_demo(services)


def _uploads_erased(services: Services) -> Handler:
    """Uploaded import files (and their rejects) that mention an erased person go at once."""

    def erased(event: CustomerErased, conn: Connection) -> None:
        from opencx.ingest.service.uploads import forget_uploads_of, uploads_root

        forget_uploads_of(uploads_root(services.ingest.imports_dir), event.personal)

    return erased


def _wire_audit(services: Services) -> None:
    """Every privileged act any slice publishes is recorded in its transaction; an erasure is
    recorded, then the person's pseudonym salt is forgotten (docs/security.md, audit log)."""
    from opencx.core.audit import PrivilegedActDone

    bus = services.bus
    bus.subscribe(PrivilegedActDone, lambda e, conn: services.audit.on_act(e, conn))
    bus.subscribe(CustomerErased, lambda e, conn: services.audit.on_customer_erased(e, conn))


def _wire_loyalty(services: Services) -> None:
    """Live orders earn points (history imports do not), so does an incident's compensation;
    members follow merges, their undo and erasure."""
    from opencx.helpdesk.domain.incidents import CompensationGranted
    from opencx.ingest.domain import OrdersImported, ReturnsMoved

    bus = services.bus
    # history imports (live=False) reach no service: a history import builds none
    bus.subscribe(
        OrdersImported, _live(lambda e, conn: services.loyalty.on_orders_imported(e, conn))
    )
    bus.subscribe(ReturnsMoved, _live(lambda e, conn: services.loyalty.on_returns_moved(e, conn)))
    bus.subscribe(CustomersMerged, lambda e, conn: services.loyalty.on_customers_merged(e, conn))
    bus.subscribe(MergeUndone, lambda e, conn: services.loyalty.on_merge_undone(e, conn))
    bus.subscribe(CustomerErased, lambda e, conn: services.loyalty.on_customer_erased(e, conn))
    bus.subscribe(
        CompensationGranted, lambda e, conn: services.loyalty.on_compensation_granted(e, conn)
    )


def _wire_feedback(services: Services) -> None:
    """Live events invite to surveys (history imports do not: the service ignores live=False)."""
    from opencx.ingest.domain import CasesImported, InteractionsImported, OrdersImported

    bus = services.bus
    bus.subscribe(
        CasesImported, _live(lambda e, conn: services.feedback.on_cases(e.case_ids, e.live, conn))
    )
    bus.subscribe(
        InteractionsImported,
        _live(lambda e, conn: services.feedback.on_interactions(e.interaction_ids, e.live, conn)),
    )
    bus.subscribe(
        OrdersImported,
        _live(lambda e, conn: services.feedback.on_orders(e.order_ids, e.live, conn)),
    )


def _live(handle: Handler) -> Handler:
    """``handle`` for a live event only: the services ignore a history import's (live=False),
    so it is not handed to them, and a history import builds none of them."""

    def handler(event: Any, conn: Connection) -> None:
        if event.live:
            handle(event, conn)

    return handler


def _wire_helpdesk(services: Services) -> None:
    """A resolved case invites to CSAT and closes its feedback loop; a follow-up opens a case."""
    from opencx.feedback.domain.events import FollowUpRequested
    from opencx.helpdesk.domain.events import CaseResolved

    def case_resolved(event: CaseResolved, conn: Connection) -> None:
        # closes the loop of a follow-up case; any other case invites (its first resolution)
        services.feedback.on_case_resolved(event.case_id, event.reopened, conn)

    def follow_up(event: FollowUpRequested, conn: Connection) -> None:
        case_id = services.helpdesk.on_follow_up_requested(event, conn)
        services.feedback.link_case(event.followup_id, case_id, conn)

    services.bus.subscribe(CaseResolved, case_resolved)
    services.bus.subscribe(FollowUpRequested, follow_up)


def _wire_demo(services: Services) -> None:
    """The demo is recorded like an import (kind ``demo``), in the transaction that wrote it."""
    from opencx.demo.domain.events import DemoGenerated

    def demo_generated(event: DemoGenerated, conn: Connection) -> None:
        services.ingest.record_load(
            conn,
            kind="demo",
            name=event.command,
            rows=event.total_rows,
            started_at=event.started_at,
            finished_at=event.finished_at,
        )

    services.bus.subscribe(DemoGenerated, demo_generated)

    # the demo writes customers directly: they get their search keys in the same transaction
    def demo_search_keys(_event: DemoGenerated, conn: Connection) -> None:
        services.customers.add_search_keys(conn)

    services.bus.subscribe(DemoGenerated, demo_search_keys)
    # the demo company runs a loyalty program of every type, through the loyalty use cases
    services.bus.subscribe(
        DemoGenerated, lambda e, conn: services.loyalty.on_demo_generated(e, conn)
    )


#: the modules of the slices that keep rows of a customer, each with the lifecycle handlers
#: ``on_customers_merged``, ``on_merge_undone`` and (all but modeling) ``on_customer_erased``
CUSTOMER_ROWS = (
    "opencx.ingest.store.customer_rows",
    "opencx.feedback.store.customer_rows",
    "opencx.helpdesk.store.customer_rows",
    "opencx.modeling.store.customer_rows",
)


def wire_customer_lifecycle(bus: EventBus) -> None:
    """Every slice that keeps rows of a customer moves them on a merge, moves them back on an
    undo and erases its copies of the person on an erasure: each writes only its own tables
    (docs/decisions/0012-table-ownership.md). A new slice with such rows subscribes here.
    The stores are imported at the first event (the ingest store loads Arrow)."""
    for rows in CUSTOMER_ROWS:
        bus.subscribe(CustomersMerged, _imported(rows, "on_customers_merged"))
        bus.subscribe(MergeUndone, _imported(rows, "on_merge_undone"))
    for rows in CUSTOMER_ROWS[:3]:
        bus.subscribe(CustomerErased, _imported(rows, "on_customer_erased"))
    bus.subscribe(CustomerErased, _imported("opencx.outbox.service", "on_customer_erased"))
    bus.subscribe(CustomerErased, _replay_erased)  # API answers kept for Idempotency-Key replay


def _imported(module: str, name: str) -> Handler:
    """The handler ``module.name``, imported when its first event comes."""

    def handle(event: Any, conn: Connection) -> None:
        handler: Handler = getattr(importlib.import_module(module), name)
        handler(event, conn)

    return handle


def _replay_erased(event: CustomerErased, conn: Connection) -> None:
    """The API answers kept for replay forget an erased person. The web package (FastAPI) is
    imported at the first erasure, not by every CLI command's build (tests/contracts)."""
    from opencx.web.idempotency import on_customer_erased

    on_customer_erased(event, conn)


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
    for router in _routers():
        app.include_router(router)
    from opencx.loyalty.pages import profile_panel as loyalty_panel

    app.state.profile_panels = [loyalty_panel]  # cards on the customers slice's 360 page
    from opencx.metrics.pages import headline_panel
    from opencx.modeling.pages import clv_panel

    app.state.home_panels = [headline_panel, clv_panel]  # the landing page's CX headline
    from opencx.feedback.pages import ANSWERS_LANE

    app.state.lanes = [ANSWERS_LANE]  # hot public endpoints answered past the router
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


def _routers() -> list[APIRouter]:
    """Every slice's routers (one import per line; slices add theirs)."""
    from opencx.audit.pages import router as audit_pages
    from opencx.customers.api import router as customers_api
    from opencx.customers.pages import router as customers_pages
    from opencx.feedback.api import router as feedback_api
    from opencx.feedback.pages import public as feedback_public
    from opencx.feedback.pages import router as feedback_pages
    from opencx.helpdesk.api import router as helpdesk_api
    from opencx.helpdesk.pages import router as helpdesk_pages
    from opencx.ingest.api import router as ingest_api
    from opencx.ingest.pages import router as ingest_pages
    from opencx.jobs.pages import router as jobs_pages
    from opencx.loyalty.api import router as loyalty_api
    from opencx.loyalty.pages import public as loyalty_public
    from opencx.loyalty.pages import router as loyalty_pages
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
        feedback_api,
        feedback_pages,
        feedback_public,
        loyalty_api,
        loyalty_pages,
        loyalty_public,
        helpdesk_api,
        helpdesk_pages,
        jobs_pages,
        audit_pages,
    ]
