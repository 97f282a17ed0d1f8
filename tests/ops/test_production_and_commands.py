"""Refusing unsafe production settings, ``opencx doctor``, ``backup``/``restore``, ``--version``."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx import __version__
from opencx.app import Services, build, create_app
from opencx.cli import app as cli_app
from opencx.core import FixedClock
from opencx.db.schema import customers
from opencx.ops.cli import app as ops_app
from opencx.settings import Settings, UnsafeSettings

runner = CliRunner()
GOOD = {"OPENCX_SECRET_KEY": "k" * 40, "OPENCX_BASE_URL": "https://cx.example.com"}


def test_production_refuses_the_default_key_and_plain_http() -> None:
    unsafe = Settings(env="production", database_url="sqlite://", cookie_secure=False)
    with pytest.raises(UnsafeSettings) as refused:
        create_app(unsafe)
    problems = "\n".join(refused.value.problems)
    assert "OPENCX_SECRET_KEY is the default" in problems
    assert "OPENCX_COOKIE_SECURE is false" in problems
    assert "OPENCX_BASE_URL 'http://127.0.0.1:8000' is not https://" in problems
    safe = Settings(
        env="production",
        database_url="sqlite://",
        secret_key="k" * 40,
        base_url="https://cx.example.com",
    )
    assert safe.secure_cookies and safe.unsafe_for_production() == []


def test_serve_exits_before_listening_in_unsafe_production(tmp_path: Path) -> None:
    env = {"OPENCX_ENV": "production", "OPENCX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = runner.invoke(cli_app, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 2
    assert "refusing to start with OPENCX_ENV=production" in result.output


def test_version() -> None:
    result = runner.invoke(cli_app, ["--version"])
    assert result.exit_code == 0 and result.output == f"opencx {__version__}\n"


def test_version_matches_the_package_metadata() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["version"] == __version__


def _services(url: str, engine: Engine, clock: FixedClock, **extra: Any) -> Services:
    return build(Settings(database_url=url, **extra), clock=clock, engine=engine)


def test_doctor_says_what_to_fix(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock, smtp_server: Any
) -> None:
    broken = _services(sqlite_url, sqlite_engine, clock, smtp_port=1)
    result = runner.invoke(ops_app, ["doctor"], obj=broken)
    assert result.exit_code == 1, result.output
    assert "warn  production  OPENCX_SECRET_KEY is the default" in result.output
    assert "FAIL  smtp        127.0.0.1:1: ConnectionRefusedError" in result.output
    assert "warn  worker      no worker seen" in result.output
    assert "ok    migrations  at the latest" in result.output
    assert "1 problem(s) to fix" in result.output
    fine = _services(
        sqlite_url, sqlite_engine, clock, smtp_port=smtp_server.port, secret_key="k" * 40
    )
    result = runner.invoke(ops_app, ["doctor"], obj=fine)
    assert result.exit_code == 0, result.output
    assert f"ok    smtp        127.0.0.1:{smtp_server.port} answers" in result.output


def _add_customers(engine: Engine, start: int, n: int, clock: FixedClock) -> None:
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                {
                    "id": f"c{i}",
                    "source": "shop",
                    "external_id": str(i),
                    "created_at": clock.now(),
                    "attributes": {},
                    "consent_email": False,
                    "consent_sms": False,
                    "consent_surveys": False,
                }
                for i in range(start, start + n)
            ],
        )


def test_backup_while_writing_then_restore(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    services = _services(sqlite_url, sqlite_engine, clock)
    _add_customers(sqlite_engine, 0, 2000, clock)
    stop = threading.Event()

    def keep_writing() -> None:
        i = 10_000
        while not stop.is_set():
            _add_customers(sqlite_engine, i, 50, clock)
            i += 50

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = runner.invoke(ops_app, ["backup", str(tmp_path / "b.db")], obj=services)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "backed up" in result.output and "schema 0" in result.output
    with sqlite3.connect(tmp_path / "b.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        saved = copy.execute("SELECT count(*) FROM customers").fetchone()[0]
    copy.close()
    assert saved >= 2000 and saved % 50 == 0  # whole transactions only
    again = runner.invoke(ops_app, ["backup", str(tmp_path / "b.db")], obj=services)
    assert again.exit_code == 1 and "exists; choose a new file" in again.output

    with sqlite_engine.begin() as conn:
        conn.execute(customers.delete())
    restored = runner.invoke(ops_app, ["restore", str(tmp_path / "b.db"), "--yes"], obj=services)
    assert restored.exit_code == 0, restored.output
    with sqlite_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar() == saved
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    bad = runner.invoke(ops_app, ["restore", str(tmp_path / "junk.db"), "--yes"], obj=services)
    assert bad.exit_code == 1 and "is not a readable SQLite database" in bad.output


def test_backup_of_postgres_points_to_pg_dump(clock: FixedClock, tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1/nothing")
    services = build(settings, clock=clock, engine=sa.create_engine("sqlite://"))
    result = runner.invoke(ops_app, ["backup", str(tmp_path / "b.db")], obj=services)
    assert result.exit_code == 1 and "use pg_dump / pg_restore" in result.output
