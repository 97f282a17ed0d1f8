"""The jobs edges: ``opencx jobs`` commands, ``opencx worker --once`` running the declared jobs
(the metric alerts check among them), and the /admin/jobs page with "Run now" for admins."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.jobs import Scheduler
from opencx.jobs.cli import app as jobs_app
from opencx.ops.worker import app as worker_app
from opencx.settings import Settings

runner = CliRunner()
PASSWORD = "correct-horse-9"


@pytest.fixture
def services(sqlite_url: str, sqlite_engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=sqlite_url, secret_key="k" * 40, log_format="text")
    return build(settings, clock=clock, engine=sqlite_engine)


def test_the_metric_alerts_check_is_a_declared_job(services: Services) -> None:
    assert "metrics.alerts" in {job.name for job in services.jobs}


def test_list_run_here_and_history(services: Services) -> None:
    wide = runner.invoke(jobs_app, ["list"], obj=services, env={"COLUMNS": "240"})
    assert wide.exit_code == 0, wide.output  # every column fits: job, schedule, last run, status
    assert re.search(r"metrics\.alerts\s+cron 0 6 \* \* \*\s+—\s+never", wide.output)
    listed = runner.invoke(jobs_app, ["list"], obj=services, env={"COLUMNS": "80"})
    assert listed.exit_code == 0, listed.output  # optional columns give way, the row stays
    assert re.search(r"metrics\.alerts\s.*never", listed.output)
    assert all(len(line) <= 80 for line in listed.output.splitlines())
    ran = runner.invoke(jobs_app, ["run", "metrics.alerts", "--here"], obj=services)
    assert ran.exit_code == 0, ran.output
    assert re.match(r"metrics\.alerts: succeeded in \d+ ms: no targets", ran.output)
    history = runner.invoke(jobs_app, ["history", "metrics.alerts"], obj=services)
    assert "manual" in history.output and "succeeded" in history.output
    unknown = runner.invoke(jobs_app, ["run", "metrics.nope"], obj=services)
    assert unknown.exit_code == 1
    assert "job 'metrics.nope' is not declared (declared: " in unknown.output
    assert "metrics.alerts" in unknown.output.split("declared: ")[1]


def test_worker_once_runs_due_jobs_then_nothing(services: Services) -> None:
    first = runner.invoke(worker_app, ["--once"], obj=services)
    assert first.exit_code == 0, first.output
    assert "sent 0, failed 0, dead 0, given back 0 of 0 claimed" in first.output
    assert "jobs: " in first.output and "metrics.alerts succeeded" in first.output
    again = runner.invoke(worker_app, ["--once"], obj=services)
    assert "jobs: none due" in again.output
    skipped = runner.invoke(worker_app, ["--once", "--no-jobs"], obj=services)
    assert "jobs:" not in skipped.output


def _log_in(client: TestClient, email: str) -> None:
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    data = {"email": email, "password": PASSWORD, "next": "/", "csrf_token": token.group(1)}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303


def test_jobs_page_shows_runs_and_admins_run_one_now(services: Services) -> None:
    access = AccessService(services.engine, services.clock)
    access.create_user("admin@example.org", role="admin", password=PASSWORD)
    access.create_user("agent@example.org", role="agent", password=PASSWORD)
    with TestClient(create_app(services.settings, services=services)) as client:
        assert client.get("/admin/jobs", follow_redirects=False).status_code == 303  # log in
        _log_in(client, "agent@example.org")
        assert client.get("/admin/jobs").status_code == 403  # agents do not see jobs
    with TestClient(create_app(services.settings, services=services)) as client:
        _log_in(client, "admin@example.org")
        page = client.get("/admin/jobs")
        assert page.status_code == 200 and 'data-job="metrics.alerts"' in page.text
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert token
        queued = client.post("/admin/jobs/metrics.alerts/run", data={"csrf_token": token.group(1)})
        assert queued.status_code == 200 and 'id="queued"' in queued.text
        assert client.post("/admin/jobs/metrics.alerts/run", data={}).status_code == 403  # CSRF
    outcome = runner.invoke(worker_app, ["--once"], obj=services)
    assert "metrics.alerts succeeded" in outcome.output
    states = {s.name: s for s in Scheduler(services.engine, services.clock, services.jobs).states()}
    assert states["metrics.alerts"].last_status == "succeeded"
