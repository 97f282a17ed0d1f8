"""``opencx jobs``: list the declared jobs with their last and next run, run one now, history.

The services (``ctx.obj``) carry ``jobs``, the list the composition root collected from every
slice; the worker (``opencx worker``) is what executes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console

from opencx.core.errors import NotFound
from opencx.jobs.service import Scheduler
from opencx.terminal import Listing

app = typer.Typer(help="Periodic jobs: last and next runs, run one now.", no_args_is_help=True)


def scheduler(services: Any) -> Scheduler:
    return Scheduler(services.engine, services.clock, services.jobs)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


@app.command("list")
def list_jobs(ctx: typer.Context) -> None:
    """Every declared job: schedule, last run (status, start, duration, result), next run."""
    states = scheduler(ctx.obj).states()
    rows = []
    for s in states:
        took = f"{s.last_duration_ms / 1000:.1f} s" if s.last_duration_ms is not None else "—"
        result = s.last_error if s.last_status in ("failed", "dead") else s.last_result
        rows.append(
            {
                "job": s.name,
                "schedule": s.schedule,
                "last run": _when(s.last_started_at),
                "status": s.last_status or "never",
                "took": took,
                "result": (result or "")[:60],
                "next run": _when(s.next_run_at),
            }
        )
    listing = Listing(
        ("job", "schedule", "last run", "status", "took", "result", "next run"),
        rows,
        optional=("took", "last run", "schedule"),
        wrapping=("result",),
        title="Jobs (times in UTC)",
    )
    console = Console()
    console.print(listing.table(console.width))
    if not states:
        typer.echo("no jobs declared")


@app.command("run")
def run_now(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The job, as 'opencx jobs list' names it.")],
    here: Annotated[
        bool, typer.Option("--here", help="Run it in this process now instead of the worker.")
    ] = False,
) -> None:
    """Queue a run of NAME for the worker now (or run it here with --here)."""
    sched = scheduler(ctx.obj)
    try:
        run_id = sched.request_run(name)
    except NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if not here:
        typer.echo(f"queued run {run_id} of {name}; a worker picks it up within seconds")
        return
    claimed = sched.claim(ctx.obj.clock.now())
    while claimed is not None and claimed.id != run_id:  # older due runs go first
        sched.execute(claimed)
        claimed = sched.claim(ctx.obj.clock.now())
    if claimed is None:
        typer.echo(f"run {run_id} was taken by a worker; see 'opencx jobs history {name}'")
        return
    outcome = sched.execute(claimed)
    said = outcome.error or outcome.result
    typer.echo(
        f"{name}: {outcome.status.value} in {outcome.duration_ms} ms"
        + (f": {said}" if said else "")
    )
    if outcome.error:
        raise typer.Exit(code=1)


@app.command("history")
def history(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The job.")],
    limit: Annotated[int, typer.Option(min=1, max=500, help="Runs to show.")] = 20,
) -> None:
    """The last runs of NAME, newest first, with attempts, worker and error."""
    try:
        runs = scheduler(ctx.obj).history(name, limit)
    except NotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    rows = [
        {
            "for": _when(r["scheduled_for"]),
            "trigger": r["trigger"],
            "status": r["status"],
            "attempts": str(r["attempts"]),
            "started": _when(r["started_at"]),
            "took": f"{r['duration_ms'] / 1000:.1f} s" if r["duration_ms"] is not None else "—",
            "result / error": (r["error"] or r["result"] or "")[:70],
        }
        for r in runs
    ]
    listing = Listing(
        ("for", "trigger", "status", "attempts", "started", "took", "result / error"),
        rows,
        optional=("attempts", "started", "trigger"),
        wrapping=("result / error",),
        title=f"Runs of {name} (UTC)",
    )
    console = Console()
    console.print(listing.table(console.width))
