"""The table-ownership guard: every write statement is attributed to the slice that issued it.

A listener on SQLAlchemy's ``before_cursor_execute`` (every engine, every statement, the Core
API and ``exec_driver_sql`` alike) reads the target table of each ``INSERT``, ``UPDATE``,
``DELETE``, ``REPLACE`` and ``TRUNCATE`` and walks the Python stack to the innermost frame of an
``opencx.<slice>`` module: that slice wrote the row. A handler wired in ``opencx.app`` runs in
the publisher's transaction but its frames are its own slice's, so a reaction to an event is
attributed to the slice that reacts. The writer must be the table's owner
(``Table.info["owner"]``, see :func:`opencx.db.schema.owned_by`), or one of its declared
loaders for an ``INSERT``. Statements issued by test code itself (fixtures seeding rows) have no
``opencx`` frame and are not checked; nor are migrations (``opencx.db``), which own the schema.

Checked at run time, so a table reached through a loop variable, ``getattr`` or raw SQL text is
caught as surely as ``orders.update()``; ``tests/contracts/test_table_ownership.py`` adds a
static pass for code the suite does not run.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

import opencx
from opencx.db.schema import metadata

EXEMPT_WRITERS = frozenset({"db"})
"""``opencx.db`` runs the migrations, which own the schema and may move any data."""

PASS_THROUGH = frozenset({"core"})
"""Frames skipped when looking for the writer: the event bus calls handlers of other slices."""

PASS_THROUGH_MODULES = frozenset({"opencx.db.driver"})
"""Modules whose frames are skipped too: :mod:`opencx.db.driver` runs (and announces) the
statements a slice's store wrote, so the store that called it is the writer."""

_VERB = re.compile(
    r"""^\s*(?:
        (?P<insert>INSERT(?:\s+OR\s+\w+)?\s+INTO)
      | (?P<replace>REPLACE\s+INTO)
      | (?P<update>UPDATE(?:\s+OR\s+\w+)?(?:\s+ONLY)?)
      | (?P<delete>DELETE\s+FROM(?:\s+ONLY)?)
      | (?P<truncate>TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?)
    )\s+(?P<tables>[^(]*?)(?:\s*\(|\s+(?:VALUES|SELECT|SET|WHERE|AS|DEFAULT|RESTART|CONTINUE|CASCADE|RETURNING)\b|\s*$)""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_WITH = re.compile(r"^\s*WITH\b", re.IGNORECASE)
_COMMENT = re.compile(r"^\s*(?:--[^\n]*\n|/\*.*?\*/)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Write:
    """One write statement: what it did to which table, who issued it and from where."""

    verb: str  # insert, update, delete, truncate
    table: str
    writer: str  # the slice, or "" for test code
    site: str  # module:function of the writer's innermost frame

    def describe(self) -> str:
        return f"{self.site} ({self.writer}) issued {self.verb.upper()} on {self.table!r}"


def statement_writes(sql: str) -> list[tuple[str, str]]:
    """``(verb, table)`` of every table a statement writes; ``[]`` for reads and DDL."""
    while _COMMENT.match(sql):
        sql = _COMMENT.sub("", sql, count=1)
    if _WITH.match(sql):
        return _with_writes(sql)
    match = _VERB.match(sql)
    if match is None:
        return []
    verb = next(k for k in ("insert", "replace", "update", "delete", "truncate") if match[k])
    verb = "insert" if verb == "replace" else verb
    names = [n for n in re.split(r"\s*,\s*", match["tables"].strip()) if n]
    return [(verb, _bare(n)) for n in names]


def _bare(name: str) -> str:
    """``"public"."orders" o`` → ``orders``."""
    first = name.split()[0]
    return first.split(".")[-1].strip('"`[]').lower()


def _with_writes(sql: str) -> list[tuple[str, str]]:
    import sqlglot
    from sqlglot import exp

    found: list[tuple[str, str]] = []
    try:
        trees = sqlglot.parse(sql)
    except sqlglot.errors.ParseError:  # psycopg's %(name)s placeholders read as modulo
        trees = sqlglot.parse(sql, read="postgres")
    for tree in trees:
        if tree is None:
            continue
        for kind, verb in ((exp.Insert, "insert"), (exp.Update, "update"), (exp.Delete, "delete")):
            for node in tree.find_all(kind):
                target = node.this.find(exp.Table) if node.this is not None else None
                if target is not None:
                    found.append((verb, target.name.lower()))
    return found


def writer_of(frame: FrameType | None) -> tuple[str, str]:
    """The slice of the innermost ``opencx.<slice>`` frame, and its ``module:function``."""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("opencx.") and module not in PASS_THROUGH_MODULES:
            part = module.split(".")[1]
            if part not in PASS_THROUGH:
                return part, f"{module}:{frame.f_code.co_name}"
        frame = frame.f_back
    return "", ""


@functools.cache
def defined_by() -> dict[str, frozenset[str]]:
    """Table name → the slices whose ``store`` modules define (or import) a Table of that name.

    A table private to a slice is defined in that slice's ``store`` and owned by it; a canonical
    table of :mod:`opencx.db.schema` names its owner with ``owned_by`` instead.
    """
    found: dict[str, set[str]] = {}
    for package in pkgutil.iter_modules(opencx.__path__):
        for module in _store_modules(f"opencx.{package.name}.store"):
            for value in vars(module).values():
                if isinstance(value, sa.Table):
                    found.setdefault(value.name, set()).add(package.name)
    return {name: frozenset(slices) for name, slices in found.items()}


def _store_modules(name: str) -> list[ModuleType]:
    try:
        root = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return []
        raise
    modules = [root]
    for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{name}."):
        modules.append(importlib.import_module(info.name))
    return modules


def owner_of(table: str) -> tuple[str | None, tuple[str, ...]]:
    """``(owner, loaders)`` of ``table``: its ``owned_by`` declaration, else the one slice whose
    store defines it; a ``_<slice>_…`` temporary table is its slice's."""
    known = metadata.tables.get(table)
    if known is not None and "owner" in known.info:
        return known.info["owner"], tuple(known.info.get("loaded_by", ()))
    slices = defined_by().get(table, frozenset())
    if len(slices) == 1:
        return next(iter(slices)), ()
    if table == "alembic_version":
        return "db", ()
    temporary = re.match(r"_([a-z]+)_", table)
    if temporary:
        return temporary[1], ()
    return None, ()


def violation(write: Write) -> str | None:
    """Why ``write`` breaks table ownership, or None when it is the owner's (or test code's)."""
    if not write.writer or write.writer in EXEMPT_WRITERS:
        return None
    owner, loaders = owner_of(write.table)
    if owner is None:
        return f"{write.describe()}: the table has no owner (declare one with owned_by)"
    if write.writer == owner:
        return None
    if write.verb == "insert" and write.writer in loaders:
        return None
    rights = f"owned by {owner!r}"
    if loaders:
        rights += f", loaded (INSERT only) by {', '.join(map(repr, loaders))}"
    return (
        f"{write.describe()}: {write.table!r} is {rights}; move the write to its owner "
        "(an event subscribed in opencx.app.wire_events)"
    )


class Guard:
    """Collects the ownership violations of every statement run while installed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.violations: list[str] = []
        self.writes: set[Write] = set()

    def __call__(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        targets = statement_writes(statement)
        if not targets:
            return
        writer, site = writer_of(sys._getframe(1))
        for verb, table in targets:
            write = Write(verb, table, writer, site)
            problem = violation(write)
            with self._lock:
                self.writes.add(write)
                if problem is not None:
                    self.violations.append(problem)

    def take(self) -> list[str]:
        """The violations since the last call (each once, in order)."""
        with self._lock:
            found, self.violations = list(dict.fromkeys(self.violations)), []
        return found


@contextmanager
def guarding() -> Iterator[Guard]:
    """Install a :class:`Guard` on every engine for the duration of the block."""
    guard = Guard()
    sa.event.listen(Engine, "before_cursor_execute", guard)
    try:
        yield guard
    finally:
        sa.event.remove(Engine, "before_cursor_execute", guard)
