"""A downgrade that would lose data: found before any change, and refused.

A downgrade that narrows columns finds first the values that would not fit. PostgreSQL's
``ALTER COLUMN ... TYPE`` stops at the first value that does not fit the narrower type with the
driver's words ('integer out of range', 'value too long for type character varying(300)'),
naming no table, column or row. A migration whose downgrade narrows columns on PostgreSQL calls
:func:`check_values_fit` first, for every column it narrows, so it stops before its first change
and says what is in the way; the downgrade's transaction (PostgreSQL's DDL is transactional, and
the migrations of one command run in one transaction, on SQLite too) takes back the revisions it
had already undone. SQLite keeps 64-bit integers and text of any length whatever the declared
type: the migrations never narrow its columns (0020, 0033, 0035, 0036).
:func:`widen_to_bigint` and :func:`narrow_to_integer` are the two halves of such a migration.

A downgrade that drops tables holding what the store cannot give back (personal, consent, ledger
and audit records, and the settings made beside them) calls :func:`check_nothing_dropped` first:
while one of them holds rows it is refused, naming each such table and its row count, never a
value (the rows hold personal data); an emptied table downgrades as before. Left out of the
check are tables whose rows are derived from others that stay, or live a day or less.

A downgrade that drops a column holding what the older schema cannot represent (a user's
``disabled_at``: the older code has no disabled user; an order's ``status_given`` true: it
takes every status as computed) calls :func:`check_no_column_dropped` first, the same way: while
a row holds such a value it is refused, naming the table, the column and the rows, never a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from opencx.core.errors import Conflict

INTEGER_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's INTEGER (int4)


class DowngradeRefused(Conflict):
    """A downgrade would narrow a column past values it holds, or drop what it cannot give back
    (0020: customers' data keys; :func:`check_nothing_dropped`); it changed nothing."""


@dataclass(frozen=True, slots=True)
class Narrowing:
    """A column a downgrade narrows: to INTEGER (``length`` None) or to VARCHAR(``length``)."""

    table: str
    column: str
    length: int | None = None


def check_values_fit(bind: Connection, migration: str, narrowings: Sequence[Narrowing]) -> None:
    """Raise :class:`DowngradeRefused` naming every column of ``narrowings`` holding values its
    narrower type cannot: how many rows, the largest value (the longest, for text: a text
    column may hold personal data, which an error message must not), and what to do."""
    found = [problem for n in narrowings if (problem := _past(bind, n)) is not None]
    if found:
        raise DowngradeRefused(
            f"cannot undo migration {migration}: {'; '.join(found)}. Nothing was changed: "
            "update or delete those rows and downgrade again, or stay at revision "
            f"{migration} or later"
        )


def widen_to_bigint(columns: Sequence[Narrowing]) -> None:
    """The upgrade of a migration widening ``columns`` from INTEGER to BIGINT, on PostgreSQL
    (SQLite's INTEGER holds 64 bits already: its columns are left as they are). Like
    :func:`narrow_to_integer`, it runs inside a migration (Alembic's ``op``)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for n in columns:
        op.alter_column(n.table, n.column, type_=sa.BigInteger(), existing_type=sa.Integer())


def narrow_to_integer(migration: str, columns: Sequence[Narrowing]) -> None:
    """The downgrade of :func:`widen_to_bigint`: on PostgreSQL, refused by
    :func:`check_values_fit` while a value does not fit INTEGER, else each column back to it."""
    if op.get_bind().dialect.name != "postgresql":
        return
    check_values_fit(op.get_bind(), migration, columns)
    for n in columns:
        op.alter_column(n.table, n.column, type_=sa.Integer(), existing_type=sa.BigInteger())


def check_nothing_dropped(
    bind: Connection, migration: str, tables: Sequence[str], losing: str
) -> None:
    """Raise :class:`DowngradeRefused` while any of ``tables`` (which the downgrade of
    ``migration`` drops) holds rows, naming each such table and its row count, and ``losing``:
    what would go with them. Counts only, in one query: never a value."""
    counts = bind.execute(
        sa.select(
            *(sa.select(sa.func.count()).select_from(sa.table(t)).scalar_subquery() for t in tables)
        )
    ).one()
    found = [
        f"{table}: {rows(count)}" for table, count in zip(tables, counts, strict=True) if count
    ]
    if found:
        raise DowngradeRefused(
            f"cannot undo migration {migration}: {'; '.join(found)}. Its downgrade drops "
            f"{'that table and with it' if len(found) == 1 else 'those tables and with them'} "
            f"{losing}. "
            f"Nothing was changed: stay at revision {migration} or later; delete those rows "
            "first only if they may be lost"
        )


@dataclass(frozen=True, slots=True)
class DroppedColumn:
    """A column a downgrade drops, and the value by which the older schema means what it
    lacks (``absent``: None, or the column's default, such as ``false``): a row holding
    another value holds what the older schema cannot represent."""

    table: str
    column: str
    absent: object = None


def check_no_column_dropped(
    bind: Connection, migration: str, columns: Sequence[DroppedColumn], losing: str
) -> None:
    """Raise :class:`DowngradeRefused` while any of ``columns`` (which the downgrade of
    ``migration`` drops) holds a value other than its ``absent`` one in some row, naming each
    such table and column and how many rows hold one, and ``losing``: what would go with them.
    Counts only, in one query: never a value."""
    counts = bind.execute(sa.select(*(_holding(c) for c in columns))).one()
    found = [
        f"{c.table}.{c.column}: {rows(count)} holding a value"
        for c, count in zip(columns, counts, strict=True)
        if count
    ]
    if found:
        raise DowngradeRefused(
            f"cannot undo migration {migration}: {'; '.join(found)}. Its downgrade drops "
            f"{'that column and with it' if len(found) == 1 else 'those columns and with them'} "
            f"{losing}. Nothing was changed: stay at revision {migration} or later; clear those "
            "values first only if they may be lost"
        )


def _holding(dropped: DroppedColumn) -> sa.ScalarSelect[int]:
    """How many rows hold in ``dropped`` a value other than its ``absent`` one."""
    column: sa.ColumnClause[Any] = sa.column(dropped.column)
    held: sa.ColumnElement[bool] = column.is_not(None)
    if dropped.absent is not None:
        held = sa.and_(held, column != dropped.absent)
    return (
        sa.select(sa.func.count())
        .select_from(sa.table(dropped.table, column))
        .where(held)
        .scalar_subquery()
    )


def _past(bind: Connection, narrowing: Narrowing) -> str | None:
    column: sa.ColumnClause[Any] = sa.column(narrowing.column)
    table = sa.table(narrowing.table, column)
    where = f"{narrowing.table}.{narrowing.column}"
    if narrowing.length is not None:
        length = sa.func.length(column)  # characters, as VARCHAR(n) counts them
        count, longest = bind.execute(
            sa.select(sa.func.count(), sa.func.max(length))
            .select_from(table)
            .where(length > narrowing.length)
        ).one()
        if not count:
            return None
        return (
            f"{where}: {rows(count)} longer than VARCHAR({narrowing.length}), "
            f"the longest {longest} characters"
        )
    low, high = INTEGER_RANGE
    count, largest, smallest = bind.execute(
        sa.select(sa.func.count(), sa.func.max(column), sa.func.min(column))
        .select_from(table)
        .where(sa.or_(column > high, column < low))
    ).one()
    if not count:
        return None
    extremes = [f"the largest {largest}"] if largest > high else []
    extremes += [f"the smallest {smallest}"] if smallest < low else []
    return f"{where}: {rows(count)} outside INTEGER's range {low} to {high}, {', '.join(extremes)}"


def rows(count: int) -> str:
    """``count`` rows, in words: '1 row', '1,234 rows'."""
    return f"{count:,} row" + ("" if count == 1 else "s")
