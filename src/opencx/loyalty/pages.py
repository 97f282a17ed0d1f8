"""Loyalty pages: program overview, reward catalog, a member, effectiveness, the member's own
page (reached by a signed link, no login), and the panel the 360 profile shows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from opencx.core.services import service_of
from opencx.loyalty.deps import LoyaltyServiceDep as Service
from opencx.loyalty.service import LoyaltyService
from opencx.web import Principal, plotly_figure, render, require_page_scope
from opencx.web.auth import current_user
from opencx.web.render import environment

router = APIRouter(tags=["pages"], include_in_schema=False)
public = APIRouter(tags=["pages"], include_in_schema=False)

Reader = Annotated[Principal, Depends(require_page_scope("loyalty:read"))]


def _secret(request: Request) -> str:
    return str(request.app.state.services.settings.secret_key)


def _tier_chart(tiers: dict[str, int]) -> Any:
    return {
        "data": [
            {
                "type": "bar",
                "x": list(tiers),
                "y": list(tiers.values()),
                "marker": {"color": "#5b7fbf"},
            }
        ],
        "layout": {"margin": {"t": 10, "b": 40, "l": 50, "r": 10}, "yaxis": {"title": "members"}},
    }


@router.get("/loyalty", response_class=HTMLResponse)
def overview(request: Request, service: Service, user: Reader) -> HTMLResponse:
    o = service.overview()
    return render(
        request,
        "loyalty/overview.html",
        o=o,
        chart=plotly_figure(_tier_chart(o.tiers), div_id="tiers", height=260),
        causes=service.cause_statements(),
        partners=service.partner_statements(),
        program=service.program(),
    )


@router.get("/loyalty/rewards", response_class=HTMLResponse)
def rewards(request: Request, service: Service, user: Reader) -> HTMLResponse:
    return render(request, "loyalty/rewards.html", rewards=service.rewards())


@router.get("/loyalty/effectiveness", response_class=HTMLResponse)
def effectiveness(
    request: Request, service: Service, user: Reader, days: int = 180, margin: float = 0.3
) -> HTMLResponse:
    days, margin = min(max(days, 30), 730), min(max(margin, 0.01), 1.0)
    report = service.effectiveness(days, margin)
    return render(
        request,
        "loyalty/effectiveness.html",
        r=report,
        margin=margin,
        currency=service.program().currency,
    )


@router.get("/loyalty/members/{member_id}", response_class=HTMLResponse)
def member(request: Request, member_id: str, service: Service, user: Reader) -> HTMLResponse:
    view = service.member_view(member_id, 200)
    link = None
    if user.allows("loyalty:admin"):
        link = f"/loyalty/me/{service.member_link(member_id, _secret(request))}"
    return render(request, "loyalty/member.html", v=view, link=link, staff=True)


@public.get("/loyalty/me/{token}", response_class=HTMLResponse)
def my_loyalty(request: Request, token: str, service: Service) -> HTMLResponse:
    """The member's own page: balance, statement, rewards; the signed link is the key."""
    view = service.view_by_link(token, _secret(request))
    return render(
        request,
        "loyalty/member.html",
        v=view,
        link=None,
        staff=False,
        headers={"Referrer-Policy": "no-referrer"},
    )


def profile_panel(request: Request, customer_id: str) -> Markup | None:
    """The loyalty card of the 360 profile (None: not a member, or no ``loyalty:read``)."""
    user = current_user(request)
    if user is None or not user.allows("loyalty:read"):
        return None
    service = service_of(request.app.state.services, "loyalty", LoyaltyService)
    view = service.member_view_of_customer(customer_id)
    if view is None:
        return None
    html = environment().get_template("loyalty/panel.html").render(v=view)
    return Markup(html)  # the template escapes every value
