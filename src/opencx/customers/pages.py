"""Customer pages: the searchable list and the 360 page (profile facts, scores, timeline)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from opencx.customers.service import CustomerService
from opencx.web import Principal, render, require_page_user

router = APIRouter(tags=["pages"], include_in_schema=False)

User = Annotated[Principal, Depends(require_page_user)]


def customer_service(request: Request) -> CustomerService:
    service: CustomerService = request.app.state.services.customers
    return service


Service = Annotated[CustomerService, Depends(customer_service)]

ICONS = {
    "order": "🛒",
    "case": "🎫",
    "case_event": "💬",
    "response": "⭐",
    "web": "🌐",
    "app": "📱",
    "store": "🏬",
    "email": "✉️",
    "phone": "📞",
    "chat": "💬",
    "social": "👥",
    "sms": "📨",
    "marketplace": "🏪",
}
"""One icon per timeline kind; interactions take their channel's icon."""


def icon_for(kind: str, channel: str | None) -> str:
    if kind == "interaction":
        return ICONS.get(channel or "", "•")
    return ICONS.get(kind, "•")


@router.get("/customers", response_class=HTMLResponse)
def customer_list(
    request: Request,
    service: Service,
    user: User,
    q: str = "",
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
) -> HTMLResponse:
    page = service.search(q, limit=limit, after=after)
    return render(request, "customers/list.html", q=q, page=page, limit=limit)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    request: Request,
    customer_id: str,
    service: Service,
    user: User,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> HTMLResponse:
    found = service.show(customer_id)
    survivor = found.profile.customer.id
    timeline = service.timeline(survivor, limit=limit, before=before)
    return render(
        request,
        "customers/profile.html",
        found=found,
        p=found.profile,
        c=found.profile.customer,
        timeline=timeline,
        icon_for=icon_for,
        limit=limit,
    )
