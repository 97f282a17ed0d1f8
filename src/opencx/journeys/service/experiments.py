"""Experiments' use cases: define, start, stop, assign a customer (recording the exposure once),
expose a list or a segment in bulk, and analyse. Each write is one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, Conflict, NotFound, new_id
from opencx.core.errors import InvalidInput
from opencx.journeys.domain import (
    Analysis,
    Experiment,
    analyse,
    assign,
    check_exposable,
    parse_definition,
    started,
    stopped,
)
from opencx.journeys.store import experiments as store
from opencx.journeys.store.experiments import SEGMENT_KINDS


@dataclass(frozen=True, slots=True)
class Assignment:
    """The variant a customer is shown: ``person`` is who was recorded (the survivor of a
    merged customer); ``new`` when this call recorded the exposure."""

    experiment: str
    customer_id: str
    person: str
    variant: str
    new: bool


@dataclass(frozen=True, slots=True)
class Exposed:
    """A bulk exposure: people newly recorded, exposed before, ids unknown, people erased."""

    new: int
    already: int
    unknown: tuple[str, ...]
    erased: int


@dataclass(frozen=True, slots=True)
class ExperimentReport:
    experiment: Experiment
    analysis: Analysis
    open_windows: int  # exposures whose goal window is still open: their outcome may come
    at: datetime


class ExperimentsService:
    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def create(self, data: Mapping[str, Any]) -> Experiment:
        """A draft from a definition (:func:`~opencx.journeys.domain.parse_definition`)."""
        experiment = Experiment(new_id(), parse_definition(data), "draft", self.clock.now())
        with self.engine.begin() as conn:
            store.add(conn, experiment)
        return experiment

    def list(self) -> list[Experiment]:
        with self.engine.connect() as conn:
            return store.listed(conn)

    def get(self, key: str) -> Experiment:
        with self.engine.connect() as conn:
            return _found(conn, key)

    def start(self, key: str) -> Experiment:
        with self.engine.begin() as conn:
            experiment = started(_found(conn, key), self.clock.now())
            store.save_status(conn, experiment)
        return experiment

    def stop(self, key: str) -> Experiment:
        with self.engine.begin() as conn:
            experiment = stopped(_found(conn, key), self.clock.now())
            store.save_status(conn, experiment)
        return experiment

    def assign(self, key: str, customer_id: str) -> Assignment:
        """The customer's variant, its exposure recorded the first time it is asked."""
        now = self.clock.now()
        with self.engine.begin() as conn:
            experiment = _found(conn, key)
            check_exposable(experiment, now)
            found = store.persons(conn, [customer_id]).get(customer_id)
            if found is None:
                raise NotFound(f"customer {customer_id!r} does not exist")
            person, erased = found
            if erased:
                raise Conflict(f"customer {customer_id!r} was erased: not assigned")
            before = store.recorded(conn, experiment.id, [person]).get(person)
            if before is None:
                variant = assign(experiment.definition, person).key
                store.record(conn, [_exposure(experiment, person, variant, now)])
            shown = store.recorded(conn, experiment.id, [person])[person]
        return Assignment(key, customer_id, person, shown, before is None)

    def expose(self, key: str, customer_ids: Sequence[str]) -> Exposed:
        """Record the exposure of each customer listed (their variant by the hash), once."""
        ids = sorted({c.strip() for c in customer_ids if c.strip()})
        if not ids:
            raise InvalidInput("no customer ids given")
        now = self.clock.now()
        with self.engine.begin() as conn:
            experiment = _found(conn, key)
            check_exposable(experiment, now)
            found = store.persons(conn, ids)
            people = sorted({p for p, erased in found.values() if not erased})
            before = store.recorded(conn, experiment.id, people)
            rows = [
                _exposure(experiment, p, assign(experiment.definition, p).key, now)
                for p in people
                if p not in before
            ]
            store.record(conn, rows)
        unknown = tuple(i for i in ids if i not in found)
        erased = len({p for p, gone in found.values() if gone})
        return Exposed(len(rows), len(before), unknown, erased)

    def expose_segment(self, key: str, kind: str, name: str) -> Exposed:
        """:meth:`expose` for the customers whose latest ``kind`` segment is ``name``."""
        if kind not in SEGMENT_KINDS:
            raise InvalidInput(f"segment kind {kind!r}: one of {', '.join(SEGMENT_KINDS)}")
        with self.engine.connect() as conn:
            members = store.segment_members(conn, kind, name)
        if not members:
            raise InvalidInput(f"no customer is in the {kind} {name!r}")
        return self.expose(key, members)

    def analyse(self, key: str) -> ExperimentReport:
        now = self.clock.now()
        with self.engine.connect() as conn:
            experiment = _found(conn, key)
            counts = store.variant_counts(conn, experiment)
            still = store.open_windows(conn, experiment, now)
        return ExperimentReport(experiment, analyse(experiment.definition, counts), still, now)


def _found(conn: Connection, key: str) -> Experiment:
    experiment = store.find(conn, key)
    if experiment is None:
        raise NotFound(f"experiment {key!r} does not exist")
    return experiment


def _exposure(e: Experiment, person: str, variant: str, now: datetime) -> dict[str, Any]:
    return {
        "id": new_id(),
        "experiment_id": e.id,
        "customer_id": person,
        "variant": variant,
        "exposed_at": now,
    }


RESULT_FIELDS = (
    "variant",
    "name",
    "share",
    "exposed",
    "total",
    "value",
    "lower",
    "upper",
    "difference",
    "difference_lower",
    "difference_upper",
    "adjusted_lower",
    "adjusted_upper",
    "relative",
    "p_value",
    "adjusted_p",
    "significant",
)
"""The columns of an experiment's results as records (CSV download, API, CLI): per variant its
expected share, exposed customers, the goal's total and value (rate 0-1 or mean) with its 95%
interval; against the control the difference with its plain 95% and adjusted intervals, the
relative difference, the p-value and the adjusted (Holm) one."""


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def experiment_record(e: Experiment) -> dict[str, Any]:
    d = e.definition
    return {
        "key": d.key,
        "name": d.name,
        "hypothesis": d.hypothesis,
        "variants": [{"key": v.key, "name": v.name, "weight": v.weight} for v in d.variants],
        "goal": d.goal,
        "window_days": d.window_days,
        "start": d.start,
        "stop": d.stop,
        "currency": d.currency,
        "status": e.status,
        "created_at": e.created_at,
        "started_at": e.started_at,
        "stopped_at": e.stopped_at,
    }


def result_records(report: ExperimentReport) -> list[dict[str, Any]]:
    """One record per variant, the control first."""
    out = []
    for v in report.analysis.variants:
        c = v.comparison
        out.append(
            {
                "variant": v.key,
                "name": v.name,
                "share": _r(v.share),
                "exposed": v.exposed,
                "total": _r(v.total),
                "value": _r(v.value),
                "lower": _r(v.lower),
                "upper": _r(v.upper),
                "difference": _r(c.difference.value) if c else None,
                "difference_lower": _r(c.difference.lower) if c else None,
                "difference_upper": _r(c.difference.upper) if c else None,
                "adjusted_lower": _r(c.adjusted.lower) if c else None,
                "adjusted_upper": _r(c.adjusted.upper) if c else None,
                "relative": _r(c.relative) if c else None,
                "p_value": c.p_value if c else None,
                "adjusted_p": c.adjusted_p if c else None,
                "significant": bool(c and c.significant),
            }
        )
    return out
