"""Everything held about a person (export) and removing what identifies them (erasure).

The export reads every slice's rows about the person (reading is open to all). The erasure
blanks only this slice's tables; every other slice erases its own copies on
:class:`opencx.core.CustomerErased`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.redaction import redactable
from opencx.customers.domain.sealing import BLIND_PREFIX
from opencx.customers.domain.tombstones import digests_of_person, erased_external_id
from opencx.customers.store import tombstones
from opencx.customers.store.vault import Vault
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
    model_runs,
    order_lines,
    orders,
    responses,
    subscriptions,
)


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
    """Every row that belongs to the customers ``ids`` (a survivor and its merged customers),
    each list in a stable order: by time, then id (a store's physical order changes after
    deletes); an order's lines by number, a case's events by time, a response's answers by
    question; scores by their model run's time, run and kind."""
    order_ids = sa.select(orders.c.id).where(orders.c.customer_id.in_(ids))
    case_ids = sa.select(cases.c.id).where(cases.c.customer_id.in_(ids))
    response_ids = sa.select(responses.c.id).where(responses.c.customer_id.in_(ids))
    owned = (  # list, table, the time each row is ordered by (then its id)
        ("identities", identities, identities.c.created_at),
        ("orders", orders, orders.c.placed_at),
        ("subscriptions", subscriptions, subscriptions.c.started_at),
        ("interactions", interactions, interactions.c.occurred_at),
        ("cases", cases, cases.c.opened_at),
        ("invitations", invitations, invitations.c.scheduled_at.nulls_last()),
        ("responses", responses, responses.c.submitted_at),
    )
    found = {
        "customers": _rows(
            conn,
            sa.select(customers)
            .where(customers.c.id.in_(ids))
            .order_by(customers.c.created_at, customers.c.id),
        ),
        **{
            name: _rows(
                conn,
                sa.select(table).where(table.c.customer_id.in_(ids)).order_by(time, table.c.id),
            )
            for name, table, time in owned
        },
        "scores": _rows(
            conn,
            sa.select(customer_scores)
            .outerjoin(model_runs, model_runs.c.id == customer_scores.c.model_run_id)
            .where(customer_scores.c.customer_id.in_(ids))
            .order_by(
                model_runs.c.fitted_at.nulls_last(),
                customer_scores.c.model_run_id,
                customer_scores.c.kind,
                customer_scores.c.customer_id,
            ),
        ),
        "merges": _rows(
            conn,
            sa.select(customer_merges)
            .where(
                sa.or_(customer_merges.c.survivor_id.in_(ids), customer_merges.c.merged_id.in_(ids))
            )
            .order_by(customer_merges.c.at, customer_merges.c.id),
        ),
    }
    lines = _rows(
        conn,
        sa.select(order_lines)
        .where(order_lines.c.order_id.in_(order_ids))
        .order_by(order_lines.c.order_id, order_lines.c.line_no),
    )
    events = _rows(
        conn,
        sa.select(case_events)
        .where(case_events.c.case_id.in_(case_ids))
        .order_by(case_events.c.at, case_events.c.id),
    )
    given = _rows(
        conn,
        sa.select(answers)
        .where(answers.c.response_id.in_(response_ids))
        .order_by(answers.c.response_id, answers.c.question_key),
    )
    _nest(found["orders"], lines, "order_id", "lines")
    _nest(found["cases"], events, "case_id", "events")
    _nest(found["responses"], given, "response_id", "answers")
    return found


def erase_rows(
    conn: Connection,
    ids: Sequence[str],
    now: datetime,
    *,
    key: bytes,
    default_country: str | None = None,
    vault: Vault | None = None,
) -> tuple[str, ...] | None:
    """Blank the personal data this slice holds about customers ``ids``: name, email, phone,
    attributes; delete their identity rows; replace each external id by its keyed hash and
    remember the person's keys (``erased_keys``) so no import brings them back. Return the
    values that identified them (for the other slices to redact from their free text, see
    :class:`opencx.core.CustomerErased`), or None when everything was already erased."""
    people = _people(conn, ids, vault)
    if not people:
        return None
    held = [
        h
        for h in conn.execute(
            sa.select(identities.c.kind, identities.c.value, identities.c.source).where(
                identities.c.customer_id.in_(ids)
            )
        )
        if not h.value.startswith(BLIND_PREFIX)  # a blind index is no value to redact
    ]
    personal = redactable(
        [v for p in people for v in (p.name, p.email, p.phone, p.external_id)]
        + [h.value for h in held if h.kind in ("email", "phone")]
    )
    digests = digests_of_person(
        key,
        externals=[(p.source, p.external_id) for p in people],
        emails=[p.email for p in people] + [h.value for h in held if h.kind == "email"],
        phones=[(p.phone, p.country or default_country) for p in people]
        + [(h.value, None) for h in held if h.kind == "phone"],
    )
    tombstones.remember(conn, digests, now)
    for p in people:
        conn.execute(
            customers.update()
            .where(customers.c.id == p.id)
            .values(external_id=erased_external_id(key, p.source, p.external_id))
        )
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
    return personal


@dataclass(frozen=True, slots=True)
class _Person:
    id: str
    source: str
    external_id: str
    name: str | None
    email: str | None
    phone: str | None
    country: str | None


def _people(conn: Connection, ids: Sequence[str], vault: Vault | None) -> list[_Person]:
    """The not yet erased customers of ``ids``; with a vault, their sealed fields opened and
    their keys shredded (so nothing opens them again)."""
    c = customers.c
    rows = conn.execute(
        sa.select(c.id, c.source, c.external_id, c.name, c.email, c.phone, c.country).where(
            c.id.in_(ids), c.erased_at.is_(None)
        )
    ).all()
    people = [_Person(*r) for r in rows]
    if vault is None or not people:
        return people
    keys = vault.keys(conn, [p.id for p in people])
    vault.forget(conn, ids)
    return [
        replace(
            p,
            name=vault.open(keys.get(p.id), p.id, "name", p.name),
            email=vault.open(keys.get(p.id), p.id, "email", p.email),
            phone=vault.open(keys.get(p.id), p.id, "phone", p.phone),
        )
        for p in people
    ]
