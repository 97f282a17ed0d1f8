"""API access: scoped keys and logged-in users, 401 without credentials, 403 without scope."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response

from opencx.access.service import AccessService


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_credentials_is_401_with_a_problem_body(client: TestClient) -> None:
    r = client.get("/api/probe/customers")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401 and "API key" in r.json()["detail"]


def test_unknown_or_malformed_key_is_401(client: TestClient) -> None:
    assert (
        client.get("/api/probe/customers", headers=bearer("ocx_12345678_nope")).status_code == 401
    )
    assert client.get("/api/probe/customers", headers=bearer("garbage")).status_code == 401
    assert client.get("/api/probe/customers", headers={"X-API-Key": "x"}).status_code == 401


def test_key_with_the_scope_is_let_in(client: TestClient, access: AccessService) -> None:
    key = access.create_api_key("crm sync", ["customers:read"]).secret
    r = client.get("/api/probe/customers", headers=bearer(key))
    assert r.status_code == 200
    assert r.json() == {"kind": "api_key", "name": "crm sync", "role": None}
    assert client.get("/api/probe/customers", headers={"X-API-Key": key}).status_code == 200


def test_key_without_the_scope_is_403(client: TestClient, access: AccessService) -> None:
    key = access.create_api_key("events", ["events:write"]).secret
    r = client.get("/api/probe/customers", headers=bearer(key))
    assert r.status_code == 403 and "customers:read" in r.json()["detail"]
    read_only = access.create_api_key("reader", ["customers:read"]).secret
    assert client.post("/api/probe/customers", headers=bearer(read_only)).status_code == 403


def test_wildcard_keys(client: TestClient, access: AccessService) -> None:
    slice_key = access.create_api_key("slice", ["customers:*"]).secret
    assert client.post("/api/probe/customers", headers=bearer(slice_key)).status_code == 200
    assert client.get("/api/probe/metrics", headers=bearer(slice_key)).status_code == 403
    reader = access.create_api_key("reader", ["*:read"]).secret
    assert client.get("/api/probe/metrics", headers=bearer(reader)).status_code == 200
    assert client.post("/api/probe/customers", headers=bearer(reader)).status_code == 403
    root = access.create_api_key("root", ["*"]).secret
    assert client.post("/api/probe/customers", headers=bearer(root)).status_code == 200


def test_revoked_key_is_refused(client: TestClient, access: AccessService) -> None:
    issued = access.create_api_key("old", ["customers:read"])
    assert client.get("/api/probe/customers", headers=bearer(issued.secret)).status_code == 200
    access.revoke_api_key(issued.key.id)
    r = client.get("/api/probe/customers", headers=bearer(issued.secret))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_logged_in_user_gets_what_the_role_grants(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    assert log_in(users["agent"]).status_code == 303
    r = client.get("/api/probe/customers")
    assert r.status_code == 200 and r.json() == {
        "kind": "user",
        "name": "Agent User",
        "role": "agent",
    }
    assert client.get("/api/probe/metrics").status_code == 403


def test_session_writes_need_the_csrf_header(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["admin"])
    refused = client.post("/api/probe/customers")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = csrf_from(client.get("/data").text)
    assert client.post("/api/probe/customers", headers={"X-CSRF-Token": token}).status_code == 200
    wrong = client.post("/api/probe/customers", headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403


def test_analyst_reads_but_does_not_write_customers(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["analyst"])
    assert client.get("/api/probe/customers").status_code == 200
    assert client.get("/api/probe/metrics").status_code == 200
    token = csrf_from(client.get("/data").text)
    r = client.post("/api/probe/customers", headers={"X-CSRF-Token": token})
    assert r.status_code == 403


def test_openapi_documents_the_key_schemes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/probe/customers" in spec["paths"]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert schemes["APIKeyHeader"]["name"] == "X-API-Key"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "/login" not in spec["paths"]
