"""Fixtures of the database tests: an empty PostgreSQL database for a test that migrates it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL, unavailable


@contextmanager
def new_pg_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (no migrations applied), dropped after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} ({exc.__class__.__name__})")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (no migrations applied), dropped afterwards."""
    with new_pg_database("opencx_empty") as url:
        yield url
