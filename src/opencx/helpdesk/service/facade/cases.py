"""Cases: open them from every channel, work them, read them with their SLA clocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import NotFound
from opencx.helpdesk.domain.cases import Case, CaseEvent
from opencx.helpdesk.domain.reporting import ServiceReport
from opencx.helpdesk.service import intake, working
from opencx.helpdesk.service.deps import Deps, OpenCase, get_case
from opencx.helpdesk.service.facade.units import Units
from opencx.helpdesk.service.reports import service_report
from opencx.helpdesk.service.sla import Alert, check_slas, sla_report
from opencx.helpdesk.store import cases as store
from opencx.helpdesk.store import config, requesters


@dataclass(frozen=True, slots=True)
class Requester:
    """The customer behind a case as the agent sees them beside it."""

    customer_id: str
    name: str | None  # None once erased (``erased``) or never given
    email: str | None
    phone: str | None
    erased: bool
    orders: int
    last_order_at: datetime | None
    latest_score: dict[str, Any] | None  # survey, kind, question_type, score, submitted_at
    other_cases: tuple[Case, ...]  # their latest other cases, newest first


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    events: tuple[CaseEvent, ...]
    contact_email: str | None
    sla: Any  # SlaReport | None
    attachments: tuple[Any, ...]
    merged_into: str | None
    first_response_s: tuple[float | None, float | None]  # wall, business
    resolution_s: tuple[float | None, float | None]
    requester: Requester | None = None


OTHER_CASES = 5


def requester(conn: Connection, case: Case, deps: Deps) -> Requester | None:
    """Who the case is from: their contact details (through the customers slice), orders,
    latest score and other cases; None for a case without a customer."""
    if case.customer_id is None:
        return None
    contact = deps.contacts(conn, [case.customer_id]).get(case.customer_id)
    placed, last = requesters.orders_of(conn, case.customer_id)
    theirs = store.list_cases(conn, customer_id=case.customer_id, limit=OTHER_CASES + 1)
    return Requester(
        customer_id=case.customer_id,
        name=contact.name if contact else None,
        email=contact.email if contact else None,
        phone=contact.phone if contact else None,
        erased=bool(contact and contact.erased),
        orders=placed,
        last_order_at=last,
        latest_score=requesters.latest_score(conn, case.customer_id),
        other_cases=tuple(c for c in theirs if c.id != case.id)[:OTHER_CASES],
    )


def case_view(conn: Connection, case_id: str, now: datetime, deps: Deps) -> CaseView:
    case = get_case(conn, case_id, lock=False)
    state = store.state_of(conn, case.id)
    found = sla_report(conn, case, now, deps)
    return CaseView(
        case=case,
        events=tuple(store.events_of(conn, case.id)),
        contact_email=state.contact_email if state else None,
        sla=found[0] if found else None,
        attachments=tuple(store.attachments_of(conn, case.id)),
        merged_into=state.merged_into if state else None,
        first_response_s=(
            (state.first_response_wall_s, state.first_response_business_s)
            if state
            else (None, None)
        ),
        resolution_s=(state.resolution_wall_s, state.resolution_business_s)
        if state
        else (None, None),
        requester=requester(conn, case, deps),
    )


def on_customer_erased(conn: Connection, customer_ids: Sequence[str]) -> int:
    """Erasure: forget the contact address kept per case and the files customers sent."""
    return store.erase_contacts(conn, customer_ids)


class CaseWork(Units):
    """The cases' use cases, one transaction each."""

    def open_case(self, cmd: OpenCase, *, client: str | None = None) -> Case:
        """Open a case. ``client``: an anonymous visitor's network address; such cases are
        limited per address (:class:`TooManyRequests`, nothing stored); staff pass None."""
        with self._tx() as conn:
            self._limit_visitor(conn, client)
            return intake.open_case(conn, cmd, self.deps)

    def receive_email(self, raw: bytes) -> Case:
        with self._tx() as conn:
            return intake.receive_email(conn, raw, self.deps)

    def customer_message(self, case_id: str, body: str, actor: str | None = None) -> Case:
        with self._tx() as conn:
            return intake.customer_message(conn, case_id, body, self.deps, actor=actor)

    def reply(self, case_id: str, agent: str, **kw: Any) -> CaseEvent:
        with self._tx() as conn:
            return working.reply(conn, case_id, agent, self.deps, **kw)

    def add_note(self, case_id: str, agent: str, body: str) -> CaseEvent:
        with self._tx() as conn:
            return working.add_note(conn, case_id, agent, body, self.deps)

    def set_status(self, case_id: str, status: str, actor: str) -> Case:
        with self._tx() as conn:
            return working.set_status(conn, case_id, status, actor, self.deps)

    def assign(self, case_id: str, agent: str | None, actor: str) -> Case:
        with self._tx() as conn:
            return working.assign_to(conn, case_id, agent, actor, self.deps)

    def update(self, case_id: str, actor: str, **fields: str | None) -> Case:
        with self._tx() as conn:
            return working.update_fields(conn, case_id, actor, self.deps, **fields)

    def merge(self, target_id: str, merged_id: str, actor: str) -> Case:
        with self._tx() as conn:
            return working.merge_cases(conn, target_id, merged_id, actor, self.deps)

    def split(self, case_id: str, event_ids: Sequence[str], actor: str) -> Case:
        with self._tx() as conn:
            return working.split_case(conn, case_id, event_ids, actor, self.deps)

    def check_slas(self) -> list[Alert]:
        with self._tx() as conn:
            return check_slas(conn, self.deps)

    def case(self, case_id: str) -> CaseView:
        with self.engine.connect() as conn:
            return case_view(conn, case_id, self.clock.now(), self.deps)

    def cases(self, **filters: Any) -> list[Case]:
        with self.engine.connect() as conn:
            return store.list_cases(conn, **filters)

    def customer_names(self, found: Sequence[Case]) -> dict[str, str]:
        """The name of each customer ``found`` cases are from (through the customers slice; an
        erased or nameless customer has none)."""
        ids = {c.customer_id for c in found if c.customer_id}
        if not ids:
            return {}
        with self.engine.connect() as conn:
            people = self.deps.contacts(conn, ids)
        return {i: p.name for i, p in people.items() if p.name}

    def agent_emails(self) -> list[str]:
        """The addresses of the active agents (the staff a pulse survey goes to)."""
        with self.engine.connect() as conn:
            return [a.email for a in self.deps.desk(conn).agents if a.active]

    def report(self, since: datetime, until: datetime) -> ServiceReport:
        with self.engine.connect() as conn:
            return service_report(conn, since, until, self.deps)

    def queues(self) -> list[Any]:
        with self.engine.connect() as conn:
            return config.load_queues(conn)

    def queue_choices(self) -> list[tuple[str, str]]:
        """(name, label) of each queue a view may filter on: the configured ones (with their
        team), then those only cases name (an import's or the demo's), marked so."""
        with self.engine.connect() as conn:
            configured = config.load_queues(conn)
            used = store.case_queues(conn)
        names = {q.name for q in configured}
        return [(q.name, f"{q.name} ({q.team})") for q in configured] + [
            (name, f"{name} (cases only, not configured)") for name in used if name not in names
        ]

    def canned_responses(self) -> list[Any]:
        with self.engine.connect() as conn:
            return config.load_canned(conn)

    def attachment(self, attachment_id: str) -> Any:
        with self.engine.connect() as conn:
            row = store.attachment(conn, attachment_id)
        if row is None:
            raise NotFound(f"attachment {attachment_id} does not exist")
        return row
