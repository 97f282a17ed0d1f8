"""``opencx audit list``: read and filter the audit log of privileged acts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from opencx.audit.domain import AuditFilter, AuditRecord
from opencx.audit.service import AuditService
from opencx.core import OpenCXError
from opencx.core.clock import ensure_utc
from opencx.core.services import service_of

app = typer.Typer(
    help="The audit log of privileged acts: who, when, what, from where.", no_args_is_help=True
)


@app.callback()
def audit() -> None:
    """The audit log of privileged acts: who, when, what, from where."""


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise typer.BadParameter(
            f"{value!r}: expected a date or time like 2026-12-06T04:30"
        ) from None


@app.command("list")
def list_records(
    ctx: typer.Context,
    action: Annotated[
        str | None, typer.Option(help="An action (customers.export) or a prefix (customers.).")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="user:<id>, api_key:<id>, cli:<login>.")] = None,
    customer: Annotated[
        str | None, typer.Option(help="Records about this customer id (by its pseudonym).")
    ] = None,
    request_id: Annotated[str | None, typer.Option("--request-id", help="One request.")] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC time (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this UTC time (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Audit records, newest first, filtered by action, actor, customer, request or time."""
    audit = service_of(ctx.obj, "audit", AuditService)
    subject = None
    if customer is not None:
        subject = audit.pseudonym_of(customer)
        if subject is None:
            typer.echo(
                f"no audit record can be linked to customer {customer!r}: none was made about "
                "them, or they were erased (their pseudonym can no longer be computed)",
                err=True,
            )
            return
    try:
        wanted = AuditFilter(
            action=action,
            actor=actor,
            subject=subject,
            request_id=request_id,
            since=_when(since),
            until=_when(until),
            limit=limit,
        )
    except OpenCXError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    for entry in audit.records(wanted):
        typer.echo(json.dumps(as_dict(entry), sort_keys=True) if as_json else line(entry))


def as_dict(entry: AuditRecord) -> dict[str, object]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "subjects": list(entry.subjects),
        "target": entry.target,
        "detail": dict(entry.detail),
        "ip": entry.ip,
        "request_id": entry.request_id,
    }


def line(entry: AuditRecord) -> str:
    detail = " ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
    subjects = ",".join(entry.subjects)
    return (
        f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.action:<24} {entry.actor:<36} "
        f"{entry.ip or '-':<15} {entry.request_id or '-':<32} {entry.target or ''} "
        f"{subjects} {detail}"
    ).rstrip()
