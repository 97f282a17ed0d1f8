"""The ``imports`` table: one row per import run, started and then finished with its counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.db import schema


def start_import(
    conn: Connection, *, id_: str, kind: str, file_name: str, sha256: str, at: datetime
) -> None:
    conn.execute(
        schema.imports.insert().values(
            id=id_,
            kind=kind,
            file_name=file_name,
            file_sha256=sha256,
            started_at=at,
            status="running",
        )
    )


def finish_import(conn: Connection, id_: str, **values: Any) -> None:
    conn.execute(schema.imports.update().where(schema.imports.c.id == id_).values(**values))
