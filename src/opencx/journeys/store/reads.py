"""The journeys' reads, set-based on the canonical tables (SQLite and PostgreSQL alike).

Every row is read as its *person*: a customer merged into another counts as the survivor
(``COALESCE(customers.merged_into, customer_id)``), since rows imported after a merge may
still name the merged customer. Anonymous rows (no customer) are left out. A path's steps are
built with window functions (LAG to collapse repeats, ROW_NUMBER from the end to keep the last
ones); the definition they follow is :func:`opencx.journeys.domain.reference_paths`, and a test
holds the two equal.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import (
    answers,
    cases,
    customers,
    interactions,
    orders,
    responses,
    survey_questions,
)
from opencx.journeys.domain import FrictionCount, JourneyQuery, PathCount
from opencx.metrics.domain.survey import SCALES

Cte = Any  # a sa.CTE; kept loose for the dynamic column access below


def person_of(table: sa.Table) -> tuple[sa.ColumnElement[Any], sa.FromClause]:
    """The person a row belongs to, and the join that gives it (inner: no anonymous rows)."""
    c = customers.alias("p")
    joined = table.join(c, c.c.id == table.c.customer_id)
    return sa.func.coalesce(c.c.merged_into, table.c.customer_id), joined


def label_of(level: str) -> sa.ColumnElement[Any]:
    """A step's label at ``level`` (LEVELS): a touchpoint, or its kind when it has none."""
    i = interactions.c
    point = sa.func.coalesce(i.touchpoint, i.kind)
    if level == "channel":
        return i.channel
    if level == "channel_touchpoint":
        return i.channel + sa.literal(":") + point
    return point


def touches(query: JourneyQuery) -> sa.Select[Any]:
    """person, at, rid, label: every customer's interactions in ``[start, end)``."""
    person, joined = person_of(interactions)
    i = interactions.c
    return (
        sa.select(
            person.label("person"),
            i.occurred_at.label("at"),
            i.id.label("rid"),
            label_of(query.level).label("label"),
        )
        .select_from(joined)
        .where(i.occurred_at >= query.start, i.occurred_at < query.end)
    )


def _low_scores(lo: datetime, hi: datetime) -> sa.Select[Any]:
    person, joined = person_of(responses)
    a, q = answers.c, survey_questions.c
    r = responses.c
    joined = joined.join(answers, a.response_id == r.id).outerjoin(
        survey_questions, sa.and_(q.survey_id == r.survey_id, q.key == a.question_key)
    )

    def below_midpoint(kind: str) -> sa.ColumnElement[bool]:
        low, high = SCALES[kind]
        middle = sa.func.coalesce(q.scale_min, low) + sa.func.coalesce(q.scale_max, high)
        return sa.and_(a.question_type == kind, a.score * 2 < middle)

    rule = sa.or_(
        sa.and_(a.question_type == "nps", a.score <= 6),
        below_midpoint("csat"),
        below_midpoint("ces"),
    )
    return (
        sa.select(person.label("person"), r.submitted_at.label("at"))
        .select_from(joined)
        .where(a.score.is_not(None), rule, r.submitted_at >= lo, r.submitted_at < hi)
    )


def events(source: str, lo: datetime, hi: datetime) -> sa.Select[Any]:
    """person, at: the outcome's events in ``[lo, hi)`` (Outcome.source)."""
    if source == "low_scores":
        return _low_scores(lo, hi)
    if source == "cases":
        person, joined = person_of(cases)
        at = cases.c.opened_at
        return (
            sa.select(person.label("person"), at.label("at"))
            .select_from(joined)
            .where(at >= lo, at < hi)
        )
    person, joined = person_of(orders)
    at = orders.c.placed_at
    bought = (
        sa.select(person.label("person"), at.label("at"))
        .select_from(joined)
        .where(orders.c.status != "cancelled", at >= lo, at < hi)
    )
    if source == "orders":
        return bought
    person, joined = person_of(interactions)
    seen = interactions.c.occurred_at
    came = sa.select(person.label("person"), seen.label("at")).select_from(joined)
    return sa.union_all(bought, came.where(seen >= lo, seen < hi))  # type: ignore[return-value]


def plus_days(conn: Connection, at: sa.ColumnElement[Any], days: int) -> sa.ColumnElement[Any]:
    """``at`` + ``days`` days in SQL. SQLite keeps times as text to the microsecond; its
    strftime gives milliseconds, padded back to the stored width so text compares as time."""
    if conn.dialect.name == "sqlite":
        moved = sa.func.strftime("%Y-%m-%d %H:%M:%f", at, f"+{int(days)} days")
        return moved + sa.literal("000")
    return at + sa.literal_column(f"interval '{int(days)} days'")


def _event_window(query: JourneyQuery, *, friction: bool) -> sa.CTE:
    """The outcome's events a query can meet: after the period for ``no_return``, before the
    period's end for a path's cut, up to the last touch's window for friction. Materialised on
    PostgreSQL: inlined into a join, a store without planner statistics yet (a fresh import
    before its ``ANALYZE``) estimated it at one row and chose a nested loop (7 s instead of
    0.7 s on the demo)."""
    source, within = query.kind.source, query.within
    if query.kind.after_period:
        lo, hi = query.end, query.end + within
    elif not friction:
        lo, hi = query.start, query.end
    else:
        lo, hi = query.start, query.end + within + timedelta(days=1)
    return events(source, lo, hi).cte("ev").prefix_with("MATERIALIZED", dialect="postgresql")


def _returned(ev: Cte) -> sa.CTE:
    """The people with an event in the window after the period (``no_return``'s events)."""
    return sa.select(ev.c.person).distinct().cte("back")


def path_counts(conn: Connection, query: JourneyQuery) -> list[PathCount]:
    """Customers and outcomes per path (:func:`~opencx.journeys.domain.reference_paths`)."""
    t = touches(query).cte("t")
    ev = _event_window(query, friction=False)
    first = sa.select(t.c.person, sa.func.min(t.c.at).label("at")).group_by(t.c.person).cte("f")
    kept: Any
    if query.kind.after_period:
        cut = None
        kept = sa.select(t.c.person, t.c.at, t.c.rid, t.c.label)
    else:
        cut = (
            sa.select(first.c.person, sa.func.min(ev.c.at).label("at"))
            .select_from(first.join(ev, ev.c.person == first.c.person))
            .where(ev.c.at > first.c.at, ev.c.at < query.end)
            .group_by(first.c.person)
            .cte("cut")
        )
        kept = (
            sa.select(t.c.person, t.c.at, t.c.rid, t.c.label)
            .select_from(t.outerjoin(cut, cut.c.person == t.c.person))
            .where(sa.or_(cut.c.at.is_(None), t.c.at < cut.c.at))
        )
    k = kept.cte("k")
    within = {"partition_by": k.c.person, "order_by": (k.c.at, k.c.rid)}
    lagged = sa.select(
        k.c.person,
        k.c.at,
        k.c.rid,
        k.c.label,
        sa.func.lag(k.c.label).over(**within).label("prev"),
    ).cte("l")
    # the place from the end: both windows share one partition and order, so one sort
    person, ahead = lagged.c.person, (lagged.c.at, lagged.c.rid)
    back = (
        sa.func.count().over(partition_by=person, order_by=ahead, rows=(None, None))
        - sa.func.row_number().over(partition_by=person, order_by=ahead)
        + 1
    )
    steps = (
        sa.select(lagged.c.person, lagged.c.label, back.label("back"))
        .where(sa.or_(lagged.c.prev.is_(None), lagged.c.prev != lagged.c.label))
        .cte("s")
    )
    cols = [
        sa.func.max(sa.case((steps.c.back == n, steps.c.label))).label(f"s{n}")
        for n in range(query.steps, 0, -1)
    ]
    paths = (
        sa.select(steps.c.person, *cols)
        .where(steps.c.back <= query.steps)
        .group_by(steps.c.person)
        .cte("paths")
    )
    hit = _path_hit(query, paths, ev, cut)
    names = [f"s{n}" for n in range(query.steps, 0, -1)]
    step_cols = [hit.c[n] for n in names]
    rows = conn.execute(
        sa.select(
            *step_cols, sa.func.count().label("n"), sa.func.sum(hit.c.hit).label("k")
        ).group_by(*step_cols)
    )
    return [
        PathCount(tuple(s for s in r[: len(names)] if s is not None), int(r.n), int(r.k or 0))
        for r in rows
    ]


def _path_hit(query: JourneyQuery, paths: Cte, ev: Cte, cut: Cte | None) -> sa.Subquery:
    """Each path's person with ``hit`` 1 or 0."""
    names = [paths.c[f"s{n}"] for n in range(query.steps, 0, -1)]
    if cut is not None:
        hit = sa.case((cut.c.at.is_not(None), 1), else_=0)
        joined = paths.outerjoin(cut, cut.c.person == paths.c.person)
    else:
        back = _returned(ev)
        hit = sa.case((back.c.person.is_(None), 1), else_=0)
        joined = paths.outerjoin(back, back.c.person == paths.c.person)
    return sa.select(*names, hit.label("hit")).select_from(joined).subquery("h")


def friction_counts(conn: Connection, query: JourneyQuery) -> tuple[list[FrictionCount], int, int]:
    """Per label: exposed customers, hits after their first touch of it, hits after their first
    touch of the period; and the period's active customers with their hits from their first
    touch (:func:`~opencx.journeys.domain.reference_friction_counts`)."""
    t = touches(query).cte("t")
    ev = _event_window(query, friction=True)
    first = sa.select(t.c.person, sa.func.min(t.c.at).label("t0")).group_by(t.c.person).cte("f")
    expo = (
        sa.select(t.c.person, t.c.label, sa.func.min(t.c.at).label("t1"))
        .group_by(t.c.person, t.c.label)
        .cte("x")
    )
    if query.kind.after_period:
        back = _returned(ev)
        gone = sa.case((back.c.person.is_(None), 1), else_=0)
        hits = (
            sa.select(expo.c.person, expo.c.label, gone.label("h1"), gone.label("h0"))
            .select_from(expo.outerjoin(back, back.c.person == expo.c.person))
            .cte("hx")
        )
        return _friction_sums(conn, hits)
    w = query.within_days

    def seen(after: Any) -> Any:
        inside = sa.and_(ev.c.at > after, ev.c.at <= plus_days(conn, after, w))
        found = sa.func.max(sa.case((inside, 1), else_=0))
        return (1 - found) if query.kind.absence else found

    both = (
        sa.select(expo.c.person, expo.c.label, expo.c.t1, first.c.t0)
        .select_from(expo.join(first, first.c.person == expo.c.person))
        .cte("b")
    )
    near = sa.and_(
        ev.c.person == both.c.person,
        ev.c.at > both.c.t0,
        ev.c.at <= plus_days(conn, both.c.t1, w),
    )
    hits = (
        sa.select(
            both.c.person,
            both.c.label,
            seen(both.c.t1).label("h1"),
            seen(both.c.t0).label("h0"),
        )
        .select_from(both.outerjoin(ev, near))
        .group_by(both.c.person, both.c.label)
        .cte("hx")
    )
    return _friction_sums(conn, hits)


def _friction_sums(conn: Connection, hits: Cte) -> tuple[list[FrictionCount], int, int]:
    """One statement: a row per label, and a row without one for the people (each person's
    ``h0`` is the same on every label they touched)."""
    per_label = sa.select(
        hits.c.label,
        sa.func.count().label("n"),
        sa.func.sum(hits.c.h1).label("k"),
        sa.func.sum(hits.c.h0).label("k0"),
    ).group_by(hits.c.label)
    people = sa.select(
        sa.null().label("label"),
        sa.func.count(hits.c.person.distinct()),
        sa.func.count(sa.case((hits.c.h0 == 1, hits.c.person)).distinct()),
        sa.null(),
    )
    counts, n, k = [], 0, 0
    for r in conn.execute(sa.union_all(per_label, people)):
        if r.label is None:
            n, k = int(r.n), int(r.k or 0)
        else:
            counts.append(FrictionCount(str(r.label), int(r.n), int(r.k or 0), int(r.k0 or 0)))
    return counts, n, k


def latest_touch(conn: Connection) -> datetime | None:
    """When the last interaction of a customer happened (the default end of a period)."""
    i = interactions.c
    found: datetime | None = conn.execute(
        sa.select(sa.func.max(i.occurred_at)).where(i.customer_id.is_not(None))
    ).scalar()
    return found
