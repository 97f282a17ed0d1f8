"""The helpdesk for edges, jobs and event handlers (one transaction per call), and case views.

:class:`HelpdeskService` gathers the use cases of each domain noun, one module each: cases
(:mod:`.cases`), the self-service catalog (:mod:`.catalog`), incidents (:mod:`.incidents`),
agent quality (:mod:`.quality`), live chat (:mod:`.chat`) and the desk's configuration
(:mod:`.desk`), on the units of work of :mod:`.units`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus
from opencx.core.contacts import ContactsOf, no_contacts
from opencx.helpdesk.domain.limits import (
    CHAT_PER_CLIENT,
    CONTACT_PER_CLIENT,
    Bucket,
    CatalogLimits,
)
from opencx.helpdesk.service import intake
from opencx.helpdesk.service.catalog import forget_held_of
from opencx.helpdesk.service.deps import Deps, Identify, ValueOf
from opencx.helpdesk.service.facade.cases import CaseView, CaseWork, case_view, on_customer_erased
from opencx.helpdesk.service.facade.catalog import SelfServiceCatalog
from opencx.helpdesk.service.facade.chat import LiveChat
from opencx.helpdesk.service.facade.desk import DeskConfiguration
from opencx.helpdesk.service.facade.incidents import IncidentNotices
from opencx.helpdesk.service.facade.quality import AgentQuality, QualityOverview
from opencx.helpdesk.store import catalog as catalog_store
from opencx.helpdesk.store import chat as chat_store

__all__ = ["CaseView", "HelpdeskService", "QualityOverview", "case_view", "on_customer_erased"]


@dataclass
class HelpdeskService(
    CaseWork, SelfServiceCatalog, IncidentNotices, AgentQuality, LiveChat, DeskConfiguration
):
    """The helpdesk for edges, jobs and event handlers: one transaction per call."""

    engine: Engine
    clock: Clock
    bus: EventBus | None = None
    identify: Identify | None = None
    value_of: ValueOf | None = None
    sender: str = "support@opencx.local"
    secret_key: str = "change-me"  # signs customers' chat tokens and confirmation links
    base_url: str = "http://127.0.0.1:8000"  # where confirmation links point
    catalog_limits: CatalogLimits = field(default_factory=CatalogLimits)
    contact_limit: Bucket = CONTACT_PER_CLIENT  # cases visitors open per client address
    chat_limit: Bucket = CHAT_PER_CLIENT  # chats visitors start per client address
    contacts: ContactsOf = no_contacts  # the customers slice's read of names and emails
    deps: Deps = field(init=False)

    def __post_init__(self) -> None:
        self.deps = Deps(
            self.clock, self.bus, self.identify, self.value_of, self.sender, self.contacts
        )

    # --- reactions to other slices' events (in their transaction) ---------------------------
    def on_customer_erased(self, event: Any, conn: Connection) -> None:
        on_customer_erased(conn, event.customer_ids)
        chat_store.erase_chats(conn, list(event.customer_ids))
        catalog_store.erase_runs(conn, list(event.customer_ids))
        # imported by name: here ``catalog`` is this package's submodule, not the use cases
        forget_held_of(conn, self.secret_key, event.personal)

    def on_follow_up_requested(self, event: Any, conn: Connection) -> str:
        """Open the closed-loop case for feedback's ``FollowUpRequested``; returns its id."""
        return intake.on_follow_up(conn, event, self.deps).id
