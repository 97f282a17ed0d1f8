"""Bulk insert of generated :class:`~opencx.demo.domain.rows.TableRows` into the canonical tables.

:func:`insert_rows` converts the columns to the column types (tz-aware UTC datetimes, Decimal) and
inserts them with ``executemany`` in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from opencx.db.schema import metadata
from opencx.db.types import Money, UtcDateTime
from opencx.demo.domain.rows import Progress, TableRows

BATCH = 5_000


def _times(values: Any) -> list[datetime | None]:
    out: list[datetime | None] = []
    for s in np.asarray(values, dtype=float).tolist():
        out.append(None if s != s else datetime.fromtimestamp(round(s), UTC))
    return out


def _money(values: Any) -> list[Decimal]:
    return [Decimal(int(c)).scaleb(-2) for c in np.asarray(values).tolist()]


def _python(table: sa.Table, name: str, values: Any) -> list[Any]:
    col_type = table.c[name].type
    if isinstance(col_type, UtcDateTime):
        return _times(values)
    if isinstance(col_type, (Money, sa.Numeric)):
        return _money(values)
    if isinstance(values, np.ndarray):
        out: list[Any] = values.tolist()
        return out
    return list(values)


def _sqlite_times(values: Any) -> list[str | None]:
    """SQLite's stored form of :class:`UtcDateTime` (naive UTC text), formatted in bulk."""
    secs = np.round(np.asarray(values, dtype=float))
    ok = ~np.isnan(secs)
    text = np.datetime_as_string(np.where(ok, secs, 0).astype("datetime64[s]"), unit="us")
    return [
        t.replace("T", " ") if k else None for t, k in zip(text.tolist(), ok.tolist(), strict=True)
    ]


def _converter(table: sa.Table, name: str, dialect: Dialect) -> Callable[[Any], list[Any]]:
    """Column values to driver parameters, as the dialect's bind processors would make them."""
    col_type = table.c[name].type
    if isinstance(col_type, UtcDateTime) and dialect.name == "sqlite":
        return _sqlite_times
    if isinstance(col_type, Money):
        # whole cents well below 10^14 (:func:`_money`): nothing for Money's rule to round or
        # refuse, and it costs 3-5 us a value with Python's decimal
        col_type = col_type.impl_instance
    proc = col_type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return lambda values: _python(table, name, values)
    empty = proc({}) if isinstance(col_type, sa.JSON) else None

    def convert(values: Any) -> list[Any]:
        out = _python(table, name, values)
        if empty is not None:
            return [empty if v == {} else proc(v) for v in out]
        return [proc(v) for v in out]

    return convert


def _batches(
    rows: TableRows, table: sa.Table, dialect: Dialect, order: list[str]
) -> Iterator[list[Any]]:
    """Batches of driver-ready parameter tuples, converted column by column."""
    convert = {n: _converter(table, n, dialect) for n in order}
    total = len(rows)
    for start in range(0, total, BATCH):
        stop = min(start + BATCH, total)
        cols = [convert[n](rows.columns[n][start:stop]) for n in order]
        yield list(zip(*cols, strict=True))


def insert_rows(conn: Connection, rows: TableRows, progress: Progress | None = None) -> int:
    """Insert ``rows`` into their table in batches of :data:`BATCH`; return the row count.

    The statement is compiled once and run with the driver's ``executemany``, which is about
    three times faster than ``Connection.execute`` with dictionaries for a million rows.
    """
    table = metadata.tables[rows.table]
    names = list(rows.columns)
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional and compiled.positiontup else names
    for batch in _batches(rows, table, conn.dialect, order):
        params: list[Any] = (
            batch if compiled.positional else [dict(zip(order, row, strict=True)) for row in batch]
        )
        conn.exec_driver_sql(compiled.string, params)
        if progress is not None:
            progress(rows.table, len(batch), len(rows))
    return len(rows)
