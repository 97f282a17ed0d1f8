"""``opencx downgrade REVISION`` undoes migrations with the newer code. A downgrade a migration
refuses (it would drop records, or narrow a column past a value) is one line and exit code 2,
and the store is as it was, on SQLite and PostgreSQL; emptied, the same downgrade goes through.
A revision none of ours, or above the store's, is one line too, before anything runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from opencx import cli
from opencx.db import migrate
from tests.db.conftest import new_pg_database
from tests.db.migrations import Migrations, schema_of

REFUSED = (
    "error: cannot undo migration 0019: erased_keys: 1 row. Its downgrade drops that table and "
    "with it the keys of erased people, by which an import drops their rows: an erased person "
    "could be imported again. Nothing was changed: stay at revision 0019 or later; delete those "
    "rows first only if they may be lost (--debug shows the traceback)"
)


def opencx(
    *args: str, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``opencx ARGS`` on the store at ``url``, in this process: exit code, stdout, stderr."""
    monkeypatch.setenv("OPENCX_DATABASE_URL", url)
    monkeypatch.setattr(sys, "argv", ["opencx", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out = capsys.readouterr()
    return code, out.out, out.err


def _state(url: str) -> tuple[object, ...]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            keys = conn.execute(sa.text("SELECT digest FROM erased_keys")).scalars().all()
            return revision, schema_of(conn), keys
    finally:
        engine.dispose()


def _refused_then_emptied(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An erased person's key at the head: `opencx downgrade 0018` is refused at 0019 (after
    undoing 0036 to 0020), leaving the store as it was; with the key deleted, it goes through."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO erased_keys VALUES ('d1', 'email', :at)"),
                {"at": "2026-12-01 09:00:00+00:00"},
            )
        before = _state(url)
        assert before[0] == Migrations(url).revisions[-1]
        code, out, err = opencx(
            "downgrade", "0018", url=url, monkeypatch=monkeypatch, capsys=capsys
        )
        assert (code, out, err.splitlines()) == (2, "", [REFUSED])
        assert _state(url) == before
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM erased_keys"))
        code, out, err = opencx(
            "downgrade", "0018", url=url, monkeypatch=monkeypatch, capsys=capsys
        )
        assert (code, err) == (0, "")
        assert out == f"database downgraded from migration {before[0]} to 0018\n"
        with engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert revision.scalar() == "0018"
            assert not sa.inspect(conn).has_table("erased_keys")
    finally:
        engine.dispose()


def test_sqlite_downgrade_refused_changes_nothing_and_emptied_goes_through(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused_then_emptied(sqlite_url, monkeypatch, capsys)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with new_pg_database("opencx_cli_down") as url:
        migrate(url)
        yield url


@pytest.mark.postgres
def test_postgres_downgrade_refused_changes_nothing_and_emptied_goes_through(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _refused_then_emptied(pg_url, monkeypatch, capsys)


def test_a_revision_not_ours_or_above_the_store_is_one_line_before_anything_runs(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = Migrations(sqlite_url).revisions[-1]
    before = _state(sqlite_url)
    for args, said in (
        (("0099",), f"error: no migration '0099': this OpenCX's are 0001 to {head}, and base"),
        (("head",), "error: no migration 'head'"),
    ):
        code, out, err = opencx(
            "downgrade", *args, url=sqlite_url, monkeypatch=monkeypatch, capsys=capsys
        )
        assert (code, out, len(err.splitlines())) == (2, "", 1), err
        assert err.startswith(said), err
    code, out, _ = opencx("downgrade", head, url=sqlite_url, monkeypatch=monkeypatch, capsys=capsys)
    assert (code, out) == (0, f"the database is at migration {head} already: nothing to undo\n")
    assert _state(sqlite_url) == before
    Migrations(sqlite_url).downgrade("0030")
    code, _, err = opencx(
        "downgrade", "0031", url=sqlite_url, monkeypatch=monkeypatch, capsys=capsys
    )
    assert (code, err) == (
        2,
        "error: the database is at migration 0030, below 0031: a downgrade only goes down "
        "(`opencx init` upgrades to the latest) (--debug shows the traceback)\n",
    )


def test_a_missing_sqlite_file_is_said_and_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, the downgrade's first connection created an empty file and then said the store
    was at base, below the revision asked for."""
    missing = tmp_path / "typo.db"
    code, out, err = opencx(
        "downgrade", "0018", url=f"sqlite:///{missing}", monkeypatch=monkeypatch, capsys=capsys
    )
    assert (code, out) == (2, "")
    assert err.startswith(f"error: no SQLite store at {missing}: nothing to downgrade"), err
    assert not missing.exists()
