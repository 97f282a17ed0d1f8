"""A user error is one line and exit code 2, never a traceback; ``--debug`` shows it; a bare
``opencx --help`` lists the same commands as the full app without importing the slices."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_ADMIN_URL, unavailable
from tests.db.migrations import Migrations

MAIN = "from opencx.cli import main; main()"


def opencx(*args: str, db: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENCX_DATABASE_URL": db, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_line_error(run: subprocess.CompletedProcess[str], *words: str) -> None:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    for word in words:
        assert word in lines[0]


def test_uninitialised_database_says_run_init(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.db'}"
    one_line_error(opencx("customers", "search", "x", db=db, cwd=tmp_path), "opencx init")
    debug = opencx("--debug", "customers", "search", "x", db=db, cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_a_setting_refused_is_named_with_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad setting is one line naming each variable, its value and what is wrong (pydantic's
    report was a Rich traceback of 80 lines); the .env file is read the same way."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS", "abc")
    monkeypatch.setenv("OPENCX_PORT", "eighty")
    one_line_error(
        opencx("customers", "search", "x", db=db, cwd=tmp_path),
        "setting refused",
        "OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS = 'abc': Input should be a valid number",
        "OPENCX_PORT = 'eighty': Input should be a valid integer",
    )
    monkeypatch.delenv("OPENCX_PORT")
    monkeypatch.delenv("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS")
    (tmp_path / ".env").write_text("OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS=-3\n")
    one_line_error(
        opencx("customers", "search", "x", db=db, cwd=tmp_path),
        "OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS = '-3': OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS is -3",
    )


def test_missing_folder_of_the_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}"
    one_line_error(opencx("customers", "search", "x", db=db, cwd=tmp_path), "folder")


def test_unreachable_database_server(tmp_path: Path) -> None:
    db = "postgresql+psycopg://postgres@127.0.0.1:1/opencx"
    one_line_error(opencx("init", db=db, cwd=tmp_path), "cannot reach", "OPENCX_DATABASE_URL")


@pytest.mark.postgres
def test_init_creates_a_missing_postgres_database(tmp_path: Path) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL}")
    name = f"opencx_init_{uuid.uuid4().hex[:10]}"
    db = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        run = opencx("init", db=db, cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        assert f"created database '{name}'" in run.stdout
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_fast_help_lists_what_the_full_app_has(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    fast = opencx("--help", db=db, cwd=tmp_path)
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    full = subprocess.run(
        [sys.executable, "-c", "from opencx import cli; cli._mount(); cli.app()", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert fast.returncode == full.returncode == 0
    assert fast.stdout == full.stdout
    assert "telco-eval" in fast.stdout and "helpdesk" in fast.stdout


def test_init_on_a_store_a_newer_version_migrated_says_so(tmp_path: Path, sqlite_url: str) -> None:
    """`opencx init` on a store at a migration this code does not have (a newer OpenCX's, the
    code then rolled back) is one line saying what to do, not Alembic's traceback ("Can't locate
    revision identified by '9037'"); the store is left as it is."""
    head = Migrations(sqlite_url).revisions[-1]
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9037'"))
    one_line_error(
        opencx("init", db=sqlite_url, cwd=tmp_path),
        "the database is at migration 9037, which this OpenCX does not have",
        f"(its latest is {head}): a newer OpenCX migrated it",
        "restore the backup",
    )
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert stored == "9037"
