"""A downgrade that would drop tables holding records the store cannot give back stops first.

Walking a store down from the head to the base, at each migration that drops such tables (the
ones its module's ``DROPPED`` names: personal, consent, ledger and audit records, and the
settings made beside them) one row is written in each of them in turn (with the rows it refers
to): the downgrade is refused, naming the migration, the table and ``1 row`` and never a stored
value, and the store is as it was (revision, schema, the row). Emptied, with a row in each table
it drops that is derived or expires (:data:`UNGUARDED`), the same downgrade goes through,
dropping no other table. On SQLite and PostgreSQL. A refusal met several revisions down takes
back the revisions undone before it.

The same walk, at each migration that drops columns holding what the older schema cannot
represent (its module's ``DROPPED_COLUMNS``: a user's ``disabled_at``, an order's
``status_given`` true), writes a row holding a value in each such column in turn: refused,
naming the table, the column and ``1 row``, never the value, the store as it was; with the value
cleared (``absent``), the row stays and the downgrade drops no column but those and its
:data:`UNGUARDED_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.db import migrate
from opencx.db.engine import migration_engine
from opencx.db.narrowing import DowngradeRefused, DroppedColumn
from tests.db.conftest import new_pg_database
from tests.db.migrations import Migrations, schema_of

UNGUARDED: dict[str, tuple[str, ...]] = {  # derived from what stays, or expiring: dropped as ever
    "0023": ("helpdesk_rate_buckets",),
    "0008": ("worker_heartbeats",),
    "0007": ("answer_topics",),
    "0001": ("model_runs",),
}
UNWRITTEN = {"0001": ("customer_scores",)}
UNGUARDED_COLUMNS = {  # dropped as ever: login throttles, and what voids earlier sessions
    "0004": {("users", "failed_logins"), ("users", "locked_until"), ("users", "sessions_since")},
}  # unguarded too, but a row of it needs a customer
SECRET = "SECRET"  # every text a row is given: never in a refusal
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _value(column: sa.Column[object]) -> object:
    """A value ``column`` takes, by its reflected type."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.Float):
        return 1.0
    if isinstance(kind, sa.Numeric):
        return Decimal(1)
    if isinstance(kind, sa.DateTime):
        return AT
    if isinstance(kind, sa.Date):
        return date(2026, 12, 1)
    if isinstance(kind, sa.JSON):
        return {"note": SECRET}
    if isinstance(kind, sa.LargeBinary):
        return SECRET.encode()
    if isinstance(kind, sa.String):
        return SECRET[: kind.length or len(SECRET)]
    raise AssertionError(f"no value for {column.table.name}.{column.name} ({kind!r})")


class Rows:
    """Rows written in the store at one revision (its tables reflected once): one in a table,
    with a row first in each table a non-null foreign key of it refers to; emptied again."""

    def __init__(self, engine: Engine, names: list[str]) -> None:
        self.tables = sa.MetaData()
        self.tables.reflect(engine, only=names)  # and the tables they refer to
        self.written: dict[str, dict[str, object]] = {}

    def write(self, conn: Connection, name: str) -> dict[str, object]:
        if name in self.written:
            return self.written[name]
        table = self.tables.tables[name]
        row = {
            c.name: _value(c)
            for c in table.columns
            if not c.nullable and c.server_default is None and c.identity is None
        }
        for key in table.foreign_key_constraints:
            if all(row.get(c.name) is None for c in key.columns):
                continue  # nullable: left empty
            parent = self.write(conn, key.referred_table.name)
            for column, element in zip(key.columns, key.elements, strict=True):
                row[column.name] = parent[element.column.name]
        conn.execute(table.insert(), row)
        self.written[name] = row
        return row

    def empty(self, conn: Connection) -> None:
        """Delete what was written, children first; the audit log as its owner may (on
        PostgreSQL by TRUNCATE, which its row triggers do not see; on SQLite without them)."""
        for name in reversed(list(self.written)):
            if name == "audit_log" and conn.dialect.name == "postgresql":
                conn.exec_driver_sql("TRUNCATE audit_log")
                continue
            if name == "audit_log":
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
            conn.execute(self.tables.tables[name].delete())
        self.written.clear()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _state(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return _revision(engine), schema_of(conn)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def _refused(migrations: Migrations, target: str) -> str:
    with pytest.raises(DowngradeRefused) as refused:
        migrations.downgrade(target)
    return str(refused.value)


def _guarded(migrations: Migrations) -> dict[str, tuple[str, ...]]:
    """Each migration whose downgrade refuses to empty tables, newest first, with those tables
    (its module's ``DROPPED``, which opencx.db.narrowing checks)."""
    guarded = {}
    for revision in reversed(migrations.revisions):
        module = migrations.script.get_revision(revision).module
        if dropped := getattr(module, "DROPPED", ()):
            guarded[revision] = tuple(dropped)
    return guarded


def _guarded_columns(migrations: Migrations) -> dict[str, tuple[DroppedColumn, ...]]:
    """Each migration whose downgrade refuses to drop columns holding values, newest first,
    with those columns (its module's ``DROPPED_COLUMNS``)."""
    guarded = {}
    for revision in reversed(migrations.revisions):
        module = migrations.script.get_revision(revision).module
        if dropped := getattr(module, "DROPPED_COLUMNS", ()):
            guarded[revision] = tuple(dropped)
    return guarded


def _columns(engine: Engine, tables: set[str]) -> set[tuple[str, str]]:
    inspector = sa.inspect(engine)
    return {(t, c["name"]) for t in tables for c in inspector.get_columns(t)}


def _holding(engine: Engine, dropped: DroppedColumn) -> int:
    """The rows of ``dropped``'s table that hold a value in it (not its ``absent`` one)."""
    held = f"{dropped.column} IS NOT NULL"
    if dropped.absent is not None:
        held += f" AND {dropped.column} <> :absent"
    with engine.connect() as conn:
        query = sa.text(f"SELECT count(*) FROM {dropped.table} WHERE {held}")
        return conn.execute(query, {"absent": dropped.absent}).scalar_one()


def _walk_columns(migrations: Migrations, engine: Engine, migration: str, below: str) -> None:
    """At ``migration``: a row holding a value in each column its downgrade checks, refused
    alone; then the value cleared, downgraded, dropping no column but those and the unguarded."""
    module = migrations.script.get_revision(migration).module
    columns: tuple[DroppedColumn, ...] = module.DROPPED_COLUMNS
    tables = {c.table for c in columns}
    rows = Rows(engine, sorted(tables))
    for dropped in columns:
        with engine.begin() as conn:
            rows.write(conn, dropped.table)
            kind = rows.tables.tables[dropped.table].c[dropped.column]
            held = True if isinstance(kind.type, sa.Boolean) else _value(kind)
            conn.execute(sa.text(f"UPDATE {dropped.table} SET {dropped.column} = :v"), {"v": held})
        before = _state(engine)
        message = _refused(migrations, below)
        assert message.startswith(f"cannot undo migration {migration}: "), message
        assert f"{dropped.table}.{dropped.column}: 1 row holding a value" in message, message
        assert SECRET not in message and "2026" not in message and "\n" not in message, message
        assert message.endswith(
            f"Nothing was changed: stay at revision {migration} or later; clear those values "
            "first only if they may be lost"
        ), message
        assert (_state(engine), _holding(engine, dropped)) == (before, 1), dropped
        with engine.begin() as conn:
            conn.execute(
                sa.text(f"UPDATE {dropped.table} SET {dropped.column} = :v"), {"v": dropped.absent}
            )
    present = _columns(engine, tables)
    migrations.downgrade(below)
    assert _revision(engine) == (None if below == "base" else below)
    dropped_now = present - _columns(engine, tables)
    expected = {(c.table, c.column) for c in columns} | UNGUARDED_COLUMNS.get(migration, set())
    assert dropped_now == expected, migration
    assert {t: _count(engine, t) for t in tables} == dict.fromkeys(tables, 1), migration
    with engine.begin() as conn:
        rows.empty(conn)


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def _walk_down(url: str) -> None:
    """From the head to the base: at each migration whose downgrade drops tables, each guarded
    table's row refused alone, then the emptied store with rows in its UNGUARDED tables
    downgraded, dropping no table but those."""
    migrations = Migrations(url)
    below = dict(zip(migrations.revisions, ["base", *migrations.revisions[:-1]], strict=True))
    guarded = _guarded(migrations)
    assert len(guarded) == 17 and set(UNGUARDED) <= set(guarded), guarded
    by_column = _guarded_columns(migrations)
    assert set(by_column) == {"0031", "0004"}, by_column
    engine = migration_engine(url)
    try:
        for migration in sorted({*guarded, *by_column}, reverse=True):
            migrations.downgrade(migration)
            if migration in by_column:
                _walk_columns(migrations, engine, migration, below[migration])
                continue
            tables = guarded[migration]
            rows = Rows(engine, [*tables, *UNGUARDED.get(migration, ())])
            for table in tables:
                with engine.begin() as conn:
                    rows.write(conn, table)
                before = _state(engine)
                message = _refused(migrations, below[migration])
                assert message.startswith(f"cannot undo migration {migration}: "), message
                assert f"{table}: 1 row" in message, message
                assert SECRET not in message and "\n" not in message, message
                assert message.endswith(
                    f"Nothing was changed: stay at revision {migration} or later; delete those "
                    "rows first only if they may be lost"
                ), message
                assert (_state(engine), _count(engine, table)) == (before, 1), table
                with engine.begin() as conn:
                    rows.empty(conn)
            with engine.begin() as conn:
                for table in UNGUARDED.get(migration, ()):
                    rows.write(conn, table)
            present = _tables(engine)
            migrations.downgrade(below[migration])
            unguarded = {*UNGUARDED.get(migration, ()), *UNWRITTEN.get(migration, ())}
            assert present - _tables(engine) == {*tables, *unguarded}, migration
            assert _revision(engine) == (None if below[migration] == "base" else below[migration])
            for dropped in (*tables, *UNGUARDED.get(migration, ())):
                rows.written.pop(dropped, None)
            with engine.begin() as conn:
                rows.empty(conn)  # the rows the dropped ones referred to
    finally:
        engine.dispose()


def test_sqlite_refuses_each_guarded_drop_and_downgrades_it_emptied(sqlite_url: str) -> None:
    _walk_down(sqlite_url)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with new_pg_database("opencx_drops") as url:
        migrate(url)
        yield url


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
@pytest.mark.postgres
def test_postgres_refuses_each_guarded_drop_and_downgrades_it_emptied(pg_url: str) -> None:
    _walk_down(pg_url)


ERASED = (
    "cannot undo migration 0019: erased_keys: 1 row. Its downgrade drops that table and with it "
    "the keys of erased people, by which an import drops their rows: an erased person could be "
    "imported again. Nothing was changed: stay at revision 0019 or later; delete those rows "
    "first only if they may be lost"
)


def _refused_from_head(url: str) -> None:
    """An erased person's key at the head: the downgrade to 0018 is refused at 0019, after
    undoing 0037 to 0020. With two audit records too, it is refused at 0021, the first met,
    naming them. Each time the store is back at the head with its schema and rows."""
    migrations = Migrations(url)
    engine = migration_engine(url)
    try:
        rows = Rows(engine, ["erased_keys", "audit_log"])
        with engine.begin() as conn:
            rows.write(conn, "erased_keys")
        before = _state(engine)
        assert before[0] == migrations.revisions[-1]
        assert _refused(migrations, "0018") == ERASED
        assert (_state(engine), _count(engine, "erased_keys")) == (before, 1)
        with engine.begin() as conn:
            record = rows.write(conn, "audit_log")
            conn.execute(rows.tables.tables["audit_log"].insert(), {**record, "id": "2"})
        audit = (
            "cannot undo migration 0021: audit_log: 2 rows. Its downgrade drops that table and "
            "with it the audit log of privileged acts and its pseudonym salts. Nothing was "
            "changed: stay at revision 0021 or later; delete those rows first only if they may "
            "be lost"
        )
        assert _refused(migrations, "0018") == audit
        assert (_state(engine), _count(engine, "audit_log")) == (before, 2)
    finally:
        engine.dispose()


def test_sqlite_refusal_below_the_head_takes_back_the_revisions_undone(sqlite_url: str) -> None:
    _refused_from_head(sqlite_url)


@pytest.mark.postgres
def test_postgres_refusal_below_the_head_takes_back_the_revisions_undone(pg_url: str) -> None:
    _refused_from_head(pg_url)
