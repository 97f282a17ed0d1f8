"""Customer pages: the searchable list and the 360 page (profile facts, scores, timeline)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from opencx.customers.deps import CustomerServiceDep
from opencx.customers.domain import KIND_LABELS
from opencx.customers.domain.search import FILTER_FIELDS, ListFilter
from opencx.web import Principal, render, require_page_scope

router = APIRouter(tags=["pages"], include_in_schema=False)

User = Annotated[Principal, Depends(require_page_scope("customers:read"))]
Exporter = Annotated[Principal, Depends(require_page_scope("customers:export"))]
EXPORT_SCOPE = "customers:export"
"""Downloading the customer list (names, emails, phones in bulk): admins and analysts."""

FILTER_LABELS = {
    "rfm_segment": "RFM segment",
    "persona": "Persona",
    "loyal_type": "Loyal-customer type",
    "churn_band": "Churn risk",
    "country": "Country",
    "language": "Language",
}


def list_filter(
    rfm_segment: str = "",
    persona: str = "",
    loyal_type: str = "",
    churn_band: str = "",
    country: str = "",
    language: str = "",
) -> ListFilter:
    """The list's filter from the query string (a field left empty means any)."""
    return ListFilter(rfm_segment, persona, loyal_type, churn_band, country, language)


Chosen = Annotated[ListFilter, Depends(list_filter)]


ICONS = {
    "order": "cart",
    "case": "ticket",
    "case_event": "message",
    "response": "star",
    "web": "globe",
    "app": "mobile",
    "store": "store",
    "email": "mail",
    "phone": "phone",
    "chat": "message",
    "social": "users",
    "sms": "send",
    "marketplace": "store",
}
"""One icon (opencx.web.layout.ICON_SHAPES) per timeline kind; interactions take their
channel's icon."""


def icon_for(kind: str, channel: str | None) -> str:
    if kind == "interaction":
        return ICONS.get(channel or "", "dot")
    return ICONS.get(kind, "dot")


@router.get("/customers", response_class=HTMLResponse)
def customer_list(
    request: Request,
    service: CustomerServiceDep,
    user: User,
    chosen: Chosen,
    q: str = "",
    after: str | None = None,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
) -> HTMLResponse:
    page = service.search(q, limit=limit, after=after, before=before, chosen=chosen)
    query = [("q", q), *chosen.pairs()] if q else chosen.pairs()
    return render(
        request,
        "customers/list.html",
        q=q,
        page=page,
        limit=limit,
        chosen=chosen,
        choices=service.list_choices(),
        fields=FILTER_FIELDS,
        filter_labels=FILTER_LABELS,
        paging=urlencode([*query, ("limit", limit)]),
        download=urlencode(query) if user.allows(EXPORT_SCOPE) else None,
    )


@router.get("/customers.csv")
def customer_list_csv(
    service: CustomerServiceDep, user: Exporter, chosen: Chosen, q: str = ""
) -> Response:
    """The list as the page filters it, every match (names, emails, phones: audited)."""
    return Response(
        service.list_csv(q, chosen),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="customers.csv"'},
    )


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    request: Request,
    customer_id: str,
    service: CustomerServiceDep,
    user: User,
    before: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    kind: Annotated[list[str] | None, Query()] = None,
) -> HTMLResponse:
    found = service.show(customer_id)
    survivor = found.profile.customer.id
    timeline = service.timeline(survivor, limit=limit, before=before, kinds=kind)
    kinds = [k for k in KIND_LABELS if k in (kind or ())]
    # cards other slices add (loyalty, ...), plugged in by the composition root
    providers = getattr(request.app.state, "profile_panels", ())
    panels = [panel for make in providers if (panel := make(request, survivor)) is not None]
    return render(
        request,
        "customers/profile.html",
        found=found,
        p=found.profile,
        c=found.profile.customer,
        timeline=timeline,
        icon_for=icon_for,
        limit=limit,
        panels=panels,
        kind_labels=KIND_LABELS,
        kinds=kinds,
        paging=urlencode([("limit", limit), *(("kind", k) for k in kinds)]),
    )
