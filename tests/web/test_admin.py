"""Administration pages: users and roles, API keys; for admins only."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response

from opencx.access.service import AccessService


def test_an_admin_adds_a_user_changes_the_role_and_disables_the_account(
    client: TestClient,
    access: AccessService,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["admin"])
    page = client.get("/admin/users").text
    assert 'id="add-user"' in page and users["analyst"] in page
    token = csrf_from(page)
    added = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "name": "New <b>Person</b>",
            "role": "agent",
            "password": "first-pass-1",
        },
    )
    assert added.status_code == 200 and "User added" in added.text
    assert "New &lt;b&gt;Person&lt;/b&gt;" in added.text
    new = access.user_by_email("new@example.org")
    assert new.role == "agent"
    r = client.post(f"/admin/users/{new.id}/role", data={"csrf_token": token, "role": "analyst"})
    assert "Role changed" in r.text and access.user_by_email("new@example.org").role == "analyst"
    bad = client.post(f"/admin/users/{new.id}/role", data={"csrf_token": token, "role": "boss"})
    assert bad.status_code == 422 and "expected one of admin, analyst, agent" in bad.text
    client.post(f"/admin/users/{new.id}/disable", data={"csrf_token": token})
    assert not access.user_by_email("new@example.org").active
    client.post(f"/admin/users/{new.id}/enable", data={"csrf_token": token})
    assert access.user_by_email("new@example.org").active
    me = access.user_by_email(users["admin"])
    own = client.post(f"/admin/users/{me.id}/disable", data={"csrf_token": token})
    assert own.status_code == 409 and access.user_by_email(users["admin"]).active
    assert f'action="/admin/users/{me.id}/disable"' not in client.get("/admin/users").text


def test_an_admin_creates_a_key_seen_once_and_revokes_it(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["admin"])
    token = csrf_from(client.get("/admin/api-keys").text)
    made = client.post(
        "/admin/api-keys",
        data={"csrf_token": token, "name": "crm-sync", "scopes": "customers:read, events:write"},
    )
    assert made.status_code == 201
    secret = re.search(r'<code id="secret">([^<]+)</code>', made.text)
    assert secret
    api = client.get("/api/customers", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert api.status_code == 200
    listed = client.get("/admin/api-keys").text
    assert "crm-sync" in listed and secret.group(1) not in listed
    key_id = re.search(r'data-key="([^"]+)"', listed)
    assert key_id
    client.post(f"/admin/api-keys/{key_id.group(1)}/revoke", data={"csrf_token": token})
    again = client.get("/api/customers", headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert again.status_code == 401
    bad = client.post(
        "/admin/api-keys", data={"csrf_token": token, "name": "x", "scopes": "NOT A SCOPE"}
    )
    assert bad.status_code == 422


def test_only_admins_see_and_open_the_admin_pages(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["analyst"])
    assert 'href="/admin/users"' not in client.get("/data").text
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/api-keys").status_code == 403
