"""Cases, their events and the helpdesk's per-case state: inserts, updates and lookups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db.schema import case_events, cases
from opencx.helpdesk.domain.cases import ACTIVE, Attachment, Case, CaseEvent
from opencx.helpdesk.store.tables import attachments, case_state

_ACTIVE = sorted(s.value for s in ACTIVE)


def _case(row: Any) -> Case:
    return Case(
        id=row.id,
        source=row.source,
        external_id=row.external_id,
        customer_id=row.customer_id,
        channel=row.channel,
        queue=row.queue,
        category=row.category,
        priority=row.priority,
        status=row.status,
        subject=row.subject,
        opened_at=row.opened_at,
        first_response_at=row.first_response_at,
        resolved_at=row.resolved_at,
        closed_at=row.closed_at,
        assignee=row.assignee,
        sla_policy=row.sla_policy,
        language=row.language,
    )


def _select() -> Any:
    return sa.select(cases, case_state.c.language).select_from(
        cases.outerjoin(case_state, case_state.c.case_id == cases.c.id)
    )


def get_case(conn: Connection, case_id: str, *, lock: bool = False) -> Case | None:
    query = _select().where(cases.c.id == case_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update(of=cases)
    row = conn.execute(query).first()
    return _case(row) if row else None


def case_by_external(conn: Connection, source: str, external_id: str) -> Case | None:
    query = _select().where(cases.c.source == source, cases.c.external_id == external_id)
    row = conn.execute(query).first()
    return _case(row) if row else None


def list_cases(
    conn: Connection,
    *,
    queue: str | None = None,
    statuses: Sequence[str] = (),
    assignee: str | None = None,
    customer_id: str | None = None,
    limit: int = 100,
) -> list[Case]:
    query = _select().order_by(cases.c.opened_at.desc()).limit(limit)
    if queue:
        query = query.where(cases.c.queue == queue)
    if statuses:
        query = query.where(cases.c.status.in_(list(statuses)))
    if assignee:
        query = query.where(cases.c.assignee == assignee)
    if customer_id:
        query = query.where(cases.c.customer_id == customer_id)
    return [_case(r) for r in conn.execute(query)]


def case_queues(conn: Connection) -> list[str]:
    """Every queue a case sits in (an imported or generated case's queue may be set up nowhere)."""
    query = sa.select(cases.c.queue).where(cases.c.queue.is_not(None)).distinct()
    return sorted(str(q) for q in conn.scalars(query))


def insert_case(conn: Connection, case: Case, *, contact_email: str | None, now: datetime) -> None:
    values = {k: getattr(case, k) for k in cases.c.keys()}  # noqa: SIM118
    conn.execute(cases.insert(), values)
    conn.execute(
        case_state.insert(),
        {
            "case_id": case.id,
            "contact_email": contact_email,
            "language": case.language,
            "skills": [],
            "alerts": [],
            "updated_at": now,
        },
    )


def update_case(conn: Connection, case_id: str, **values: Any) -> None:
    conn.execute(cases.update().where(cases.c.id == case_id).values(**values))


def insert_event(
    conn: Connection,
    case_id: str,
    *,
    at: datetime,
    kind: str,
    actor: str | None,
    body: str | None,
    properties: Mapping[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent(new_id(), case_id, at, kind, actor, body, dict(properties or {}))
    conn.execute(
        case_events.insert(),
        {
            "id": event.id,
            "case_id": case_id,
            "at": at,
            "kind": kind,
            "actor": actor,
            "body": body,
            "properties": dict(event.properties),
        },
    )
    return event


def events_of(conn: Connection, case_id: str) -> list[CaseEvent]:
    e = case_events.c
    rows = conn.execute(sa.select(case_events).where(e.case_id == case_id).order_by(e.at, e.id))
    return [CaseEvent(r.id, r.case_id, r.at, r.kind, r.actor, r.body, r.properties) for r in rows]


def move_events(conn: Connection, event_ids: Iterable[str], to_case: str) -> None:
    ids = list(event_ids)
    conn.execute(case_events.update().where(case_events.c.id.in_(ids)).values(case_id=to_case))
    conn.execute(
        attachments.update().where(attachments.c.event_id.in_(ids)).values(case_id=to_case)
    )


def move_all_events(conn: Connection, from_case: str, to_case: str) -> None:
    conn.execute(
        case_events.update().where(case_events.c.case_id == from_case).values(case_id=to_case)
    )
    conn.execute(
        attachments.update().where(attachments.c.case_id == from_case).values(case_id=to_case)
    )


# --- per-case state --------------------------------------------------------------------------
def state_of(conn: Connection, case_id: str) -> Any:
    return conn.execute(sa.select(case_state).where(case_state.c.case_id == case_id)).first()


def update_state(conn: Connection, case_id: str, **values: Any) -> None:
    conn.execute(case_state.update().where(case_state.c.case_id == case_id).values(**values))


def ensure_state(conn: Connection, case_id: str, now: datetime) -> None:
    """Imported cases have no state row yet: add an empty one the first time one is worked."""
    if state_of(conn, case_id) is None:
        conn.execute(
            case_state.insert(),
            {"case_id": case_id, "skills": [], "alerts": [], "updated_at": now},
        )


def due_case_ids(conn: Connection, before: datetime, limit: int = 1000) -> list[str]:
    """Active cases whose next SLA warning or breach falls before ``before``."""
    s = case_state.c
    query = (
        sa.select(s.case_id)
        .select_from(case_state.join(cases, cases.c.id == s.case_id))
        .where(s.sla_due_at.is_not(None), s.sla_due_at <= before, cases.c.status.in_(_ACTIVE))
        .order_by(s.sla_due_at)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def load_by_assignee(conn: Connection) -> dict[str, int]:
    c = cases.c
    query = (
        sa.select(c.assignee, sa.func.count())
        .where(c.assignee.is_not(None), c.status.in_(_ACTIVE))
        .group_by(c.assignee)
    )
    return {a: int(n) for a, n in conn.execute(query)}


def erase_contacts(conn: Connection, customer_ids: Sequence[str]) -> int:
    """Blank the contact address kept per case and drop inbound attachments (erasure)."""
    case_ids = sa.select(cases.c.id).where(cases.c.customer_id.in_(list(customer_ids)))
    done = conn.execute(
        case_state.update().where(case_state.c.case_id.in_(case_ids)).values(contact_email=None)
    ).rowcount
    conn.execute(attachments.delete().where(attachments.c.case_id.in_(case_ids)))
    return int(done or 0)


# --- attachments ---------------------------------------------------------------------------
def insert_attachments(
    conn: Connection, case_id: str, event_id: str, files: Sequence[Attachment]
) -> list[str]:
    rows = [
        {
            "id": new_id(),
            "case_id": case_id,
            "event_id": event_id,
            "name": f.name,
            "content_type": f.content_type,
            "size": len(f.data),
            "sha256": hashlib.sha256(f.data).hexdigest(),
            "data": f.data,
        }
        for f in files
    ]
    if rows:
        conn.execute(attachments.insert(), rows)
    return [str(r["id"]) for r in rows]


def attachment(conn: Connection, attachment_id: str) -> Any:
    return conn.execute(sa.select(attachments).where(attachments.c.id == attachment_id)).first()


def attachments_of(conn: Connection, case_id: str) -> list[Any]:
    a = attachments.c
    query = sa.select(a.id, a.event_id, a.name, a.content_type, a.size).where(a.case_id == case_id)
    return list(conn.execute(query))


def active_dimensions(conn: Connection) -> list[tuple[str | None, str | None, str | None]]:
    """(queue, channel, category) of every active case, whenever it was opened."""
    c = cases.c
    query = sa.select(c.queue, c.channel, c.category).where(c.status.in_(sorted(ACTIVE)))
    return [(r.queue, r.channel, r.category) for r in conn.execute(query)]


def figures(conn: Connection, since: datetime, until: datetime) -> list[Any]:
    """Per case opened in ``[since, until)``: its fields, stored durations and agent replies."""
    e = case_events.c
    replies = (
        sa.select(e.case_id, sa.func.count().label("n"))
        .where(e.kind == "message_out")
        .group_by(e.case_id)
        .subquery()
    )
    c, s = cases.c, case_state.c
    query = (
        sa.select(
            c.id,
            c.queue,
            c.channel,
            c.category,
            c.status,
            c.sla_policy,
            c.opened_at,
            c.first_response_at,
            c.resolved_at,
            s.first_response_wall_s,
            s.first_response_business_s,
            s.resolution_wall_s,
            s.resolution_business_s,
            s.reopened,
            s.sla_state,
            sa.func.coalesce(replies.c.n, 0).label("replies"),
        )
        .select_from(
            cases.outerjoin(case_state, s.case_id == c.id).outerjoin(
                replies, replies.c.case_id == c.id
            )
        )
        .where(c.opened_at >= since, c.opened_at < until)
    )
    return list(conn.execute(query))


def messages_of(conn: Connection, case_ids: Sequence[str]) -> dict[str, list[tuple[datetime, str]]]:
    """Public messages per case, in time order (for next-response cycles)."""
    e = case_events.c
    found: dict[str, list[tuple[datetime, str]]] = {}
    for start in range(0, len(case_ids), 5000):
        batch = list(case_ids[start : start + 5000])
        query = (
            sa.select(e.case_id, e.at, e.kind)
            .where(e.case_id.in_(batch), e.kind.in_(["message_in", "message_out"]))
            .order_by(e.case_id, e.at, e.id)
        )
        for r in conn.execute(query):
            found.setdefault(r.case_id, []).append((r.at, r.kind))
    return found
