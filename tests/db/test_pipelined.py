"""``pipelined``: a unit of work whose writes travel together at its end (on PostgreSQL: reads
as they come, queued writes with one ``BEGIN``/``COMMIT`` or alone; a plain transaction on
SQLite) keeps the meaning of a transaction: reads see the unit's earlier writes, a failing write
undoes the whole unit wherever it is noticed, and the pooled connection comes back as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.db import create_engine_from_url, driver, pipelined

probe = sa.Table(
    "pipelined_probe",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("note", sa.String(20)),
)


@pytest.fixture
def store(engine: Engine) -> Iterator[Engine]:
    probe.create(engine)
    try:
        yield engine
    finally:
        probe.drop(engine)


def _notes(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [(r.id, r.note) for r in conn.execute(sa.select(probe).order_by(probe.c.id))]


def test_reads_see_the_units_writes_and_the_commit_keeps_them(store: Engine) -> None:
    with pipelined(store) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() == 0
        conn.execute(probe.insert(), {"id": 1, "note": "a"})
        conn.execute(probe.insert(), [{"id": 2, "note": "b"}, {"id": 3, "note": "c"}])
        conn.execute(probe.update().where(probe.c.id == 1).values(note="a2"))
        assert conn.execute(sa.select(probe.c.note).where(probe.c.id == 1)).scalar_one() == "a2"
        conn.execute(probe.delete().where(probe.c.id == 3))
        got = conn.execute(probe.insert().returning(probe.c.id), {"id": 4, "note": "d"})
        assert got.scalar_one() == 4
    assert _notes(store) == [(1, "a2"), (2, "b"), (4, "d")]


def test_a_failing_write_undoes_the_whole_unit(store: Engine) -> None:
    with store.begin() as conn:
        conn.execute(probe.insert(), {"id": 1, "note": "kept"})
    with pytest.raises(sa.exc.IntegrityError), pipelined(store) as conn:
        conn.execute(probe.insert(), {"id": 2, "note": "new"})
        conn.execute(probe.insert(), {"id": 1, "note": "duplicate"})  # noticed at the commit
    with pytest.raises(sa.exc.IntegrityError), pipelined(store) as conn:
        conn.execute(probe.insert(), {"id": 3, "note": "new"})
        conn.execute(probe.insert(), {"id": 1, "note": "duplicate"})
        conn.execute(sa.select(probe.c.id)).all()  # noticed at the next read
    assert _notes(store) == [(1, "kept")]


def test_an_error_in_the_caller_rolls_back(store: Engine) -> None:
    with pytest.raises(LookupError), pipelined(store) as conn:
        conn.execute(probe.insert(), {"id": 1, "note": "gone"})
        raise LookupError("the use case refused")
    assert _notes(store) == []


def test_the_connection_goes_back_to_the_pool_as_it_was(store: Engine) -> None:
    for n in range(3):
        with pipelined(store) as conn:
            conn.execute(probe.insert(), {"id": n, "note": "x"})
    with store.begin() as conn:  # a plain unit of work on the same pooled connection
        assert not any(key.startswith("opencx_pipeline") for key in conn.info)
        conn.execute(probe.insert(), {"id": 10, "note": "plain"})
        assert conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() == 4
    assert len(_notes(store)) == 4


def test_a_failed_unit_leaves_its_connection_usable(store: Engine) -> None:
    url = store.url.render_as_string(hide_password=False)
    one = (
        create_engine_from_url(url, pool_size=1, max_overflow=0)
        if store.url.get_backend_name() == "postgresql"
        else store
    )
    try:
        for n in range(3):  # the same pooled connection each time
            with pytest.raises(sa.exc.IntegrityError), pipelined(one) as conn:
                conn.execute(probe.insert(), [{"id": n, "note": "a"}, {"id": n, "note": "b"}])
            with pipelined(one) as conn:
                conn.execute(probe.insert(), {"id": 100 + n, "note": "after"})
            with pytest.raises(LookupError), one.begin() as conn:  # a plain transaction again
                conn.execute(probe.insert(), {"id": 200 + n, "note": "rolled back"})
                raise LookupError("not in autocommit any more")
            with one.begin() as conn:
                assert (
                    conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one()
                    == n + 1
                )
    finally:
        if one is not store:
            one.dispose()


def test_a_connection_the_server_dropped_fails_one_unit_then_is_replaced(pg_clean: Engine) -> None:
    url = pg_clean.url.render_as_string(hide_password=False)
    one = create_engine_from_url(url, ping_after_idle=3600.0, pool_size=1, max_overflow=0)
    probe.create(pg_clean)
    try:
        with pipelined(one) as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with pg_clean.begin() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        connects: list[object] = []
        sa.event.listen(one, "connect", lambda *_: connects.append(1))
        with pytest.raises(sa.exc.OperationalError) as caught, pipelined(one) as conn:
            conn.execute(probe.insert(), {"id": 1, "note": "lost"})  # queued: fails at COMMIT
        assert caught.value.connection_invalidated
        assert connects == []  # no connection opened to clean up after the lost one
        with pipelined(one) as conn:  # a fresh connection
            conn.execute(probe.insert(), {"id": 2, "note": "kept"})
        assert _notes(pg_clean) == [(2, "kept")]
    finally:
        one.dispose()
        probe.drop(pg_clean)


_INSERT = "INSERT INTO pipelined_probe (id, note) VALUES (%(id)s, %(note)s)"


def test_driver_statements_are_queued_seen_by_later_reads_and_committed(pg_clean: Engine) -> None:
    probe.create(pg_clean)
    try:
        with pipelined(pg_clean) as conn:
            assert driver.in_unit(conn)
            driver.write(conn, _INSERT, {"id": 1, "note": "a"})
            rows = driver.read(
                conn, "SELECT note FROM pipelined_probe WHERE id = %(id)s", {"id": 1}
            )
            assert rows == [("a",)]
            driver.write(conn, _INSERT, {"id": 2, "note": "b"})
            conn.execute(probe.update().where(probe.c.id == 2).values(note="b2"))
        with pipelined(pg_clean) as conn:  # one write alone: its own transaction
            driver.write(conn, _INSERT, {"id": 3, "note": "c"})
        assert _notes(pg_clean) == [(1, "a"), (2, "b2"), (3, "c")]
    finally:
        probe.drop(pg_clean)


def test_queued_driver_writes_fail_together(pg_clean: Engine) -> None:
    probe.create(pg_clean)
    try:
        with pytest.raises(sa.exc.IntegrityError), pipelined(pg_clean) as conn:
            driver.write(conn, _INSERT, {"id": 1, "note": "a"})
            driver.write(conn, _INSERT, {"id": 1, "note": "duplicate"})
        with pytest.raises(LookupError), pipelined(pg_clean) as conn:
            driver.write(conn, _INSERT, {"id": 2, "note": "refused"})
            raise LookupError("the use case refused")
        naive = datetime(2026, 1, 1, 12)  # refused as UtcDateTime refuses it, before sending
        refused = "naive datetime 2026-01-01T12:00:00 given for at"
        with pytest.raises(ValueError, match=refused), pipelined(pg_clean) as conn:
            driver.write(conn, _INSERT, {"id": 3, "note": "early", "at": naive})
        with pipelined(pg_clean) as conn:  # the same pooled connection, usable
            driver.write(conn, _INSERT, {"id": 4, "note": "kept"})
        assert _notes(pg_clean) == [(4, "kept")]
    finally:
        probe.drop(pg_clean)


def test_driver_statements_are_shown_to_sqlalchemys_listeners(pg_clean: Engine) -> None:
    """The suite's table-ownership guard listens to ``before_cursor_execute``."""
    probe.create(pg_clean)
    seen: list[str] = []

    def listen(_conn, _cursor, statement, _parameters, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(pg_clean, "before_cursor_execute", listen)
    try:
        with pipelined(pg_clean) as conn:
            driver.write(conn, _INSERT, {"id": 1, "note": "a"})
    finally:
        sa.event.remove(pg_clean, "before_cursor_execute", listen)
        probe.drop(pg_clean)
    assert _INSERT in seen


# the same insert written three ways, so an error can be traced to one of them
_FIRST = "INSERT INTO pipelined_probe (id, note) VALUES (%(id)s, %(note)s)"
_SECOND = "INSERT INTO pipelined_probe (note, id) VALUES (%(note)s, %(id)s)"
_THIRD = "INSERT INTO pipelined_probe AS p (id, note) VALUES (%(id)s, %(note)s)"


@pytest.mark.parametrize("noticed", ["at the end", "at a read", "with a transaction"])
def test_a_failed_write_is_named_in_its_error(pg_clean: Engine, noticed: str) -> None:
    """Queued writes travel as one pipeline; the error names the one that failed (the
    second), not the pipeline's first statement."""
    probe.create(pg_clean)
    try:
        with pytest.raises(sa.exc.IntegrityError) as caught, pipelined(pg_clean) as conn:
            if noticed == "with a transaction":  # BEGIN goes first in the pipeline
                conn.execute(sa.select(probe.c.id).with_for_update()).all()
            driver.write(conn, _FIRST, {"id": 1, "note": "a"})
            driver.write(conn, _SECOND, {"id": 1, "note": "duplicate"})
            driver.write(conn, _THIRD, {"id": 2, "note": "skipped"})
            if noticed == "at a read":
                driver.read(conn, "SELECT 1", {})
        assert caught.value.statement == _SECOND
        assert "pipelined_probe_pkey" in str(caught.value)
        assert _notes(pg_clean) == []
    finally:
        probe.drop(pg_clean)


def test_a_pipeline_names_the_statement_that_failed_or_itself(pg_clean: Engine) -> None:
    with pg_clean.connect() as conn:
        with pytest.raises(sa.exc.DataError) as caught, driver.pipeline(conn) as sent:
            sent.execute("SELECT 1")
            sent.execute("SELECT 1 / 0")
            sent.execute("SELECT 2")
        assert caught.value.statement == "SELECT 1 / 0"
        driver.rollback(sent.raw)
        # the connection lost: no one statement to blame
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        conn.commit()
        with pg_clean.begin() as other:  # waits until the backend is gone
            other.execute(sa.text("SELECT pg_terminate_backend(:p, 10000)"), {"p": pid})
        with pytest.raises(sa.exc.OperationalError) as caught, driver.pipeline(conn) as sent:
            sent.execute("SELECT 1")
            sent.execute("SELECT 2")
        assert caught.value.connection_invalidated
        named = caught.value.statement
        assert named is not None
        assert named.startswith("-- a pipeline of\nSELECT 1")  # lost at the first, or after


def test_a_driver_error_in_a_units_body_is_not_named_after_begin(pg_clean: Engine) -> None:
    with pytest.raises(sa.exc.DataError) as caught, pipelined(pg_clean) as conn:
        raw = conn.connection.driver_connection
        raw.execute("SELECT 1 / 0")  # type: ignore[union-attr]
    assert caught.value.statement is None
    with pipelined(pg_clean) as conn:  # the connection is usable
        assert driver.read(conn, "SELECT 2", {}) == [(2,)]


def test_pipelined_needs_an_engine_that_watches_its_statements(pg_clean: Engine) -> None:
    """The listener that gives a unit its transaction before a SQLAlchemy write is put on the
    engine where it is made; an engine made elsewhere is refused, not run unwatched."""
    bare = sa.create_engine(pg_clean.url)
    try:
        with pytest.raises(RuntimeError, match="create_engine_from_url"), pipelined(bare):
            pass
    finally:
        bare.dispose()


def test_idle_is_psycopgs_idle_status() -> None:
    """The module names libpq's idle status without importing psycopg (a SQLite command loads
    none, tests/contracts/test_cli_start.py); it must stay psycopg's own value."""
    import psycopg

    assert driver.IDLE == psycopg.pq.TransactionStatus.IDLE
