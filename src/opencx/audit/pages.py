"""``/admin/audit``: the audit log for admins, filtered like ``opencx audit list``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from opencx.audit.deps import AuditServiceDep
from opencx.audit.domain import AuditFilter
from opencx.web import Principal, render, require_page_scope

router = APIRouter(prefix="/admin/audit", tags=["pages"], include_in_schema=False)
Auditor = Annotated[Principal, Depends(require_page_scope("audit:admin"))]


@router.get("", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: Auditor,
    audit: AuditServiceDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    customer: Annotated[str | None, Query(max_length=64)] = None,
    request_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: Annotated[str | None, Query(max_length=26)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> HTMLResponse:
    """Newest first; ``customer`` finds the records about one customer through its pseudonym."""
    subject = audit.pseudonym_of(customer) if customer else None
    unlinkable = bool(customer) and subject is None
    wanted = AuditFilter(
        action=action or None,
        actor=actor or None,
        subject=subject,
        request_id=request_id or None,
        since=since,
        until=until,
        before=before or None,
        limit=limit,
    )
    entries = [] if unlinkable else audit.records(wanted)
    return render(
        request,
        "audit/list.html",
        entries=entries,
        filters={
            "action": action or "",
            "actor": actor or "",
            "customer": customer or "",
            "request_id": request_id or "",
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
        },
        unlinkable=unlinkable,
        more=len(entries) == limit,
    )
