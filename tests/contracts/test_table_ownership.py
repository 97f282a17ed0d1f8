"""Each slice writes only its own tables (docs/decisions/0012-table-ownership.md).

Three checks: every table names an owner; the run-time guard (tests/contracts/ownership.py,
installed for the whole suite by tests/conftest.py) attributes a write to the slice whose code
issued it, through the event bus too; a static pass finds ``<table>.insert/update/delete()`` on
another slice's table in code the suite may not run.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

import opencx
from opencx.core import EventBus
from opencx.core.events import DomainEvent
from opencx.db.schema import metadata
from tests.contracts.ownership import (
    Guard,
    Write,
    defined_by,
    guarding,
    owner_of,
    statement_writes,
    violation,
)

SRC = Path(opencx.__file__).parent
PACKAGES = {m.name for m in pkgutil.iter_modules(opencx.__path__) if m.ispkg}


def test_every_table_names_its_owning_slice() -> None:
    """Declared with ``owned_by`` (canonical tables), or defined in exactly one slice's store."""
    owners = defined_by()
    problems = []
    for table in metadata.sorted_tables:
        owner, loaders = owner_of(table.name)
        if "owner" not in table.info and len(owners.get(table.name, ())) > 1:
            problems.append(f"{table.name}: defined in the stores of {sorted(owners[table.name])}")
        elif owner not in PACKAGES:
            problems.append(f"{table.name}: owner {owner!r} is not a package of opencx")
        if owner in loaders:
            problems.append(f"{table.name}: its owner is listed as a loader too")
    assert problems == []


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("SELECT * FROM orders", []),
        ("INSERT INTO orders (id) VALUES (?)", [("insert", "orders")]),
        ('INSERT INTO "orders" (id) SELECT id FROM _ingest_orders', [("insert", "orders")]),
        ("INSERT OR REPLACE INTO identities VALUES (1)", [("insert", "identities")]),
        ("REPLACE INTO answers VALUES (1)", [("insert", "answers")]),
        ("UPDATE customer_scores SET customer_id=? WHERE x", [("update", "customer_scores")]),
        ("  /* c */ DELETE FROM public.outbox WHERE id = 1", [("delete", "outbox")]),
        ('TRUNCATE "a", "b" CASCADE', [("truncate", "a"), ("truncate", "b")]),
        ("TRUNCATE _ingest_orders", [("truncate", "_ingest_orders")]),
        ("WITH x AS (SELECT 1) UPDATE orders SET status = 'x'", [("update", "orders")]),
        ("CREATE TEMP TABLE _ingest_orders (LIKE orders)", []),
    ],
)
def test_write_statements_are_read_for_their_target(sql: str, found: list[tuple[str, str]]) -> None:
    assert statement_writes(sql) == found


def test_owner_writes_pass_loaders_may_only_insert_test_code_is_not_checked() -> None:
    assert violation(Write("update", "orders", "ingest", "opencx.ingest.x:f")) is None
    assert violation(Write("insert", "customers", "ingest", "opencx.ingest.x:f")) is None
    assert violation(Write("update", "orders", "", "")) is None
    assert violation(Write("insert", "_ingest_orders", "ingest", "opencx.ingest.x:f")) is None
    wrong = violation(Write("update", "customers", "ingest", "opencx.ingest.store:f"))
    assert wrong is not None and "owned by 'customers'" in wrong and "INSERT only" in wrong
    assert "no owner" in str(violation(Write("insert", "nowhere", "ingest", "m:f")))


def _slice_function(module: str, source: str, name: str) -> object:
    """A function whose frames belong to ``module`` (as if defined in that slice)."""
    scope: dict[str, object] = {"__name__": module, "sa": sa, "metadata": metadata}
    exec(compile(source, f"<{module}>", "exec"), scope)
    return scope[name]


WRITE_ORDERS = """
def write(event, conn):
    orders = metadata.tables["orders"]
    conn.execute(orders.update().where(orders.c.id == "none").values(status="x"))
"""
PUBLISH = """
def publish(bus, event, conn):
    bus.publish(event, conn)
"""


def test_a_reaction_is_the_reacting_slices_write(
    sqlite_engine: Engine, table_ownership: Guard
) -> None:
    class Happened(DomainEvent):
        pass

    bus = EventBus()
    bus.subscribe(Happened, _slice_function("opencx.modeling.store.x", WRITE_ORDERS, "write"))  # type: ignore[arg-type]
    bus.subscribe(Happened, _slice_function("opencx.ingest.service.x", WRITE_ORDERS, "write"))  # type: ignore[arg-type]
    publish = _slice_function("opencx.customers.service", PUBLISH, "publish")
    with guarding() as guard, sqlite_engine.begin() as conn:
        publish(bus, Happened(), conn)  # type: ignore[operator]
    found = guard.take()
    table_ownership.take()  # the session's guard saw the planted write too
    assert len(found) == 1 and found[0].startswith("opencx.modeling.store.x:write (modeling)")
    assert {(w.writer, w.verb, w.table) for w in guard.writes} == {
        ("modeling", "update", "orders"),
        ("ingest", "update", "orders"),
    }


def _tables_of(tree: ast.Module) -> dict[str, str]:
    """Local name → table name, for tables imported from ``opencx.db.schema``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "opencx.db.schema":
            for alias in node.names:
                if alias.name in metadata.tables:
                    names[alias.asname or alias.name] = alias.name
    return names


def _written(node: ast.Call, tables: dict[str, str]) -> tuple[str, str] | None:
    """``(verb, table)`` when ``node`` is ``t.insert()``, ``schema.t.update()``, ``insert(t)``."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in {"insert", "update", "delete"}:
        target = func.value
        if isinstance(target, ast.Name) and target.id in tables:
            return func.attr, tables[target.id]
        if (
            isinstance(target, ast.Attribute)
            and target.attr in metadata.tables
            and isinstance(target.value, ast.Name)
            and target.value.id == "schema"
        ):
            return func.attr, target.attr
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if called in {"insert", "update", "delete"} and node.args:
        first = node.args[0]
        if isinstance(first, ast.Name) and first.id in tables:
            return called, tables[first.id]
    return None


def static_violations(path: Path) -> list[str]:
    module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
    writer = module.split(".")[1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tables = _tables_of(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (hit := _written(node, tables)):
            verb, table = hit
            problem = violation(Write(verb, table, writer, f"{module}:{node.lineno}"))
            if problem is not None:
                found.append(problem)
    return found


@pytest.mark.parametrize("name", sorted(PACKAGES - {"db", "core"}))
def test_no_module_writes_another_slices_table_in_its_source(name: str) -> None:
    found = []
    for path in sorted((SRC / name).rglob("*.py")):
        found += static_violations(path)
    assert found == []


def test_the_static_pass_sees_the_usual_spellings(tmp_path: Path) -> None:
    source = (
        "from opencx.db.schema import orders, customers as people\n"
        "from opencx.db import schema\n"
        "from sqlalchemy.dialects import sqlite\n"
        "def f(conn):\n"
        "    conn.execute(orders.update())\n"
        "    conn.execute(schema.answers.delete())\n"
        "    conn.execute(sqlite.insert(people))\n"
        "    conn.execute(people.insert())\n"
        "    {}.update({})\n"
    )
    fake = SRC / "modeling" / "_static_probe.py"
    fake.write_text(source, encoding="utf-8")
    try:
        found = static_violations(fake)
    finally:
        fake.unlink()
    assert [f.split(" issued ")[1].split(":")[0] for f in found] == [
        "UPDATE on 'orders'",
        "DELETE on 'answers'",
        "INSERT on 'customers'",
        "INSERT on 'customers'",
    ]
