"""Administration pages (scope ``users:admin``): users and their roles, and API keys.

``/admin/users`` lists every user with their role and state; an admin adds a user (with a first
password), changes a role (audited; it applies from the user's next request), disables
or enables an account. An admin cannot change or disable their own account here, so a slip
cannot lock the last admin out. ``/admin/api-keys`` lists the keys; creating one shows its
secret once, revoking one refuses it from then on. The same as ``opencx users`` and
``opencx apikeys`` on the command line.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from opencx.access.domain import ROLE_GRANTS, ROLES, IssuedKey
from opencx.core import Conflict, NotFound
from opencx.web.auth import Principal, access_service, require_csrf, require_page_scope
from opencx.web.render import render

router = APIRouter(prefix="/admin", include_in_schema=False)
Admin = Annotated[Principal, Depends(require_page_scope("users:admin"))]
CSRF = [Depends(require_csrf)]

SCOPE_EXAMPLES = (
    "events:write",
    "customers:read",
    "customers:write",
    "metrics:read",
    "models:read",
    "feedback:read",
    "feedback:write",
    "helpdesk:read",
    "helpdesk:write",
    "loyalty:read",
    "journeys:read",
    "journeys:assign",
)
DONE = {
    "created": "User added: they can log in with the password you gave them.",
    "role": "Role changed: it applies from the user's next click.",
    "disabled": "Account disabled: its logins are refused and its sessions ended.",
    "enabled": "Account enabled: the user can log in again.",
    "revoked": "API key revoked: it is refused from now on.",
}


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, user: Admin, done: str | None = None) -> HTMLResponse:
    return render(
        request,
        "admin/users.html",
        users=access_service(request).list_users(),
        roles=ROLES,
        grants=ROLE_GRANTS,
        done=DONE.get(done or ""),
        me=user.id,
    )


@router.post("/users", dependencies=CSRF)
def add_user(
    request: Request,
    user: Admin,
    email: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> RedirectResponse:
    access_service(request).create_user(
        email.strip(), role=role, password=password, name=name.strip() or None
    )
    return RedirectResponse("/admin/users?done=created", status_code=303)


def _other(request: Request, admin: Principal, user_id: str) -> str:
    """The email of user ``user_id``, who must not be the admin at work."""
    found = access_service(request).get_user(user_id)
    if found is None:
        raise NotFound(f"user {user_id!r} does not exist")
    if found.id == admin.id:
        raise Conflict("you cannot change your own account here; ask another admin")
    return found.email


@router.post("/users/{user_id}/role", dependencies=CSRF)
def change_role(
    request: Request, user_id: str, user: Admin, role: Annotated[str, Form()]
) -> RedirectResponse:
    access_service(request).set_role(_other(request, user, user_id), role)
    return RedirectResponse("/admin/users?done=role", status_code=303)


@router.post("/users/{user_id}/disable", dependencies=CSRF)
def disable(request: Request, user_id: str, user: Admin) -> RedirectResponse:
    access_service(request).disable_user(_other(request, user, user_id))
    return RedirectResponse("/admin/users?done=disabled", status_code=303)


@router.post("/users/{user_id}/enable", dependencies=CSRF)
def enable(request: Request, user_id: str, user: Admin) -> RedirectResponse:
    access_service(request).enable_user(_other(request, user, user_id))
    return RedirectResponse("/admin/users?done=enabled", status_code=303)


@router.get("/api-keys", response_class=HTMLResponse)
def api_keys(request: Request, user: Admin, done: str | None = None) -> HTMLResponse:
    return _keys_page(request, done=DONE.get(done or ""))


@router.post("/api-keys", dependencies=CSRF, response_class=HTMLResponse)
def create_key(
    request: Request,
    user: Admin,
    name: Annotated[str, Form()],
    scopes: Annotated[str, Form()],
) -> HTMLResponse:
    """Create a key and show its secret, once (it is stored only as a digest)."""
    issued = access_service(request).create_api_key(name.strip(), scopes.replace(",", " ").split())
    return _keys_page(request, issued=issued, status_code=201)


@router.post("/api-keys/{key_id}/revoke", dependencies=CSRF)
def revoke_key(request: Request, key_id: str, user: Admin) -> RedirectResponse:
    access_service(request).revoke_api_key(key_id)
    return RedirectResponse("/admin/api-keys?done=revoked", status_code=303)


def _keys_page(
    request: Request,
    *,
    status_code: int = 200,
    issued: IssuedKey | None = None,
    done: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "admin/api_keys.html",
        status_code=status_code,
        keys=access_service(request).list_api_keys(),
        examples=SCOPE_EXAMPLES,
        issued=issued,
        done=done,
    )
