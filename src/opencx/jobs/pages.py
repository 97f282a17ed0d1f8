"""``/admin/jobs``: each job's last run, result, duration and next run; admins can run one now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from opencx.jobs.service import Scheduler
from opencx.web import Principal, render, require_csrf, require_page_scope

router = APIRouter(prefix="/admin/jobs", tags=["pages"], include_in_schema=False)
Reader = Annotated[Principal, Depends(require_page_scope("jobs:read"))]
Runner = Annotated[Principal, Depends(require_page_scope("jobs:run"))]


def scheduler(request: Request) -> Scheduler:
    services = request.app.state.services
    return Scheduler(services.engine, services.clock, services.jobs)


Sched = Annotated[Scheduler, Depends(scheduler)]


@router.get("", response_class=HTMLResponse)
def jobs_page(
    request: Request, user: Reader, sched: Sched, queued: str | None = None
) -> HTMLResponse:
    can_run = user.allows("jobs:run")
    return render(request, "jobs/list.html", jobs=sched.states(), can_run=can_run, queued=queued)


@router.post("/{name}/run", dependencies=[Depends(require_csrf)])
def run_now(name: str, user: Runner, sched: Sched) -> RedirectResponse:
    sched.request_run(name, by=f"{user.kind}:{user.id}")
    return RedirectResponse(f"/admin/jobs?queued={name}", status_code=303)
