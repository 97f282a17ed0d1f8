"""Importing a file from the browser: the upload, its mapping, the result, the rejects."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from opencx.db import schema

CSV = (
    "Customer ID,Full name,E-mail,Country\n"
    "C1,Ana de Vries,ana@example.nl,NL\n"
    "C2,Bo Jensen,not-an-email,DK\n"
    ",Nobody,nobody@example.org,GB\n"
)


def _upload(client: TestClient, token: str, **fields: str) -> Response:
    """Upload as the form does, then follow the import's page until the job is done (the
    app's own job runner imports it outside the request)."""
    data = {
        "csrf_token": token,
        "kind": "customers",
        "columns": "external_id=Customer ID\nname=Full name\nemail=E-mail\ncountry=Country",
        "source": "crm",
        **fields,
    }
    queued = client.post(
        "/data/import",
        data=data,
        files={"file": ("crm export.csv", CSV.encode(), "text/csv")},
        follow_redirects=False,
    )
    if queued.status_code != 303:
        return queued
    page = re.fullmatch(r"/data/import/jobs/([0-9a-z]+)", queued.headers["location"])
    assert page, queued.headers["location"]
    for _ in range(600):
        shown = client.get(page.group(0))
        if 'id="import-job"' not in shown.text or 'data-done="true"' in shown.text:
            return shown
        assert 'data-status-url="/api/imports/' in shown.text  # the page follows the job
        time.sleep(0.05)
    raise AssertionError(f"import {page.group(1)} not done")


def _customers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.customers)).scalar())


def test_an_admin_imports_a_file_and_gets_its_rejects(
    engine: Engine,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["admin"])
    assert 'href="/data/import"' in client.get("/data").text
    token = csrf_from(client.get("/data/import").text)
    refused = _upload(client, token)
    assert refused.status_code == 422 and 'data-status="failed"' in refused.text
    assert "Nothing was written" in refused.text and "external_id" in refused.text
    assert _customers(engine) == 0
    loaded = _upload(client, token, allow_rejects="true")
    assert loaded.status_code == 200, loaded.text
    assert 'data-status="loaded_with_rejects"' in loaded.text
    assert _customers(engine) >= 1
    link = re.search(r'href="(/data/import/[0-9a-f]{32}/rejects\.csv)"', loaded.text)
    assert link
    rejects = client.get(link.group(1))
    assert rejects.status_code == 200 and "Nobody" in rejects.text
    wrong = _upload(client, token, mapping="../../etc/passwd")
    assert wrong.status_code == 422 and "choose one of" in wrong.text
    assert client.get("/data/import/" + "0" * 32 + "/rejects.csv").status_code == 404


def test_the_page_lists_each_kinds_fields_and_gives_its_header_as_a_file(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    from opencx.ingest.domain import KINDS

    log_in(users["admin"])
    page = client.get("/data/import").text
    for name, spec in KINDS.items():
        assert f'id="fields-{name}"' in page and f'href="/data/import/{name}.csv"' in page
        shown = page[page.index(f'id="fields-{name}"') :].split("</details>")[0]
        assert all(f"<code>{f.name}</code>" in shown for f in spec.fields), name
    template = client.get("/data/import/orders.csv")
    assert template.status_code == 200 and template.headers["content-type"].startswith("text/csv")
    assert template.text == ",".join(KINDS["orders"].names) + "\n"
    assert client.get("/data/import/nope.csv").status_code == 404


def test_only_who_may_import_sees_the_page(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["analyst"])
    assert 'href="/data/import"' not in client.get("/data").text
    assert client.get("/data/import").status_code == 403
    assert client.get("/data/import/orders.csv").status_code == 403
