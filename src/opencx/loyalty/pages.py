"""Loyalty pages: program overview, reward catalog, a member, effectiveness, the member's own
page (reached by a signed link, no login), and the panel the 360 profile shows.

Staff act on a member from the member's page: redeem a reward and donate to a cause
(``loyalty:write``), adjust points up or down with a reason (``loyalty:admin``); the 360
profile's card enrolls a customer who is no member (``loyalty:write``). Each form offers only
what the ledger accepts at that moment (rewards in stock within the member's reach, points
between 1 and what the member may spend) and carries a fresh idempotency key, so a form sent
twice writes once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from opencx.core import InvalidInput, new_id
from opencx.core.services import service_of
from opencx.loyalty.deps import LoyaltyServiceDep as Service
from opencx.loyalty.domain import POINTS_LIMIT, stock_left
from opencx.loyalty.service import LoyaltyService, MemberView
from opencx.web import Principal, plotly_figure, render, require_csrf, require_page_scope
from opencx.web.auth import csrf_token_for, current_user
from opencx.web.idempotency import scoped_key
from opencx.web.render import environment
from opencx.web.session import CSRF_FIELD

router = APIRouter(tags=["pages"], include_in_schema=False)
public = APIRouter(tags=["pages"], include_in_schema=False)

Reader = Annotated[Principal, Depends(require_page_scope("loyalty:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("loyalty:write"))]
Admin = Annotated[Principal, Depends(require_page_scope("loyalty:admin"))]
CSRF = [Depends(require_csrf)]
DONE = {
    "enrolled": "Enrolled: the customer is a member from now on.",
    "redeemed": "Reward redeemed: its points are in the statement below.",
    "adjusted": "Adjustment written to the ledger with its reason.",
    "donated": "Donation written: the cause's statement counts it.",
}


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
        members=service.recent_members(20),
        can_configure=user.allows("loyalty:admin"),
    )


@router.get("/loyalty/rewards", response_class=HTMLResponse)
def rewards(request: Request, service: Service, user: Reader) -> HTMLResponse:
    """The catalog: each reward with the units redeemed and the units left (``stock_left``)."""
    rows = [(r, n, stock_left(r, n)) for r, n in service.rewards()]
    return render(request, "loyalty/rewards.html", rewards=rows)


@router.get("/loyalty/effectiveness", response_class=HTMLResponse)
def effectiveness(
    request: Request,
    service: Service,
    user: Reader,
    days: Annotated[int, Query(ge=30, le=730)] = 180,
    margin: Annotated[float, Query(gt=0, le=1)] = 0.3,
) -> HTMLResponse:
    """The program's effect, over the days and margin ``GET /api/loyalty/effectiveness``
    takes: another value is the error page naming the parameter (422), not another window."""
    report = service.effectiveness(days, margin)
    return render(
        request,
        "loyalty/effectiveness.html",
        r=report,
        margin=margin,
        currency=service.program().currency,
    )


@router.get("/loyalty/members/{member_id}", response_class=HTMLResponse)
def member(
    request: Request, member_id: str, service: Service, user: Reader, done: str | None = None
) -> HTMLResponse:
    view = service.member_view(member_id, 200)
    link = None
    if user.allows("loyalty:admin"):
        link = f"/loyalty/me/{service.member_link(member_id, _secret(request))}"
    return render(
        request,
        "loyalty/member.html",
        v=view,
        link=link,
        staff=True,
        done=DONE.get(done or ""),
        act=_controls(service, view, user),
    )


def _controls(service: LoyaltyService, v: MemberView, user: Principal) -> dict[str, Any] | None:
    """What the member page offers ``user`` for this member, each choice one the ledger takes:
    rewards active, in stock and within the points the member may spend under the program's
    floor (``room``; with no floor, what keeps the balance within the ledger's bound); active
    causes and at most the spendable points (a donation never goes below zero); and at most
    the points an adjustment may add (``addable``: one entry's and the balance's bound,
    :data:`~opencx.loyalty.domain.POINTS_LIMIT`). The forms' bounds guide the browser; the
    ledger checks them again."""
    if v.status != "active" or not user.allows("loyalty:write"):
        return None
    floor = service.program().floor
    most = POINTS_LIMIT - 1  # what one entry may move, and a balance may reach either way
    room = min(most, most + v.balance)
    if floor is not None:
        room = min(room, v.spendable - floor)
    rewards = [
        r for r, taken in v.rewards if r.active and stock_left(r, taken) != 0 and r.points <= room
    ]
    return {
        "key": new_id(),
        "rewards": rewards,
        "room": room,
        "causes": [c for c in service.causes() if c.active],
        "donatable": max(v.spendable, 0),
        "addable": max(min(most - v.balance, most), 0),
        "admin": user.allows("loyalty:admin"),
    }


def _key(user: Principal, key: str) -> str:
    return scoped_key(user, f"page:{key}")


def _back(member_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/loyalty/members/{member_id}?done={done}", status_code=303)


@router.post("/loyalty/members/{member_id}/redeem", dependencies=CSRF)
def redeem(
    member_id: str,
    service: Service,
    user: Writer,
    reward_id: Annotated[str, Form()],
    key: Annotated[str, Form()],
) -> RedirectResponse:
    service.redeem(member_id, reward_id, _key(user, key))
    return _back(member_id, "redeemed")


@router.post("/loyalty/members/{member_id}/adjust", dependencies=CSRF)
def adjust(
    member_id: str,
    service: Service,
    user: Admin,
    direction: Annotated[str, Form()],
    points: Annotated[int, Form()],
    reason: Annotated[str, Form()],
    key: Annotated[str, Form()],
) -> RedirectResponse:
    if direction not in ("add", "remove") or points <= 0:
        raise InvalidInput("adjustment: direction add or remove, and points of at least 1")
    signed = points if direction == "add" else -points
    service.adjust(member_id, signed, reason, _key(user, key), user.name)
    return _back(member_id, "adjusted")


@router.post("/loyalty/members/{member_id}/donate", dependencies=CSRF)
def donate(
    member_id: str,
    service: Service,
    user: Writer,
    cause_id: Annotated[str, Form()],
    points: Annotated[int, Form()],
    key: Annotated[str, Form()],
) -> RedirectResponse:
    service.donate(member_id, cause_id, points, _key(user, key))
    return _back(member_id, "donated")


@router.post("/loyalty/enroll", dependencies=CSRF)
def enroll(service: Service, user: Writer, customer_id: Annotated[str, Form()]) -> RedirectResponse:
    """Enroll a customer (enrolling twice is the one member): to the new member's page."""
    member_id = service.enroll(customer_id, source="page")
    return _back(member_id, "enrolled")


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
    """The loyalty card of the 360 profile (None: no ``loyalty:read``, or not a member and
    nothing to offer): a member's balance, or an enroll button for ``loyalty:write``."""
    user = current_user(request)
    if user is None or not user.allows("loyalty:read"):
        return None
    service = service_of(request.app.state.services, "loyalty", LoyaltyService)
    view = service.member_view_of_customer(customer_id)
    template = environment().get_template("loyalty/panel.html")
    if view is not None:
        return Markup(template.render(v=view))  # the template escapes every value
    if not user.allows("loyalty:write") or not service.can_enroll(customer_id):
        return None
    field = Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, csrf_token_for(request)
    )
    return Markup(
        template.render(
            v=None, customer_id=customer_id, program=service.program().name, csrf_field=field
        )
    )
