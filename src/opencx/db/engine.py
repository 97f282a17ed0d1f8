"""Engine construction and migrations for SQLite (default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from opencx.core.errors import Conflict, InvalidInput
from opencx.db import driver

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


PING_AFTER_IDLE = 5.0  # seconds a pooled PostgreSQL connection may rest before a ping
# PostgreSQL connections kept per process. SQLAlchemy's default (5) is below what a web
# process runs at once (its thread pool takes 40): each connection over it was opened for one
# request and closed after it, a new server process per answer under load.
POOL_SIZE = 12


LOCK_STATES = frozenset({"55P03", "40P01"})
"""PostgreSQL's ``lock_not_available`` (a ``lock_timeout`` ran out) and ``deadlock_detected``
(the server ended one transaction to let another go on): a lock not got, worth trying again
(``ingest.store.bulk.set_aside`` goes on without it; the web answers 503)."""

REQUEST_LOCK_TIMEOUT: ContextVar[str | None] = ContextVar("opencx_lock_timeout", default=None)
"""Set by the web edge while it answers a request (``opencx.web.site``, from
``OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS`` through :func:`lock_timeout`): on PostgreSQL, a
connection taken from the pool then waits at most that long for a table or row lock
(``lock_timeout``), so a request that meets a table a first import has locked until it commits
(docs/operations.md) fails at once with 503 (``opencx.web.errors``) instead of holding its
pooled connection for the whole import until the pool runs out for every other request. A
connection taken outside a request (jobs, the worker, the CLI) waits as long as it must."""


def lock_timeout(seconds: float | None) -> str | None:
    """PostgreSQL's ``lock_timeout`` for a wait of ``seconds`` (``'300ms'``), in the whole
    milliseconds it counts; ``None`` for 0 or ``None`` (no limit)."""
    return f"{round(seconds * 1000)}ms" if seconds else None


def create_engine_from_url(
    url: str, *, ping_after_idle: float = PING_AFTER_IDLE, **kwargs: Any
) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys and a busy timeout.

    A PostgreSQL connection taken from the pool is pinged first (and replaced if the server
    dropped it) when it rested there ``ping_after_idle`` seconds or more; one back within
    that time is used as it is, sparing every busy transaction a round trip. A connection
    the server dropped within that time fails its statement once: SQLAlchemy then discards it
    and every connection pooled before it, and the next transaction starts afresh.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    engine = sa.create_engine(url, **kwargs)
    _ping_when_idle(engine, ping_after_idle)
    _lock_timeout_in_requests(engine)
    driver.watch(engine)
    return engine


def _lock_timeout_in_requests(engine: Engine) -> None:
    """Give each PostgreSQL connection, as it leaves the pool, the ``lock_timeout`` of
    :data:`REQUEST_LOCK_TIMEOUT` (none outside a request): :func:`set_lock_timeout`."""
    event.listen(engine, "checkout", set_lock_timeout)


def set_lock_timeout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """The checkout listener of :func:`_lock_timeout_in_requests` (bench/lock_timeout.py
    removes it to measure it). The setting stays on the connection, so a round trip is spent
    only when a connection goes from requests to other work or back."""
    wanted = REQUEST_LOCK_TIMEOUT.get() or "0"
    if record.info.get(_LOCK_TIMEOUT_KEY, "0") == wanted:
        return
    with dbapi_conn.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", (wanted,))
    dbapi_conn.commit()  # kept whatever the next transaction does
    record.info[_LOCK_TIMEOUT_KEY] = wanted


_LOCK_TIMEOUT_KEY = "opencx_lock_timeout"


def _ping_when_idle(engine: Engine, after: float) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections idle ``after`` seconds."""
    since = "opencx_idle_since"

    def rested(_dbapi_conn: Any, record: Any) -> None:
        record.info[since] = time.monotonic()

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(since, 0.0) < after:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # the pool replaces the connection and tries again
            raise sa.exc.DisconnectionError(f"pooled connection is dead: {exc}") from exc

    event.listen(engine, "connect", rested)  # a new connection needs no ping
    event.listen(engine, "checkin", rested)
    event.listen(engine, "checkout", checkout)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    # deleted and overwritten content is zeroed, whatever the platform's build default
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def migration_engine(url: str) -> Engine:
    """The engine the migrations run on: on SQLite, in the store's own journal (WAL) and sync
    level, with foreign keys off as batch migrations need (a table they rebuild is dropped,
    which with foreign keys on would delete its children's rows). In SQLite's default rollback
    journal each DDL statement commits alone and waits for the disk: 2.6 s of a new store's
    4-5 s ``opencx init`` here. The sqlite3 module begins no transaction before a DDL statement
    (it commits alone): SQLAlchemy's BEGIN is emitted instead, so the migrations of one command
    run in one transaction, as on PostgreSQL, and a downgrade refused half-way (migration
    0020's) takes back the revisions it had undone."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_journal)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _sqlite_journal(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # no BEGIN of the sqlite3 module's: _sqlite_begin's
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")  # a rebuilt table's old pages are zeroed, as ever
    cur.close()


def scrub_after_erasure(engine: Engine, tables: Iterable[str]) -> None:
    """Remove the old versions an erasure left in the store's files (run after its commit).

    SQLite (with ``secure_delete``) already zeroed the old cells in the database file; the
    write-ahead log still holds the old pages until a checkpoint, so it is checkpointed and
    truncated. PostgreSQL keeps old row versions (dead tuples) in the heap and index pages
    until a VACUUM: ``tables`` are vacuumed now (pages a VACUUM finds all-visible are skipped,
    so untouched tables cost little). Neither reaches the
    copies outside the store (backups, PostgreSQL's WAL archive, exports): crypto-shredding
    does (docs/security.md).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    if is_postgres(engine):
        existing = set(sa.inspect(engine).get_table_names())
        names = ", ".join(f'"{t}"' for t in tables if t in existing)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {names}")


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One unit of work: commit on success, roll back on any exception."""
    with engine.begin() as conn:
        yield conn


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision`` (what ``opencx init`` runs).

    A store a newer OpenCX migrated (its revision is none of ours) is a :class:`Conflict`
    saying so, instead of Alembic's "Can't locate revision identified by '0037'"."""
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config(url)
    config.attributes["migrations_only"] = True  # env.py: no slice's store (autogenerate's)
    try:
        command.upgrade(config, revision)
    except CommandError as exc:
        if message := _from_a_newer_version(config):
            raise Conflict(message) from exc
        raise


def downgrade(url: str, revision: str) -> tuple[str, str]:
    """Undo migrations down to ``revision`` (an id of ours, or ``base``): what ``opencx
    downgrade`` runs. Returns the revisions before and after (``base`` for none).

    The migrations undone run in one transaction, on SQLite as on PostgreSQL: a downgrade a
    migration refuses (:class:`~opencx.db.narrowing.DowngradeRefused`: it would drop records or
    narrow a column past a value) leaves the store as it was. A revision none of ours, one above
    the store's, or a store a newer OpenCX migrated, is refused before anything runs."""
    from alembic import command
    from alembic.script import ScriptDirectory

    if (missing := _missing_sqlite_file(url)) is not None:
        raise InvalidInput(f"no SQLite store at {missing}: nothing to downgrade")
    config = alembic_config(url)
    config.attributes["migrations_only"] = True
    ours = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()][::-1]
    if revision != "base" and revision not in ours:
        raise InvalidInput(
            f"no migration {revision!r}: this OpenCX's are {ours[0]} to {ours[-1]}, and base "
            "(before the first)"
        )
    if message := _from_a_newer_version(config):
        raise Conflict(message)
    was = stored_revision(url) or "base"
    if revision == was:
        return was, was
    if revision != "base" and (was == "base" or ours.index(revision) > ours.index(was)):
        raise Conflict(
            f"the database is at migration {was}, below {revision}: a downgrade only goes down "
            "(`opencx init` upgrades to the latest)"
        )
    command.downgrade(config, revision)
    return was, stored_revision(url) or "base"


def _missing_sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url`` when it does not exist (connecting would create it empty)."""
    target = sa.make_url(normalise_url(url))
    if not target.drivername.startswith("sqlite") or target.database in (None, "", ":memory:"):
        return None
    if target.query.get("uri"):  # a file: URI names its file and mode itself
        return None
    path = Path(target.database)
    return None if path.exists() else path


def stored_revision(url: str) -> str | None:
    """The migration the store at ``url`` is at; None when it has none (empty, or at base)."""
    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _from_a_newer_version(config: Any) -> str | None:
    """What to do about a store at a revision this code does not have, else None."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    ours = [s.revision for s in script.walk_revisions()]  # the latest first
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
            unknown = sorted(set(stored) - set(ours))
    except sa.exc.DBAPIError:  # no alembic_version: not that
        return None
    finally:
        engine.dispose()
    if not unknown:
        return None
    return (
        f"the database is at migration {', '.join(unknown)}, which this OpenCX does not have "
        f"(its latest is {ours[0]}): a newer OpenCX migrated it. Run that version, or restore "
        "the backup taken before its upgrade"
    )
