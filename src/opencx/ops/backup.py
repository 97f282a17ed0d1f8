"""Backups of the embedded SQLite store through SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the server and workers keep
running (it restarts when a writer changes a page it has copied, and WAL readers never block
it). PostgreSQL is backed up with its own tools; docs/operations.md gives the recipe.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from opencx.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Copied:
    path: Path
    pages: int
    bytes: int
    revision: str | None


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///`` URL; a clear error for anything else."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise InvalidInput(
            f"backup/restore work on a SQLite file; OPENCX_DATABASE_URL is {url.get_backend_name()}"
            " — for PostgreSQL use pg_dump / pg_restore (docs/operations.md)"
        )
    return Path(url.database)


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, path: Path) -> Copied:
    source.backup(target, pages=1024)
    pages = int(target.execute("PRAGMA page_count").fetchone()[0])
    size = pages * int(target.execute("PRAGMA page_size").fetchone()[0])
    return Copied(path, pages, size, _revision(target))


def backup(database_url: str, destination: Path, *, overwrite: bool = False) -> Copied:
    """Copy the live store to ``destination`` (a new file) and check the copy's integrity."""
    source_path = sqlite_path(database_url)
    if not source_path.exists():
        raise InvalidInput(f"backup: the database {source_path} does not exist")
    if destination.exists() and not overwrite:
        raise InvalidInput(f"backup: {destination} exists; choose a new file or pass --overwrite")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    with _open(source_path) as source, _open(partial) as target:
        copied = _copy(source, target, destination)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check(target, partial)
    partial.replace(destination)
    return copied


def restore(database_url: str, source: Path) -> Copied:
    """Replace the store's content with the backup ``source`` (stop servers and workers first)."""
    target_path = sqlite_path(database_url)
    if not source.is_file():
        raise InvalidInput(f"restore: {source} is not a file")
    with _open(source) as backup_conn:
        _check(backup_conn, source)
        if _revision(backup_conn) is None:
            raise InvalidInput(f"restore: {source} is not an OpenCX database (no alembic_version)")
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with _open(target_path) as target:
            return _copy(backup_conn, target, target_path)


def _check(conn: sqlite3.Connection, path: Path) -> None:
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} is not a readable SQLite database: {exc}") from None
    if verdict != "ok":
        raise InvalidInput(f"{path} failed SQLite's integrity check: {verdict}")


class _open:
    """A sqlite3 connection closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
