"""``opencx helpdesk ...``: list and show cases, check SLAs, and run the inbound mailbox.

The mailbox is a small SMTP server (aiosmtpd): point a mail relay or forwarding rule at it and
every message becomes a case, or a reply on the case its subject tag or thread names.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from opencx.core import OpenCXError
from opencx.core.services import service_of
from opencx.helpdesk.service import HelpdeskService
from opencx.helpdesk.service.example import setup_example
from opencx.helpdesk.service.reports import check_ticket_file

app = typer.Typer(help="Helpdesk: cases, SLA checks and the inbound mailbox.", no_args_is_help=True)


def _service(ctx: typer.Context) -> HelpdeskService:
    return service_of(ctx.obj, "helpdesk", HelpdeskService)


class MailboxHandler:
    """aiosmtpd handler: each accepted message is handed to the helpdesk in its own transaction."""

    def __init__(self, service: HelpdeskService, max_bytes: int = 25 * 1024 * 1024) -> None:
        self.service = service
        self.max_bytes = max_bytes

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from starlette.concurrency import run_in_threadpool

        raw = envelope.original_content or envelope.content
        if len(raw) > self.max_bytes:
            return "552 message exceeds the mailbox size limit"
        try:
            await run_in_threadpool(self.service.receive_email, raw)
        except OpenCXError as exc:
            return f"550 {str(exc)[:200]}"
        return "250 OK"


def mailbox_controller(service: HelpdeskService, host: str, port: int) -> Any:
    """A started-able aiosmtpd ``Controller`` delivering into ``service`` (used by tests too)."""
    from aiosmtpd.controller import Controller

    return Controller(MailboxHandler(service), hostname=host, port=port)


@app.command()
def mailbox(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="SMTP port.")] = 2525,
) -> None:
    """Receive email over SMTP into cases until interrupted."""
    controller = mailbox_controller(_service(ctx), host, port)
    controller.start()
    typer.echo(f"helpdesk mailbox on smtp://{host}:{port}/ (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@app.command("check-slas")
def check_slas(ctx: typer.Context) -> None:
    """Send due SLA warnings and breach escalations (what the scheduled job runs)."""
    alerts = _service(ctx).check_slas()
    for a in alerts:
        typer.echo(
            f"{a.kind}\t{a.case_id}\t{a.target}\tdue {a.due_at.isoformat()}\tto {a.to or '-'}"
        )
    typer.echo(f"{len(alerts)} alert(s) sent")


@app.command("cases")
def list_cases(
    ctx: typer.Context,
    queue: Annotated[str | None, typer.Option(help="Only this queue.")] = None,
    status: Annotated[str | None, typer.Option(help="Comma-separated statuses.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 50,
) -> None:
    """List cases, newest first."""
    statuses = tuple(status.split(",")) if status else ()
    table = Table("id", "opened", "status", "queue", "priority", "assignee", "subject")
    for c in _service(ctx).cases(queue=queue, statuses=statuses, limit=limit):
        table.add_row(
            c.id,
            c.opened_at.strftime("%Y-%m-%d %H:%M"),
            c.status,
            c.queue or "",
            c.priority,
            c.assignee or "",
            c.subject or "",
        )
    Console(highlight=False).print(table)


@app.command("show")
def show(ctx: typer.Context, case_id: str) -> None:
    """One case with its timeline and SLA timers."""
    try:
        view = _service(ctx).case(case_id)
    except OpenCXError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    c = view.case
    typer.echo(f"{c.id}  {c.status}  {c.queue or '-'}  {c.priority}  {c.subject or ''}")
    for e in view.events:
        typer.echo(
            f"  {e.at:%Y-%m-%d %H:%M}  {e.kind:<12} {e.actor or '':<24} {(e.body or '')[:80]}"
        )
    for t in view.sla.timers if view.sla else ():
        typer.echo(f"  SLA {t.target}: {t.state} ({t.business} of {t.goal} business time)")


@app.command("check-times")
def check_times(
    path: Annotated[
        Path, typer.Argument(help="A ticket export (customer_support_tickets.csv layout).")
    ],
    show: Annotated[int, typer.Option(min=0, help="List at most this many problem rows.")] = 10,
) -> None:
    """Measure first response → resolution in an exported ticket file; report impossible rows."""
    try:
        found = check_ticket_file(path)
    except (OpenCXError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    d = found.response_to_resolution
    typer.echo(f"{found.rows} rows; {d.n} with both times measured")
    typer.echo(
        f"first response -> resolution: median {_hours(d.median)}, mean {_hours(d.mean)}, "
        f"p90 {_hours(d.p90)}"
    )
    typer.echo("buckets: " + ", ".join(f"{label} {n}" for label, n in d.buckets))
    typer.echo(f"impossible rows (not averaged): {len(d.impossible)}")
    typer.echo(f"problems in all: {len(found.problems)}")
    for ticket, problem in found.problems[:show]:
        typer.echo(f"  ticket {ticket}: {problem}")


def _hours(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 3600:.2f} h"


@app.command("setup-example")
def setup_example_desk(
    ctx: typer.Context,
    agent: Annotated[list[str], typer.Option(help="An agent's email (repeat).")],
) -> None:
    """Write an example desk: office hours, SLA policies, queues, routing, canned responses."""
    _service(ctx).configure(lambda conn: setup_example(conn, agent))
    typer.echo(f"example desk ready with {len(agent)} agent(s)")
