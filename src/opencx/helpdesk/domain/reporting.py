"""Service measures: response and resolution times as median, mean, p90 and buckets; rates.

Times come in seconds, both wall clock and business hours. A duration that is negative (a case
resolved before it was opened or first answered) is *impossible*: it is counted and reported by
case, never averaged. Quantiles use linear interpolation between order statistics (Hyndman and
Fan 1996, type 7, the default of R and NumPy).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BUCKETS: tuple[tuple[float, str], ...] = (
    (3600, "< 1 h"),
    (4 * 3600, "1–4 h"),
    (8 * 3600, "4–8 h"),
    (24 * 3600, "8–24 h"),
    (72 * 3600, "1–3 d"),
    (math.inf, "> 3 d"),
)


def quantile(ordered: Sequence[float], q: float) -> float:
    """Type-7 quantile of an already sorted, non-empty sequence.

    >>> quantile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    """
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


@dataclass(frozen=True, slots=True)
class Durations:
    """Summary of one time measure; ``impossible`` lists the ids of negative durations."""

    n: int
    mean: float | None
    median: float | None
    p90: float | None
    buckets: tuple[tuple[str, int], ...]
    impossible: tuple[str, ...]


def summarise(values: Iterable[tuple[str, float | None]]) -> Durations:
    """``(id, seconds)`` pairs → :class:`Durations`; ``None`` (not yet happened) is skipped."""
    good: list[float] = []
    bad: list[str] = []
    for key, seconds in values:
        if seconds is None:
            continue
        (bad.append(key) if seconds < 0 else good.append(seconds))
    good.sort()
    counts = Counter(next(label for limit, label in BUCKETS if s < limit) for s in good)
    buckets = tuple((label, counts.get(label, 0)) for _, label in BUCKETS)
    if not good:
        return Durations(0, None, None, None, buckets, tuple(bad))
    return Durations(
        len(good),
        sum(good) / len(good),
        quantile(good, 0.5),
        quantile(good, 0.9),
        buckets,
        tuple(bad),
    )


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """What the measures need of one case."""

    case_id: str
    queue: str | None
    channel: str
    category: str | None
    status: str
    first_response_wall_s: float | None
    first_response_business_s: float | None
    resolution_wall_s: float | None
    resolution_business_s: float | None
    agent_replies: int
    reopened: int
    sla_policy: str | None
    sla_state: str | None


@dataclass(frozen=True, slots=True)
class ServiceReport:
    cases: int
    first_response_wall: Durations
    first_response_business: Durations
    next_response_wall: Durations
    next_response_business: Durations
    resolution_wall: Durations
    resolution_business: Durations
    resolution_rate: float | None
    first_contact_resolution: float | None
    sla_attainment: float | None
    backlog: tuple[tuple[str, str, int], ...]  # (dimension, value, active cases)


ACTIVE = ("new", "open", "pending_customer", "pending_third_party")


def _rate(hits: int, total: int) -> float | None:
    return hits / total if total else None


def report(
    cases: Sequence[CaseFigures],
    next_responses: Sequence[tuple[str, float, float]] = (),
    active: Sequence[tuple[str | None, str | None, str | None]] | None = None,
) -> ServiceReport:
    """Measures over ``cases``; ``next_responses`` are (case id, wall s, business s) cycles.

    The backlog counts ``active``: the (queue, channel, category) of every case active now,
    whenever it was opened (a case opened before the period and still waiting is backlog too);
    without it, the active cases among ``cases``.

    First-contact resolution: resolved cases answered with exactly one agent reply and never
    reopened, over resolved cases. SLA attainment: cases under a policy not breached, over cases
    under a policy.
    """
    resolved = [c for c in cases if c.status in ("resolved", "closed")]
    fcr = [c for c in resolved if c.agent_replies == 1 and c.reopened == 0]
    under = [c for c in cases if c.sla_policy]
    kept = [c for c in under if c.sla_state != "breached"]
    if active is None:
        active = [(c.queue, c.channel, c.category) for c in cases if c.status in ACTIVE]
    backlog: Counter[tuple[str, str]] = Counter()
    for queue, channel, category in active:
        for dim, value in (("queue", queue), ("channel", channel), ("category", category)):
            backlog[(dim, value or "–")] += 1
    return ServiceReport(
        cases=len(cases),
        first_response_wall=summarise((c.case_id, c.first_response_wall_s) for c in cases),
        first_response_business=summarise((c.case_id, c.first_response_business_s) for c in cases),
        next_response_wall=summarise((k, w) for k, w, _ in next_responses),
        next_response_business=summarise((k, b) for k, _, b in next_responses),
        resolution_wall=summarise((c.case_id, c.resolution_wall_s) for c in cases),
        resolution_business=summarise((c.case_id, c.resolution_business_s) for c in cases),
        resolution_rate=_rate(len(resolved), len(cases)),
        first_contact_resolution=_rate(len(fcr), len(resolved)),
        sla_attainment=_rate(len(kept), len(under)),
        backlog=tuple(sorted((d, v, n) for (d, v), n in backlog.items())),
    )


def response_cycles(messages: Sequence[tuple[object, str]]) -> list[tuple[object, object]]:
    """(start, end) of every next-response cycle in one case's ordered ``(at, kind)`` messages.

    A cycle starts at the first customer message after an agent reply and ends at the next
    agent reply; the first response is not a cycle (it has its own measure).
    """
    cycles: list[tuple[object, object]] = []
    replied, waiting_since = False, None
    for at, kind in messages:
        if kind == "message_out":
            if waiting_since is not None:
                cycles.append((waiting_since, at))
            replied, waiting_since = True, None
        elif kind == "message_in" and replied and waiting_since is None:
            waiting_since = at
    return cycles


@dataclass(frozen=True, slots=True)
class TicketTimes:
    """One exported ticket's timestamps (the public ``customer_support_tickets.csv`` layout)."""

    ticket_id: str
    status: str
    first_response: object  # datetime | None
    resolved: object  # datetime | None


@dataclass(frozen=True, slots=True)
class TimesCheck:
    rows: int
    response_to_resolution: Durations  # impossible (negative) rows listed, never averaged
    problems: tuple[tuple[str, str], ...]  # (ticket id, what is wrong)


def check_ticket_times(tickets: Sequence[TicketTimes]) -> TimesCheck:
    """Measure first response → resolution and name every row that cannot be true.

    Impossible: a resolution before the first response (negative duration), a closed ticket
    without a resolution time, an open one with a resolution time.
    """
    problems: list[tuple[str, str]] = []
    pairs: list[tuple[str, float | None]] = []
    for t in tickets:
        closed = t.status.lower() in ("closed", "resolved", "solved")
        if closed and t.resolved is None:
            problems.append((t.ticket_id, "closed without a resolution time"))
        if not closed and t.resolved is not None:
            problems.append((t.ticket_id, f"{t.status} but has a resolution time"))
        if t.first_response is not None and t.resolved is not None:
            seconds = (t.resolved - t.first_response).total_seconds()  # type: ignore[operator]
            if seconds < 0:
                problems.append((t.ticket_id, "resolved before the first response"))
            pairs.append((t.ticket_id, seconds))
    return TimesCheck(len(tickets), summarise(pairs), tuple(problems))
