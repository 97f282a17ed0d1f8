"""The models' segments as the customer list reads them: each customer's latest named segment
(RFM segment, persona, loyal-customer type) and churn risk, from the modeling slice's
``customer_scores`` and ``model_runs`` (read, never written: docs/decisions/0012).

"Latest" is the score of the run fitted last that scored the customer, as on the 360 page
(:func:`opencx.customers.domain.latest_model_scores`) and in the ``customer_segments`` view
(migration 0011); a persona without a name reads ``persona <id>``, as there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.customers.domain.search import SEGMENT_KINDS, ListFilter, RiskBand
from opencx.customers.store.people import among, chunks
from opencx.db.schema import customer_scores, customers, model_runs

CHURN = "churn_risk"


def latest(kind: str) -> sa.Subquery:
    """Per customer scored for ``kind``: the latest score's ``value`` and ``name``."""
    s, r = customer_scores.c, model_runs.c
    name: Any = s.details["name"].as_string()
    if kind == "persona":
        fallback = sa.literal("persona ") + sa.cast(sa.cast(s.value, sa.Integer), sa.String)
        name = sa.func.coalesce(name, fallback)
    nth = sa.func.row_number().over(
        partition_by=s.customer_id, order_by=(r.fitted_at.desc(), r.id.desc())
    )
    ranked = (
        sa.select(s.customer_id, s.value, name.label("name"), nth.label("nth"))
        .select_from(customer_scores.join(model_runs, r.id == s.model_run_id))
        .where(s.kind == kind)
        .subquery()
    )
    return (
        sa.select(ranked.c.customer_id, ranked.c.value, ranked.c.name)
        .where(ranked.c.nth == 1)
        .subquery(f"latest_{kind}")
    )


def conditions(chosen: ListFilter, band: RiskBand | None) -> list[sa.ColumnElement[bool]]:
    """The filter as conditions on ``customers`` (every one must hold)."""
    c = customers.c
    found: list[sa.ColumnElement[bool]] = []
    for kind in SEGMENT_KINDS:
        if value := getattr(chosen, kind):
            seg = latest(kind)
            found.append(c.id.in_(sa.select(seg.c.customer_id).where(seg.c.name == value)))
    if band is not None:
        risk = latest(CHURN)
        _, low, high = band
        top = risk.c.value <= high if high >= 1.0 else risk.c.value < high
        found.append(c.id.in_(sa.select(risk.c.customer_id).where(risk.c.value >= low, top)))
    if chosen.country:
        found.append(c.country == chosen.country.strip().upper())
    if chosen.language:
        found.append(c.language == chosen.language.strip().lower())
    return found


def choices(conn: Connection) -> dict[str, list[str]]:
    """What each filter offers: the segment names the latest scores hold, and the countries and
    languages of surviving customers."""
    found: dict[str, list[str]] = {}
    for kind in SEGMENT_KINDS:
        seg = latest(kind)
        names = sa.select(seg.c.name).where(seg.c.name.is_not(None)).distinct()
        found[kind] = sorted(str(n) for n in conn.scalars(names))
    alive = customers.c.merged_into.is_(None)
    for column in (customers.c.country, customers.c.language):
        values = sa.select(column).where(alive, column.is_not(None)).distinct()
        found[column.name] = sorted(str(v) for v in conn.scalars(values))
    return found


def of_customers(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each of ``ids``'s latest segment names and churn risk (absent when never scored)."""
    found: dict[str, dict[str, Any]] = {}
    if not ids:
        return found
    for kind in (*SEGMENT_KINDS, CHURN):
        seg = latest(kind)
        column = seg.c.value if kind == CHURN else seg.c.name
        for batch in chunks(ids):
            query = sa.select(seg.c.customer_id, column)
            for customer_id, value in conn.execute(
                query.where(among(conn, seg.c.customer_id, batch))
            ):
                found.setdefault(customer_id, {})[kind] = value
    return found
