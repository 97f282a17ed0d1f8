"""Reading what a person did: the rows behind the 360 profile and each timeline source.

Every query takes the person's whole group (survivor and merged customers), because rows
imported after a merge may still name a merged customer by its source id.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core import Money
from opencx.customers.domain import (
    KIND_RANK,
    Activity,
    Bound,
    Cursor,
    LineRow,
    ModelScore,
    OrderRow,
    ScoredAnswer,
    TimelineEntry,
    order_values,
    score_note,
    source_bound,
)
from opencx.customers.domain.profile import SCORED_TYPES
from opencx.db.schema import (
    answers,
    case_events,
    cases,
    customer_scores,
    interactions,
    model_runs,
    order_lines,
    orders,
    products,
    responses,
    surveys,
)


def orders_of(conn: Connection, ids: Sequence[str]) -> list[OrderRow]:
    o = orders.c
    rows = conn.execute(sa.select(orders).where(o.customer_id.in_(ids)).order_by(o.placed_at))
    return [_order(r) for r in rows]


def _order(r: Any) -> OrderRow:
    return OrderRow(r.id, r.source, r.external_id, r.placed_at, r.channel, r.status, r.currency)


def lines_of(conn: Connection, order_ids: Sequence[str] | sa.Select[Any]) -> list[LineRow]:
    line = order_lines.c
    query = (
        sa.select(
            line.order_id,
            line.quantity,
            line.unit_price,
            line.discount,
            sa.func.coalesce(products.c.is_merchandise, sa.true()).label("merch"),
        )
        .select_from(order_lines.outerjoin(products, products.c.id == line.product_id))
        .where(line.order_id.in_(order_ids))
    )
    return [
        LineRow(r.order_id, r.quantity, Decimal(r.unit_price), Decimal(r.discount), bool(r.merch))
        for r in conn.execute(query)
    ]


def customer_lines(conn: Connection, ids: Sequence[str]) -> list[LineRow]:
    return lines_of(conn, sa.select(orders.c.id).where(orders.c.customer_id.in_(ids)))


def activity_of(conn: Connection, ids: Sequence[str]) -> list[Activity]:
    """Contact tallies: interactions per channel, cases per channel and status, case events."""
    i, c, e = interactions.c, cases.c, case_events.c
    found = [
        Activity("interaction", r.channel, None, r.n, r.last)
        for r in conn.execute(
            sa.select(
                i.channel, sa.func.count().label("n"), sa.func.max(i.occurred_at).label("last")
            )
            .where(i.customer_id.in_(ids))
            .group_by(i.channel)
        )
    ]
    found += [
        Activity("case", r.channel, r.status, r.n, r.last)
        for r in conn.execute(
            sa.select(
                c.channel,
                c.status,
                sa.func.count().label("n"),
                sa.func.max(c.opened_at).label("last"),
            )
            .where(c.customer_id.in_(ids))
            .group_by(c.channel, c.status)
        )
    ]
    last_event = conn.execute(
        sa.select(sa.func.count(), sa.func.max(e.at))
        .select_from(case_events.join(cases, cases.c.id == e.case_id))
        .where(c.customer_id.in_(ids))
    ).one()
    if last_event[0]:
        found.append(Activity("case_event", None, None, last_event[0], last_event[1]))
    return found


def scored_answers(conn: Connection, ids: Sequence[str]) -> list[ScoredAnswer]:
    """The latest scored NPS, CSAT and CES answer of the group (one query per type)."""
    a, r = answers.c, responses.c
    found = []
    for kind in ("nps", "csat", "ces"):
        row = conn.execute(
            sa.select(a.question_type, a.score, r.submitted_at, r.id)
            .select_from(answers.join(responses, responses.c.id == a.response_id))
            .where(r.customer_id.in_(ids), a.question_type == kind, a.score.is_not(None))
            .order_by(r.submitted_at.desc(), r.id.desc())
            .limit(1)
        ).first()
        if row:
            found.append(ScoredAnswer(row.question_type, row.score, row.submitted_at, row.id))
    return found


def model_scores(conn: Connection, ids: Sequence[str]) -> list[ModelScore]:
    s, m = customer_scores.c, model_runs.c
    rows = conn.execute(
        sa.select(s.kind, s.value, s.details, m.model, m.id, m.fitted_at)
        .select_from(customer_scores.join(model_runs, m.id == s.model_run_id))
        .where(s.customer_id.in_(ids))
    )
    return [
        ModelScore(r.kind, r.value, r.model, r.id, r.fitted_at, score_note(r.details)) for r in rows
    ]


# --- timeline sources ------------------------------------------------------------------------


def _bounded(query: Any, at: Any, key: Any, bound: Bound | None, limit: int) -> Any:
    if bound is not None:
        earlier = at <= bound.before if bound.inclusive else at < bound.before
        if bound.id_below is not None:
            earlier = sa.or_(earlier, sa.and_(at == bound.before, key < bound.id_below))
        query = query.where(earlier)
    return query.order_by(at.desc(), key.desc()).limit(limit + 1)


def timeline_sources(
    conn: Connection,
    ids: Sequence[str],
    limit: int,
    before: Cursor | None,
    kinds: Sequence[str] = tuple(KIND_RANK),
) -> list[list[TimelineEntry]]:
    """Each source of ``kinds``: its newest ``limit + 1`` entries older than ``before``."""
    return [SOURCES[kind](conn, ids, limit, source_bound(before, kind)) for kind in kinds]


def _order_entries(conn: Connection, ids: Sequence[str], limit: int, bound: Bound | None) -> Any:
    o = orders.c
    query = sa.select(orders).where(o.customer_id.in_(ids))
    found = [_order(r) for r in conn.execute(_bounded(query, o.placed_at, o.id, bound, limit))]
    values = order_values(lines_of(conn, [x.id for x in found])) if found else {}
    entries = []
    for order in found:
        value = values.get(order.id)
        entries.append(
            TimelineEntry(
                at=order.placed_at,
                kind="order",
                ref_id=order.id,
                channel=order.channel,
                title=f"Order {order.external_id}",
                detail=order.status,
                amount=Money(value.total, order.currency) if value else None,
            )
        )
    return entries


def _interaction_entries(
    conn: Connection, ids: Sequence[str], limit: int, bound: Bound | None
) -> Any:
    i = interactions.c
    query = sa.select(interactions).where(i.customer_id.in_(ids))
    return [
        TimelineEntry(
            at=r.occurred_at,
            kind="interaction",
            ref_id=r.id,
            channel=r.channel,
            title=r.kind.replace("_", " ") + (f" · {r.touchpoint}" if r.touchpoint else ""),
            detail=r.campaign,
        )
        for r in conn.execute(_bounded(query, i.occurred_at, i.id, bound, limit))
    ]


def _case_entries(conn: Connection, ids: Sequence[str], limit: int, bound: Bound | None) -> Any:
    c = cases.c
    query = sa.select(cases).where(c.customer_id.in_(ids))
    return [
        TimelineEntry(
            at=r.opened_at,
            kind="case",
            ref_id=r.id,
            channel=r.channel,
            title="Case opened: " + (r.subject or r.category or r.external_id),
            detail=f"{r.status}, priority {r.priority}",
        )
        for r in conn.execute(_bounded(query, c.opened_at, c.id, bound, limit))
    ]


def _case_event_entries(
    conn: Connection, ids: Sequence[str], limit: int, bound: Bound | None
) -> Any:
    e = case_events.c
    query = (
        sa.select(case_events, cases.c.channel, cases.c.external_id.label("case_ref"))
        .select_from(case_events.join(cases, cases.c.id == e.case_id))
        .where(cases.c.customer_id.in_(ids))
    )
    return [
        TimelineEntry(
            at=r.at,
            kind="case_event",
            ref_id=r.id,
            channel=r.channel,
            title=f"Case {r.case_ref}: {r.kind.replace('_', ' ')}"
            + (f" by {r.actor}" if r.actor else ""),
            detail=r.body,
        )
        for r in conn.execute(_bounded(query, e.at, e.id, bound, limit))
    ]


def _response_entries(conn: Connection, ids: Sequence[str], limit: int, bound: Bound | None) -> Any:
    r = responses.c
    query = (
        sa.select(r.id, r.submitted_at, r.channel, surveys.c.name)
        .select_from(responses.join(surveys, surveys.c.id == r.survey_id))
        .where(r.customer_id.in_(ids))
    )
    found = list(conn.execute(_bounded(query, r.submitted_at, r.id, bound, limit)))
    by_response: dict[str, list[Any]] = {}
    if found:
        rows = conn.execute(
            sa.select(answers)
            .where(answers.c.response_id.in_([x.id for x in found]))
            .order_by(answers.c.response_id, answers.c.question_key)
        )
        for a in rows:
            by_response.setdefault(a.response_id, []).append(a)
    entries = []
    for x in found:
        given = by_response.get(x.id, [])
        texts = [a.text for a in given if a.text]
        entries.append(
            TimelineEntry(
                at=x.submitted_at,
                kind="response",
                ref_id=x.id,
                channel=x.channel,
                title=f"Survey: {x.name}",
                detail="\n".join(texts) or None,
                scores=tuple((_score_label(a), a.score) for a in given if a.score is not None),
            )
        )
    return entries


def _score_label(answer: Any) -> str:
    """``nps``, ``csat`` or ``ces`` for the standard questions; else the question's own key
    (``buy_again``, ``brand_rank``), which says more than its type (``rating``)."""
    label = answer.question_type if answer.question_type in SCORED_TYPES else answer.question_key
    return str(label)


SOURCES = {
    "order": _order_entries,
    "interaction": _interaction_entries,
    "case": _case_entries,
    "case_event": _case_event_entries,
    "response": _response_entries,
}
"""The query of each timeline kind (:data:`opencx.customers.domain.KIND_RANK`)."""
