"""Who may open each helpdesk page: the scopes the pages depend on, and the signed-in member of
staff's email (what a case's history and assignment name)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from opencx.web import Principal, require_csrf, require_page_scope
from opencx.web.auth import access_service

Reader = Annotated[Principal, Depends(require_page_scope("helpdesk:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("helpdesk:write"))]
Admin = Annotated[Principal, Depends(require_page_scope("helpdesk:admin"))]
CSRF = [Depends(require_csrf)]


def staff_email(request: Request, user: Principal) -> str:
    """The email of the user behind ``user`` (their name when the user is gone)."""
    found = access_service(request).get_user(user.id)
    return found.email if found is not None else user.name
