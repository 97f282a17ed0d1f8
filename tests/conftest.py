"""Shared fixtures: real SQLite and PostgreSQL stores, a fixed clock, service availability.

Under ``CI=true`` a test whose service (PostgreSQL, Chromium, Spark) is missing fails instead of
skipping, so CI can never go green by skipping the tests that matter.
"""

from __future__ import annotations

import os
import uuid
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


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'opencx.db'}"
    migrate(url)
    return url


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


@pytest.fixture
def pg_clean(pg_engine: Engine) -> Iterator[Engine]:
    """The session's PostgreSQL engine, with every table emptied after the test."""
    yield pg_engine
    with pg_engine.begin() as conn:
        existing = sa.inspect(conn).get_table_names()
        names = ", ".join(f'"{name}"' for name in existing if name != "alembic_version")
        conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))


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
