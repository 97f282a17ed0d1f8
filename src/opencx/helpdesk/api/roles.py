"""Who may call the helpdesk API: ``helpdesk:read`` to read cases, ``helpdesk:write`` to open
and work them (agents hold both), ``helpdesk:admin`` for what changes the desk for everyone or
grants value (scorecards, incidents, catalog items, approvals). The acting agent is the logged-in
user's email, or ``api:<key name>`` for a key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from opencx.access.domain import grants_scope
from opencx.web import Principal, require_scope
from opencx.web.auth import access_service

Reader = Annotated[Principal, Depends(require_scope("helpdesk:read"))]
Writer = Annotated[Principal, Depends(require_scope("helpdesk:write"))]
Admin = Annotated[Principal, Depends(require_scope("helpdesk:admin"))]


def actor_of(request: Request, principal: Principal) -> str:
    if principal.kind == "user":
        user = access_service(request).get_user(principal.id)
        if user is not None:
            return user.email
    return f"api:{principal.name}"


def vouching_key(request: Request) -> str | None:
    """The name of the API key sent with the request, which must hold ``helpdesk:write``
    (None: no key sent, an anonymous visitor)."""
    auth = request.headers.get("authorization", "")
    token = auth[7:] if auth[:7].lower() == "bearer " else request.headers.get("x-api-key", "")
    if not token.strip():
        return None
    key = access_service(request).active_key(token.strip())
    if key is None:
        raise HTTPException(401, "API key unknown or revoked", {"WWW-Authenticate": "Bearer"})
    if not grants_scope(frozenset(key.scopes), "helpdesk:write"):
        raise HTTPException(403, "scope 'helpdesk:write' required to run a request unconfirmed")
    return key.name
