"""``POST /api/imports``: a file and its mapping imported as a job outside the request; its
status URL gives progress, counts, problems and the rejects; the act is in the audit log under
the key that asked for it; the route needs ``imports:write``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build, create_app
from opencx.audit.domain import AuditFilter
from opencx.core import FixedClock
from opencx.db.schema import customers
from opencx.settings import Settings

CSV = (
    "Customer ID,Full name,E-mail,Country\n"
    "C1,Ana de Vries,ana@example.nl,NL\n"
    "C2,Bo Jensen,not-an-email,DK\n"
    ",Nobody,nobody@example.org,GB\n"
)
FORM = {
    "kind": "customers",
    "columns": "external_id=Customer ID\nname=Full name\nemail=E-mail\ncountry=Country",
    "source": "crm",
}


@pytest.fixture
def services(engine: Engine, clock: FixedClock, tmp_path: Any) -> Services:
    settings = Settings(
        database_url=str(engine.url), secret_key="import-api-secret", imports_dir=str(tmp_path)
    )
    return build(settings, clock=clock, engine=engine)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def post(client: TestClient, key: str, **form: str) -> Any:
    return client.post(
        "/api/imports",
        data={**FORM, **form},
        files={"file": ("crm export.csv", CSV.encode(), "text/csv")},
        headers={"X-API-Key": key},
    )


def done(client: TestClient, accepted: Any, key: str) -> dict[str, Any]:
    assert accepted.status_code == 202, accepted.text
    url = accepted.headers["Location"]
    assert url == accepted.json()["status_url"] and url.startswith("/api/imports/")
    for _ in range(600):
        job = client.get(url, headers={"X-API-Key": key})
        assert job.status_code == 200, job.text
        if job.json()["done"]:
            return dict(job.json())
        time.sleep(0.05)
    raise AssertionError(f"import {url} not done")


def test_an_import_runs_as_a_job_with_counts_problems_and_rejects(
    client: TestClient, services: Services, engine: Engine
) -> None:
    issued = services.access.create_api_key("crm sync", ["imports:write"])
    key = issued.secret
    refused = done(client, post(client, key), key)
    assert refused["status"] == "succeeded"  # the job ran; the import found bad rows
    out = refused["output"]
    assert out["status"] == "failed" and out["rows_loaded"] == 0 and out["problem_count"] >= 2
    assert any("external_id" in p for p in out["problems"])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar() == 0

    loaded = done(client, post(client, key, allow_rejects="true"), key)
    out = loaded["output"]
    assert out["status"] == "loaded_with_rejects" and out["rows_read"] == 3
    assert out["rows_loaded"] == 1 and out["rows_rejected"] == 2
    assert loaded["progress"] == 1.0 and "rows read" in (loaded["stage"] or "")
    rejects = client.get(loaded["rejects_url"], headers={"X-API-Key": key})
    assert rejects.status_code == 200 and "Nobody" in rejects.text
    assert rejects.headers["content-type"].startswith("text/csv")

    # audit-logged, on behalf of the key that asked (the import ran in a job)
    acts = services.audit.records(AuditFilter(action="ingest.import"))
    assert len(acts) == 2 and {a.actor for a in acts} == {f"api_key:{issued.key.id}"}
    assert {a.target for a in acts} == {refused["output"]["import_id"], out["import_id"]}


def test_bad_requests_are_refused_before_anything_is_queued(
    client: TestClient, services: Services
) -> None:
    key = services.access.create_api_key("crm sync", ["imports:write"]).secret
    for form, said in (
        ({"kind": "planets"}, "choose one of"),
        ({"mapping": "../../etc/passwd"}, "choose one of"),
        ({"columns": "no equals sign"}, "FIELD=COLUMN"),
    ):
        r = post(client, key, **form)
        assert r.status_code == 422 and said in r.text, r.text
    assert client.get("/api/imports/nope", headers={"X-API-Key": key}).status_code == 404
    reader = services.access.create_api_key("bi", ["*:read"]).secret
    assert post(client, reader).status_code == 403
    assert client.get("/api/imports/nope", headers={"X-API-Key": reader}).status_code == 403
