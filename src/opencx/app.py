"""Composition root: builds the engine and every service, wires cross-slice events, mounts routes.

This is the only module that knows every slice. Nothing is created at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
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
from opencx.core.sealing import plaintext
from opencx.db import create_engine_from_url
from opencx.jobs import Job, Scheduler
from opencx.jobs.service import Runner
from opencx.outbox.transports import OutboxConfig, TaskHandler, derived_webhook_secret
from opencx.settings import Settings

if TYPE_CHECKING:  # the slices are imported in build(), so `opencx --help` stays light
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


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a request, a command or a worker needs, built once per process.

    Edges reach a slice's service through one typed accessor per slice (a FastAPI dependency
    made by :func:`opencx.web.provide`, a CLI function calling
    :func:`opencx.core.services.service_of`), by the field's name and class.
    """

    settings: Settings
    engine: Engine
    bus: EventBus
    clock: Clock
    outbox: OutboxConfig
    access: AccessService
    audit: AuditService
    ingest: IngestService
    demo: DemoService
    customers: CustomerService
    modeling: ModelingService
    metrics: MetricsService
    helpdesk: HelpdeskService
    loyalty: LoyaltyService
    feedback: FeedbackService
    jobs: tuple[Job, ...] = ()  # every slice's periodic jobs (_jobs below), run by the worker


def build(
    settings: Settings, *, clock: Clock | None = None, engine: Engine | None = None
) -> Services:
    """Build the engine, the services and the event wiring for ``settings``."""
    from opencx.audit.service import AuditService
    from opencx.customers.service import CustomerService
    from opencx.demo.service import DemoService
    from opencx.feedback.service import FeedbackConfig, FeedbackService
    from opencx.helpdesk.service import HelpdeskService
    from opencx.ingest.service import IngestService
    from opencx.loyalty.service import LoyaltyService
    from opencx.metrics.service import MetricsService
    from opencx.modeling.service import ModelingService

    engine = engine or create_engine_from_url(settings.database_url)
    bus, clock = EventBus(), clock or SystemClock()
    customers = CustomerService(
        engine, clock, bus, secret_key=settings.secret_key, vault=_vault(settings)
    )
    services = Services(
        settings=settings,
        engine=engine,
        bus=bus,
        clock=clock,
        outbox=_outbox_config(settings),
        access=_access(settings, engine, clock, bus),
        audit=AuditService(engine, clock, secret_key=settings.secret_key),
        ingest=IngestService(
            engine,
            bus,
            clock,
            erased=customers.erased_among,
            seal=customers.seal_contacts if customers.vault else plaintext,
            imports_dir=settings.imports_dir,
        ),
        demo=DemoService(engine, bus, clock),
        customers=customers,
        modeling=ModelingService(
            engine,
            secret_key=settings.secret_key,
            clock=clock,
            warehouse_url=settings.warehouse_url,
            bus=bus,
            contacts=customers.contacts,
        ),
        metrics=MetricsService(engine, clock=clock, warehouse_url=settings.warehouse_url),
        helpdesk=HelpdeskService(
            engine,
            clock,
            bus,
            identify=customers.identify_contact,
            sender=settings.smtp_sender,
            secret_key=settings.secret_key,
            base_url=settings.base_url,
            contacts=customers.contacts,
        ),
        loyalty=LoyaltyService(engine, clock),
        feedback=FeedbackService(
            engine,
            clock,
            bus,
            FeedbackConfig(
                secret_key=settings.secret_key,
                base_url=settings.base_url,
                contacts=customers.contacts,
            ),
        ),
    )
    wire_events(services)
    outbox = replace(services.outbox, tasks=_tasks(services))
    return replace(services, outbox=outbox, jobs=tuple(_jobs(services)))


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
    """Cross-slice reactions, all in one place. Each handler runs in the publisher's transaction."""
    from opencx.ingest.domain import CustomersUpserted

    # identity resolution for every customer write, bulk history included: it is not a reaction
    services.bus.subscribe(CustomersUpserted, services.customers.on_customers_upserted)
    from opencx.customers.domain import CustomerErased

    services.bus.subscribe(CustomerErased, services.helpdesk.on_customer_erased)
    services.bus.subscribe(CustomerErased, _uploads_erased(services))
    wire_customer_lifecycle(services.bus)
    _wire_audit(services)
    _wire_loyalty(services)
    _wire_feedback(services)
    _wire_helpdesk(services)
    _wire_demo(services)


def _uploads_erased(services: Services) -> Callable[[Any, Connection], None]:
    """Uploaded import files (and their rejects) that mention an erased person go at once."""
    from opencx.ingest.service.uploads import forget_uploads_of, uploads_root

    def erased(event: Any, conn: Connection) -> None:
        forget_uploads_of(uploads_root(services.ingest.imports_dir), event.personal)

    return erased


def _wire_audit(services: Services) -> None:
    """Every privileged act any slice publishes is recorded in its transaction; an erasure is
    recorded, then the person's pseudonym salt is forgotten (docs/security.md, audit log)."""
    from opencx.core.audit import PrivilegedActDone

    services.bus.subscribe(PrivilegedActDone, services.audit.on_act)
    services.bus.subscribe(CustomerErased, services.audit.on_customer_erased)


def _wire_loyalty(services: Services) -> None:
    """Live orders earn points (history imports do not), so does an incident's compensation;
    members follow merges, their undo and erasure."""
    from opencx.customers.domain import CustomerErased, CustomersMerged, MergeUndone
    from opencx.helpdesk.domain.incidents import CompensationGranted
    from opencx.ingest.domain import OrdersImported, ReturnsMoved

    services.bus.subscribe(OrdersImported, services.loyalty.on_orders_imported)
    services.bus.subscribe(ReturnsMoved, services.loyalty.on_returns_moved)
    services.bus.subscribe(CustomersMerged, services.loyalty.on_customers_merged)
    services.bus.subscribe(MergeUndone, services.loyalty.on_merge_undone)
    services.bus.subscribe(CustomerErased, services.loyalty.on_customer_erased)
    services.bus.subscribe(CompensationGranted, services.loyalty.on_compensation_granted)


def _wire_feedback(services: Services) -> None:
    """Live events invite to surveys (history imports do not: the service ignores live=False)."""
    from opencx.ingest.domain import CasesImported, InteractionsImported, OrdersImported

    feedback = services.feedback
    services.bus.subscribe(
        CasesImported, lambda e, conn: feedback.on_cases(e.case_ids, e.live, conn)
    )
    services.bus.subscribe(
        InteractionsImported,
        lambda e, conn: feedback.on_interactions(e.interaction_ids, e.live, conn),
    )
    services.bus.subscribe(
        OrdersImported, lambda e, conn: feedback.on_orders(e.order_ids, e.live, conn)
    )


def _wire_helpdesk(services: Services) -> None:
    """A resolved case invites to CSAT and closes its feedback loop; a follow-up opens a case."""
    from opencx.feedback.domain.events import FollowUpRequested
    from opencx.helpdesk.domain.events import CaseResolved

    feedback, helpdesk = services.feedback, services.helpdesk

    def case_resolved(event: CaseResolved, conn: Connection) -> None:
        # closes the loop of a follow-up case; any other case invites (its first resolution)
        feedback.on_case_resolved(event.case_id, event.reopened, conn)

    def follow_up(event: FollowUpRequested, conn: Connection) -> None:
        feedback.link_case(event.followup_id, helpdesk.on_follow_up_requested(event, conn), conn)

    services.bus.subscribe(CaseResolved, case_resolved)
    services.bus.subscribe(FollowUpRequested, follow_up)
    feedback.staff = helpdesk.agent_emails  # a staff_pulse trigger (agent eNPS) goes to the agents


def _wire_demo(services: Services) -> None:
    """The demo is recorded like an import (kind ``demo``), in the transaction that wrote it."""
    from opencx.demo.domain.events import DemoGenerated

    ingest = services.ingest

    def demo_generated(event: DemoGenerated, conn: Connection) -> None:
        ingest.record_load(
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
    services.bus.subscribe(DemoGenerated, services.loyalty.on_demo_generated)
    # its surveys are sent and answered through the feedback slice's history load
    services.demo.surveys = services.feedback.load_history


def wire_customer_lifecycle(bus: EventBus) -> None:
    """Every slice that keeps rows of a customer moves them on a merge, moves them back on an
    undo and erases its copies of the person on an erasure: each writes only its own tables
    (docs/decisions/0012-table-ownership.md). A new slice with such rows subscribes here."""
    from opencx.feedback.store import customer_rows as feedback_rows
    from opencx.helpdesk.store import customer_rows as helpdesk_rows
    from opencx.ingest.store import customer_rows as ingest_rows
    from opencx.modeling.store import customer_rows as modeling_rows
    from opencx.outbox.service import on_customer_erased as outbox_erased

    for rows in (ingest_rows, feedback_rows, helpdesk_rows, modeling_rows):
        bus.subscribe(CustomersMerged, rows.on_customers_merged)
        bus.subscribe(MergeUndone, rows.on_merge_undone)
    for erase in (ingest_rows, feedback_rows, helpdesk_rows):
        bus.subscribe(CustomerErased, erase.on_customer_erased)
    bus.subscribe(CustomerErased, outbox_erased)
    bus.subscribe(CustomerErased, _replay_erased)  # API answers kept for Idempotency-Key replay


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

    services = services or build(settings)
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
    install_web(app)
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
