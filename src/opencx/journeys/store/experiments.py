"""Experiments and exposures: written by this slice only, read set-based for the analysis.

An exposure is the person (a merged customer is recorded as its survivor) shown a variant, once
per experiment: a unique key on (experiment, customer) and ``INSERT … ON CONFLICT DO NOTHING``
keep the first. The goal of each exposure is read from the canonical tables as the friction
code reads its outcomes (:func:`~opencx.journeys.store.reads.events`): an event in
``(exposed_at, exposed_at + window]``; for revenue, the merchandise value of the orders placed
then (``metrics.domain.order_value``'s lines: ``quantity × unit_price − discount``, products not
merchandise left out), in the experiment's currency, cancelled orders left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.core.errors import Conflict
from opencx.db.id_lists import among_ids, ids_value
from opencx.db.schema import customers, order_lines, orders, products
from opencx.journeys.domain import Definition, Experiment, Variant, VariantCounts
from opencx.journeys.store.reads import events, person_of, plus_days
from opencx.journeys.store.tables import experiments, exposures

SEGMENT_KINDS = ("rfm_segment", "persona")
"""The segments exposures can be recorded for: modeling's published ``customer_segments``."""
_segments = sa.table(
    "customer_segments",
    sa.column("customer_id", sa.String),
    *(sa.column(k, sa.String) for k in SEGMENT_KINDS),
)


def _row(e: Experiment) -> dict[str, Any]:
    d = e.definition
    return {
        "id": e.id,
        "key": d.key,
        "name": d.name,
        "hypothesis": d.hypothesis,
        "variants": [{"key": v.key, "name": v.name, "weight": v.weight} for v in d.variants],
        "goal": d.goal,
        "window_days": d.window_days,
        "currency": d.currency,
        "starts_on": d.start,
        "stops_on": d.stop,
        "status": e.status,
        "created_at": e.created_at,
        "started_at": e.started_at,
        "stopped_at": e.stopped_at,
    }


def _experiment(r: Any) -> Experiment:
    variants = tuple(Variant(v["key"], v["name"], float(v["weight"])) for v in r.variants)
    d = Definition(
        r.key,
        r.name,
        r.hypothesis,
        variants,
        r.goal,
        r.window_days,
        r.starts_on,
        r.stops_on,
        r.currency,
    )
    return Experiment(r.id, d, r.status, r.created_at, r.started_at, r.stopped_at)


def add(conn: Connection, experiment: Experiment) -> None:
    """Store a new experiment; a key taken already is refused."""
    if find(conn, experiment.key) is not None:
        raise Conflict(f"experiment {experiment.key!r} exists already: choose another key")
    conn.execute(experiments.insert(), _row(experiment))


def find(conn: Connection, key: str) -> Experiment | None:
    r = conn.execute(sa.select(experiments).where(experiments.c.key == key)).first()
    return None if r is None else _experiment(r)


def listed(conn: Connection) -> list[Experiment]:
    """Every experiment, newest first."""
    rows = conn.execute(
        sa.select(experiments).order_by(experiments.c.created_at.desc(), experiments.c.key)
    )
    return [_experiment(r) for r in rows]


def save_status(conn: Connection, e: Experiment) -> None:
    conn.execute(
        experiments.update()
        .where(experiments.c.id == e.id)
        .values(status=e.status, started_at=e.started_at, stopped_at=e.stopped_at)
    )


def persons(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """Each known id's person (its survivor when merged) and whether that person is erased;
    unknown ids are left out."""
    c, s = customers.alias("c"), customers.alias("s")
    person = sa.func.coalesce(c.c.merged_into, c.c.id)
    rows = conn.execute(
        sa.select(c.c.id, person.label("person"), s.c.erased_at)
        .select_from(c.join(s, s.c.id == person))
        .where(among_ids(c.c.id, conn.dialect.name)),
        {"ids": ids_value(conn, ids)},
    )
    return {r.id: (r.person, r.erased_at is not None) for r in rows}


def segment_members(conn: Connection, kind: str, name: str) -> list[str]:
    """The customers whose latest ``kind`` (rfm_segment, persona) is ``name``."""
    column = _segments.c[kind]
    rows = conn.execute(sa.select(_segments.c.customer_id).where(column == name))
    return sorted({r[0] for r in rows})


def recorded(conn: Connection, experiment_id: str, people: Sequence[str]) -> dict[str, str]:
    """The variant each of ``people`` was exposed to, for those exposed already."""
    x = exposures.c
    rows = conn.execute(
        sa.select(x.customer_id, x.variant).where(
            x.experiment_id == experiment_id, among_ids(x.customer_id, conn.dialect.name)
        ),
        {"ids": ids_value(conn, people)},
    )
    return {r.customer_id: r.variant for r in rows}


def record(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Insert exposures (id, experiment_id, customer_id, variant, exposed_at); a person
    exposed already keeps the first."""
    rows = list(rows)
    if not rows:
        return
    base: Any = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(exposures)
    conn.execute(base.on_conflict_do_nothing(index_elements=["experiment_id", "customer_id"]), rows)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _exposed(e: Experiment) -> Any:
    x = exposures.c
    return (
        sa.select(x.id, x.customer_id.label("person"), x.variant, x.exposed_at.label("at"))
        .where(x.experiment_id == e.id)
        .cte("x")
    )


def _order_values(d: Definition, lo: datetime, hi: datetime) -> sa.Select[Any]:
    """person, at, value: each merchandise line of the orders in the experiment's currency."""
    person, joined = person_of(orders)
    line = order_lines.c
    value = sa.cast(line.quantity, sa.Float) * sa.cast(line.unit_price, sa.Float) - sa.cast(
        sa.func.coalesce(line.discount, 0), sa.Float
    )
    at = orders.c.placed_at
    return (
        sa.select(person.label("person"), at.label("at"), value.label("value"))
        .select_from(
            joined.join(order_lines, line.order_id == orders.c.id).outerjoin(
                products, products.c.id == line.product_id
            )
        )
        .where(
            orders.c.status != "cancelled",
            orders.c.currency == d.currency,
            sa.func.coalesce(products.c.is_merchandise, sa.true()),
            at >= lo,
            at < hi,
        )
    )


def variant_counts(conn: Connection, e: Experiment) -> list[VariantCounts]:
    """Per variant: exposed people, and the sum and sum of squares of their goal values."""
    d = e.definition
    lo, hi = _start(d.start), _start(d.stop) + timedelta(days=d.window_days + 1)
    x = _exposed(e)
    mean = d.goal_kind.kind == "mean"
    ev = (_order_values(d, lo, hi) if mean else events(d.goal_kind.source, lo, hi)).cte("ev")
    inside = sa.and_(
        ev.c.person == x.c.person,
        ev.c.at > x.c.at,
        ev.c.at <= plus_days(conn, x.c.at, d.window_days),
    )
    found = ev.c.at.is_not(None)
    value = (
        sa.func.coalesce(sa.func.sum(ev.c.value), 0.0)
        if mean
        else sa.func.max(sa.case((found, 1.0), else_=0.0))
    )
    each = (
        sa.select(x.c.variant, value.label("v"))
        .select_from(x.outerjoin(ev, inside))
        .group_by(x.c.id, x.c.variant)
        .subquery("each")
    )
    v = sa.cast(each.c.v, sa.Float)
    rows = conn.execute(
        sa.select(each.c.variant, sa.func.count(), sa.func.sum(v), sa.func.sum(v * v)).group_by(
            each.c.variant
        )
    )
    return [VariantCounts(r[0], int(r[1]), float(r[2] or 0), float(r[3] or 0)) for r in rows]


def open_windows(conn: Connection, e: Experiment, now: datetime) -> int:
    """Exposures whose goal window has not ended by ``now``: their outcome may still come."""
    x = exposures.c
    since = now - timedelta(days=e.definition.window_days)
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(x.experiment_id == e.id, x.exposed_at > since)
        ).scalar_one()
    )
