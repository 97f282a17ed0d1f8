"""``opencx customers ...``: look a person up, search, export, erase, merge and unmerge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from opencx.core import OpenCXError
from opencx.core.services import service_of

if TYPE_CHECKING:  # imported when a command runs: `opencx customers --help` stays fast
    from opencx.customers.domain import Profile, TimelinePage
    from opencx.customers.service import CustomerService, Found

app = typer.Typer(
    help="Customers: the 360 profile, search, merges, GDPR export and erasure.",
    no_args_is_help=True,
)


def customer_service(ctx: typer.Context) -> CustomerService:
    """The :class:`CustomerService` of the services the ``opencx`` command built."""
    from opencx.customers.service import CustomerService

    return service_of(ctx.obj, "customers", CustomerService)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _fail(exc: OpenCXError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=1)


def _money(values: tuple[object, ...]) -> str:
    return ", ".join(str(v) for v in values) or "–"


def profile_panel(found: Found) -> Panel:
    p: Profile = found.profile
    c = p.customer
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    rows = [
        ("id", c.id),
        ("source", f"{c.source}: {c.external_id}"),
        ("email", c.email or "–"),
        ("phone", c.phone or "–"),
        ("language / country", f"{c.language or '–'} / {c.country or '–'}"),
        ("customer since", c.created_at.date().isoformat()),
        ("orders", str(p.orders)),
        ("revenue", _money(p.revenue)),
        ("average order", _money(p.average_order_value)),
        ("first / last purchase", f"{_day(p.first_purchase)} / {_day(p.last_purchase)}"),
        ("channels", ", ".join(p.channels) or "–"),
        ("last contact", _day(p.last_contact)),
        ("latest scores", ", ".join(f"{a.question_type.upper()} {a.score}" for a in p.latest)),
        ("open cases", str(p.open_cases)),
        ("consent", f"email={c.consent_email} sms={c.consent_sms} surveys={c.consent_surveys}"),
        ("identities", ", ".join(f"{i.kind}:{i.value}" for i in p.identities) or "–"),
        ("model scores", ", ".join(f"{s.kind}={s.value:.3g}" for s in p.scores if s.value)),
    ]
    if p.merged_ids:
        rows.append(("merged from", ", ".join(p.merged_ids)))
    if c.erased_at:
        rows.append(("erased at", c.erased_at.isoformat()))
    for label, value in rows:
        facts.add_row(label, escape(value or "–"))
    title = escape(c.name or "(erased)" if c.erased_at else c.name or c.id)
    note = f"\n[yellow]{found.requested_id} was merged into {c.id}[/]" if found.merged else ""
    return Panel(Group(facts), title=f"[bold]{title}[/]", subtitle=note.strip() or None)


def _day(value: object) -> str:
    return value.date().isoformat() if hasattr(value, "date") else "–"


def timeline_table(page: TimelinePage) -> Table:
    table = Table(title="Recent timeline", show_lines=False, expand=True)
    for column in ("when", "what", "channel", "amount / scores", "detail"):
        table.add_column(column)
    for e in page.entries:
        extra = str(e.amount) if e.amount else " ".join(f"{k}={v}" for k, v in e.scores)
        detail = (e.detail or "").replace("\n", " ")
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M"),
            escape(e.title),
            escape(e.channel or ""),
            escape(extra),
            escape(detail[:80]),
        )
    return table


@app.command("show")
def show(
    ctx: typer.Context,
    customer_id: Annotated[
        str, typer.Argument(help="Customer id (a merged id shows its survivor).")
    ],
    limit: Annotated[int, typer.Option(min=1, max=500, help="Timeline entries to show.")] = 15,
) -> None:
    """Show the 360 profile and the most recent touchpoints of a customer."""
    service = customer_service(ctx)
    try:
        found = service.show(customer_id)
        page = service.timeline(found.profile.customer.id, limit=limit)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    console = _console()
    console.print(profile_panel(found))
    console.print(timeline_table(page))


@app.command("search")
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Name, email, phone, id or source:id.")],
    limit: Annotated[int, typer.Option(min=1, max=500, help="Rows per page.")] = 25,
    after: Annotated[str | None, typer.Option(help="Continue after this id.")] = None,
    before: Annotated[str | None, typer.Option(help="The page before this id.")] = None,
) -> None:
    """Search customers by name, email, phone, id or external id."""
    try:
        page = customer_service(ctx).search(text, limit=limit, after=after, before=before)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    shown = f"{page.first}-{page.last} of {page.total}" if page.customers else f"0 of {page.total}"
    table = Table(title=f"Customers matching {text!r} ({shown})")
    for column in ("id", "name", "email", "phone", "country", "since"):
        # an id or a date is never cut: the other columns wrap (80 columns hold them all)
        table.add_column(column, no_wrap=column in ("id", "since"), overflow="fold")
    for c in page.customers:
        name = "(erased)" if c.erased_at else c.name or ""
        table.add_row(
            c.id,
            escape(name),
            escape(c.email or ""),
            escape(c.phone or ""),
            c.country or "",
            c.created_at.date().isoformat(),
        )
    console = _console()
    console.print(table)
    if page.hint:
        console.print(escape(page.hint))
    if page.prev_before:
        console.print(f"previous: --before {page.prev_before}")
    if page.next_after:
        console.print(f"more: --after {page.next_after}")


@app.command("export")
def export(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="Customer id.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Export everything held about a person as JSON (GDPR access and portability)."""
    try:
        data = customer_service(ctx).export(customer_id)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {out} ({len(data['customers'])} customer rows)", err=True)


@app.command("erase")
def erase(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="Customer id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Erase a person's personal data (GDPR erasure); orders and scores stay for aggregates."""
    if not yes:
        typer.echo("error: erasure cannot be undone; repeat with --yes", err=True)
        raise typer.Exit(code=2)
    try:
        erased = customer_service(ctx).erase(customer_id)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    if erased:
        typer.echo(f"erased {len(erased)} customer record(s): {', '.join(erased)}")
    else:
        typer.echo(f"customer {customer_id} was already erased; nothing to do")


@app.command("rewrap-keys")
def rewrap_keys(ctx: typer.Context) -> None:
    """Rotate the crypto-shredding master key: re-wrap every customer key from
    OPENCX_OLD_MASTER_KEY to OPENCX_MASTER_KEY; then destroy the old one (backups taken before
    stop opening)."""
    old = ctx.obj.settings.old_master_key
    if not old:
        typer.echo("error: set OPENCX_OLD_MASTER_KEY to the old master key (base64)", err=True)
        raise typer.Exit(code=2)
    try:
        count = customer_service(ctx).rewrap_keys(old)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"re-wrapped {count} customer key(s) under the current master key")


@app.command("seal")
def seal(ctx: typer.Context) -> None:
    """Seal customers stored in plaintext (written before crypto-shredding was on): their
    name, email and phone encrypted under a key of their own, identities blind. Idempotent;
    `opencx init` runs it too."""
    service = customer_service(ctx)
    if service.vault is None:
        typer.echo("error: crypto-shredding is off (OPENCX_CRYPTO_SHREDDING=false)", err=True)
        raise typer.Exit(code=2)
    typer.echo(f"sealed {service.seal_existing(thorough=True):,} customer(s)")


@app.command("merge")
def merge(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="A customer id.")],
    b: Annotated[str, typer.Argument(help="Another customer id.")],
) -> None:
    """Merge two customers into one; the one created first survives."""
    try:
        merge_id, survivor, merged = customer_service(ctx).merge(a, b)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    if merge_id is None:
        typer.echo(f"{a} and {b} already are one customer ({survivor})")
    else:
        typer.echo(f"merged {merged} into {survivor}: merge {merge_id} (undo: unmerge {merge_id})")


@app.command("unmerge")
def unmerge(
    ctx: typer.Context,
    merge_id: Annotated[str, typer.Argument(help="Merge id (from merge or the export).")],
) -> None:
    """Undo a merge: every row it moved goes back to the merged customer."""
    try:
        record = customer_service(ctx).unmerge(merge_id)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    moved = sum(len(v) for v in record.moved.values())
    typer.echo(f"undid merge {merge_id}: {record.merged_id} is separate again ({moved} rows back)")
