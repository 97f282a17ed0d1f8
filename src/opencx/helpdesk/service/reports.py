"""Service measures over a period: the SLA dashboard's figures, and checks of imported times."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Connection

from opencx.core.errors import InvalidInput, Problem
from opencx.helpdesk.domain.calendar import BusinessCalendar
from opencx.helpdesk.domain.reporting import (
    CaseFigures,
    ServiceReport,
    TicketTimes,
    TimesCheck,
    check_ticket_times,
    report,
    response_cycles,
)
from opencx.helpdesk.service.deps import Deps
from opencx.helpdesk.store import cases as store


def _business_s(calendar: BusinessCalendar | None, start: datetime, end: datetime) -> float:
    if calendar is None:
        return (end - start).total_seconds()
    return calendar.business_time(start, end).total_seconds()


def service_report(conn: Connection, since: datetime, until: datetime, deps: Deps) -> ServiceReport:
    """Measures of the cases opened in ``[since, until)``, and the backlog of every case active
    now.

    Imported cases have no stored durations: their wall-clock times are derived from the case
    times, and business hours from the calendar of their SLA policy (wall clock without one).
    """
    calendars = {p.name: p.calendar for p in deps.desk(conn).policies}
    rows = store.figures(conn, since, until)
    figures = []
    for r in rows:
        cal = calendars.get(r.sla_policy or "")
        fr_w, fr_b = r.first_response_wall_s, r.first_response_business_s
        res_w, res_b = r.resolution_wall_s, r.resolution_business_s
        if fr_w is None and r.first_response_at is not None:
            fr_w = (r.first_response_at - r.opened_at).total_seconds()
            fr_b = fr_w if fr_w < 0 else _business_s(cal, r.opened_at, r.first_response_at)
        if res_w is None and r.resolved_at is not None:
            res_w = (r.resolved_at - r.opened_at).total_seconds()
            res_b = res_w if res_w < 0 else _business_s(cal, r.opened_at, r.resolved_at)
        figures.append(
            CaseFigures(
                r.id,
                r.queue,
                r.channel,
                r.category,
                r.status,
                fr_w,
                fr_b,
                res_w,
                res_b,
                int(r.replies),
                int(r.reopened or 0),
                r.sla_policy,
                r.sla_state,
            )
        )
    policy_of = {r.id: r.sla_policy for r in rows}
    cycles = []
    for case_id, messages in store.messages_of(conn, [r.id for r in rows]).items():
        cal = calendars.get(policy_of.get(case_id) or "")
        for start, end in response_cycles(messages):
            assert isinstance(start, datetime) and isinstance(end, datetime)
            cycles.append((case_id, (end - start).total_seconds(), _business_s(cal, start, end)))
    return report(figures, cycles, store.active_dimensions(conn))


def read_ticket_times(path: Path) -> list[TicketTimes]:
    """Read the ticket export (``Ticket ID``, ``Ticket Status``, ``First Response Time``,
    ``Time to Resolution``); a missing column or a bad time is an error naming row and column."""
    required = ("Ticket ID", "Ticket Status", "First Response Time", "Time to Resolution")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path.name}: missing column(s) {missing}")
        return [_ticket(path.name, reader.line_num, row) for row in reader]


def _ticket(name: str, line: int, row: dict[str, str]) -> TicketTimes:
    times = []
    for column in ("First Response Time", "Time to Resolution"):
        raw = (row.get(column) or "").strip()
        try:
            times.append(datetime.fromisoformat(raw).replace(tzinfo=UTC) if raw else None)
        except ValueError:
            raise InvalidInput(str(Problem(name, line, column, raw, "not a date-time"))) from None
    return TicketTimes(row["Ticket ID"], row["Ticket Status"], times[0], times[1])


def check_ticket_file(path: Path) -> TimesCheck:
    return check_ticket_times(read_ticket_times(path))
