"""Shared fixtures: real SQLite and PostgreSQL stores, a fixed clock, service availability.

Under ``CI=true`` a test whose service (PostgreSQL, Chromium, Spark) is missing fails instead of
skipping, so CI can never go green by skipping the tests that matter.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from tests.contracts.ownership import Guard, guarding

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get(
    "OPENCX_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SHARED_DATA = Path(
    os.environ.get("OPENCX_DATA_DIR")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
TEST_DATA = Path(__file__).resolve().parent / "data"


# The test Spark sessions' settings (the product's stay): on small data adaptive execution's
# re-planning of every stage is most of the work. tests/metrics/test_backends.py's 55 queries on
# local[1] took 105 s of JVM CPU with it, 74-77 s without (and one shuffle partition, which
# nothing coalesces any more). The plans differ, never the rows: each test still compares them.
SPARK_TEST_CONF = {"spark.sql.adaptive.enabled": "false", "spark.sql.shuffle.partitions": "1"}
# and its JVM compiles with C1 only and collects with the serial collector: a test session's
# JVM lives minutes, too short for C2's compiles to pay, and has one core. The same queries took
# 44.9 s of JVM CPU with both (57.8 s with C1 alone), 89.5 s without, in the same lock at load
# 5-10 (a JVM's start: 5.3 s of CPU instead of 11.2 s).
SPARK_TEST_JAVA = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def spark_test_jvm() -> None:
    """The options of :data:`SPARK_TEST_JAVA` for the JVM PySpark starts next (unless the
    environment gives its own ``PYSPARK_SUBMIT_ARGS``)."""
    os.environ.setdefault(
        "PYSPARK_SUBMIT_ARGS", f"--driver-java-options '{SPARK_TEST_JAVA}' pyspark-shell"
    )


# Properties are checked, never timed: a loaded 2-core machine (the suite runs on both cores)
# made an example take over Hypothesis' 200 ms deadline, or its generation look "too slow",
# and failed tests whose property held. Speed is measured in bench/, not asserted here.
settings.register_profile("opencx", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("opencx")


def unavailable(what: str) -> None:
    """Skip locally, fail in CI: a missing service must never pass silently there."""
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} not available")


def shared_data(name: str) -> Path:
    """A bench-size real data file in ``OPENCX_DATA_DIR`` (default ``../shared/data``): skipped
    when absent, an error under ``CI=true``. Small real data ships in ``tests/data`` instead."""
    path = SHARED_DATA / name
    if not path.exists():
        unavailable(f"bench-size data file {path} (set OPENCX_DATA_DIR)")
    return path


def data_file(name: str) -> Path:
    """A file of ``tests/data`` (small real data with its source and licence in the README
    there): part of the repository, so it must exist."""
    path = TEST_DATA / name
    assert path.exists(), f"{path} is missing from the repository (see tests/data/README.md)"
    return path


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per session (per xdist worker), never opened by a test:
    each test's store is a copy of it. Migrating takes about 0.4 s, copying the file 1 ms, and
    some 500 tests of the suite start from an empty store."""
    path = tmp_path_factory.mktemp("migrated") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    """A fresh SQLite store migrated to head, the test's own (a copy of ``migrated_sqlite``)."""
    target = tmp_path / "opencx.db"
    shutil.copyfile(migrated_sqlite, target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = create_engine_from_url(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head, dropped afterwards."""
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = f"opencx_test_{uuid.uuid4().hex[:10]}"
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} ({exc.__class__.__name__})")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    engine = create_engine_from_url(pg_database_url)
    yield engine
    engine.dispose()


class Emptying:
    """How to empty the session database's tables after a test, re-read when a test added one.

    Only the tables holding rows are emptied, by ``DELETE``, children first: a ``TRUNCATE``
    swaps every table's files (and its cascade's), which took 0.15-1.5 s per test on the
    shared machine where a ``DELETE`` of a test's few rows takes milliseconds. A table with a
    trigger of its own (the append-only audit log refuses ``DELETE``) is truncated instead, and
    so are all those holding rows when there are ``MANY`` (a ``DELETE`` checks each deleted
    row's foreign keys: 9 s for a concurrency test's few thousand ledger rows)."""

    MANY = 500  # rows left by a test, from which a TRUNCATE of its tables is faster

    def __init__(self) -> None:
        self.tables: frozenset[str] = frozenset()
        self.order: list[str] = []  # children first
        self.guarded: set[str] = set()

    def empty(self, conn: sa.Connection) -> None:
        tables = frozenset(
            conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            ).scalars()
        ) - {"alembic_version"}
        if tables != self.tables:
            self._learn(conn, tables)
        probe = " UNION ALL ".join(
            f"(SELECT '{t}' FROM \"{t}\" LIMIT {self.MANY})" for t in self.order
        )
        held = Counter(conn.execute(sa.text(probe)).scalars()) if probe else Counter()
        full = set(held)
        if sum(held.values()) >= self.MANY:  # DELETE checks each row's keys: TRUNCATE is faster
            some = ", ".join(f'"{t}"' for t in self.order if t in full)
            conn.execute(sa.text(f"TRUNCATE {some} CASCADE"))
            return
        guarded = [f'"{t}"' for t in self.order if t in full and t in self.guarded]
        if guarded:
            conn.execute(sa.text(f"TRUNCATE {', '.join(guarded)} CASCADE"))
        try:
            with conn.begin_nested():
                for table in self.order:
                    if table in full and table not in self.guarded:
                        conn.execute(sa.text(f'DELETE FROM "{table}"'))
        except sa.exc.IntegrityError:  # keys in a cycle: no order deletes children first
            every = ", ".join(f'"{t}"' for t in self.order)
            conn.execute(sa.text(f"TRUNCATE {every} CASCADE"))

    def _learn(self, conn: sa.Connection, tables: frozenset[str]) -> None:
        sorted_names = sa.inspect(conn).get_sorted_table_and_fkc_names()
        parents_first = [name for name, _ in sorted_names if name in tables]
        self.order = list(reversed(parents_first))
        self.guarded = set(
            conn.execute(
                sa.text("SELECT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
            ).scalars()
        )
        self.tables = tables


@pytest.fixture(scope="session")
def _emptying() -> Emptying:
    return Emptying()


@pytest.fixture
def pg_clean(pg_engine: Engine, _emptying: Emptying) -> Iterator[Engine]:
    """The session's PostgreSQL engine, with every table emptied after the test."""
    yield pg_engine
    with pg_engine.begin() as conn:
        _emptying.empty(conn)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Run a test on both stores: a fresh SQLite file and the real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_engine")
    return request.getfixturevalue("pg_clean")


@pytest.fixture(scope="session", autouse=True)
def table_ownership() -> Iterator[Guard]:
    """Every write statement of the session, attributed to the slice that issued it."""
    with guarding() as guard:
        yield guard


@pytest.fixture(autouse=True)
def _writes_only_to_own_tables(
    table_ownership: Guard, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Fail a test in which a slice wrote another slice's table (tests/contracts/ownership.py).

    A test marked ``ownership_pending`` covers a known violation being fixed: it fails instead
    when the violation is gone, so the mark cannot outlive the fix."""
    table_ownership.take()
    yield
    found = table_ownership.take()
    pending = request.node.get_closest_marker("ownership_pending")
    if found and pending is None:
        pytest.fail("table ownership broken:\n" + "\n".join(found), pytrace=False)
    ran = getattr(request.node, "ownership_call_passed", False)
    if pending is not None and ran and not found:
        pytest.fail(f"no ownership violation any more: remove the mark ({pending.args[0]})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.ownership_call_passed = report.passed  # type: ignore[attr-defined]
    return report


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``: files stay whole; the Spark files share a worker and long files go
    first (tests/scheduling.py)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)
