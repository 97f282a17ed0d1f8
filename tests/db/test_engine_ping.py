"""Pooled PostgreSQL connections are pinged only after resting: a busy pool spares the round
trip, a connection the server dropped while it rested is replaced before anyone uses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db import create_engine_from_url

pytestmark = pytest.mark.postgres


def _engine(url: str, after: float) -> Iterator[tuple[Engine, list[int]]]:
    engine = create_engine_from_url(url, ping_after_idle=after, pool_size=1, max_overflow=0)
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        pings.append(1)
        return bool(real(dbapi_conn))

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        yield engine, pings
    finally:
        engine.dispose()


@pytest.fixture
def busy(pg_database_url: str) -> Iterator[tuple[Engine, list[int]]]:
    yield from _engine(pg_database_url, 3600.0)


@pytest.fixture
def rested(pg_database_url: str) -> Iterator[tuple[Engine, list[int]]]:
    yield from _engine(pg_database_url, 0.0)  # every connection counts as rested


def _backend(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    other = create_engine_from_url(url)
    with other.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    other.dispose()


def test_a_busy_connection_is_not_pinged(busy) -> None:
    engine, pings = busy
    pids = {_backend(engine) for _ in range(5)}
    assert len(pids) == 1 and pings == []  # one connection, reused five times, no ping


def test_a_rested_connection_the_server_dropped_is_replaced_unseen(rested, pg_database_url):
    engine, pings = rested
    first = _backend(engine)
    _terminate(pg_database_url, first)
    second = _backend(engine)  # pinged, found dead, replaced: the caller sees nothing
    assert second != first and pings


def test_a_busy_connection_the_server_dropped_fails_once(busy, pg_database_url):
    """The price of sparing the ping: within the idle time, a dropped connection fails its
    statement once; the pool discards it and the next transaction runs."""
    engine, _pings = busy
    first = _backend(engine)
    _terminate(pg_database_url, first)
    with pytest.raises(sa.exc.OperationalError) as caught:
        _backend(engine)
    assert caught.value.connection_invalidated
    assert _backend(engine) != first
