"""Models over HTTP (API with scopes, dashboard pages, CSV download) and the CLI."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.audit.domain import AuditFilter
from opencx.core import FixedClock
from opencx.settings import Settings

PASSWORD = "correct-horse-9"


@pytest.fixture
def services(synthetic: tuple[Engine, Any], clock: FixedClock) -> Services:
    engine, _ = synthetic
    settings = Settings(database_url=str(engine.url), secret_key="test-secret")
    return build(settings, clock=clock, engine=engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def _keys(services: Services) -> dict[str, dict[str, str]]:
    access = AccessService(services.engine, services.clock)
    return {
        name: {"Authorization": f"Bearer {access.create_api_key(name, scopes).secret}"}
        for name, scopes in {
            "read": ["models:read"],
            "write": ["models:write", "models:read"],
            "other": ["customers:read"],
        }.items()
    }


def _log_in(client: TestClient, services: Services) -> None:
    AccessService(services.engine, services.clock).create_user(
        "analyst@example.org", role="analyst", password=PASSWORD, name="Analyst"
    )
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={
            "email": "analyst@example.org",
            "password": PASSWORD,
            "next": "/models",
            "csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303


def finished(client: TestClient, accepted: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Poll a 202's status URL until the job is done (the app's own runner works on it)."""
    assert accepted.status_code == 202, accepted.text
    url = accepted.headers["Location"]
    assert url == accepted.json()["status_url"]
    for _ in range(600):
        job = client.get(url, headers=headers)
        assert job.status_code == 200, job.text
        if job.json()["done"]:
            return dict(job.json())
        time.sleep(0.05)
    raise AssertionError(f"job {url} not done: {job.json()}")


def test_api_fits_scores_and_lists_with_scopes(client: TestClient, services: Services) -> None:
    keys = _keys(services)
    assert client.get("/api/models", headers=keys["other"]).status_code == 403
    assert client.post("/api/models/rfm/fit", json={}, headers=keys["read"]).status_code == 403
    r = client.post(
        "/api/models/rfm/fit", json={"config": {"period_days": 60}}, headers=keys["write"]
    )
    job = finished(client, r, keys["read"])
    assert job["status"] == "succeeded" and job["progress"] == 1.0, job
    assert job["params"] == {"model": "rfm", "config": {"period_days": 60}}
    assert job["stage"]  # the fit reported its stages while it ran
    run = client.get(job["output"]["run_url"], headers=keys["read"]).json()
    assert run["model"] == "rfm" and len(run["data_fingerprint"]) == 64
    assert run["config"]["period_days"] == 60
    listed = {m["model"]: m for m in client.get("/api/models", headers=keys["read"]).json()}
    assert listed["rfm"]["latest_run"]["id"] == run["id"]
    assert listed["churn"]["latest_run"] is None
    scores = client.get("/api/models/rfm/scores?limit=5", headers=keys["read"]).json()
    assert scores["kind"] == "rfm_segment" and len(scores["scores"]) == 5
    assert "name" in scores["scores"][0]["details"]
    assert client.post("/api/models/nope/fit", json={}, headers=keys["write"]).status_code == 404
    scored = finished(
        client, client.post("/api/models/rfm/score", headers=keys["write"]), keys["read"]
    )
    assert scored["output"]["run_id"] == run["id"] and scored["output"]["scores"] > 0
    # the fit ran in a job, on behalf of the key that asked for it (not `system`)
    writer = {k.name: k.id for k in services.access.list_api_keys()}["write"]
    [fitted] = services.audit.records(AuditFilter(action="models.fit"))
    assert fitted.actor == f"api_key:{writer}" and fitted.target == run["id"]
    other = client.get(f"/api/models/jobs/{job['id']}", headers=keys["other"])
    assert other.status_code == 403
    assert client.get("/api/models/jobs/nope", headers=keys["read"]).status_code == 404


def test_pages_show_every_model_and_the_churn_csv(client: TestClient, services: Services) -> None:
    assert client.get("/models", follow_redirects=False).status_code == 303
    _log_in(client, services)
    page = client.get("/models/churn")
    assert page.status_code == 200 and "Not fitted yet" in page.text
    for model in ("clv", "churn", "rfm", "personas", "loyalty-types", "nbo"):
        services.modeling.fit(model)
    overview = client.get("/models").text
    assert "not fitted" not in overview
    # the fit metrics by their names (before: "Auc", "Pr auc", "P alive share 95")
    for name in ("ROC AUC", "PR AUC", "Brier score", "Share with P(alive) ≥ 0.95"):
        assert name in overview, name
    for path, marker in (
        ("/models/clv", "clv-top"),
        ("/models/rfm", "rfm-movement"),
        ("/models/personas", "persona-sizes"),
        ("/models/loyalty-types", "loyal-rules"),
        ("/models/churn", "churn-list"),
        ("/models/nbo", "nbo-rules"),
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert marker in r.text, path
    r = client.get("/models/churn.csv?top=20")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 20
    risks = [float(x["churn_risk"]) for x in rows]
    assert risks == sorted(risks, reverse=True)
    assert rows[0]["reasons"]


def test_cli_fit_list_score_and_churn_list(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opencx.cli import _mount, app

    monkeypatch.setenv("OPENCX_DATABASE_URL", str(services.engine.url))
    _mount()
    runner = CliRunner()
    r = runner.invoke(app, ["models", "fit", "rfm", "churn"])
    assert r.exit_code == 0, r.output
    assert "rfm run" in r.output and "auc=" in r.output
    r = runner.invoke(app, ["models", "list"])
    assert r.exit_code == 0 and "churn" in r.output
    r = runner.invoke(app, ["models", "score", "rfm"])
    assert r.exit_code == 0 and "scores from run" in r.output
    out = tmp_path / "risk.csv"
    r = runner.invoke(app, ["models", "churn-list", "--top", "7", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert len(out.read_text().splitlines()) == 8
    r = runner.invoke(app, ["models", "fit", "unknown"])
    assert r.exit_code == 1 and "known models" in r.output


@pytest.mark.parametrize("model", ["clv", "churn", "rfm", "personas", "loyalty-types", "nbo"])
def test_a_fit_before_any_data_says_so(services: Services, model: str) -> None:
    """An ``as_of`` before the first order leaves nothing to learn from: a clear InvalidInput
    (the job records it as its error, not retried), never a crash (Schemathesis found a 500)."""
    from datetime import UTC, datetime

    from opencx.core import InvalidInput

    with pytest.raises(InvalidInput, match="nothing before 1990-01-01"):
        services.modeling.fit(model, as_of=datetime(1990, 1, 1, tzinfo=UTC))


def test_a_page_fits_and_scores_outside_the_request_and_follows_the_job(
    client: TestClient, services: Services
) -> None:
    """The Models page offers Fit (and Score once fitted) to who may write models; the form
    queues a job and leads to its page, which polls the job's status URL until it is done."""
    _log_in(client, services)
    overview = client.get("/models").text
    assert 'action="/models/rfm/fit"' in overview and 'action="/models/rfm/score"' not in overview
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', overview)
    assert token
    r = client.post("/models/rfm/fit", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/models/jobs/")
    job_page = client.get(r.headers["location"]).text
    status_url = "/api/models/jobs/" + r.headers["location"].rsplit("/", 1)[1]
    assert f'data-status-url="{status_url}"' in job_page and "Fitting rfm" in job_page
    for _ in range(600):
        if client.get(status_url).json()["done"]:
            break
        time.sleep(0.05)
    done = client.get(r.headers["location"]).text
    assert "succeeded" in done and 'href="/models/rfm"' in done
    assert 'action="/models/rfm/score"' in client.get("/models").text
    bad = client.post("/models/nope/fit", data={"csrf_token": token.group(1)})
    assert bad.status_code == 404
    assert client.post("/models/rfm/fit", follow_redirects=False).status_code == 403  # no CSRF
