"""`make demo` runs `opencx quickstart`: from an empty store to a served, logged-in dashboard."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.db import schema
from opencx.web.session import CSRF_FIELD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_quickstart_generates_demo_data_and_serves_a_login(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "OPENCX_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
        "OPENCX_PORT": str(port),
    }
    cmd = [sys.executable, "-m", "opencx.cli", "quickstart", "--customers", "60"]
    log = tmp_path / "quickstart.log"
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300  # generous: a loaded machine, not a speed check
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
            assert server.poll() is None, log.read_text()
        assert "log in as demo@opencx.local / opencx-demo" in log.read_text()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            page = client.get("/login")
            token = page.text.split(f'name="{CSRF_FIELD}" value="', 1)[1].split('"', 1)[0]
            form = {"email": "demo@opencx.local", "password": "opencx-demo", CSRF_FIELD: token}
            login = client.post("/login", data=form)
            assert login.status_code in (200, 303)
            customers = client.get("/customers")
            assert customers.status_code == 200 and "/customers/" in customers.text
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_quickstart_fits_every_model_and_shows_each_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencx.cli import _mount, app
    from opencx.db.engine import create_engine_from_url
    from opencx.modeling.service import ModelingService

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("OPENCX_DATABASE_URL", url)
    _mount()
    r = CliRunner().invoke(app, ["quickstart", "--customers", "150", "--no-serve"])
    assert r.exit_code == 0, r.output
    # progress: every step of every model, as a line with its elapsed time off a terminal
    assert "churn: fit and calibrate (" in r.output and "nbo: fit on all baskets (" in r.output
    assert "analysing survey comments" in r.output  # the demo's surveys: sent, answered, analysed
    engine = create_engine_from_url(url)
    try:
        modeling = ModelingService(engine, secret_key="unused-here")
        fitted = {m for m in modeling.specs() if modeling.latest(m) is not None}
        assert fitted == set(modeling.specs())  # no model page is empty on the first visit
        with engine.connect() as conn:  # the history runs up to today, not a fixed date
            latest = conn.execute(sa.select(sa.func.max(schema.interactions.c.occurred_at)))
            last = latest.scalar_one()
        assert datetime.now(UTC) - last < timedelta(days=3), last
    finally:
        engine.dispose()
    again = CliRunner().invoke(app, ["quickstart", "--no-serve"])
    assert again.exit_code == 0 and "fitting" not in again.output  # data and runs reused
