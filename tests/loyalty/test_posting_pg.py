"""On PostgreSQL a ledger write keeps its connection's prepared statements, whatever happens.

psycopg forgets every prepared statement of a connection when it rolls back; a refused spend
rolled back, so the next writes on that connection were parsed and planned again (twice the
server's CPU per write in the benchmark). These tests hold one pooled connection and look at
the server's own list of its prepared statements.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.db import create_engine_from_url
from opencx.loyalty.domain import InsufficientPoints
from opencx.loyalty.service import LoyaltyService

pytestmark = pytest.mark.postgres


def _member(engine: Engine) -> str:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO customers (id, source, external_id, created_at, attributes, "
                "consent_email, consent_sms, consent_surveys) VALUES "
                "('c1', 'test', 'c1', now(), '{}', false, false, false)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO loyalty_members (id, customer_id, enrolled_at, source, status) "
                "VALUES ('m1', 'c1', now(), 'test', 'active')"
            )
        )
    return "m1"


def _prepared(engine: Engine) -> int:
    # the pool's only connection; committed, as a rollback would drop them (psycopg)
    with engine.begin() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM pg_prepared_statements")).scalar())


def test_a_refused_or_repeated_write_keeps_the_prepared_statements(
    pg_clean: Engine, clock: FixedClock
) -> None:
    url = pg_clean.url.render_as_string(hide_password=False)
    engine = create_engine_from_url(url, pool_size=1, max_overflow=0)
    try:
        member = _member(engine)
        service = LoyaltyService(engine, clock)
        for i in range(8):  # psycopg prepares a statement on its fifth run
            service.earn(member, 10, f"earn-{i}")
            service.spend(member, 1, f"spend-{i}")
        prepared = _prepared(engine)
        assert prepared >= 3  # the lock, the read, the append (an earn's and a spend's)

        with pytest.raises(InsufficientPoints):
            service.spend(member, 10_000, "too-much")
        assert service.earn(member, 10, "earn-0").duplicate
        assert _prepared(engine) == prepared

        assert service.spend(member, 5, "after").balance == 8 * 10 - 8 - 5
        assert service.audit(member)[2]
    finally:
        engine.dispose()


def test_a_write_on_a_plain_connection_is_kept_by_its_commit(
    pg_clean: Engine, clock: FixedClock
) -> None:
    """The ledger's statements run under SQLAlchemy; they still begin its transaction, so a
    caller's ``conn.commit()`` commits them (SQLAlchemy commits nothing it did not begin)."""
    from opencx.loyalty.service import ledger

    member = _member(pg_clean)
    with pg_clean.connect() as conn:
        ledger.earn(conn, member, 25, "plain-1", clock.now())
        conn.commit()
    assert LoyaltyService(pg_clean, clock).member_view(member).balance == 25


def test_statements_run_beside_sqlalchemy_are_shown_to_its_listeners(
    pg_clean: Engine, clock: FixedClock
) -> None:
    """The suite's table-ownership guard listens to ``before_cursor_execute``: it sees the
    ledger's lock, read and append like any statement SQLAlchemy runs."""
    member = _member(pg_clean)
    seen: list[str] = []

    def listen(_conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(" ".join(str(statement).split()))

    sa.event.listen(pg_clean, "before_cursor_execute", listen)
    try:
        LoyaltyService(pg_clean, clock).earn(member, 5, "seen-1")
    finally:
        sa.event.remove(pg_clean, "before_cursor_execute", listen)
    assert any(s.startswith("SELECT status") and "FOR UPDATE" in s for s in seen)
    assert any("INSERT INTO loyalty_entries" in s for s in seen)


def test_a_connection_the_server_dropped_fails_one_write_then_is_replaced(
    pg_clean: Engine, clock: FixedClock
) -> None:
    url = pg_clean.url.render_as_string(hide_password=False)
    engine = create_engine_from_url(url, ping_after_idle=3600.0, pool_size=1, max_overflow=0)
    try:
        member = _member(engine)
        service = LoyaltyService(engine, clock)
        service.earn(member, 5, "drop-1")
        with engine.begin() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with pg_clean.begin() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        with pytest.raises(sa.exc.OperationalError) as caught:
            service.earn(member, 5, "drop-2")
        assert caught.value.connection_invalidated
        assert service.earn(member, 5, "drop-2").balance == 10  # a fresh connection
    finally:
        engine.dispose()


def test_a_dropped_write_does_not_reconnect_on_its_way_out(
    pg_clean: Engine, clock: FixedClock
) -> None:
    """A write whose connection the server dropped fails without opening another one to
    clean up (its marks are kept on the connection it came with, as ``pipelined`` keeps its
    own): with the server gone, that cleanup's connect would fail and hide the first error."""
    url = pg_clean.url.render_as_string(hide_password=False)
    engine = create_engine_from_url(url, ping_after_idle=3600.0, pool_size=1, max_overflow=0)
    connects: list[object] = []
    try:
        member = _member(engine)
        service = LoyaltyService(engine, clock)
        service.earn(member, 5, "drop-1")
        with engine.begin() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with pg_clean.begin() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        sa.event.listen(engine, "connect", lambda *_: connects.append(1))
        with pytest.raises(sa.exc.OperationalError) as caught:
            service.earn(member, 5, "drop-2")
        assert caught.value.connection_invalidated
        assert connects == []
        assert service.earn(member, 5, "drop-2").balance == 10  # a fresh connection
        assert len(connects) == 1
    finally:
        engine.dispose()
