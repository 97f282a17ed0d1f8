"""Every command in docs/operations.md runs, in order, against a temporary store.

Each line of a ``bash`` block is one command: ``export`` sets a variable; ``opencx ...`` runs
in-process through the real command tree (what the ``opencx`` script calls), except the ones
marked ``# runs until stopped``, which run as real processes until they answer (the server's
/healthz, the worker's heartbeat) and then get SIGTERM; ``pg_dump``/``pg_restore`` run against
the test PostgreSQL server; lines marked ``# (tests/release)`` are the install steps that
tests/release/test_package.py runs. A port in the doc (8000) is swapped for a free one.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.db import create_engine_from_url
from opencx.jobs.store import worker_heartbeats
from tests.conftest import PG_ADMIN_URL, unavailable
from tests.outbox.conftest import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "operations.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def commands() -> list[str]:
    lines = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        lines.extend(line.strip() for line in block.splitlines() if line.strip())
    return lines


def test_the_doc_has_commands_for_every_step() -> None:
    found = " ".join(commands())
    for step in (
        "opencx init",
        "opencx serve",
        "opencx worker",
        "opencx doctor",
        "opencx backup",
        "opencx restore",
        "opencx jobs list",
        "pg_dump",
        "uv build",
    ):
        assert step in found


@pytest.fixture
def pg_urls() -> Iterator[tuple[str, str]]:
    """A migrated database to dump and an empty one to restore into."""
    from opencx.db import migrate

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names = [f"opencx_doc_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL at {PG_ADMIN_URL} ({exc.__class__.__name__})")
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
    urls = (f"{base}/{names[0]}", f"{base}/{names[1]}")
    migrate(urls[0])
    yield urls
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Runner:
    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        from opencx import cli

        if not getattr(cli, "_mounted_for_tests", False):
            cli._mount()
            cli._mounted_for_tests = True  # type: ignore[attr-defined]
        self.app, self.env, self.cwd = cli.app, env, cwd
        self.ran: list[str] = []

    def run(self, line: str) -> None:
        command, _, note = line.partition("#")
        command, note = command.strip(), note.strip()
        if note == "(tests/release)":
            self._released(command)
        elif command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            self.env[name] = value
        elif command.startswith("opencx ") and note == "runs until stopped":
            self._until_ready(command)
        elif command.startswith("opencx "):
            self._in_process(command)
        else:
            env = {**os.environ, **self.env}
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=self.cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, f"{command}: {done.stderr}"
        self.ran.append(command)

    def _released(self, command: str) -> None:
        source = (ROOT / "tests/release/test_package.py").read_text(encoding="utf-8")
        words = shlex.split(command)[1:3]  # e.g. "build", "--wheel"
        assert all(f'"{w}"' in source for w in words if not w.startswith("/")), command

    def _in_process(self, command: str) -> None:
        args, stdin = shlex.split(command.split("<")[0]), None
        if "<" in command:
            stdin = (self.cwd / command.split("<")[1].strip()).read_text(encoding="utf-8")
        old = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = CliRunner().invoke(self.app, args[1:], env=self.env, input=stdin)
        finally:
            os.chdir(old)
        assert result.exit_code == 0, f"{command}:\n{result.output}\n{result.exception!r}"

    def _until_ready(self, command: str) -> None:
        port = free_port()
        args = shlex.split(command.replace("--port 8000", f"--port {port}"))
        proc = subprocess.Popen(
            [sys.executable, "-c", "from opencx.cli import main; main()", *args[1:]],
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            ready = self._serving(port) if args[1] == "serve" else self._beating
            deadline = time.monotonic() + 300
            while not ready():
                assert proc.poll() is None, f"{command} exited with {proc.returncode}"
                assert time.monotonic() < deadline, f"{command} never became ready"
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=120)
        assert code in (0, -signal.SIGTERM), f"{command} stopped with {code} after SIGTERM"

    def _serving(self, port: int) -> Any:
        def answers() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        return answers

    def _beating(self) -> bool:
        engine = create_engine_from_url(self.env["OPENCX_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                return bool(
                    conn.execute(sa.select(sa.func.count()).select_from(worker_heartbeats)).scalar()
                )
        finally:
            engine.dispose()


def test_every_command_in_the_operations_doc_runs(
    tmp_path: Path, smtp_server: Any, pg_urls: tuple[str, str]
) -> None:
    (tmp_path / "backups").mkdir()
    (tmp_path / "admin-password.txt").write_text("a-strong-admin-password\n", encoding="utf-8")
    env = {
        "OPENCX_DATABASE_URL": f"sqlite:///{tmp_path / 'opencx.db'}",
        "OPENCX_SMTP_HOST": "127.0.0.1",
        "OPENCX_SMTP_PORT": str(smtp_server.port),
        "OPENCX_LOG_FORMAT": "text",
        "PG_URL": pg_urls[0],
        "PG_RESTORE_URL": pg_urls[1],
    }
    runner = Runner(env, tmp_path)
    for line in commands():
        runner.run(line)
    assert len(runner.ran) == len(commands())
    assert (tmp_path / "backups" / "opencx-nightly.db").exists()
    engine = sa.create_engine(pg_urls[1].replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:  # the restored PostgreSQL copy has the schema
            assert "job_runs" in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
