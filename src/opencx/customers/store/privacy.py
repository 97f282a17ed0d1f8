"""Everything held about a person (export) and removing what identifies them (erasure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import (
    answers,
    case_events,
    cases,
    customer_merges,
    customer_scores,
    customers,
    identities,
    interactions,
    invitations,
    order_lines,
    orders,
    responses,
    subscriptions,
)

REDACTED = "[erased]"


def jsonable(value: Any) -> Any:
    """Times as ISO 8601, money as decimal strings (no float rounding), containers recursively."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [{k: jsonable(v) for k, v in r._mapping.items()} for r in conn.execute(query)]


def _nest(
    parents: list[dict[str, Any]], children: list[dict[str, Any]], fk: str, name: str
) -> None:
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for child in children:
        by_parent.setdefault(child[fk], []).append(child)
    for parent in parents:
        parent[name] = by_parent.get(parent["id"], [])


def export_rows(conn: Connection, ids: Sequence[str]) -> dict[str, Any]:
    """Every row that belongs to the customers ``ids`` (a survivor and its merged customers)."""
    order_ids = sa.select(orders.c.id).where(orders.c.customer_id.in_(ids))
    case_ids = sa.select(cases.c.id).where(cases.c.customer_id.in_(ids))
    response_ids = sa.select(responses.c.id).where(responses.c.customer_id.in_(ids))
    found = {
        "customers": _rows(conn, sa.select(customers).where(customers.c.id.in_(ids))),
        "identities": _rows(conn, sa.select(identities).where(identities.c.customer_id.in_(ids))),
        "orders": _rows(conn, sa.select(orders).where(orders.c.customer_id.in_(ids))),
        "subscriptions": _rows(
            conn, sa.select(subscriptions).where(subscriptions.c.customer_id.in_(ids))
        ),
        "interactions": _rows(
            conn, sa.select(interactions).where(interactions.c.customer_id.in_(ids))
        ),
        "cases": _rows(conn, sa.select(cases).where(cases.c.customer_id.in_(ids))),
        "invitations": _rows(
            conn, sa.select(invitations).where(invitations.c.customer_id.in_(ids))
        ),
        "responses": _rows(conn, sa.select(responses).where(responses.c.customer_id.in_(ids))),
        "scores": _rows(
            conn, sa.select(customer_scores).where(customer_scores.c.customer_id.in_(ids))
        ),
        "merges": _rows(
            conn,
            sa.select(customer_merges).where(
                sa.or_(customer_merges.c.survivor_id.in_(ids), customer_merges.c.merged_id.in_(ids))
            ),
        ),
    }
    lines = _rows(
        conn,
        sa.select(order_lines)
        .where(order_lines.c.order_id.in_(order_ids))
        .order_by(order_lines.c.line_no),
    )
    events = _rows(
        conn,
        sa.select(case_events)
        .where(case_events.c.case_id.in_(case_ids))
        .order_by(case_events.c.at),
    )
    given = _rows(conn, sa.select(answers).where(answers.c.response_id.in_(response_ids)))
    _nest(found["orders"], lines, "order_id", "lines")
    _nest(found["cases"], events, "case_id", "events")
    _nest(found["responses"], given, "response_id", "answers")
    return found


def _redact(text: str | None, personal: Sequence[str]) -> str | None:
    if text is None:
        return None
    for value in personal:
        text = re.sub(re.escape(value), REDACTED, text, flags=re.IGNORECASE)
    return text


def erase_rows(conn: Connection, ids: Sequence[str], now: datetime) -> bool:
    """Blank personal data of customers ``ids``; keep the facts aggregates read.

    Blanked: name, email, phone, attributes; identity rows; free text the person wrote (answer
    text, inbound case messages, raw survey submissions, case subjects). Other case text (agent
    replies, notes) keeps its words but loses the person's name, email and phone. Orders,
    lines, scores and answer scores stay. Returns False when everything was already erased.
    """
    people = conn.execute(
        sa.select(customers.c.name, customers.c.email, customers.c.phone).where(
            customers.c.id.in_(ids), customers.c.erased_at.is_(None)
        )
    ).all()
    if not people:
        return False
    personal = sorted(
        {v for p in people for v in (p.name, p.email, p.phone) if v and len(v) >= 3},
        key=len,
        reverse=True,
    )
    case_ids = sa.select(cases.c.id).where(cases.c.customer_id.in_(ids))
    response_ids = sa.select(responses.c.id).where(responses.c.customer_id.in_(ids))
    conn.execute(
        customers.update()
        .where(customers.c.id.in_(ids))
        .values(name=None, email=None, phone=None, attributes={})
    )
    conn.execute(
        customers.update()
        .where(customers.c.id.in_(ids), customers.c.erased_at.is_(None))
        .values(erased_at=now)
    )
    conn.execute(identities.delete().where(identities.c.customer_id.in_(ids)))
    conn.execute(answers.update().where(answers.c.response_id.in_(response_ids)).values(text=None))
    conn.execute(responses.update().where(responses.c.customer_id.in_(ids)).values(submission={}))
    conn.execute(cases.update().where(cases.c.customer_id.in_(ids)).values(subject=None))
    e = case_events.c
    conn.execute(
        case_events.update()
        .where(e.case_id.in_(case_ids), e.kind == "message_in")
        .values(body=None)
    )
    others = conn.execute(
        sa.select(e.id, e.body).where(
            e.case_id.in_(case_ids), e.kind != "message_in", e.body.is_not(None)
        )
    ).all()
    changed = [
        {"b_id": r.id, "b_body": _redact(r.body, personal)}
        for r in others
        if _redact(r.body, personal) != r.body
    ]
    if changed:
        conn.execute(
            case_events.update()
            .where(e.id == sa.bindparam("b_id"))
            .values(body=sa.bindparam("b_body")),
            changed,
        )
    return True
