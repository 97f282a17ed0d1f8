"""A connection tuned for one long write: SQLite pragmas; secondary indexes built after a load;
how large an import's first chunk is read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex

from opencx.db.engine import LOCK_STATES
from opencx.ingest.store import behind, checkpoints, sqlite_images
from opencx.ingest.store.tables import TABLES

BULK_CACHE_KIB = 65_536
"""SQLite page cache of an import connection (64 MiB; the default is 2 MiB)."""

EMPTY_LOAD_CACHE_KIB = 2_000
"""SQLite page cache of an import into empty tables (:func:`defer_indexes`): SQLite's default.
Their secondary indexes are built after the load and their keys filled in key order, so no
page is read back, and a small cache spills pages on the writer's thread while rows are still
read, where a large one left 60 MB for the commit to write on the import's own thread. The
bench's 500,000 lines: 1.46–1.87 s against 1.70–2.03 s with 64 MiB; 5,000,000 lines 13.3–14.2 s
and 832–859 MiB against 15.8–16.2 s and 921–948 MiB. Into tables that hold rows, 64 MiB stays:
the same file into a store already holding it under another source took 2.55–2.72 s against
2.88–3.10 s with 2 MiB (bench/RESULTS.md, issue 16, eleventh session)."""

BULK_PRAGMAS: dict[str, int] = {"foreign_keys": 0, "cache_size": -BULK_CACHE_KIB}
"""SQLite settings of an import connection, each set by :func:`begin_bulk` and put back as it
found it by :func:`end_bulk` (the connection goes back to the pool and serves other work).

No foreign-key checks row by row: every reference an import writes was looked up in the same
transaction first. A 64 MiB page cache instead of 2 MiB, so the index pages of a large load
are not spilled to the WAL and read back again and again. Durability is unchanged:
``synchronous`` and ``journal_mode`` stay as the engine set them (see ``bench/RESULTS.md``
for the settings measured and not adopted)."""

MERGE_MEMORY = "256MB"
"""PostgreSQL ``work_mem`` and ``maintenance_work_mem`` of an import's merge (server side)."""


FIRST_CHUNK_SHARE = 4
"""On PostgreSQL, a delimited file's first chunk holds about ``chunk_rows / FIRST_CHUNK_SHARE``
rows (see :func:`first_chunk_share`)."""

DEFERRABLE: dict[str, tuple[str, ...]] = {"orders": ("orders",), "interactions": ("interactions",)}
"""Per kind, the tables whose secondary indexes may be built after the load (on SQLite, when the
table starts empty). Only tables that no event handler searches by those indexes mid-import."""

_FOUND = "opencx_bulk_pragmas"


def begin_bulk(conn: Connection) -> None:
    """Tune a connection for one long write, before its transaction begins; :func:`end_bulk`
    after it ends, whether it committed or not.

    On both stores, a thread that runs the writes behind the caller (``store.behind``) while
    the next chunk is read. On SQLite also :data:`BULK_PRAGMAS` (the values found kept for
    :func:`end_bulk`), the commit made durable by itself and its checkpoint left to a thread
    (``store.checkpoints``), and an in-memory schema for the images of large upserts
    (``store.sqlite_images``).
    """
    if conn.dialect.name != "sqlite":
        behind.begin_writing_behind(conn)
        return
    try:
        tuned = {**BULK_PRAGMAS, **checkpoints.leave_checkpoint(conn)}
        found = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in tuned}
        conn.info[_FOUND] = found
        for name, value in tuned.items():
            conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")
        sqlite_images.attach(conn)  # large upserts arrive as images written in C
        behind.begin_writing_behind(conn)
        conn.commit()
    except BaseException:
        end_bulk(conn)
        raise


def end_bulk(conn: Connection) -> None:
    """Undo :func:`begin_bulk`: every setting as it was found. A connection that cannot be put
    back is discarded by its pool (invalidated), never handed to other work half-tuned."""
    if conn.dialect.name != "sqlite":
        behind.end_writing_behind(conn)
        return
    checkpoint = checkpoints.checkpoint_after(conn)  # the commit left its checkpoint to a thread
    try:
        behind.end_writing_behind(conn)
        sqlite_images.detach(conn)
        for name, value in conn.info.pop(_FOUND, {}).items():
            conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")
        conn.commit()
    except BaseException:
        conn.invalidate()
        raise
    finally:
        checkpoint()


def first_chunk_share(conn: Connection, file_format: str) -> int:
    """How many times smaller than the others the first chunk of a ``file_format`` file is read
    (``formats.batches``' ``first_rows``; ``Run.first_share``).

    On PostgreSQL a delimited file's first chunk is :data:`FIRST_CHUNK_SHARE` times smaller:
    the server, which bounds a large import, starts on its first ``COPY`` once that much is
    checked instead of a whole chunk. SQLite (measured without a gain), and Parquet, JSON and
    Excel files, read every chunk whole (1)."""
    if conn.dialect.name == "postgresql" and file_format == "csv":
        return FIRST_CHUNK_SHARE
    return 1


def defer_indexes(conn: Connection, kind: str) -> list[sa.Index]:
    """On SQLite, drop the secondary indexes of the empty tables ``kind`` fills; return them.

    Building an index once after the load (one sort) is much cheaper than inserting a million
    rows into it in random order. Unique indexes stay: they back the upserts' ``ON CONFLICT``.
    DDL is transactional in SQLite, so a rolled-back import gets the indexes back;
    :func:`restore_indexes` must run before the commit.
    """
    if conn.dialect.name != "sqlite":
        return []  # on PostgreSQL, DROP INDEX would lock readers out for the whole import
    dropped: list[sa.Index] = []
    driver = conn.connection.driver_connection
    for name in DEFERRABLE.get(kind, ()):
        t = TABLES[name]
        if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None:
            continue
        if not driver.in_transaction:  # type: ignore[union-attr]
            # pysqlite opens its implicit transaction before DML only: DDL would autocommit
            driver.execute("BEGIN")  # type: ignore[union-attr]
        for index in sorted(t.indexes, key=lambda i: str(i.name)):
            if not index.unique:
                index.drop(conn)
                dropped.append(index)
    if dropped and _FOUND in conn.info:  # a load into empty tables (put back by end_bulk)
        conn.exec_driver_sql(f"PRAGMA cache_size = -{EMPTY_LOAD_CACHE_KIB}")
    return dropped


def restore_indexes(conn: Connection, indexes: Iterable[sa.Index]) -> None:
    for index in indexes:
        index.create(conn)


@contextmanager
def merging_into_empty(conn: Connection, tables: Iterable[str]) -> Iterator[set[str]]:
    """On PostgreSQL, merge into each empty table of ``tables`` without its keys, foreign keys
    and secondary indexes, then add them back (each index built by one sort, each foreign key
    checked by one query) before the transaction ends.

    Row-by-row foreign-key triggers cost two thirds of an ``INSERT … SELECT`` of a million
    order lines, and inserting rows one by one into the B-trees of the primary and unique keys
    (text, in random order) most of the rest: a plain insert and a sort per key measured 2–4×
    faster. Every reference a merge writes comes from a join or a key the merge computed, and
    adding a constraint back validates all rows at once, so integrity and uniqueness are still
    proven before the commit. Dropping locks the table until the commit (a reader of an empty
    table waits for the import), and the table a dropped foreign key points to. So the foreign
    key to ``customers`` stays, checked row by row, when customers are stored (locking them
    would stall every page for the whole import): 3.2 s for 500,000 lines against 2.7 s
    without it; it goes only while ``customers`` is empty too (``set_aside``'s
    ``referenced``). The one to ``products`` goes (kept, it made 6.1 s); products are read
    beside orders, which wait anyway. A merge into a table set aside must not use
    ``ON CONFLICT`` (it has no arbiter index then) nor look rows up by key. On SQLite nothing
    changes here (see :func:`defer_indexes`). Yields the tables set aside.
    """
    aside = set_aside(conn, tables)
    yield set(aside.tables)
    restore_keys(conn, aside)


REFERENCED_ASIDE = ("products",)
"""Tables a set-aside table's foreign keys may point to and be dropped (see
:func:`merging_into_empty`); a foreign key to any other table stays, but to those of
:data:`REFERENCED_WHEN_EMPTY`."""

REFERENCED_WHEN_EMPTY = ("customers",)
"""Tables a set-aside table's foreign keys point to that are locked, and those foreign keys
dropped, only while they hold no row (the first import into a new store, which creates its
customers as it goes): no page has anything to read there yet. Locking one that holds rows
would stall every page reading it for the whole import, so then its foreign key is checked
row by row. The first 500,000 bench lines on PostgreSQL (2 cores, 2026-12-07): 10.2–10.6 s
with the check, 5.5–5.8 s without it, under the same load."""

_SAVEPOINT = "opencx_set_aside"


@dataclass(frozen=True)
class SetAside:
    """Tables whose keys and indexes :func:`set_aside` dropped, and the DDL that restores them.

    ``sparse``: of those statements, the foreign keys whose column a partial index ``WHERE
    column IS NOT NULL`` covers (the index stays, :func:`_partial`), with that table and
    column: :func:`restore_keys` validates such a key through the index when no row holds a
    value there."""

    tables: tuple[str, ...]
    statements: tuple[str, ...]
    sparse: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def set_aside(
    conn: Connection, tables: Iterable[str], *, referenced: Iterable[str] = ()
) -> SetAside:
    """Drop the foreign keys (except those to ``customers``), keys and secondary indexes
    (except partial ones, :func:`_partial`) of each empty table of ``tables`` (on PostgreSQL;
    see :func:`merging_into_empty`); :func:`restore_keys` adds them back. The foreign keys to
    a table of ``referenced`` (of :data:`REFERENCED_WHEN_EMPTY`) go too when it is empty: the
    caller names it before writing any row of its own there; so do that table's own foreign
    keys to the tables locked (``customers.merged_into``, a self-reference), its keys staying.

    Every table whose lock a drop takes is locked first, by one statement in a fixed order, so
    two imports do not each hold a lock the other's drop needs; the first look's reads still
    hold theirs, so two imports that looked before either locked deadlock on that statement:
    then (``db.engine.LOCK_STATES``) nothing is set aside and the import goes on as into
    tables with rows. Emptiness is checked again once locked, now that no writer can add
    rows. When a table was filled in between (an event, another source's import), the locks
    are let go (a savepoint rolled back) and a table of ``referenced`` keeps its foreign keys,
    a table of ``tables`` its keys: the import merges as into a table with rows."""
    if conn.dialect.name != "postgresql":
        return SetAside((), ())
    emptied = [name for name in tables if _empty(conn, name)]
    if not emptied:
        return SetAside((), ())
    wanted = set(referenced)
    also = [name for name in REFERENCED_WHEN_EMPTY if name in wanted and _empty(conn, name)]
    locked = [*also, *REFERENCED_ASIDE, *emptied]
    conn.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
    try:
        conn.exec_driver_sql(f"LOCK TABLE {', '.join(locked)} IN ACCESS EXCLUSIVE MODE")
    except sa.exc.DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) not in LOCK_STATES:
            raise
        _let_go(conn)  # the import goes on
        return SetAside((), ())
    if not all(_empty(conn, name) for name in (*also, *emptied)):
        _let_go(conn)
        return set_aside(conn, tables) if also else SetAside((), ())
    conn.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    keys, references, sparse = _drop_constraints(conn, emptied, locked, also)
    for name in emptied:
        for index in sorted(TABLES[name].indexes, key=lambda i: str(i.name)):
            if not index.unique and not _partial(index):
                index.drop(conn)
                keys.append(str(CreateIndex(index).compile(dialect=conn.dialect)))
    return SetAside(tuple(emptied), tuple(keys + references), sparse)


def _let_go(conn: Connection) -> None:
    """Roll back to :func:`set_aside`'s savepoint: the locks taken since go with it."""
    conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
    conn.exec_driver_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")


def _partial(index: sa.Index) -> bool:
    """Whether ``index`` holds only some rows (a ``WHERE``): it stays. Its one such index,
    ``order_lines``' ``returns_line_id IS NOT NULL``, holds no row an import copies or merges
    (the links are set after, by an ``UPDATE``): kept, it costs a predicate per row; set aside,
    its rebuild read the whole table for nothing (50–160 ms for 500,000 lines)."""
    return index.dialect_options["postgresql"]["where"] is not None


def _drop_constraints(
    conn: Connection, emptied: list[str], locked: list[str], also: list[str]
) -> tuple[list[str], list[str], dict[str, tuple[str, str]]]:
    """Drop the keys and foreign keys (to ``locked`` tables) of ``emptied``, and the foreign
    keys (to ``locked`` tables) of ``also`` (empty and locked too, its keys kept); the DDL
    adding back the keys, the foreign keys, and the foreign keys :attr:`SetAside.sparse`.

    A table of ``also`` is ``customers`` on a first import: its one such key is the
    self-reference ``merged_into`` (null on every customer an import creates), whose trigger
    per created row cost 40–50 ms of server CPU per 45,928 customers (one ``COPY``, 240–270
    against 290–310 ms), and its validation at the end 5 ms."""
    keys: list[str] = []
    references: list[str] = []
    sparse: dict[str, tuple[str, str]] = {}
    # foreign keys first (a key cannot go while a foreign key uses it), added back last; only
    # those to tables locked (dropping one locks the table it points to as well)
    for kinds, restore, tables in (("f", references, emptied + also), ("pu", keys, emptied)):
        for name in tables:
            if kinds == "pu" and _referenced(conn, name):
                continue  # another table's foreign key needs this key: it stays
            for con_name, definition, column in conn.exec_driver_sql(
                "SELECT conname, pg_get_constraintdef(oid), CASE WHEN cardinality(conkey) = 1 "
                "THEN (SELECT attname FROM pg_attribute WHERE attrelid = conrelid "
                "AND attnum = conkey[1]) END FROM pg_constraint "
                "WHERE conrelid = %(t)s::regclass AND strpos(%(kinds)s, contype::text) > 0 "
                "AND (contype <> 'f' OR confrelid::regclass::text = ANY(%(aside)s)) "
                "ORDER BY conname",
                {"t": name, "kinds": kinds, "aside": locked},
            ):
                conn.exec_driver_sql(f'ALTER TABLE {name} DROP CONSTRAINT "{con_name}"')
                statement = f'ALTER TABLE {name} ADD CONSTRAINT "{con_name}" {definition}'
                restore.append(statement)
                if kinds == "f" and column is not None and _sparse(name, str(column)):
                    sparse[statement] = (name, str(column))
    return keys, references, sparse


def _sparse(table: str, column: str) -> bool:
    """Whether a partial index of ``table`` holds exactly the rows where ``column`` has a value
    (``WHERE column IS NOT NULL``, on that column alone)."""
    for index in TABLES[table].indexes:
        where = index.dialect_options["postgresql"]["where"]
        names = [c.name for c in index.columns]
        if where is not None and names == [column] and str(where) == f"{column} IS NOT NULL":
            return True
    return False


def restore_keys(conn: Connection, aside: SetAside) -> None:
    """Add back what :func:`set_aside` dropped: each index built by one sort, each foreign key
    validated by one query over the whole table.

    A foreign key of :attr:`SetAside.sparse` whose column holds no value on any row (the
    self-reference ``order_lines.returns_line_id`` of an import without return links) is
    validated by the same statement, planned with sequential scans off for it: its check
    then reads the partial index of the column's values, empty, instead of every row (the
    server's own anti-join either way, so the same rows are proven). A table just filled
    has no statistics, so the planner would scan it: 40–50 ms of server CPU for the bench's
    500,000 lines, against under 1 ms. Whether any row holds a value is asked through that
    index first (one probe); when one does, the key is validated as the others."""
    for statement in aside.statements:
        sparse = aside.sparse.get(statement)
        if sparse is None:
            conn.exec_driver_sql(statement)
            continue
        table, column = sparse
        probe = f"SELECT 1 FROM {table} WHERE {column} IS NOT NULL LIMIT 1"  # noqa: S608
        with _index_scans(conn):
            valued = conn.exec_driver_sql(probe).first() is not None
            if not valued:
                conn.exec_driver_sql(statement)
        if valued:
            conn.exec_driver_sql(statement)


@contextmanager
def _index_scans(conn: Connection) -> Iterator[None]:
    """``enable_seqscan`` off for the statements inside, then as it was (``SET LOCAL``: the
    transaction's own, gone at its end whatever happens)."""
    found = conn.exec_driver_sql("SELECT current_setting('enable_seqscan')").scalar_one()
    conn.exec_driver_sql("SELECT set_config('enable_seqscan', 'off', true)")
    try:
        yield
    finally:
        conn.exec_driver_sql("SELECT set_config('enable_seqscan', %(v)s, true)", {"v": str(found)})


def _empty(conn: Connection, name: str) -> bool:
    t = TABLES[name]
    return conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is None


def _referenced(conn: Connection, name: str) -> bool:
    sql = "SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = %(t)s::regclass"
    return conn.exec_driver_sql(sql, {"t": name}).first() is not None


def tune_merge(conn: Connection) -> None:
    """Memory for the sorts, hashes and index builds of the set-based merges, for the rest of
    the transaction only (``SET LOCAL``): PostgreSQL's defaults (4 MiB, 64 MiB) spill a sort of
    a few hundred thousand staged lines to disk. On SQLite nothing changes."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{MERGE_MEMORY}'")
        conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{MERGE_MEMORY}'")
