"""``POST /api/imports``: a file and its mapping imported as a job outside the request; its
status URL gives progress, counts, problems and the rejects; the act is in the audit log under
the key that asked for it; the route needs ``imports:write``."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build
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
        ({"columns": "no equals sign"}, "columns: line 'no equals sign': expected FIELD=Column"),
    ):
        r = post(client, key, **form)
        assert r.status_code == 422 and said in r.text, r.text
    assert client.get("/api/imports/nope", headers={"X-API-Key": key}).status_code == 404
    reader = services.access.create_api_key("bi", ["*:read"]).secret
    assert post(client, reader).status_code == 403
    assert client.get("/api/imports/nope", headers={"X-API-Key": reader}).status_code == 403


def test_uploads_older_than_a_week_are_deleted_by_the_daily_job(
    services: Services, engine: Engine, clock: FixedClock, tmp_path: Any
) -> None:
    """The upload folders (file and rejects) are kept a week after they were last written."""
    import os
    from datetime import timedelta

    from opencx.ingest.service.uploads import uploads_root
    from opencx.jobs import Scheduler

    root = uploads_root(str(tmp_path))
    now = clock.now().timestamp()
    folders = {"old": "a" * 32, "recent": "b" * 32, "old_with_new_rejects": "c" * 32}
    for token in folders.values():
        (root / token).mkdir()
        (root / token / "upload.csv").write_text("x\n")
        os.utime(root / token / "upload.csv", (now - 8 * 86400,) * 2)
        os.utime(root / token, (now - 8 * 86400,) * 2)
    os.utime(root / folders["recent"] / "upload.csv", (now - 86400,) * 2)
    (root / folders["old_with_new_rejects"] / "rejects.csv").write_text("y\n")
    os.utime(root / folders["old_with_new_rejects"] / "rejects.csv", (now - 2 * 86400,) * 2)
    os.utime(root / folders["old_with_new_rejects"], (now - 8 * 86400,) * 2)
    (root / "not-an-upload").mkdir()
    os.utime(root / "not-an-upload", (now - 30 * 86400,) * 2)

    prune = [j for j in services.jobs if j.name == "ingest.prune_uploads"]
    assert prune and str(prune[0].schedule) == "cron 30 3 * * *"
    outcome = Scheduler(engine, clock, prune).tick()
    assert outcome is not None and outcome.result == "1 upload(s) deleted"
    kept = set(folders.values()) | {"not-an-upload"}

    def left() -> set[str]:
        return {p.name for p in root.iterdir()} & kept

    assert left() == {folders["recent"], folders["old_with_new_rejects"], "not-an-upload"}
    results = []
    for _ in range(8):  # a day at a time: each day's run (at the day's slot)
        clock.advance(timedelta(days=1))
        outcome = Scheduler(engine, clock, prune).tick()
        assert outcome is not None
        results.append(outcome.result)
    deleted = [int(str(r).split()[0]) for r in results]
    assert sum(deleted) == 2 and deleted[:4] == [0] * 4, results  # a week after the last write
    assert left() == {"not-an-upload"}


def test_erasure_deletes_every_upload_that_mentions_the_person(
    client: TestClient, services: Services, engine: Engine, tmp_path: Any
) -> None:
    """An uploaded file (and its rejects) holds the person's data as typed: an erasure deletes
    each upload that mentions them, and each it cannot read as text; others stay."""
    from opencx.ingest.service.uploads import uploads_root

    key = services.access.create_api_key("crm sync", ["imports:write"]).secret
    out = done(client, post(client, key, allow_rejects="true"), key)["output"]
    assert out["rows_loaded"] == 1
    root = uploads_root(str(tmp_path))
    (imported,) = [p for p in root.iterdir() if p.is_dir() and len(p.name) == 32]
    other, sheet = root / ("d" * 32), root / ("e" * 32)
    other.mkdir()
    (other / "orders.csv").write_text("order_id,customer\nO-1,C9\n")
    sheet.mkdir()
    (sheet / "customers.xlsx").write_bytes(b"PK\x03\x04 not text")
    with engine.connect() as conn:
        ana = conn.execute(sa.select(customers.c.id).where(customers.c.external_id == "C1"))
        ana_id = ana.scalar_one()

    services.customers.erase(ana_id)
    assert not imported.exists() and not sheet.exists()
    assert (other / "orders.csv").exists()
