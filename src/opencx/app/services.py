"""The services of one process (:class:`Services`): each slice's service, built on first use
from the settings, the engine, the bus and the clock, with what the worker runs for it (every
slice's periodic jobs and outbox task handlers)."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from opencx.core import Clock, EventBus
from opencx.core.sealing import plaintext
from opencx.jobs import Job
from opencx.outbox.transports import OutboxConfig, TaskHandler, derived_webhook_secret
from opencx.settings import Settings

if TYPE_CHECKING:  # each slice is imported where its service is built (Services), on first use
    from opencx.access.service import AccessService
    from opencx.audit.service import AuditService
    from opencx.customers.service import CustomerService
    from opencx.customers.store.vault import Vault
    from opencx.demo.service import DemoService
    from opencx.feedback.service import FeedbackService
    from opencx.helpdesk.service import HelpdeskService
    from opencx.ingest.service import IngestService
    from opencx.journeys.service import JourneysService
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
    "journeys",
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
        from opencx.modeling.domain.churn.bands import RISK_BANDS  # stdlib only

        settings = self.settings
        return CustomerService(
            self.engine,
            self.clock,
            self.bus,
            secret_key=settings.secret_key,
            vault=_vault(settings),
            churn_bands=RISK_BANDS,  # the list's churn-risk filter says what modeling means
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

    @cached_property
    def journeys(self) -> JourneysService:
        from opencx.journeys.service import JourneysService

        return JourneysService(self.engine, self.clock)


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
