"""Bulk inserts of many rows given as columns, for history loads: the insert statement is
compiled once and each column converted by its type's bind processor in one pass, then run with
the driver's ``executemany`` (about three times less CPU than ``Connection.execute`` with one
dictionary per row, which converts row by row through SQLAlchemy's execution context).
Statement events still fire (``exec_driver_sql``), so the table-ownership guard sees the write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

BATCH = 5_000


def insert_columns(
    conn: Connection, table: sa.Table, columns: Mapping[str, Sequence[Any]], batch: int = BATCH
) -> int:
    """Insert the rows of ``columns`` (column name → values, all of one length) into
    ``table``; the number of rows."""
    names = list(columns)
    if not names:
        return 0
    total = len(columns[names[0]])
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup) if compiled.positional and compiled.positiontup else names
    process = {
        name: table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        for name in order
    }
    for start in range(0, total, batch):
        stop = min(start + batch, total)
        cols = []
        for name in order:
            values = columns[name][start:stop]
            proc = process[name]
            cols.append([proc(v) for v in values] if proc is not None else list(values))
        rows = list(zip(*cols, strict=True))
        params: Any = (
            rows if compiled.positional else [dict(zip(order, r, strict=True)) for r in rows]
        )
        conn.exec_driver_sql(compiled.string, params)
    return total
