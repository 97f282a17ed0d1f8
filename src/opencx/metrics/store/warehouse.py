"""The Parquet warehouse folder: where each canonical table lies, and the rollups kept beside them.

Layout: one ``<table>.parquet`` file or ``<table>/`` folder of Parquet files per canonical table,
and ``_rollups/`` with the Parquet files of each rollup
(:data:`opencx.metrics.domain.registry.ROLLUPS`; ``<name>.<random>.parquet``, a name never
reused, one per build or increment) and ``manifest.json``. The manifest records, per rollup,
its files and the size, modification time and Parquet-footer digest of every file of every
table it was built from, and the rollup definitions' version. A rollup is *fresh* while all of
them are unchanged; only fresh rollups are offered to the metrics (as tables named
``rollup_<name>``, see :func:`fresh_paths`), so a stale one is never read: the metrics read the
raw rows instead, with a warning that says to refresh.

A refresh holds a lock on ``_rollups/.lock``, removes the manifest first, writes what it builds
to temporary files of its own, checks that no source table changed meanwhile, renames the files
into place and writes the manifest last: a refresh cut short leaves no rollup in use, never a
wrong one. Refresh after every load (``opencx metrics refresh``). A rollup whose tables did not
change is kept; one whose only changes are files *added* to its fact tables (``Rollup.facts``)
gets a part built from the new rows alone, and so does one whose linked tables
(``Rollup.links``: orders, their lines, products) only gained files once a semi-join per link
proves the added rows join no earlier ones; any other change rebuilds it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.metric import Rollup
from opencx.metrics.domain.registry import ROLLUP_VERSION, ROLLUPS

CANONICAL = (
    "customers",
    "products",
    "orders",
    "order_lines",
    "subscriptions",
    "interactions",
    "cases",
    "case_events",
    "surveys",
    "survey_questions",
    "invitations",
    "responses",
    "answers",
    "customer_segments",
    "answer_topics",
)
FOLDER = "_rollups"
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
    parts: int | None = None
    how: str | None = None

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


def states(folder: Path) -> list[RollupState]:
    """The state of every rollup of the warehouse in ``folder`` (each table read once)."""
    return _states(folder, _manifest(folder))


def _states(folder: Path, doc: dict[str, Any] | None) -> list[RollupState]:
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
    if absent := [t for t in ROLLUPS[name].sources if current(t) is None]:
        return RollupState(name, "missing", f"no {', '.join(absent)} table in the warehouse")
    if doc is None or entry is None:
        return RollupState(name, "missing", "not refreshed")
    made = {
        "rows": entry.get("rows"),
        "refreshed_at": entry.get("refreshed_at"),
        "seconds": entry.get("seconds"),
        "parts": len(entry.get("parts") or []),
        "how": entry.get("how"),
    }
    if doc.get("version") != ROLLUP_VERSION:
        why = f"written by rollup version {doc.get('version')}, this is {ROLLUP_VERSION}"
        return RollupState(name, "stale", why, **made)
    for part in entry["parts"]:
        path = folder / part[0]
        if not path.is_file():
            return RollupState(name, "missing", f"its file {part[0]} is gone", **made)
        if _file_print(folder, path) != part:
            return RollupState(name, "stale", f"its file {part[0]} changed", **made)
    sources = ROLLUPS[name].sources
    if empty := [t for t in sources if not current(t)]:
        return RollupState(name, "stale", f"no Parquet files found for {', '.join(empty)}", **made)
    if changed := [t for t in sources if current(t) != doc["sources"][t]]:
        return RollupState(name, "stale", f"{', '.join(changed)} changed since the refresh", **made)
    return RollupState(name, "fresh", **made)


def fresh_paths(folder: Path) -> dict[str, list[str]]:
    """Table name (``rollup_<name>``) → files of every fresh rollup; a stale one is logged."""
    doc = _manifest(folder)  # read once: states and files from the same manifest
    out = {}
    for s in _states(folder, doc):
        if s.fresh and doc is not None:
            parts = doc["rollups"][s.name]["parts"]
            out[ROLLUPS[s.name].table] = [str(folder / part[0]) for part in parts]
        elif s.state == "stale":
            log.warning(
                "rollup %s is stale (%s): metrics read the raw rows; run `opencx metrics refresh`",
                s.name,
                s.reason,
            )
    return out


def read_parquet_sql(paths: str | list[str]) -> str:
    """DuckDB's ``read_parquet`` of one path (or glob) or a list of them, quoted."""
    if isinstance(paths, str):
        return f"read_parquet({_quoted(paths)})"
    return f"read_parquet([{', '.join(_quoted(p) for p in paths)}])"


def parquet_view(con: Any, name: str, paths: str | list[str]) -> None:
    """View ``name`` over Parquet ``paths`` on DuckDB ``con``, with ``TIMESTAMP WITH TIME ZONE``
    columns as plain UTC ``TIMESTAMP`` (the same instants; DuckDB's zoned casts and extractions
    go through ICU and cost several times more, and every metric buckets by time)."""
    source = read_parquet_sql(paths)
    described = con.raw_sql(f"DESCRIBE SELECT * FROM {source}").fetchall()  # noqa: S608
    zoned = [str(row[0]) for row in described if str(row[1]) == "TIMESTAMP WITH TIME ZONE"]
    replace = ", ".join(f"make_timestamp(epoch_us({_ident(c)})) AS {_ident(c)}" for c in zoned)
    star = f"* REPLACE ({replace})" if zoned else "*"
    # quoted identifiers and paths, from our own table names and the files' columns
    con.raw_sql(f"CREATE OR REPLACE VIEW {_ident(name)} AS SELECT {star} FROM {source}")  # noqa: S608


def plain_view(con: Any, name: str, paths: list[str] | None) -> None:
    """View ``name`` over Parquet ``paths`` as they are on DuckDB ``con``; ``None`` drops it."""
    if paths is None:
        con.raw_sql(f"DROP VIEW IF EXISTS {_ident(name)}")
    else:  # quoted identifier and paths
        source = read_parquet_sql(paths)
        con.raw_sql(f"CREATE OR REPLACE VIEW {_ident(name)} AS SELECT * FROM {source}")  # noqa: S608


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


MAX_PARTS = 16
"""A rollup with this many parts is rebuilt whole at its next change (reads stay fast)."""


def refresh(
    con: Any, folder: Path, names: Iterable[str] | None = None, *, full: bool = False
) -> list[RollupState]:
    """Bring the rollups of the warehouse in ``folder`` up to date with ``con``, a DuckDB
    backend over its raw tables (:func:`opencx.metrics.store.backends.parquet_connection` with
    ``rollups=False``); ``names`` limits the work to those rollups, ``full`` rebuilds them.

    A rollup whose tables are unchanged is kept; one whose changes are only files added to its
    fact tables gets a part from the new rows; any other is rebuilt. A rollup whose source
    tables are not all in the warehouse is skipped (and stays missing). If a table changes
    while the refresh reads it, nothing is replaced and the error says which; run the refresh
    again. One refresh at a time: another one fails at once.
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
        _refresh_locked(con, folder, wanted, present, full)
    return states(folder)


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a refresh does with one rollup: ``keep`` it, ``append`` a part, or ``rebuild``."""

    action: str
    added: dict[str, list[str]] | None = None  # fact table → its new files, for ``append``
    why: str = ""  # why an append was refused (shown as the rollup's ``how``)


def _plan(
    folder: Path,
    name: str,
    previous: dict[str, Any],
    now: dict[str, Any],
    wanted: bool,
    full: bool,
) -> _Plan:
    rollup = ROLLUPS[name]
    same_version = previous.get("version") == ROLLUP_VERSION
    entry = previous.get("rollups", {}).get(name) if same_version else None
    if entry is None or not _intact(folder, entry) or (wanted and full):
        return _Plan("rebuild" if wanted else "drop")
    old = previous.get("sources", {})
    changed = [t for t in rollup.sources if old.get(t) != now.get(t)]
    if not changed:
        return _Plan("keep")
    if not wanted:
        return _Plan("drop")
    growing = {*rollup.facts, *(t for link in rollup.links for t in (link.child, link.parent))}
    grown = all(t in growing and old.get(t) and _grown(old[t], now[t]) for t in changed)
    if not grown or len(entry["parts"]) >= MAX_PARTS:
        return _Plan("rebuild")
    return _Plan("append", {t: [f[0] for f in now[t] if f not in old[t]] for t in changed})


def _intact(folder: Path, entry: dict[str, Any]) -> bool:
    """Whether every file of a rollup's manifest entry is on disk as recorded."""
    try:
        return all(_file_print(folder, folder / part[0]) == part for part in entry["parts"])
    except (OSError, LookupError, TypeError):
        return False


def _grown(old: list[list[Any]], now: list[list[Any]]) -> bool:
    """Whether every file of ``old`` is in ``now`` unchanged (files were only added)."""
    return all(f in now for f in old) and len(now) > len(old)


def _refresh_locked(
    con: Any, folder: Path, wanted: list[str], present: dict[str, str], full: bool
) -> None:
    out_dir = folder / FOLDER
    previous = _manifest(folder) or {}
    (out_dir / MANIFEST).unlink(missing_ok=True)  # from here on, no rollup is in use
    watched = [t for t in present if any(t in r.sources for r in ROLLUPS.values())]
    before = {t: fingerprint(folder, t) for t in watched}
    entries: dict[str, Any] = {}
    built: dict[str, tuple[Path, Path]] = {}  # name → (temporary file, its final place)
    views: list[str] = []  # views over old and new files of fact tables, dropped at the end
    try:
        for name, rollup in ROLLUPS.items():
            if any(t not in present for t in rollup.sources):
                continue
            plan = _plan(folder, name, previous, before, name in wanted, full)
            if plan.action == "keep":
                entries[name] = previous["rollups"][name]
            elif plan.action != "drop":
                expr, plan = _expression(con, folder, rollup, previous, plan, views)
                entries[name], built[name] = _write(con, folder, name, expr, previous, plan)
        if changed := [t for t in watched if fingerprint(folder, t) != before[t]]:
            raise InvalidInput(
                f"{', '.join(changed)} changed while the rollups were built; refresh again"
            )
        for name, (scratch, final) in built.items():
            os.replace(scratch, final)
            entries[name]["parts"] = [*entries[name]["parts"], _file_print(folder, final)]
    finally:
        for scratch, _ in built.values():
            scratch.unlink(missing_ok=True)
        for view in views:
            plain_view(con, view, None)
    _publish(folder, {"version": ROLLUP_VERSION, "sources": before, "rollups": entries})


def _expression(
    con: Any, folder: Path, rollup: Rollup, previous: dict[str, Any], plan: _Plan, views: list[str]
) -> tuple[Any, _Plan]:
    """What to write for ``plan``: the added rows' part, or the whole rollup when an append
    proves wrong (the plan then says ``rebuild`` and why)."""
    if plan.action == "append":
        expr, why = _delta(con, folder, rollup, previous, plan, views)
        if expr is not None:
            return expr, plan
        plan = _Plan("rebuild", why=why)
    return rollup.build(con), plan


def _publish(folder: Path, doc: dict[str, Any]) -> None:
    """Write the manifest (atomically), then remove rollup files it no longer lists."""
    out_dir = folder / FOLDER
    temporary = out_dir / f"{MANIFEST}.tmp"
    temporary.write_text(json.dumps(doc, indent=1))
    os.replace(temporary, out_dir / MANIFEST)
    in_use = {folder / p[0] for e in doc["rollups"].values() for p in e["parts"]}
    for stray in out_dir.glob("*.parquet"):  # parts of rebuilt or dropped rollups
        if stray not in in_use:
            stray.unlink(missing_ok=True)


def _write(
    con: Any, folder: Path, name: str, expr: Any, previous: dict[str, Any], plan: _Plan
) -> tuple[dict[str, Any], tuple[Path, Path]]:
    """Write ``expr`` to a temporary file; return the manifest entry (its ``parts`` without the
    new file yet) and (temporary file, final place)."""
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    out_dir = folder / FOLDER
    handle, scratch = tempfile.mkstemp(prefix=f"{name}.", suffix=".tmp", dir=out_dir)
    os.close(handle)
    try:
        con.to_parquet(expr, scratch)
        rows = pq.ParquetFile(scratch).metadata.num_rows
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    # a name no manifest has listed: a reader holding an older list never mixes generations
    final = out_dir / f"{name}.{uuid.uuid4().hex[:16]}.parquet"
    entry = {
        "seconds": round(time.perf_counter() - t0, 3),
        "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if plan.action == "rebuild":
        how = f"rebuilt ({plan.why})" if plan.why else "rebuilt"
        entry |= {"rows": rows, "parts": [], "how": how}
        return entry, (Path(scratch), final)
    last = previous["rollups"][name]
    entry |= {"rows": last["rows"] + rows, "parts": last["parts"], "how": f"appended {rows:,} rows"}
    return entry, (Path(scratch), final)


def _delta(
    con: Any, folder: Path, rollup: Rollup, previous: dict[str, Any], plan: _Plan, views: list[str]
) -> tuple[Any, str]:
    """The rollup of the rows that the added files bring, or ``None`` and why it cannot be.

    For fact tables F with old part O and new part N: the build over every combination of
    parts with at least one N (the build distributes over a union of its fact tables' rows,
    which is what ``facts`` promises). For linked tables: see :func:`_linked_delta`."""
    import itertools

    import ibis

    added = plan.added or {}
    sides: dict[str, dict[str, Any]] = {}
    for table, new_files in added.items():
        old_files = [f[0] for f in previous["sources"][table]]
        sides[table] = {}
        for side, files in (("old", old_files), ("new", new_files)):
            view = f"opencx_{table}_{side}"
            parquet_view(con, view, [str(folder / f) for f in files])
            views.append(view)
            sides[table][side] = con.table(view)
    tables = {t: con.table(t) for t in rollup.sources}
    if rollup.links:
        return _linked_delta(con, rollup, tables, sides)
    builds = []
    for combo in itertools.product(("old", "new"), repeat=len(sides)):
        if "new" not in combo:
            continue
        mapping = {**tables, **{t: sides[t][side] for t, side in zip(sides, combo, strict=True)}}
        builds.append(rollup.build(mapping))
    return (builds[0] if len(builds) == 1 else ibis.union(*builds)), ""


def _linked_delta(
    con: Any, rollup: Rollup, tables: dict[str, Any], sides: dict[str, dict[str, Any]]
) -> tuple[Any, str]:
    """The build over the added rows of the grown tables (the others whole), when no added row
    joins an earlier one; else ``None`` and the link that forbids it.

    Per link, one semi-join each way that matters: earlier children of added parents (an
    earlier line of an added order or product), and, when the build sums children per parent,
    added children of earlier parents (a return line added to an old order). Both empty: every
    group the build forms from the added rows is complete and new, and every earlier group is
    unchanged, so the part appended is exactly what a rebuild would add. A table only looked
    up (``grouped=False``: products) is read whole, its added rows included.
    """

    def part(name: str, side: str) -> Any:  # a table that did not grow is all "old"
        if name in sides:
            return sides[name][side]
        return tables[name] if side == "old" else None

    for link in rollup.links:
        checks = []
        if (added_parents := part(link.parent, "new")) is not None:
            checks.append((part(link.child, "old"), added_parents, "earlier", "added"))
        if link.grouped and (added_children := part(link.child, "new")) is not None:
            checks.append((added_children, part(link.parent, "old"), "added", "earlier"))
        for child, parent, child_side, parent_side in checks:
            joined = child.semi_join(parent, child[link.column] == parent[link.key])
            if con.execute(joined.limit(1).count()):
                return None, (
                    f"{child_side} {link.child} rows reference {parent_side} {link.parent} "
                    f"by {link.column}"
                )
    grouped = {t for link in rollup.links for t in (link.child, link.parent) if link.grouped}
    grouped |= {link.child for link in rollup.links}
    # grouped tables contribute their added rows; a table only looked up is read whole
    added = {t: s["new"] for t, s in sides.items() if t in grouped}
    return rollup.build({**tables, **added}), ""
