"""Keeping SLA clocks: per-case durations, the next alert time, warnings and breach escalations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.helpdesk.domain.cases import (
    Case,
    CaseEvent,
)
from opencx.helpdesk.domain.mail import case_tag
from opencx.helpdesk.domain.sla import ClockEvent, measure
from opencx.helpdesk.service.deps import Deps, get_case
from opencx.helpdesk.store import cases as store
from opencx.outbox.service import enqueue


def _clock_events(events: Sequence[CaseEvent]) -> list[ClockEvent]:
    return [
        ClockEvent(e.at, e.kind, e.properties.get("to") if e.kind == "status" else None)
        for e in events
        if e.kind in ("message_in", "message_out", "status")
    ]


def sla_report(conn: Connection, case: Case, now: datetime, deps: Deps) -> Any:
    if case.sla_policy is None:
        return None
    policy = deps.desk(conn).policy(case.sla_policy)
    if policy is None:
        return None
    events = store.events_of(conn, case.id)
    return measure(policy, case.opened_at, _clock_events(events), now), policy


def refresh_sla(conn: Connection, case_id: str, now: datetime, deps: Deps) -> None:
    """Store the case's durations (wall clock and business hours) and its next SLA alert time."""
    case = get_case(conn, case_id, lock=False)
    store.ensure_state(conn, case.id, now)
    found = sla_report(conn, case, now, deps)
    calendar = found[1].calendar if found else None
    # no policy (or its policy deleted): no next alert, or the alert run visits it for ever
    values: dict[str, Any] = {"updated_at": now, "sla_due_at": None}
    for name, end in (("first_response", case.first_response_at), ("resolution", case.resolved_at)):
        wall = (end - case.opened_at).total_seconds() if end else None
        business = (
            calendar.business_time(case.opened_at, end).total_seconds()
            if end and calendar
            else None
        )
        values[f"{name}_wall_s"], values[f"{name}_business_s"] = wall, business
    if found:
        report = found[0]
        running = [t for t in report.timers if t.stopped_at is None and t.due_at is not None]
        state = store.state_of(conn, case.id)
        sent = set(state.alerts) if state else set()
        pending = [
            at
            for t in running
            for kind, at in (("warning", t.warn_at), ("breach", t.due_at))
            if at is not None and f"{t.target}:{t.started_at.isoformat()}:{kind}" not in sent
        ]
        values["sla_due_at"] = min(pending) if pending else None
        values["sla_state"] = "breached" if report.breached else _state(report)
    store.update_state(conn, case.id, **values)


def _state(report: Any) -> str:
    states = {t.state.value for t in report.timers if t.stopped_at is None}
    return "running" if "running" in states else ("paused" if states else "met")


@dataclass(frozen=True, slots=True)
class Alert:
    case_id: str
    target: str
    kind: str  # warning, breach
    due_at: datetime
    to: str | None


def check_slas(conn: Connection, deps: Deps, *, limit: int = 500) -> list[Alert]:
    """Send each due SLA warning and breach escalation once (outbox), and record it on the case."""
    now = deps.clock.now()
    alerts: list[Alert] = []
    for case_id in store.due_case_ids(conn, now, limit):
        case = get_case(conn, case_id)
        found = sla_report(conn, case, now, deps)
        state = store.state_of(conn, case.id)
        sent = list(state.alerts) if state else []
        for timer in found[0].timers if found else ():
            alerts += _alerts_for(conn, case, timer, sent, now, deps)
        store.update_state(conn, case.id, alerts=sent)
        refresh_sla(conn, case.id, now, deps)
    return alerts


def _alerts_for(
    conn: Connection, case: Case, timer: Any, sent: list[str], now: datetime, deps: Deps
) -> list[Alert]:
    out: list[Alert] = []
    if timer.stopped_at is not None or timer.due_at is None:
        return out
    for kind, at in (("warning", timer.warn_at), ("breach", timer.due_at)):
        key = f"{timer.target}:{timer.started_at.isoformat()}:{kind}"
        if at is None or at > now or key in sent:
            continue
        sent.append(key)
        to = (
            case.assignee
            if kind == "warning"
            else _escalation_address(conn, case, deps) or case.assignee
        )
        text = (
            f"Case {case.id} ({case.subject or 'no subject'}): {timer.target} target "
            f"{'breached' if kind == 'breach' else 'due'} at {timer.due_at.isoformat()}."
        )
        store.insert_event(
            conn,
            case.id,
            at=now,
            kind="sla",
            actor="sla",
            body=text,
            properties={
                "target": str(timer.target),
                "alert": kind,
                "due_at": timer.due_at.isoformat(),
            },
        )
        if to:
            enqueue(
                conn,
                kind="email",
                dedupe_key=f"case:{case.id}:sla:{key}"[:300],
                payload={"to": to, "subject": f"SLA {kind}: {case_tag(case.id)}", "text": text},
                now=now,
            )
        out.append(Alert(case.id, str(timer.target), kind, timer.due_at, to))
    return out


def _escalation_address(conn: Connection, case: Case, deps: Deps) -> str | None:
    queue = deps.desk(conn).queues.get(case.queue or "")
    return queue.email if queue else None
