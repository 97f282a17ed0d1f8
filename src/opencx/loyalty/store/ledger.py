"""Members, the append-only ledger (entries, lots, allocations) and the program document.

Nothing here updates a points row: entries, lots and allocations are only ever inserted. A
member's open lots and debts are aggregates of those rows; the balance is ``SUM(points)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.events import CustomerMerge
from opencx.db.customer_rows import move_rows
from opencx.db.schema import customers, metadata
from opencx.db.types import ID, MONEY, UtcDateTime
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
    sa.Column("amount", MONEY),  # the money behind it (an order's value)
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


@cache
def _program_text() -> sa.Select[Any]:
    """Built once: building a statement cost more than running it (0.1-0.3 ms an event)."""
    document = sa.cast(programs.c.document, sa.Text)
    return sa.select(document).where(programs.c.id == sa.bindparam("program_id"))


def program_text(conn: Connection, program_id: str = "default") -> str | None:
    """The program's document as stored (JSON text): the key of the parsed-program cache."""
    return conn.execute(_program_text(), {"program_id": program_id}).scalar()


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


@cache
def _members_of() -> sa.Select[Any]:
    """Built once (see :func:`_program_text`)."""
    return sa.select(members).where(members.c.customer_id.in_(sa.bindparam("ids", expanding=True)))


def member_by_customer(conn: Connection, customer_ids: Sequence[str]) -> dict[str, Any]:
    if not customer_ids:
        return {}
    rows = conn.execute(_members_of(), {"ids": list(customer_ids)})
    return {r.customer_id: r for r in rows}


@dataclass(frozen=True, slots=True)
class Enrolling:
    """A customer as enrolling it reads it: the customer it was merged into, when it was erased,
    and its membership of any status (``member_id`` None: it has none)."""

    customer_id: str
    merged_into: str | None
    erased_at: datetime | None
    member_id: str | None
    member_status: str | None


@cache
def _enrolling() -> sa.Select[Any]:
    """Built once (see :func:`_program_text`)."""
    return (
        sa.select(
            customers.c.id,
            customers.c.merged_into,
            customers.c.erased_at,
            members.c.id,
            members.c.status,
        )
        .select_from(customers.outerjoin(members, members.c.customer_id == customers.c.id))
        .where(customers.c.id.in_(sa.bindparam("ids", expanding=True)))
    )


def enrolling(conn: Connection, customer_ids: Sequence[str]) -> dict[str, Enrolling]:
    """These customers (those that exist) with their memberships: one statement."""
    if not customer_ids:
        return {}
    rows = conn.execute(_enrolling(), {"ids": list(customer_ids)})
    return {r[0]: Enrolling(*r) for r in rows}


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


def entry_by_key(conn: Connection, key: str) -> Any:
    return conn.execute(sa.select(entries).where(entries.c.idempotency_key == key)).first()


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
    return state_of_rows(conn.execute(_OPEN_STATE, {"member": member_id}))


def state_of_rows(rows: Iterable[Sequence[Any]]) -> MemberState:
    """A member's state from its open-state rows ``(k, id, points, available_at, expires_at,
    origin, n)``: ``k`` "L" for an open lot having paid ``n``, "D" for a debit owing ``n``."""
    found: dict[str, Lot] = {}
    used: dict[str, int] = {}
    owed: dict[str, int] = {}
    for k, id_, points, available_at, expires_at, origin, n in rows:
        if k == "D":
            owed[id_] = int(n)
            continue
        found[id_] = Lot(id_, int(points), available_at, expires_at, origin)
        if n:
            used[id_] = int(n)
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
    """The first lot of ``origin`` (an order's earn)."""
    found = lots_of_origin(conn, origin)
    return found[0] if found else None


def lots_of_origin(conn: Connection, origin: str) -> tuple[str, ...]:
    """The lots of ``origin``, first made first: an order's earn, then its reinstatements."""
    rows = conn.execute(
        sa.select(lots.c.id).where(lots.c.origin == origin).order_by(lots.c.id)
    ).scalars()
    return tuple(str(r) for r in rows)


def lot_times(conn: Connection, lot_id: str) -> tuple[datetime, datetime | None]:
    """When the lot's points become spendable and when they expire."""
    row = conn.execute(
        sa.select(lots.c.available_at, lots.c.expires_at).where(lots.c.id == lot_id)
    ).one()
    return row.available_at, row.expires_at
