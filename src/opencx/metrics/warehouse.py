"""The Parquet warehouse folder: where each canonical table lies, and the rollups kept beside them.

Layout: one ``<table>.parquet`` file or ``<table>/`` folder of Parquet files per canonical table,
and ``_rollups/`` with one Parquet file per rollup (:data:`opencx.metrics.domain.registry.ROLLUPS`)
and ``manifest.json``. The manifest records, per rollup, the size and modification time of every
file of every table it was built from (and a digest of its Parquet footer), and the rollup
definitions' version. A rollup is *fresh*
while all of them are unchanged; only fresh rollups are offered to the metrics (as tables named
``rollup_<name>``, see :func:`fresh_paths`), so a stale one is never read: the metrics read the
raw rows instead, with a warning that says to refresh.

A refresh removes the manifest first, writes each rollup to a temporary file and renames it into
place, and writes the manifest last: a refresh cut short leaves no rollup in use, never a wrong
one. Refresh after every load (``opencx metrics refresh``); it rebuilds every rollup.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
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
MANIFEST = "manifest.json"
log = logging.getLogger(__name__)


def parquet_paths(folder: Path) -> dict[str, str]:
    """Canonical table → its file, or a glob of its folder's files, for the tables present."""
    if not folder.is_dir():
        raise InvalidInput(f"parquet warehouse {folder} is not a folder")
    found = {}
    for name in CANONICAL:
        if (folder / f"{name}.parquet").exists():
            found[name] = str(folder / f"{name}.parquet")
        elif (folder / name).is_dir():
            found[name] = str(folder / name / "*.parquet")
    return found


def fingerprint(folder: Path, name: str) -> list[list[Any]]:
    """[relative path, size, modification time in ns, footer digest] of every file of ``name``.

    The digest is of the Parquet footer (row groups, their sizes, offsets and statistics), so a
    file replaced by another of the same size with its time kept (``cp -p``, ``rsync -t``)
    still counts as changed, unless even its footer is the same.
    """
    single = folder / f"{name}.parquet"
    files = [single] if single.is_file() else sorted((folder / name).glob("*.parquet"))
    out = []
    for path in files:
        st = path.stat()
        out.append([str(path.relative_to(folder)), st.st_size, st.st_mtime_ns, _footer(path)])
    return out


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
        doc: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("rollup manifest %s is unreadable (%s); reading the raw tables", path, exc)
        return None
    return doc


def states(folder: Path) -> list[RollupState]:
    """The state of every rollup of the warehouse in ``folder``."""
    doc = _manifest(folder)
    out = []
    for rollup in ROLLUPS.values():
        entry = (doc or {}).get("rollups", {}).get(rollup.name)
        if doc is None or entry is None:
            out.append(RollupState(rollup.name, "missing", "not refreshed"))
            continue
        made = {"rows": entry.get("rows"), "refreshed_at": entry.get("refreshed_at"),
                "seconds": entry.get("seconds")}  # fmt: skip
        if doc.get("version") != ROLLUP_VERSION:
            why = f"written by rollup version {doc.get('version')}, this is {ROLLUP_VERSION}"
            out.append(RollupState(rollup.name, "stale", why, **made))
        elif not (folder / FOLDER / f"{rollup.name}.parquet").is_file():
            out.append(RollupState(rollup.name, "missing", "its file is gone", **made))
        elif changed := [
            t for t in rollup.sources if fingerprint(folder, t) != doc["sources"].get(t)
        ]:
            why = f"{', '.join(changed)} changed since the refresh"
            out.append(RollupState(rollup.name, "stale", why, **made))
        else:
            out.append(RollupState(rollup.name, "fresh", **made))
    return out


def fresh_paths(folder: Path) -> dict[str, str]:
    """Table name (``rollup_<name>``) → file of every fresh rollup; a stale one is logged."""
    out = {}
    for s in states(folder):
        if s.fresh:
            out[ROLLUPS[s.name].table] = str(folder / FOLDER / f"{s.name}.parquet")
        elif s.state == "stale":
            log.warning("rollup %s is stale (%s): metrics read the raw rows; run "
                        "`opencx metrics refresh`", s.name, s.reason)  # fmt: skip
    return out


def refresh(con: Any, folder: Path, names: Iterable[str] | None = None) -> list[RollupState]:
    """Rebuild the rollups of the warehouse in ``folder`` with ``con``, a DuckDB backend over its
    raw tables (:func:`opencx.metrics.backends.parquet_connection` with ``rollups=False``).

    A rollup whose source tables are not all in the warehouse is skipped (and stays missing).
    If a table changes while the refresh reads it, nothing is marked fresh and the error says
    which; run the refresh again.
    """
    import pyarrow.parquet as pq

    wanted = list(ROLLUPS) if names is None else list(names)
    unknown = [n for n in wanted if n not in ROLLUPS]
    if unknown:
        raise InvalidInput(f"unknown rollup {unknown[0]!r}; known: {', '.join(ROLLUPS)}")
    present = parquet_paths(folder)
    out_dir = folder / FOLDER
    out_dir.mkdir(exist_ok=True)
    previous = _manifest(folder) or {}
    (out_dir / MANIFEST).unlink(missing_ok=True)  # from here on, no rollup is in use
    before = {t: fingerprint(folder, t) for t in present}
    entries: dict[str, Any] = {}
    if previous.get("version") == ROLLUP_VERSION:  # rollups not asked for keep their entries
        entries = {n: e for n, e in previous.get("rollups", {}).items() if n not in wanted}
        entries = {n: e for n, e in entries.items() if _same_sources(n, previous, before)}
    for name in wanted:
        rollup = ROLLUPS[name]
        if any(t not in present for t in rollup.sources):
            entries.pop(name, None)
            continue
        t0 = time.perf_counter()
        final = out_dir / f"{name}.parquet"
        temporary = out_dir / f"{name}.parquet.tmp"
        con.to_parquet(rollup.build(con), temporary)
        os.replace(temporary, final)
        rows = pq.ParquetFile(final).metadata.num_rows
        entries[name] = {
            "rows": rows,
            "seconds": round(time.perf_counter() - t0, 3),
            "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    after = {t: fingerprint(folder, t) for t in present}
    if changed := [t for t in present if before[t] != after[t]]:
        raise InvalidInput(
            f"{', '.join(changed)} changed while the rollups were built; refresh again"
        )
    doc = {
        "version": ROLLUP_VERSION,
        "sources": before,
        "rollups": entries,
    }
    temporary = out_dir / f"{MANIFEST}.tmp"
    temporary.write_text(json.dumps(doc, indent=1))
    os.replace(temporary, out_dir / MANIFEST)
    return states(folder)


def _same_sources(name: str, previous: dict[str, Any], now: dict[str, Any]) -> bool:
    old = previous.get("sources", {})
    return all(old.get(t) == now.get(t) for t in ROLLUPS[name].sources)
