"""Journeys use cases: the paths customers take to an outcome and the touchpoints after which a
bad outcome comes more often (friction), read only; the period ends by default where the data
lets every window be seen (:func:`~opencx.journeys.domain.observable_end`). Experiments are
:attr:`JourneysService.experiments` (:mod:`.experiments`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property

from sqlalchemy.engine import Engine

from opencx.core import Clock
from opencx.journeys import store
from opencx.journeys.domain import (
    FrictionTable,
    JourneyQuery,
    PathTable,
    censored,
    friction_outcome,
    friction_table,
    observable_end,
    path_outcome,
    period_of,
    summarise_paths,
    windowed,
)
from opencx.journeys.service.experiments import ExperimentsService


@dataclass(frozen=True, slots=True)
class PathReport:
    query: JourneyQuery
    table: PathTable
    latest: datetime | None  # the last touch in the store
    censored: bool  # a window reaches past the data: an absence's rate reads high


@dataclass(frozen=True, slots=True)
class FrictionReport:
    query: JourneyQuery
    table: FrictionTable
    latest: datetime | None
    censored: bool


@dataclass(frozen=True, slots=True)
class Ask:
    """A question as the edges give it: a period of ``days`` ending at ``until`` (default: the
    data's observable end), the outcome and how steps are labelled."""

    outcome: str
    days: int = 90
    until: datetime | None = None
    level: str = "touchpoint"
    steps: int = 4
    within_days: int = 30


class JourneysService:
    """Touchpoint paths and friction points read from ``engine``'s canonical tables."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    @cached_property
    def experiments(self) -> ExperimentsService:
        """Experiments: define, start, stop, assign and expose customers, analyse."""
        return ExperimentsService(self.engine, self.clock)

    def _query(self, ask: Ask, latest: datetime | None, *, windowed: bool) -> JourneyQuery:
        base = latest if latest is not None else self.clock.now()
        until = ask.until or observable_end(base, ask.within_days, windowed=windowed)
        start, end = period_of(ask.days, until)
        return JourneyQuery(ask.outcome, start, end, ask.level, ask.steps, ask.within_days)

    def paths(self, ask: Ask, *, limit: int = 20) -> PathReport:
        """The ``limit`` paths with the most outcomes, the rest as one row."""
        windows = windowed(path_outcome(ask.outcome), friction=False)  # refused before a read
        with self.engine.connect() as conn:
            latest = store.latest_touch(conn)
            query = self._query(ask, latest, windowed=windows)
            table = summarise_paths(store.path_counts(conn, query), limit=limit)
        return PathReport(query, table, latest, censored(query, latest, windowed=windows))

    def friction(self, ask: Ask, *, min_exposed: int = 30) -> FrictionReport:
        """Every touchpoint against the customers who did not pass through it, ranked."""
        friction_outcome(ask.outcome)  # refused before a read
        with self.engine.connect() as conn:
            latest = store.latest_touch(conn)
            query = self._query(ask, latest, windowed=True)
            counts, customers, hits = store.friction_counts(conn, query)
        table = friction_table(counts, customers, hits, min_exposed=min_exposed)
        return FrictionReport(query, table, latest, censored(query, latest, windowed=True))


PATH_FIELDS = (
    "path",
    "steps",
    "customers",
    "share",
    "outcomes",
    "outcome_share",
    "outcome_rate",
    "rate_lower",
    "rate_upper",
)
"""The columns of a path table as records (CSV download, API, CLI)."""

FRICTION_FIELDS = (
    "touchpoint",
    "exposed",
    "outcomes",
    "rate",
    "rest",
    "rest_outcomes",
    "rest_rate",
    "difference",
    "difference_lower",
    "difference_upper",
    "adjusted_lower",
    "adjusted_upper",
    "lift",
    "real",
    "adjustment",
    "comparisons",
)
"""The columns of a friction table as records: the difference's plain 95% interval, its
Bonferroni-adjusted interval (confidence 1 − 0.05/m), ``real`` when the adjusted one is above 0,
and on every row the adjustment and ``m``, the touchpoints compared."""


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def path_records(report: PathReport) -> list[dict[str, object]]:
    """One record per path row: shares and rates as proportions (0-1)."""
    return [
        {
            "path": r.text,
            "steps": len(r.path),
            "customers": r.customers,
            "share": _r(r.share),
            "outcomes": r.outcomes,
            "outcome_share": _r(r.outcome_share),
            "outcome_rate": _r(r.rate),
            "rate_lower": _r(r.lower),
            "rate_upper": _r(r.upper),
        }
        for r in report.table.rows
    ]


def friction_records(report: FrictionReport) -> list[dict[str, object]]:
    """One record per touchpoint, ranked: rates and differences as proportions (0-1)."""
    out: list[dict[str, object]] = []
    t = report.table
    for r in t.rows:
        d, a = r.difference, r.adjusted
        out.append(
            {
                "touchpoint": r.key,
                "exposed": r.exposed,
                "outcomes": r.hits,
                "rate": _r(r.rate),
                "rest": r.rest,
                "rest_outcomes": r.rest_hits,
                "rest_rate": _r(r.rest_rate),
                "difference": _r(d.value if d else None),
                "difference_lower": _r(d.lower if d else None),
                "difference_upper": _r(d.upper if d else None),
                "adjusted_lower": _r(a.lower if a else None),
                "adjusted_upper": _r(a.upper if a else None),
                "lift": _r(r.lift),
                "real": r.real,
                "adjustment": t.adjustment,
                "comparisons": t.comparisons,
            }
        )
    return out


def until_of(day: date | None) -> datetime | None:
    """A period's end given as a date: midnight UTC at its start."""
    return None if day is None else datetime.combine(day, time(), UTC)
