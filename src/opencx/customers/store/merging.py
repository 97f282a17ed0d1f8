"""Writing identities and merges, set-based: one query per table for a whole batch of pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.core import new_id
from opencx.customers.domain import Claim, Identity, Merge, MergePair, plan_score_moves
from opencx.customers.store.people import among, chunks
from opencx.db.schema import (
    cases,
    customer_merges,
    customer_scores,
    customers,
    identities,
    interactions,
    invitations,
    orders,
    responses,
    subscriptions,
)

MOVABLE = (orders, subscriptions, interactions, cases, responses, invitations, identities)
"""Tables whose rows belong to a customer by ``customer_id`` and move to a survivor by id."""


def owners_of(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Current owner of each existing identity among ``keys`` ((kind, value) pairs)."""
    by_kind: dict[str, set[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, set()).add(value)
    owners: dict[tuple[str, str], str] = {}
    i = identities.c
    for kind, values in sorted(by_kind.items()):
        for batch in chunks(sorted(values)):  # (kind, value) leads the unique index
            rows = conn.execute(
                sa.select(i.value, i.customer_id).where(i.kind == kind, among(conn, i.value, batch))
            )
            owners.update({(kind, r.value): r.customer_id for r in rows})
    return owners


def created_at_of(conn: Connection, ids: Iterable[str]) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for batch in chunks(sorted(set(ids))):
        rows = conn.execute(
            sa.select(customers.c.id, customers.c.created_at).where(
                among(conn, customers.c.id, batch)
            )
        )
        found.update({r.id: r.created_at for r in rows})
    return found


def kept_apart(conn: Connection, ids: Iterable[str]) -> frozenset[frozenset[str]]:
    """Pairs whose merge a person undid: identity resolution must not merge them again."""
    pairs: set[frozenset[str]] = set()
    m = customer_merges.c
    for batch in chunks(sorted(set(ids))):
        rows = conn.execute(
            sa.select(m.survivor_id, m.merged_id).where(
                m.undone_at.is_not(None),
                sa.or_(among(conn, m.merged_id, batch), among(conn, m.survivor_id, batch)),
            )
        )
        pairs |= {frozenset((r.survivor_id, r.merged_id)) for r in rows}
    return frozenset(pairs)


def insert_identities(conn: Connection, claims: Sequence[Claim], now: datetime) -> int:
    """Insert identity rows; one already there (a concurrent import) is left as it is."""
    if not claims:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(identities).on_conflict_do_nothing(index_elements=["kind", "value"])
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "customer_id": c.customer_id,
            "kind": c.kind,
            "value": c.value,
            "source": c.source,
            "created_at": now,
        }
        for c in claims
    ]
    for batch in chunks(rows, 1000):
        conn.execute(statement, batch)
    return len(rows)


def identities_of(conn: Connection, ids: Sequence[str]) -> list[Identity]:
    rows = conn.execute(
        sa.select(identities).where(identities.c.customer_id.in_(ids)).order_by(identities.c.id)
    )
    return [Identity(r.kind, r.value, r.source, r.created_at) for r in rows]


def lock_customers(conn: Connection, ids: Iterable[str]) -> None:
    """Row locks on PostgreSQL so two merges of the same people serialise (no-op on SQLite)."""
    for batch in chunks(sorted(set(ids))):
        conn.execute(
            sa.select(customers.c.id).where(among(conn, customers.c.id, batch)).with_for_update()
        )


def _repoint(conn: Connection, table: sa.Table, column: str, moves: list[dict[str, str]]) -> None:
    if moves:
        key = table.c.id
        statement = (
            table.update().where(key == sa.bindparam("b_id")).values({column: sa.bindparam("b_to")})
        )
        conn.execute(statement, moves)


def move_to_survivors(conn: Connection, pairs: Sequence[MergePair]) -> dict[str, dict[str, Any]]:
    """Repoint every row of each merged customer to its survivor; return what moved, per merged
    customer and table. Pairs must be flat: no survivor is itself merged in the same batch."""
    survivor_of = {p.merged_id: p.survivor_id for p in pairs}
    moved: dict[str, dict[str, Any]] = {m: {} for m in survivor_of}
    for table in MOVABLE:
        moves = []
        for batch in chunks(sorted(survivor_of)):
            rows = conn.execute(
                sa.select(table.c.id, table.c.customer_id)
                .where(among(conn, table.c.customer_id, batch))
                .order_by(table.c.id)
            )
            for r in rows:
                moved[r.customer_id].setdefault(table.name, []).append(r.id)
                moves.append({"b_id": r.id, "b_to": survivor_of[r.customer_id]})
        _repoint(conn, table, "customer_id", moves)
    _move_scores(conn, pairs, moved)
    children = []
    for batch in chunks(sorted(survivor_of)):
        rows = conn.execute(
            sa.select(customers.c.id, customers.c.merged_into).where(
                among(conn, customers.c.merged_into, batch)
            )
        )
        for r in rows:
            moved[r.merged_into].setdefault("customers", []).append(r.id)
            children.append({"b_id": r.id, "b_to": survivor_of[r.merged_into]})
    _repoint(conn, customers, "merged_into", children)
    links = [{"b_id": m, "b_to": s} for m, s in survivor_of.items()]
    _repoint(conn, customers, "merged_into", links)
    return moved


def _move_scores(
    conn: Connection, pairs: Sequence[MergePair], moved: dict[str, dict[str, Any]]
) -> None:
    s = customer_scores.c
    involved = {p.merged_id for p in pairs} | {p.survivor_id for p in pairs}
    held = []
    for batch in chunks(sorted(involved)):
        rows = conn.execute(
            sa.select(s.customer_id, s.model_run_id, s.kind).where(
                among(conn, s.customer_id, batch)
            )
        )
        held += [(r.customer_id, r.model_run_id, r.kind) for r in rows]
    moves = plan_score_moves(held, pairs)
    if not moves:
        return
    for merged, _, run, kind in moves:
        moved[merged].setdefault("customer_scores", []).append([run, kind])
    statement = (
        customer_scores.update()
        .where(
            s.customer_id == sa.bindparam("b_from"),
            s.model_run_id == sa.bindparam("b_run"),
            s.kind == sa.bindparam("b_kind"),
        )
        .values(customer_id=sa.bindparam("b_to"))
    )
    conn.execute(
        statement,
        [{"b_from": m, "b_to": t, "b_run": r, "b_kind": k} for m, t, r, k in moves],
    )


def record_merges(
    conn: Connection,
    pairs: Sequence[MergePair],
    moved: dict[str, dict[str, Any]],
    now: datetime,
) -> list[str]:
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "survivor_id": p.survivor_id,
            "merged_id": p.merged_id,
            "rule": p.rule,
            "at": now,
            "moved": moved.get(p.merged_id, {}),
        }
        for p in pairs
    ]
    for batch in chunks(rows, 1000):
        conn.execute(customer_merges.insert(), batch)
    return [str(r["id"]) for r in rows]


def _to_merge(row: Any) -> Merge:
    return Merge(
        row.id, row.survivor_id, row.merged_id, row.rule, row.at, row.undone_at, row.moved or {}
    )


def get_merge(conn: Connection, merge_id: str) -> Merge | None:
    row = conn.execute(sa.select(customer_merges).where(customer_merges.c.id == merge_id)).first()
    return _to_merge(row) if row else None


def merges_of(conn: Connection, ids: Sequence[str]) -> list[Merge]:
    m = customer_merges.c
    rows = conn.execute(
        sa.select(customer_merges)
        .where(sa.or_(m.survivor_id.in_(ids), m.merged_id.in_(ids)))
        .order_by(m.at, m.id)
    )
    return [_to_merge(r) for r in rows]


def active_merge_of(conn: Connection, merged_id: str) -> Merge | None:
    """The merge (not undone) that merged ``merged_id`` away, if any."""
    m = customer_merges.c
    row = conn.execute(
        sa.select(customer_merges)
        .where(m.merged_id == merged_id, m.undone_at.is_(None))
        .order_by(m.at.desc(), m.id.desc())
    ).first()
    return _to_merge(row) if row else None


def restore(conn: Connection, merge: Merge, now: datetime) -> None:
    """Move back exactly the rows ``merge`` moved that the survivor still holds; unlink."""
    back = merge.merged_id
    for table in (*MOVABLE, customers):
        ids = merge.moved.get(table.name, [])
        column = table.c.merged_into if table is customers else table.c.customer_id
        for batch in chunks(ids):
            conn.execute(
                table.update()
                .where(among(conn, table.c.id, batch), column == merge.survivor_id)
                .values({column.name: back})
            )
    s = customer_scores.c
    scores = [
        {"b_run": run, "b_kind": kind} for run, kind in merge.moved.get("customer_scores", [])
    ]
    if scores:
        conn.execute(
            customer_scores.update()
            .where(
                s.customer_id == merge.survivor_id,
                s.model_run_id == sa.bindparam("b_run"),
                s.kind == sa.bindparam("b_kind"),
            )
            .values(customer_id=back),
            scores,
        )
    conn.execute(customers.update().where(customers.c.id == back).values(merged_into=None))
    conn.execute(
        customer_merges.update().where(customer_merges.c.id == merge.id).values(undone_at=now)
    )
