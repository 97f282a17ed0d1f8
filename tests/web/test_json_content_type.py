"""A JSON body sent without a Content-Type header is not read as JSON by any API route: FastAPI's
strict content type (its default from 0.132, the floor in pyproject) answers 422, nothing is
written. The JsonBodies middleware checks only bodies that say they are JSON, so a body read
as JSON without saying so would pass it unchecked (nesting, lone surrogates). Both stores.

Before 0.132 (``fastapi>=0.115`` allowed it), FastAPI read a body with no Content-Type as JSON
(its release notes: "Add strict_content_type checking for JSON requests", 0.132.0), so the
plain case below would be opened and the deep one read past the middleware."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services
from tests.ingest.test_event_api import count, key

CASE = {"subject": "Late order", "body": "Where is it?", "email": "ann@example.org"}


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(CASE),
        json.dumps(CASE).replace('"Where is it?"', "[" * 801 + "]" * 801),
        json.dumps(CASE).replace("Where is it?", "\\ud800"),
    ],
    ids=["plain", "801 deep", "lone surrogate"],
)
def test_a_json_body_without_content_type_is_refused_and_writes_nothing(
    client: TestClient, services: Services, body: str
) -> None:
    headers = key(services, "helpdesk:write")
    r = client.post("/api/helpdesk/cases", content=body.encode(), headers=headers)
    assert "content-type" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 422, r.text[:300]
    assert count(services.engine, "cases") == 0
    sent = {**headers, "Content-Type": "application/json"}
    if body == json.dumps(CASE):  # the same body saying it is JSON is taken
        assert client.post("/api/helpdesk/cases", content=body, headers=sent).status_code == 201
        assert count(services.engine, "cases") == 1
