"""What is in the store: rows, date range and last import per canonical table (read only).

Backs the data overview page; reads the canonical tables with SQLAlchemy Core.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db import schema

# the column that places a row in time, per table (None: the table has no time of its own)
TIME_COLUMNS: dict[str, str | None] = {
    "customers": "created_at",
    "identities": "created_at",
    "products": None,
    "orders": "placed_at",
    "order_lines": None,
    "subscriptions": "started_at",
    "interactions": "occurred_at",
    "cases": "opened_at",
    "case_events": "at",
    "surveys": None,
    "invitations": "scheduled_at",
    "responses": "submitted_at",
    "answers": None,
}

# the import kind that writes a table, where it differs from the table's name
IMPORT_KIND: dict[str, str] = {
    "identities": "customers",
    "order_lines": "orders",
    "answers": "responses",
}

# tables whose rows per month the overview charts
ACTIVITY = (("orders", "placed_at"), ("interactions", "occurred_at"), ("responses", "submitted_at"))


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: str
    kind: str
    file_name: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    message: str | None


@dataclass(frozen=True, slots=True)
class TableOverview:
    table: str
    rows: int
    time_column: str | None
    first: datetime | None
    last: datetime | None
    last_import: ImportRecord | None


def overview(conn: Connection) -> list[TableOverview]:
    """One line per canonical table, in :data:`opencx.db.schema.CANONICAL_TABLES` order.

    A table's last import is the newest import of its kind or the newest load of the demo
    company (which writes every canonical table), whichever started later."""
    latest = latest_import_by_kind(conn)
    demo = latest.get("demo")
    result = []
    for name in schema.CANONICAL_TABLES:
        table = schema.metadata.tables[name]
        time_column = TIME_COLUMNS.get(name)
        columns: list[Any] = [sa.func.count()]
        if time_column is not None:
            col = table.c[time_column]
            columns += [sa.func.min(col).label("first"), sa.func.max(col).label("last")]
        row = conn.execute(sa.select(*columns).select_from(table)).one()
        first, last = (row[1], row[2]) if time_column is not None else (None, None)
        result.append(
            TableOverview(
                table=name,
                rows=int(row[0]),
                time_column=time_column,
                first=first,
                last=last,
                last_import=_newer(latest.get(IMPORT_KIND.get(name, name)), demo),
            )
        )
    return result


def _newer(a: ImportRecord | None, b: ImportRecord | None) -> ImportRecord | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda r: (r.started_at, r.id))


def latest_import_by_kind(conn: Connection) -> dict[str, ImportRecord]:
    """The most recently started import of each kind."""
    imports = schema.imports
    newest = (
        sa.select(imports.c.kind, sa.func.max(imports.c.started_at).label("started_at"))
        .group_by(imports.c.kind)
        .subquery()
    )
    query = sa.select(imports).join(
        newest,
        sa.and_(imports.c.kind == newest.c.kind, imports.c.started_at == newest.c.started_at),
    )
    records = [_record(r) for r in conn.execute(query).mappings()]
    return {r.kind: r for r in sorted(records, key=lambda r: (r.started_at, r.id))}


def recent_imports(conn: Connection, limit: int = 10) -> list[ImportRecord]:
    imports = schema.imports
    query = sa.select(imports).order_by(imports.c.started_at.desc(), imports.c.id.desc())
    return [_record(r) for r in conn.execute(query.limit(limit)).mappings()]


def latest_demo(conn: Connection) -> ImportRecord | None:
    """The latest load of the demo company (an import of kind ``demo``), if any."""
    imports = schema.imports
    query = (
        sa.select(imports)
        .where(imports.c.kind == "demo")
        .order_by(imports.c.started_at.desc(), imports.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return _record(row) if row else None


def monthly_activity(conn: Connection) -> dict[str, list[tuple[str, int]]]:
    """Rows per calendar month (UTC, ``YYYY-MM``) of orders, interactions and responses."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name, column in ACTIVITY:
        col = schema.metadata.tables[name].c[column]
        if conn.dialect.name == "postgresql":
            month = sa.func.to_char(sa.func.timezone("UTC", col), "YYYY-MM")
        else:  # stored as ISO text in UTC: the month is its first seven characters
            month = sa.func.substr(col, 1, 7)
        rows = conn.execute(
            sa.select(month.label("month"), sa.func.count()).group_by("month").order_by("month")
        ).all()
        out[name] = [(str(m), int(n)) for m, n in rows if m is not None]
    return out


def _record(row: sa.RowMapping) -> ImportRecord:
    return ImportRecord(
        id=row["id"],
        kind=row["kind"],
        file_name=row["file_name"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        rows_read=row["rows_read"],
        rows_loaded=row["rows_loaded"],
        rows_rejected=row["rows_rejected"],
        message=row["message"],
    )
