"""Arrow tables into an SQLite import without binding their values one by one in Python.

Python's ``sqlite3`` turns every value of an ``executemany`` into a Python object and binds it
through the interpreter: about 40 % of a large import's time. Here the ADBC SQLite driver
(``adbc-driver-sqlite``: C, Arrow-native, its own copy of SQLite) writes the rows into a private
scratch file; the file's bytes are then loaded (``sqlite3.Connection.deserialize``) into an
in-memory schema attached to the import's own connection, and one ``INSERT … SELECT`` moves the
rows into the canonical table inside the import's transaction. A rolled-back import leaves
nothing behind: the scratch file is deleted at once and the image is memory of the connection.

Two copies of SQLite in one process must never open the same file (one closing its descriptor
drops the other's POSIX locks, see sqlite.org/howtocorrupt.html, 2.2.1), so the driver only ever
opens its own scratch file, and the import's connection only ever sees that file's bytes.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import adbc_driver_manager as adbc
import adbc_driver_sqlite
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.engine import Connection

SCHEMA = "_ingest_image"
"""The in-memory schema attached to an import's connection that holds the latest image."""

ROWS = f"{SCHEMA}.rows"
"""The image's table (``SELECT … FROM ROWS ORDER BY rowid`` gives the rows in their order)."""

MIN_ROWS = 64
"""Fewer rows are bound by ``executemany``: writing a scratch file costs about a millisecond."""

_ON = "opencx_sqlite_images"


def attach(conn: Connection) -> None:
    """Let :func:`image_of` load images into ``conn`` (an SQLite import's connection), before
    its transaction begins; :func:`detach` after it ends."""
    conn.exec_driver_sql(f"ATTACH DATABASE ':memory:' AS {SCHEMA}")
    conn.info[_ON] = True


def detach(conn: Connection) -> None:
    if conn.info.pop(_ON, False):
        conn.exec_driver_sql(f"DETACH DATABASE {SCHEMA}")


def usable(conn: Connection, data: pa.Table) -> bool:
    """Whether ``data`` goes in as an image: the connection is attached, the table is large
    enough and every column has a type the image keeps exactly as ``executemany`` binds it."""
    return (
        bool(conn.info.get(_ON))
        and data.num_rows >= MIN_ROWS
        and all(_bindable(f.type) for f in data.schema)
    )


def image_of(driver: Any, data: pa.Table) -> str:
    """Load ``data`` into the attached schema of ``driver`` (the ``sqlite3`` connection of an
    attached import connection); return :data:`ROWS`. Values are stored as ``executemany``
    binds them (see :func:`stored`). The image is the one :func:`build` made of ``data`` on
    another thread when this call is within :func:`built_ahead` of it, else built here."""
    ahead = getattr(_ahead, "image", None)
    if ahead is not None and ahead[0] is data:
        _ahead.image = None
        image = ahead[1]
    else:
        image = build(data)
    driver.deserialize(image, name=SCHEMA)
    return ROWS


def build(data: pa.Table) -> bytes:
    """The bytes of an SQLite file holding ``data`` as table ``rows``, as :func:`image_of`
    loads it. Uses no connection of the import's: a thread of its own may build chunk k+1's
    image while the import's connection inserts chunk k's (the ADBC ingest, the file's write
    and read and Arrow's casts let go of the GIL). No scratch file is left, whatever fails."""
    fd, path = tempfile.mkstemp(prefix="opencx-import-", suffix=".db")
    os.close(fd)
    try:
        with (
            adbc_driver_sqlite.connect(path) as database,
            adbc.AdbcConnection(database) as scratch,  # autocommit: ADBC's default
        ):
            for pragma in _SCRATCH_PRAGMAS:
                with adbc.AdbcStatement(scratch) as statement:
                    statement.set_sql_query(pragma)
                    statement.execute_update()
            with adbc.AdbcStatement(scratch) as statement:
                statement.set_options(**_INGEST)
                statement.bind_stream(_as_stored(data))
                statement.execute_update()  # C, without the GIL
        with open(path, "rb") as handle:
            return handle.read()
    finally:
        os.unlink(path)


_SCRATCH_PRAGMAS = (
    "PRAGMA page_size = 65536",
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
)
"""A throwaway file: its largest pages (set before its first table; the store's own pages keep
their size), no journal, no sync. With 64 KiB pages instead of 4 KiB the ADBC ingest splits and
writes 16 times fewer pages and the ``INSERT … SELECT`` reads 16 times fewer: the bench's 24
images of 500,000 lines built in 0.38 s of CPU against 0.47 s, inserted in 0.70 s against 0.75 s
(best of 9 runs; bench/RESULTS.md, issue 16, fourteenth session)."""

_INGEST = {
    adbc.INGEST_OPTION_TARGET_TABLE: "rows",
    adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_CREATE,
}


_ahead = threading.local()


@contextmanager
def built_ahead(data: pa.Table, image: bytes) -> Iterator[None]:
    """Within: :func:`image_of` of this very table, on this thread, loads ``image`` (made by
    :func:`build` of ``data`` elsewhere) instead of building it again. The image is let go
    of on the way out, loaded or not."""
    _ahead.image = (data, image)
    try:
        yield
    finally:
        _ahead.image = None


def _bindable(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_null(kind)
    )


def stored(array: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """``array`` as SQLite stores it: a timestamp as SQLAlchemy's text of ``UtcDateTime``
    (naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, by a cast: ~30x faster than ``strftime``), a
    boolean as 0/1; anything else unchanged."""
    if pa.types.is_timestamp(array.type):
        return pc.cast(pc.cast(array, pa.timestamp("us")), pa.string())
    if pa.types.is_boolean(array.type):
        return pc.cast(array, pa.int8())
    if pa.types.is_null(array.type):
        return array.cast(pa.string())
    return array


def _as_stored(data: pa.Table) -> pa.Table:
    for i, field in enumerate(data.schema):
        column = stored(data.column(i))
        if column is not data.column(i):
            data = data.set_column(i, field.name, column)
    return data
