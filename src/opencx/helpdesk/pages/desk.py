"""Desk administration pages (``helpdesk:admin``): queues, routing rules, agents and their
working hours (calendars). Every form offers only what routing and assignment accept (the
strategies, configured queues, case channels, existing calendars, users who may work cases);
the service checks again and a refusal comes back on the form with its reason (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from opencx.access.domain import grants_scope, role_grants
from opencx.core import InvalidInput
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.calendar import DAYS, BusinessCalendar
from opencx.helpdesk.domain.cases import CHANNELS
from opencx.helpdesk.domain.routing import Strategy
from opencx.helpdesk.pages.roles import CSRF, Admin
from opencx.helpdesk.service import HelpdeskService
from opencx.web import render
from opencx.web.auth import access_service

router = APIRouter(tags=["pages"], include_in_schema=False)

STRATEGIES = tuple(s.value for s in Strategy)
ALWAYS = "24x7"
OFFICE_HOURS = dict.fromkeys(DAYS[:5], "09:00-17:00")


def desk_page(
    request: Request,
    service: HelpdeskService,
    template: str,
    *,
    error: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return render(
        request,
        f"helpdesk/{template}",
        status_code=status_code,
        desk=service.desk(),
        error=error,
        strategies=STRATEGIES,
        channels=CHANNELS,
        days=DAYS,
        always=ALWAYS,
        **context,
    )


def _saved(url: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?saved={quote(what)}", status_code=303)


def saved_or_refused(
    save: Callable[[], Any], url: str, what: str, refused: Callable[[str], HTMLResponse]
) -> Response:
    try:
        save()
    except InvalidInput as exc:
        return refused(str(exc))
    return _saved(url, what)


# --- queues ---------------------------------------------------------------------------------


@router.get("/helpdesk/admin/queues", response_class=HTMLResponse)
def queues_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """Every queue (team, assignment strategy, mailbox) with its agents; a form to add or
    change one."""
    desk = service.desk()
    chosen = next((q for q in desk.queues if q.name == edit), None)
    return desk_page(request, service, "admin_queues.html", edit=chosen, form=None)


@router.post("/helpdesk/admin/queues", response_class=HTMLResponse, dependencies=CSRF)
def save_queue(
    request: Request,
    service: Service,
    user: Admin,
    name: Annotated[str, Form(max_length=100)],
    team: Annotated[str, Form(max_length=100)],
    strategy: Annotated[str, Form()],
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    form = {"name": name, "team": team, "strategy": strategy, "email": email}

    def refused(reason: str) -> HTMLResponse:
        return desk_page(
            request,
            service,
            "admin_queues.html",
            error=reason,
            status_code=422,
            edit=None,
            form=form,
        )

    return saved_or_refused(
        lambda: service.save_queue(**form), "/helpdesk/admin/queues", name.strip(), refused
    )


# --- routing rules --------------------------------------------------------------------------


@router.get("/helpdesk/admin/routing", response_class=HTMLResponse)
def routing_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """The routing rules in the order they are tried (channel, category, language, customer
    value → queue and the skills an agent needs); a form to add or change one."""
    desk = service.desk()
    chosen = next(((p, r) for p, r in desk.rules if r.name == edit), None)
    return desk_page(request, service, "admin_routing.html", edit=chosen, form=None)


@router.post("/helpdesk/admin/routing", response_class=HTMLResponse, dependencies=CSRF)
async def save_rule(request: Request, service: Service, user: Admin) -> Response:
    form = await request.form()
    channels = [str(c) for c in form.getlist("channels")]
    given = {k: str(v) for k, v in form.items() if k != "channels"}
    return await run_in_threadpool(_save_rule, request, service, given, channels)


def parsed_number(text: str, what: str, cast: Callable[[str], Any]) -> Any:
    try:
        return cast(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text[:20]!r} is not a number") from None


def _save_rule(
    request: Request, service: HelpdeskService, form: dict[str, str], channels: list[str]
) -> Response:
    def refused(reason: str) -> HTMLResponse:
        return desk_page(
            request,
            service,
            "admin_routing.html",
            error=reason,
            status_code=422,
            edit=None,
            form={**form, "channels": channels},
        )

    def save() -> None:
        value = form.get("min_customer_value", "").strip()
        service.save_rule(
            name=form.get("name", ""),
            position=parsed_number(form.get("position", "0") or "0", "the position", int),
            queue=form.get("queue", ""),
            channels=channels,
            categories=form.get("categories", ""),
            languages=form.get("languages", ""),
            min_customer_value=parsed_number(value, "the minimum customer value", float)
            if value
            else None,
            skills=form.get("skills", ""),
        )

    return saved_or_refused(save, "/helpdesk/admin/routing", form.get("name", "").strip(), refused)


@router.post("/helpdesk/admin/routing/{name}/delete", dependencies=CSRF)
def delete_rule(name: str, service: Service, user: Admin) -> RedirectResponse:
    service.delete_rule(name)
    return RedirectResponse("/helpdesk/admin/routing", status_code=303)


# --- agents ---------------------------------------------------------------------------------


def _workers(request: Request) -> list[Any]:
    """Active users whose role may work cases: who can be made an agent."""
    return [
        u
        for u in access_service(request).list_users()
        if u.active and grants_scope(role_grants(u.role), "helpdesk:write")
    ]


@router.get("/helpdesk/admin/agents", response_class=HTMLResponse)
def agents_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """Every agent: queues, skills, capacity and open cases, working hours, active; a form to
    make a user an agent or change one."""
    desk = service.desk()
    chosen = next((a for a in desk.agents if a.email == edit), None)
    return desk_page(
        request, service, "admin_agents.html", edit=chosen, form=None, users=_workers(request)
    )


@router.post("/helpdesk/admin/agents", response_class=HTMLResponse, dependencies=CSRF)
async def save_agent(request: Request, service: Service, user: Admin) -> Response:
    form = await request.form()
    queues = [str(q) for q in form.getlist("queues")]
    given = {k: str(v) for k, v in form.items() if k != "queues"}
    return await run_in_threadpool(_save_agent, request, service, given, queues)


def _save_agent(
    request: Request, service: HelpdeskService, form: dict[str, str], queues: list[str]
) -> Response:
    email = form.get("email", "").strip().lower()
    users = {u.email.lower(): u for u in _workers(request)}

    def refused(reason: str) -> HTMLResponse:
        return desk_page(
            request,
            service,
            "admin_agents.html",
            error=reason,
            status_code=422,
            edit=None,
            form={**form, "queues": queues},
            users=list(users.values()),
        )

    def save() -> None:
        known = {a.email for a in service.desk().agents}
        if email not in users and email not in known:
            raise InvalidInput(f"agent: {email!r} is no active user whose role may work cases")
        found = users.get(email)
        service.save_agent(
            email=email,
            name=form.get("name", "") or (found.name if found and found.name else ""),
            queues=queues,
            skills=form.get("skills", ""),
            capacity=parsed_number(form.get("capacity", "") or "0", "the capacity", int),
            calendar=form.get("calendar") or None,
            active=form.get("active") == "on",
            user_id=found.id if found else None,
        )

    return saved_or_refused(save, "/helpdesk/admin/agents", email, refused)


# --- working hours (calendars) --------------------------------------------------------------


@router.get("/helpdesk/admin/calendars", response_class=HTMLResponse)
def calendars_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """Business-hours calendars (agents' working hours, SLA clocks): opening hours per weekday
    in a time zone, and holidays."""
    desk = service.desk()
    chosen = desk.calendars.get(edit) if edit != ALWAYS else None
    return _calendars(request, service, edit=chosen, form=None)


def _calendars(request: Request, service: HelpdeskService, **context: Any) -> HTMLResponse:
    specs = {name: _spec(cal) for name, cal in service.desk().calendars.items()}
    zones = sorted(available_timezones())
    return desk_page(
        request,
        service,
        "admin_calendars.html",
        specs=specs,
        zones=zones,
        office=OFFICE_HOURS,
        **context,
    )


def _spec(calendar: BusinessCalendar) -> dict[str, str]:
    """A calendar's opening hours as typed: ``{"mon": "09:00-12:00,13:00-17:00", ...}``."""

    def hhmm(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return {
        day: ",".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in windows)
        for day, windows in zip(DAYS, calendar.week, strict=True)
        if windows
    }


@router.post("/helpdesk/admin/calendars", response_class=HTMLResponse, dependencies=CSRF)
def save_calendar(
    request: Request,
    service: Service,
    user: Admin,
    name: Annotated[str, Form(max_length=100)],
    tz: Annotated[str, Form(max_length=64)],
    mon: Annotated[str, Form(max_length=200)] = "",
    tue: Annotated[str, Form(max_length=200)] = "",
    wed: Annotated[str, Form(max_length=200)] = "",
    thu: Annotated[str, Form(max_length=200)] = "",
    fri: Annotated[str, Form(max_length=200)] = "",
    sat: Annotated[str, Form(max_length=200)] = "",
    sun: Annotated[str, Form(max_length=200)] = "",
    holidays: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    hours = dict(zip(DAYS, (mon, tue, wed, thu, fri, sat, sun), strict=True))
    form = {"name": name, "tz": tz, "holidays": holidays, **hours}

    def refused(reason: str) -> HTMLResponse:
        return _calendars(request, service, error=reason, status_code=422, edit=None, form=form)

    return saved_or_refused(
        lambda: service.save_calendar(name=name, tz=tz, hours=hours, holidays=holidays),
        "/helpdesk/admin/calendars",
        name.strip(),
        refused,
    )
