"""Working a case: replies (sent through the outbox), notes, status, assignment, merge, split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput, NotFound
from opencx.core.ids import new_id
from opencx.helpdesk.domain.cases import (
    Attachment,
    Case,
    CaseEvent,
    Status,
    after_agent_reply,
    check_attachments,
    check_merge,
    check_priority,
    check_split,
    check_transition,
    render_canned,
)
from opencx.helpdesk.domain.events import CaseResolved
from opencx.helpdesk.domain.mail import case_tag
from opencx.helpdesk.domain.sla import CaseFacts, choose_policy
from opencx.helpdesk.service.deps import Deps, get_case
from opencx.helpdesk.service.sla import refresh_sla
from opencx.helpdesk.store import cases as store
from opencx.helpdesk.store import config
from opencx.outbox.service import enqueue


def reply(
    conn: Connection,
    case_id: str,
    agent: str,
    deps: Deps,
    *,
    body: str | None = None,
    canned: str | None = None,
    status: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> CaseEvent:
    """A public agent reply: recorded, sent to the customer through the outbox, status moved."""
    now = deps.clock.now()
    case = get_case(conn, case_id)
    target = after_agent_reply(case.status, status)
    text = _reply_text(conn, case, agent, body, canned, deps)
    check_attachments(attachments)
    state = store.state_of(conn, case.id)
    event = store.insert_event(
        conn,
        case.id,
        at=now,
        kind="message_out",
        actor=agent,
        body=text,
        properties={"canned": canned} if canned else {},
    )
    store.insert_attachments(conn, case.id, event.id, attachments)
    if case.first_response_at is None:
        store.update_case(conn, case.id, first_response_at=now)
    if case.assignee is None:
        store.update_case(conn, case.id, assignee=agent)
    if target.value != case.status:
        set_status_now(conn, case, check_transition(case.id, case.status, target), agent, now, deps)
    contact = state.contact_email if state else None
    if contact:
        enqueue(
            conn,
            kind="email",
            dedupe_key=f"case:{case.id}:reply:{event.id}",
            payload={
                "to": contact,
                "subject": f"{case_tag(case.id)} {case.subject or 'Your request'}",
                "text": text,
                "reply_to": deps.sender,
            },
            now=now,
        )
    refresh_sla(conn, case.id, now, deps)
    return event


def _reply_text(
    conn: Connection, case: Case, agent: str, body: str | None, canned: str | None, deps: Deps
) -> str:
    if canned:
        row = config.canned_response(conn, canned)
        if row is None:
            raise NotFound(f"canned response {canned!r} does not exist")
        values = {
            "case.id": case.id,
            "case.subject": case.subject,
            "agent.email": agent,
            "agent.name": agent.split("@")[0],
            "customer.name": deps.customer_name(conn, case.customer_id),
        }
        text = render_canned(canned, row.body, values)
        return f"{text}\n\n{body}" if body else text
    if not body or not body.strip():
        raise InvalidInput("a reply needs a body or a canned response")
    return body


def add_note(conn: Connection, case_id: str, agent: str, body: str, deps: Deps) -> CaseEvent:
    """An internal note: on the timeline for agents, never sent to the customer."""
    if not body.strip():
        raise InvalidInput("a note needs a body")
    case = get_case(conn, case_id)
    return store.insert_event(
        conn, case.id, at=deps.clock.now(), kind="note", actor=agent, body=body
    )


def set_status(conn: Connection, case_id: str, status: str, actor: str, deps: Deps) -> Case:
    now = deps.clock.now()
    case = get_case(conn, case_id)
    target = check_transition(case.id, case.status, status)
    if target.value != case.status:
        set_status_now(conn, case, target, actor, now, deps)
        refresh_sla(conn, case.id, now, deps)
    return get_case(conn, case.id, lock=False)


def set_status_now(
    conn: Connection, case: Case, status: Status, actor: str, now: datetime, deps: Deps
) -> None:
    values: dict[str, Any] = {"status": status.value}
    if status is Status.RESOLVED:
        values["resolved_at"] = now
    elif status is Status.CLOSED:
        values["closed_at"] = now
        values["resolved_at"] = case.resolved_at or now
    if case.status == Status.RESOLVED and status is Status.OPEN:
        state = store.state_of(conn, case.id)
        store.update_state(conn, case.id, reopened=(state.reopened if state else 0) + 1)
        values["resolved_at"] = None
    store.update_case(conn, case.id, **values)
    props = {"from": case.status, "to": status.value}
    store.insert_event(
        conn, case.id, at=now, kind="status", actor=actor, body=None, properties=props
    )
    resolving = status in (Status.RESOLVED, Status.CLOSED) and case.status not in (
        Status.RESOLVED,
        Status.CLOSED,
    )
    if resolving:
        state = store.state_of(conn, case.id)
        deps.publish(
            CaseResolved(
                case.id,
                case.customer_id,
                case.channel,
                case.queue,
                case.category,
                case.assignee or (actor if "@" in actor else None),
                now,
                case.language,
                state.reopened if state else 0,
            ),
            conn,
        )


def assign_to(conn: Connection, case_id: str, agent: str | None, actor: str, deps: Deps) -> Case:
    case = get_case(conn, case_id)
    store.update_case(conn, case.id, assignee=agent)
    store.insert_event(
        conn,
        case.id,
        at=deps.clock.now(),
        kind="assignment",
        actor=actor,
        body=None,
        properties={"to": agent},
    )
    return get_case(conn, case.id, lock=False)


def update_fields(
    conn: Connection, case_id: str, actor: str, deps: Deps, **fields: str | None
) -> Case:
    """Change priority, category or queue; the SLA policy is chosen again."""
    case = get_case(conn, case_id)
    if fields.get("priority"):
        check_priority(str(fields["priority"]))
    changed = {k: v for k, v in fields.items() if v is not None and getattr(case, k) != v}
    if not changed:
        return case
    now = deps.clock.now()
    store.update_case(conn, case.id, **changed)
    store.insert_event(
        conn, case.id, at=now, kind="update", actor=actor, body=None, properties=changed
    )
    case = replace(case, **changed)  # type: ignore[arg-type]
    facts = CaseFacts(case.priority, case.channel, case.category, case.queue, case.language)
    policy = choose_policy(deps.desk(conn).policies, facts)
    store.update_case(conn, case.id, sla_policy=policy.name if policy else None)
    refresh_sla(conn, case.id, now, deps)
    return get_case(conn, case.id, lock=False)


def merge_cases(conn: Connection, target_id: str, merged_id: str, actor: str, deps: Deps) -> Case:
    """Move every event of ``merged_id`` to ``target_id`` and close ``merged_id`` as merged."""
    now = deps.clock.now()
    first, second = sorted((target_id, merged_id))  # lock in one order: no deadlock
    get_case(conn, first), get_case(conn, second)
    target, merged = get_case(conn, target_id), get_case(conn, merged_id)
    check_merge(target, merged)
    store.move_all_events(conn, merged.id, target.id)
    store.update_state(conn, merged.id, merged_into=target.id)
    store.update_case(
        conn,
        merged.id,
        status=Status.CLOSED.value,
        closed_at=now,
        resolved_at=merged.resolved_at or now,
    )
    for case, other in ((target, merged), (merged, target)):
        store.insert_event(
            conn,
            case.id,
            at=now,
            kind="merge",
            actor=actor,
            body=None,
            properties={"merged": merged.id, "into": target.id, "other": other.id},
        )
    refresh_sla(conn, target.id, now, deps)
    return get_case(conn, target.id, lock=False)


def split_case(
    conn: Connection, case_id: str, event_ids: Sequence[str], actor: str, deps: Deps
) -> Case:
    """Move the chosen messages of ``case_id`` to a new case with the same customer and queue."""
    now = deps.clock.now()
    case = get_case(conn, case_id)
    events = tuple(store.events_of(conn, case.id))
    check_split(case, tuple(event_ids), events)
    state = store.state_of(conn, case.id)
    moved = [e for e in events if e.id in set(event_ids)]
    new_id_ = new_id()
    new = replace(
        case,
        id=new_id_,
        source="opencx",
        external_id=new_id_,
        status=Status.OPEN.value,
        opened_at=min(e.at for e in moved),
        first_response_at=None,
        resolved_at=None,
        closed_at=None,
    )
    store.insert_case(conn, new, contact_email=state.contact_email if state else None, now=now)
    store.update_state(conn, new.id, split_from=case.id)
    store.move_events(conn, [e.id for e in moved], new.id)
    for c in (case, new):
        store.insert_event(
            conn,
            c.id,
            at=now,
            kind="split",
            actor=actor,
            body=None,
            properties={"from": case.id, "to": new.id, "events": list(event_ids)},
        )
    refresh_sla(conn, case.id, now, deps)
    refresh_sla(conn, new.id, now, deps)
    return get_case(conn, new.id, lock=False)
