"""Writing identities and merges, set-based: one query per table for a whole batch of pairs.

A merge moves the merged customer's rows of *every* table that refers to a customer. This slice
writes only its own tables (``customers``, ``identities``, ``customer_merges``): for the others it
*plans* which rows move (reading them), records the plan for an exact undo, and publishes it in
:class:`opencx.core.CustomersMerged`; each table's owner moves its own rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.core import CustomerMerge, new_id
from opencx.customers.domain import Claim, Identity, Merge, MergePair, plan_keyed_moves
from opencx.customers.store.people import among, chunks
from opencx.db.id_lists import among_ids, ids_value
from opencx.db.schema import customer_merges, customers, every_table, identities

OWN = "customers"


def customer_tables() -> list[sa.Table]:
    """Every table of other slices whose rows belong to a customer (``customer_id`` referring
    to ``customers.id``), in a stable order; a new slice's table joins by declaring the key: a
    foreign key, or ``info={"refers_to": "customers.id"}`` on a column kept without one. The
    slices' stores not imported yet are (:func:`opencx.db.schema.every_table`)."""
    found = []
    for table in every_table():
        column = table.c.get("customer_id")
        if table.info.get("owner") == OWN or column is None:
            continue
        declared = column.info.get("refers_to") == "customers.id"
        if declared or any(fk.column.table is customers for fk in column.foreign_keys):
            found.append(table)
    return found


def _rest_of_key(table: sa.Table) -> list[sa.Column[Any]]:
    """The primary-key columns that identify a row besides its customer."""
    return [c for c in table.primary_key.columns if c.name != "customer_id"]


def _by_id(table: sa.Table) -> bool:
    """Whether rows are identified by an ``id`` of their own (else by customer and the rest)."""
    return [c.name for c in _rest_of_key(table)] == ["id"]


@cache
def _owners(dialect: str) -> sa.Select[Any]:
    i = identities.c
    return sa.select(i.value, i.customer_id).where(
        i.kind == sa.bindparam("kind", type_=sa.String), among_ids(i.value, dialect)
    )


def owners_of(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Current owner of each existing identity among ``keys`` ((kind, value) pairs)."""
    by_kind: dict[str, set[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, set()).add(value)
    owners: dict[tuple[str, str], str] = {}
    query = _owners(conn.dialect.name)
    for kind, values in sorted(by_kind.items()):
        for batch in chunks(sorted(values)):  # (kind, value) leads the unique index
            rows = conn.execute(query, {"kind": kind, "ids": ids_value(conn, batch)})
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


@cache
def _insert_identities(dialect: str) -> Any:
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    return insert(identities).on_conflict_do_nothing(index_elements=["kind", "value"])


def insert_identities(conn: Connection, claims: Sequence[Claim], now: datetime) -> int:
    """Insert identity rows; one already there (a concurrent import) is left as it is."""
    if not claims:
        return 0
    statement = _insert_identities(conn.dialect.name)
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


def _held(conn: Connection, table: sa.Table, merged: Sequence[str]) -> list[tuple[str, Any]]:
    """``(customer_id, key)`` of every row of ``merged`` customers in ``table``."""
    rest = _rest_of_key(table)
    held: list[tuple[str, Any]] = []
    for batch in chunks(sorted(merged)):
        rows = conn.execute(
            sa.select(table.c.customer_id, *rest)
            .where(among(conn, table.c.customer_id, batch))
            .order_by(*rest)
        )
        held += [(r[0], r[1] if _by_id(table) else tuple(r[1:])) for r in rows]
    return held


def _plan_table(
    conn: Connection, table: sa.Table, pairs: Sequence[MergePair]
) -> list[tuple[str, Any]]:
    """``(merged_id, key)`` of the rows of ``table`` that move to their survivors."""
    merged = [p.merged_id for p in pairs]
    if _by_id(table):
        return _held(conn, table, merged)
    survivors = sorted({p.survivor_id for p in pairs})
    held = _held(conn, table, merged) + _held(conn, table, survivors)
    return [(m, key) for m, _, key in plan_keyed_moves(held, pairs)]


def plan_moves(conn: Connection, pairs: Sequence[MergePair]) -> dict[str, dict[str, Any]]:
    """Per merged customer and table of another slice, the keys of the rows that move."""
    moved: dict[str, dict[str, Any]] = {p.merged_id: {} for p in pairs}
    for table in customer_tables():
        for merged, key in _plan_table(conn, table, pairs):
            moved[merged].setdefault(table.name, []).append(
                list(key) if isinstance(key, tuple) else key
            )
    return moved


def move_to_survivors(conn: Connection, pairs: Sequence[MergePair]) -> dict[str, dict[str, Any]]:
    """Repoint this slice's rows of each merged customer to its survivor (identities, links of
    customers merged earlier) and plan the other slices' moves; return everything that moves,
    per merged customer and table. Pairs must be flat: no survivor is itself merged in the same
    batch."""
    survivor_of = {p.merged_id: p.survivor_id for p in pairs}
    moved = plan_moves(conn, pairs)
    moves = []
    for batch in chunks(sorted(survivor_of)):
        rows = conn.execute(
            sa.select(identities.c.id, identities.c.customer_id)
            .where(among(conn, identities.c.customer_id, batch))
            .order_by(identities.c.id)
        )
        for r in rows:
            moved[r.customer_id].setdefault(identities.name, []).append(r.id)
            moves.append({"b_id": r.id, "b_to": survivor_of[r.customer_id]})
    _repoint(conn, identities, "customer_id", moves)
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


def published(
    merge_id: str, survivor_id: str, merged_id: str, moved: dict[str, Any]
) -> CustomerMerge:
    """The event payload of one merge: the other slices' rows that move, as tuples."""
    own = {identities.name, customers.name}
    rows = {
        table: tuple(tuple(k) if isinstance(k, list) else k for k in keys)
        for table, keys in moved.items()
        if table not in own
    }
    return CustomerMerge(merge_id, survivor_id, merged_id, rows)


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
    """Move back exactly this slice's rows ``merge`` moved that the survivor still holds;
    unlink. The other slices' rows move back on :class:`opencx.core.MergeUndone`."""
    back = merge.merged_id
    for table in (identities, customers):
        ids = merge.moved.get(table.name, [])
        column = table.c.merged_into if table is customers else table.c.customer_id
        for batch in chunks(ids):
            conn.execute(
                table.update()
                .where(among(conn, table.c.id, batch), column == merge.survivor_id)
                .values({column.name: back})
            )
    conn.execute(customers.update().where(customers.c.id == back).values(merged_into=None))
    conn.execute(
        customer_merges.update().where(customer_merges.c.id == merge.id).values(undone_at=now)
    )
