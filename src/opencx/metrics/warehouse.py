"""The Parquet warehouse folder: where each canonical table lies, and the rollups kept beside them.

Layout: one ``<table>.parquet`` file or ``<table>/`` folder of Parquet files per canonical table,
and ``_rollups/`` with one Parquet file per rollup (:data:`opencx.metrics.domain.registry.ROLLUPS`)
and ``manifest.json``. The manifest records, per rollup, the size and modification time of every
file of every table it was built from (and a digest of its Parquet footer), and the rollup
definitions' version. A rollup is *fresh*
while all of them are unchanged; only fresh rollups are offered to the metrics (as tables named
``rollup_<name>``, see :func:`fresh_paths`), so a stale one is never read: the metrics read the
raw rows instead, with a warning that says to refresh.

A refresh holds a lock on ``_rollups/.lock``, removes the manifest first, writes each rollup to
a temporary file of its own, checks that no source table changed meanwhile, renames the files
into place and writes the manifest last, with the fingerprint of each rollup file too: a refresh
cut short leaves no rollup in use, never a wrong one. Refresh after every load (``opencx
metrics refresh``); it rebuilds every rollup.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.registry import ROLLUP_VERSION, ROLLUPS

CANONICAL = (
    "customers", "products", "orders", "order_lines", "subscriptions", "interactions", "cases",
    "case_events", "surveys", "survey_questions", "invitations", "responses", "answers",
)  # fmt: skip
FOLDER = "_rollups"
SYNC_ROLLUPS = "opencx_sync_rollups"
"""Attribute of a backend over a Parquet warehouse: a function that offers exactly the rollups
fresh at the time of the call (see :mod:`opencx.metrics.backends`)."""
MANIFEST = "manifest.json"
log = logging.getLogger(__name__)


def table_files(folder: Path, name: str) -> tuple[str, list[Path]] | None:
    """What an engine reads for table ``name`` (a file, or a glob of a folder's Parquet files)
    and the files that covers; ``None`` when the warehouse has no such table.

    A table is ``<name>.parquet`` (a file, or a folder as Spark writes one) or a ``<name>/``
    folder of ``*.parquet`` files.
    """
    for base in (folder / f"{name}.parquet", folder / name):
        if base.is_file() and base.suffix == ".parquet":
            return str(base), [base]
        if base.is_dir():
            return str(base / "*.parquet"), sorted(base.glob("*.parquet"))
    return None


def parquet_paths(folder: Path) -> dict[str, str]:
    """Canonical table → its file, or a glob of its folder's files, for the tables present."""
    if not folder.is_dir():
        raise InvalidInput(f"parquet warehouse {folder} is not a folder")
    found = {}
    for name in CANONICAL:
        if (located := table_files(folder, name)) is not None:
            found[name] = located[0]
    return found


def fingerprint(folder: Path, name: str) -> list[list[Any]] | None:
    """[relative path, size, modification time in ns, footer digest] of every file of ``name``
    (``None`` when the table is absent).

    The digest is of the Parquet footer (row groups, their sizes, offsets and statistics), so a
    file replaced by another of the same size with its time kept (``cp -p``, ``rsync -t``)
    still counts as changed, unless even its footer is the same.
    """
    located = table_files(folder, name)
    return None if located is None else [_file_print(folder, path) for path in located[1]]


def _file_print(folder: Path, path: Path) -> list[Any]:
    st = path.stat()
    return [str(path.relative_to(folder)), st.st_size, st.st_mtime_ns, _footer(path)]


def _footer(path: Path) -> str:
    """SHA-256 of the Parquet footer (its length is the 4 bytes before the closing ``PAR1``)."""
    with path.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        if size < 12:
            return ""
        f.seek(size - 8)
        length = int.from_bytes(f.read(4), "little")
        f.seek(max(0, size - 8 - length))
        return hashlib.sha256(f.read(length)).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class RollupState:
    """Whether rollup ``name`` may be read: ``fresh``, ``stale`` or ``missing``, and why."""

    name: str
    state: str
    reason: str = ""
    rows: int | None = None
    refreshed_at: str | None = None
    seconds: float | None = None

    @property
    def fresh(self) -> bool:
        return self.state == "fresh"


def _manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / FOLDER / MANIFEST
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("rollup manifest %s is unreadable (%s); reading the raw tables", path, exc)
        return None
    if not isinstance(doc, dict):
        log.warning("rollup manifest %s is not an object; reading the raw tables", path)
        return None
    return doc


def rollup_path(folder: Path, name: str) -> Path:
    return folder / FOLDER / f"{name}.parquet"


def states(folder: Path) -> list[RollupState]:
    """The state of every rollup of the warehouse in ``folder`` (each table read once)."""
    doc = _manifest(folder)
    prints: dict[str, list[list[Any]] | None] = {}

    def current(table: str) -> list[list[Any]] | None:
        if table not in prints:
            prints[table] = fingerprint(folder, table)
        return prints[table]

    out = []
    for rollup in ROLLUPS.values():
        try:
            out.append(_state(folder, rollup.name, doc, current))
        except (OSError, LookupError, TypeError, AttributeError, ValueError) as exc:
            out.append(RollupState(rollup.name, "stale", f"cannot be checked: {exc!r}"))
    return out


def _state(folder: Path, name: str, doc: dict[str, Any] | None, current: Any) -> RollupState:
    entry = (doc or {}).get("rollups", {}).get(name)
    if doc is None or entry is None:
        return RollupState(name, "missing", "not refreshed")
    made = {"rows": entry.get("rows"), "refreshed_at": entry.get("refreshed_at"),
            "seconds": entry.get("seconds")}  # fmt: skip
    if doc.get("version") != ROLLUP_VERSION:
        why = f"written by rollup version {doc.get('version')}, this is {ROLLUP_VERSION}"
        return RollupState(name, "stale", why, **made)
    path = rollup_path(folder, name)
    if not path.is_file():
        return RollupState(name, "missing", "its file is gone", **made)
    if _file_print(folder, path) != entry["file"]:
        return RollupState(name, "stale", "its file changed since the refresh", **made)
    sources = ROLLUPS[name].sources
    if empty := [t for t in sources if not current(t)]:
        return RollupState(name, "stale", f"no Parquet files found for {', '.join(empty)}", **made)
    if changed := [t for t in sources if current(t) != doc["sources"][t]]:
        return RollupState(name, "stale", f"{', '.join(changed)} changed since the refresh", **made)
    return RollupState(name, "fresh", **made)


def fresh_paths(folder: Path) -> dict[str, str]:
    """Table name (``rollup_<name>``) → file of every fresh rollup; a stale one is logged."""
    out = {}
    for s in states(folder):
        if s.fresh:
            out[ROLLUPS[s.name].table] = str(rollup_path(folder, s.name))
        elif s.state == "stale":
            log.warning("rollup %s is stale (%s): metrics read the raw rows; run "
                        "`opencx metrics refresh`", s.name, s.reason)  # fmt: skip
    return out


def refresh(con: Any, folder: Path, names: Iterable[str] | None = None) -> list[RollupState]:
    """Rebuild the rollups of the warehouse in ``folder`` with ``con``, a DuckDB backend over its
    raw tables (:func:`opencx.metrics.backends.parquet_connection` with ``rollups=False``).

    A rollup whose source tables are not all in the warehouse is skipped (and stays missing).
    If a table changes while the refresh reads it, nothing is replaced and the error says
    which; run the refresh again. One refresh at a time: another one fails at once.
    """
    wanted = list(ROLLUPS) if names is None else list(names)
    unknown = [n for n in wanted if n not in ROLLUPS]
    if unknown:
        raise InvalidInput(f"unknown rollup {unknown[0]!r}; known: {', '.join(ROLLUPS)}")
    present = parquet_paths(folder)
    out_dir = folder / FOLDER
    out_dir.mkdir(exist_ok=True)
    with (out_dir / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidInput(
                f"another refresh of {folder} is running (it holds {out_dir / '.lock'})"
            ) from None
        _refresh_locked(con, folder, wanted, present)
    return states(folder)


def _refresh_locked(con: Any, folder: Path, wanted: list[str], present: dict[str, str]) -> None:
    import pyarrow.parquet as pq

    out_dir = folder / FOLDER
    previous = _manifest(folder) or {}
    (out_dir / MANIFEST).unlink(missing_ok=True)  # from here on, no rollup is in use
    before = {t: fingerprint(folder, t) for t in present}
    entries: dict[str, Any] = {}
    if previous.get("version") == ROLLUP_VERSION:  # rollups not asked for keep their entries
        kept = {n: e for n, e in previous.get("rollups", {}).items() if n not in wanted}
        entries = {n: e for n, e in kept.items() if _same_sources(n, previous, before)}
    built: dict[str, Path] = {}
    try:
        for name in wanted:
            rollup = ROLLUPS[name]
            entries.pop(name, None)
            if any(t not in present for t in rollup.sources):
                continue
            t0 = time.perf_counter()
            handle, scratch = tempfile.mkstemp(prefix=f"{name}.", suffix=".tmp", dir=out_dir)
            os.close(handle)
            built[name] = Path(scratch)
            con.to_parquet(rollup.build(con), scratch)
            entries[name] = {
                "rows": pq.ParquetFile(scratch).metadata.num_rows,
                "seconds": round(time.perf_counter() - t0, 3),
                "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        after = {t: fingerprint(folder, t) for t in present}
        if changed := [t for t in present if before[t] != after[t]]:
            raise InvalidInput(
                f"{', '.join(changed)} changed while the rollups were built; refresh again"
            )
        for name, temporary in built.items():
            os.replace(temporary, rollup_path(folder, name))
            entries[name]["file"] = _file_print(folder, rollup_path(folder, name))
    finally:
        for temporary in built.values():
            temporary.unlink(missing_ok=True)
    doc = {"version": ROLLUP_VERSION, "sources": before, "rollups": entries}
    temporary_manifest = out_dir / f"{MANIFEST}.tmp"
    temporary_manifest.write_text(json.dumps(doc, indent=1))
    os.replace(temporary_manifest, out_dir / MANIFEST)


def _same_sources(name: str, previous: dict[str, Any], now: dict[str, Any]) -> bool:
    old = previous.get("sources", {})
    return all(old.get(t) == now.get(t) for t in ROLLUPS[name].sources)
