"""Members, the append-only ledger (entries, lots, allocations) and the program document.

Nothing here updates a points row: entries, lots and allocations are only ever inserted. A
member's open lots and debts are aggregates of those rows; the balance is ``SUM(points)``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerMerge
from opencx.db.customer_rows import move_rows
from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime
from opencx.loyalty.domain import Allocation, Entry, Lot, MemberState

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

programs = sa.Table(
    "loyalty_programs",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

members = sa.Table(
    "loyalty_members",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("enrolled_at", UtcDateTime, nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # active, merged, erased
    sa.Column("merged_into", ID),
    sa.Column("erased_at", UtcDateTime),
    sa.UniqueConstraint("customer_id", name="uq_loyalty_members_customer_id"),
)

entries = sa.Table(
    "loyalty_entries",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("member_id", ID, sa.ForeignKey("loyalty_members.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("idempotency_key", sa.String(250), nullable=False),
    sa.Column("request_hash", sa.String(64)),
    sa.Column("reason", sa.String(500), nullable=False, default=""),
    sa.Column("ref", sa.String(120)),
    sa.Column("amount", sa.Numeric(18, 4)),  # the money behind it (an order's value)
    sa.UniqueConstraint("idempotency_key", name="uq_loyalty_entries_idempotency_key"),
    sa.Index("ix_loyalty_entries_member_at", "member_id", "at"),
    sa.Index("ix_loyalty_entries_ref", "ref"),
)

lots = sa.Table(
    "loyalty_lots",
    metadata,
    sa.Column("id", ID, sa.ForeignKey("loyalty_entries.id"), primary_key=True),
    sa.Column("member_id", ID, nullable=False, index=True),
    sa.Column("points", sa.BigInteger, nullable=False),
    sa.Column("available_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("origin", sa.String(120)),
)

allocations = sa.Table(
    "loyalty_allocations",
    metadata,
    sa.Column("id", BIGID, primary_key=True, autoincrement=True),
    sa.Column("entry_id", ID, sa.ForeignKey("loyalty_entries.id"), nullable=False),
    sa.Column("member_id", ID, nullable=False, index=True),
    sa.Column("debit_id", ID, nullable=False),
    sa.Column("lot_id", ID, index=True),
    sa.Column("points", sa.BigInteger, nullable=False),
)


# --- program -------------------------------------------------------------------------------


def program_document(conn: Connection, program_id: str = "default") -> dict[str, Any] | None:
    text = program_text(conn, program_id)
    return None if text is None else dict(json.loads(text))


def program_text(conn: Connection, program_id: str = "default") -> str | None:
    """The program's document as stored (JSON text): the key of the parsed-program cache."""
    q = sa.select(sa.cast(programs.c.document, sa.Text)).where(programs.c.id == program_id)
    return conn.execute(q).scalar()


def save_program(conn: Connection, document: dict[str, Any], at: datetime) -> None:
    done = conn.execute(
        programs.update().where(programs.c.id == "default").values(document=document, updated_at=at)
    )
    if done.rowcount == 0:
        conn.execute(programs.insert().values(id="default", document=document, updated_at=at))


# --- members -------------------------------------------------------------------------------


def member_row(conn: Connection, member_id: str, *, lock: bool = False) -> Any:
    """The member's row; ``lock`` serialises writes for this member (``FOR UPDATE``)."""
    q = sa.select(members).where(members.c.id == member_id)
    if lock and conn.dialect.name == "postgresql":
        q = q.with_for_update()
    return conn.execute(q).first()


def member_by_customer(conn: Connection, customer_ids: Sequence[str]) -> dict[str, Any]:
    if not customer_ids:
        return {}
    rows = conn.execute(sa.select(members).where(members.c.customer_id.in_(list(customer_ids))))
    return {r.customer_id: r for r in rows}


def insert_member(conn: Connection, **values: Any) -> None:
    conn.execute(members.insert().values(**values))


def set_member(conn: Connection, member_id: str, **values: Any) -> None:
    conn.execute(members.update().where(members.c.id == member_id).values(**values))


def move_members_back(conn: Connection, merge: CustomerMerge) -> int:
    """An undone merge: the memberships its plan lists that the survivor holds go back."""
    return move_rows(conn, members, merge, back=True)


def lots_brought(conn: Connection, member_id: str, ref: str) -> set[str]:
    """The member's lots opened by ``merge_in`` entries with ``ref`` (``member:<id>``)."""
    q = sa.select(entries.c.id).where(
        entries.c.member_id == member_id, entries.c.kind == "merge_in", entries.c.ref == ref
    )
    return {str(r.id) for r in conn.execute(q)}


def debt_moved(conn: Connection, survivor_id: str, merged_id: str, merge_id: str) -> int:
    """The debt of member ``merged_id`` that ``survivor_id`` took over in merge ``merge_id``:
    the survivor's ``merge_out`` keyed ``merge:<merge ids>:<merged>:debt:out``."""
    suffix = f":{merged_id}:debt:out"
    rows = conn.execute(
        sa.select(entries.c.idempotency_key, entries.c.points).where(
            entries.c.member_id == survivor_id,
            entries.c.kind == "merge_out",
            entries.c.idempotency_key.like(f"merge:%{suffix}"),
        )
    )
    return sum(
        -int(r.points)
        for r in rows
        if merge_id in r.idempotency_key[len("merge:") : -len(suffix)].split(",")
    )


# --- entries -------------------------------------------------------------------------------


_e = entries.alias("e")
_LOCK_AND_KEY = (
    sa.select(
        members.c.status,
        _e,
        sa.select(sa.cast(programs.c.document, sa.Text))
        .where(programs.c.id == "default")
        .scalar_subquery()
        .label("program_text"),
    )
    .select_from(members.outerjoin(_e, _e.c.idempotency_key == sa.bindparam("key")))
    .where(members.c.id == sa.bindparam("member"))
    .with_for_update(of=members)  # PostgreSQL; SQLite has one writer and renders nothing
)


def lock_member_and_key(
    conn: Connection, member_id: str, key: str
) -> tuple[str | None, Any, str | None]:
    """Lock the member's row (PostgreSQL) and read, in the same round trip, the entry of
    ``key`` and the program's document text: ``(status, entry row or None, program text)``.

    Both are read in the statement's snapshot, which may predate a writer that committed
    while this one waited for the lock: a key written meanwhile is caught by the unique
    constraint (the caller runs again), and a program changed meanwhile is one this write
    was ordered before.
    """
    row = conn.execute(_LOCK_AND_KEY, {"member": member_id, "key": key}).first()
    if row is None:
        return None, None, None
    return row.status, (row if row.id is not None else None), row.program_text


def entry_by_key(conn: Connection, key: str) -> Any:
    return conn.execute(sa.select(entries).where(entries.c.idempotency_key == key)).first()


_INSERT_ENTRY = entries.insert()
_INSERT_LOT = lots.insert()
_INSERT_ALLOCATIONS = allocations.insert()

# PostgreSQL: the entry, its lot and its allocations in one statement (one round trip); the
# foreign keys of the lot and the allocations are checked at the end of the statement.
_APPEND_PG = sa.text(
    """
    WITH e AS (
        INSERT INTO loyalty_entries
            (id, member_id, kind, points, at, idempotency_key, request_hash, reason, ref, amount)
        VALUES (:id, :member_id, :kind, :points, :at, :idempotency_key, :request_hash,
                :reason, :ref, :amount)
    ), l AS (
        INSERT INTO loyalty_lots (id, member_id, points, available_at, expires_at, origin)
        SELECT :id, :member_id, :lot_points, :available_at, :expires_at, :origin
        WHERE :has_lot
    )
    INSERT INTO loyalty_allocations (entry_id, member_id, debit_id, lot_id, points)
    SELECT :id, :member_id, a.debit_id, a.lot_id, a.points
    FROM unnest(CAST(:debit_ids AS VARCHAR[]), CAST(:lot_ids AS VARCHAR[]),
                CAST(:allocated AS BIGINT[])) AS a(debit_id, lot_id, points)
    """
).bindparams(
    sa.bindparam("at", type_=UtcDateTime),
    sa.bindparam("available_at", type_=UtcDateTime),
    sa.bindparam("expires_at", type_=UtcDateTime),
    sa.bindparam("has_lot", type_=sa.Boolean),
)


def append(
    conn: Connection,
    entry: Entry,
    *,
    request_hash: str | None = None,
    amount: Any = None,
) -> None:
    """Insert ``entry`` with its lot and allocations (never an update)."""
    row = {
        "id": entry.id,
        "member_id": entry.member_id,
        "kind": entry.kind,
        "points": entry.points,
        "at": entry.at,
        "idempotency_key": entry.idempotency_key,
        "request_hash": request_hash,
        "reason": entry.reason[:500],
        "ref": entry.ref,
        "amount": amount,
    }
    lot = entry.lot
    if conn.dialect.name == "postgresql":
        conn.execute(
            _APPEND_PG,
            {
                **row,
                "has_lot": lot is not None,
                "lot_points": None if lot is None else lot.points,
                "available_at": None if lot is None else lot.available_at,
                "expires_at": None if lot is None else lot.expires_at,
                "origin": None if lot is None else lot.origin,
                "debit_ids": [a.debit_id for a in entry.allocations],
                "lot_ids": [a.lot_id for a in entry.allocations],
                "allocated": [a.points for a in entry.allocations],
            },
        )
        return
    conn.execute(_INSERT_ENTRY, row)
    if lot is not None:
        conn.execute(
            _INSERT_LOT,
            {
                "id": lot.id,
                "member_id": entry.member_id,
                "points": lot.points,
                "available_at": lot.available_at,
                "expires_at": lot.expires_at,
                "origin": lot.origin,
            },
        )
    if entry.allocations:
        conn.execute(
            _INSERT_ALLOCATIONS,
            [
                {
                    "entry_id": entry.id,
                    "member_id": entry.member_id,
                    "debit_id": a.debit_id,
                    "lot_id": a.lot_id,
                    "points": a.points,
                }
                for a in entry.allocations
            ],
        )


_m = sa.bindparam("member", type_=ID)
_used = (
    sa.select(allocations.c.lot_id, sa.func.sum(allocations.c.points).label("used"))
    .where(allocations.c.member_id == _m, allocations.c.lot_id.is_not(None))
    .group_by(allocations.c.lot_id)
    .subquery()
)
# a member's open lots (kind "L", with what they have paid) and open debts ("D"): one query
_OPEN_STATE = sa.union_all(
    sa.select(
        sa.literal_column("'L'").label("k"),
        lots.c.id,
        lots.c.points,
        lots.c.available_at,
        lots.c.expires_at,
        lots.c.origin,
        sa.func.coalesce(_used.c.used, 0).label("n"),
    )
    .outerjoin(_used, _used.c.lot_id == lots.c.id)
    .where(lots.c.member_id == _m, lots.c.points > sa.func.coalesce(_used.c.used, 0)),
    sa.select(
        sa.literal_column("'D'"),
        allocations.c.debit_id,
        sa.null(),
        sa.null(),
        sa.null(),
        sa.null(),
        sa.func.sum(allocations.c.points),
    )
    .where(allocations.c.member_id == _m, allocations.c.lot_id.is_(None))
    .group_by(allocations.c.debit_id)
    .having(sa.func.sum(allocations.c.points) > 0),
)


def open_state(conn: Connection, member_id: str) -> MemberState:
    """The member's open lots, what they have paid, open debts and the balance: one query."""
    found: dict[str, Lot] = {}
    used: dict[str, int] = {}
    owed: dict[str, int] = {}
    for r in conn.execute(_OPEN_STATE, {"member": member_id}):
        if r.k == "D":
            owed[r.id] = int(r.n)
            continue
        found[r.id] = Lot(r.id, int(r.points), r.available_at, r.expires_at, r.origin)
        if r.n:
            used[r.id] = int(r.n)
    in_lots = sum(lot.points for lot in found.values()) - sum(used.values())
    return MemberState(
        MappingProxyType(found),
        MappingProxyType(used),
        MappingProxyType(owed),
        # debts are settled oldest first; ids are time-ordered, so one time serves for all
        MappingProxyType(dict.fromkeys(owed, _EPOCH)),
        in_lots - sum(owed.values()),  # balance = open lots - debt (checked by audit)
    )


def entry_sum(conn: Connection, member_id: str) -> int:
    """The balance as the plain sum of the member's entries."""
    q = sa.select(sa.func.coalesce(sa.func.sum(entries.c.points), 0)).where(
        entries.c.member_id == member_id
    )
    return int(conn.execute(q).scalar_one())


def member_entries(conn: Connection, member_ids: Sequence[str]) -> list[Entry]:
    """Every entry of these members with its lot and allocations, in the order written."""
    rows = conn.execute(
        sa.select(entries).where(entries.c.member_id.in_(list(member_ids))).order_by(entries.c.id)
    ).all()
    lot_rows = {
        r.id: r for r in conn.execute(sa.select(lots).where(lots.c.member_id.in_(list(member_ids))))
    }
    allocs: dict[str, list[Allocation]] = {}
    for a in conn.execute(
        sa.select(allocations)
        .where(allocations.c.member_id.in_(list(member_ids)))
        .order_by(allocations.c.id)
    ):
        allocs.setdefault(a.entry_id, []).append(Allocation(a.debit_id, a.lot_id, int(a.points)))
    out = []
    for r in rows:
        lr = lot_rows.get(r.id)
        lot = Lot(lr.id, int(lr.points), lr.available_at, lr.expires_at, lr.origin) if lr else None
        out.append(
            Entry(
                r.id,
                r.member_id,
                r.kind,
                int(r.points),
                r.at,
                r.idempotency_key,
                r.reason or "",
                r.ref,
                lot,
                tuple(allocs.get(r.id, ())),
            )
        )
    return out


def to_entry(row: Any) -> Entry:
    """An entry row without its lot and allocations (for listings)."""
    lot = None
    if row.points > 0:
        lot = Lot(row.id, int(row.points), row.at, None)
    return Entry(
        row.id,
        row.member_id,
        row.kind,
        int(row.points),
        row.at,
        row.idempotency_key,
        row.reason or "",
        row.ref,
        lot,
        (),
    )


def statement_rows(conn: Connection, member_ids: Sequence[str], limit: int) -> list[Any]:
    return list(
        conn.execute(
            sa.select(entries)
            .where(entries.c.member_id.in_(list(member_ids)))
            .order_by(entries.c.at.desc(), entries.c.id.desc())
            .limit(limit)
        )
    )


def expiring_members(conn: Connection, now: datetime) -> list[str]:
    """Members with an open lot whose expiry has passed."""
    used = (
        sa.select(allocations.c.lot_id, sa.func.sum(allocations.c.points).label("used"))
        .where(allocations.c.lot_id.is_not(None))
        .group_by(allocations.c.lot_id)
        .subquery()
    )
    q = (
        sa.select(lots.c.member_id)
        .outerjoin(used, used.c.lot_id == lots.c.id)
        .where(lots.c.expires_at <= now, lots.c.points > sa.func.coalesce(used.c.used, 0))
        .distinct()
    )
    return [r.member_id for r in conn.execute(q)]


def points_by_ref(conn: Connection, refs: Sequence[str]) -> dict[str, dict[str, int]]:
    """``{ref: {kind: points}}`` for entries caused by ``refs`` (an order's earn and reversals)."""
    out: dict[str, dict[str, int]] = {}
    if not refs:
        return out
    rows = conn.execute(
        sa.select(entries.c.ref, entries.c.kind, sa.func.sum(entries.c.points).label("p"))
        .where(entries.c.ref.in_(list(refs)))
        .group_by(entries.c.ref, entries.c.kind)
    )
    for r in rows:
        out.setdefault(r.ref, {})[r.kind] = int(r.p)
    return out


def lot_of_origin(conn: Connection, origin: str) -> str | None:
    row = conn.execute(sa.select(lots.c.id).where(lots.c.origin == origin)).first()
    return None if row is None else str(row.id)
