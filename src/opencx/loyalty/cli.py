"""``opencx loyalty ...``: configure the program, enroll, adjust, backfill, run the jobs, audit,
draws, and the overview and effectiveness reports."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from opencx.core import OpenCXError, new_id
from opencx.core.services import service_of
from opencx.core.text import JsonRefused, json_document
from opencx.loyalty.domain import Reward
from opencx.loyalty.service import LoyaltyService

app = typer.Typer(
    help="Loyalty: the program, members, the points ledger, rewards, draws.", no_args_is_help=True
)


def _service(ctx: typer.Context) -> LoyaltyService:
    return service_of(ctx.obj, "loyalty", LoyaltyService)


def _fail(exc: OpenCXError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=1)


def _json_file(path: Path) -> Any:
    """The JSON document in ``path``, read as the API reads a body
    (:func:`~opencx.core.text.json_document`); else one line naming the file, and the place,
    exit 2."""
    try:
        return json_document(path.read_bytes())
    except JsonRefused as exc:
        _refuse(path, str(exc))


def _refuse(path: Path, problem: str) -> NoReturn:
    typer.echo(f"error: {path}: {problem}", err=True)
    raise typer.Exit(code=2)


@app.command()
def configure(ctx: typer.Context, path: Path) -> None:
    """Set the program from a JSON document (earning, expiry, floor, tiers, plans)."""
    document = _json_file(path)
    try:
        program = _service(ctx).configure(document)
    except OpenCXError as exc:
        raise _fail(OpenCXError(f"{path}: {exc}")) from exc
    typer.echo(
        f"program {program.name!r}: {len(program.tiers.tiers)} tiers, {len(program.plans)} plans"
    )


@app.command()
def enroll(ctx: typer.Context, customer_id: str) -> None:
    """Enroll a customer (idempotent); prints the member id."""
    try:
        typer.echo(_service(ctx).enroll(customer_id, source="cli"))
    except OpenCXError as exc:
        raise _fail(exc) from exc


@app.command()
def show(
    ctx: typer.Context,
    member_id: str,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Entries to show.")] = 20,
) -> None:
    """A member's balance, tier, plan and latest entries (at most 500, as the API's limit)."""
    try:
        v = _service(ctx).member_view(member_id, limit)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"member {v.member_id} (customer {v.customer_id}) · {v.status}")
    typer.echo(
        f"balance {v.balance} · spendable {v.spendable} · pending {v.pending} · "
        f"tier {v.tier or '-'} · plan {v.plan or '-'}"
    )
    for e in v.entries:
        typer.echo(f"  {e.at:%Y-%m-%d %H:%M}  {e.kind:<13} {e.points:+8d}  {e.reason}")


@app.command()
def adjust(
    ctx: typer.Context,
    member_id: str,
    points: int,
    reason: Annotated[str, typer.Option(help="Why (kept in the ledger)")],
    key: Annotated[str | None, typer.Option(help="Idempotency key (default: new)")] = None,
) -> None:
    """An admin adjustment, up or down, with a reason (at most 999999999999 points either way,
    and a balance within as many)."""
    try:
        p = _service(ctx).adjust(member_id, points, reason, key or f"cli:{new_id()}", "cli")
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{p.kind} {p.points:+d} → balance {p.balance}")


@app.command()
def reward(
    ctx: typer.Context,
    reward_id: str,
    name: str,
    points: int,
    stock: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Add or change a catalog reward (1 to 999999999999 points; a stock of as many at most)."""
    try:
        _service(ctx).put_reward(Reward(reward_id, name, points, stock))
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"reward {reward_id}: {name} for {points} points")


@app.command()
def backfill(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option(help="Only orders placed since")] = None,
) -> None:
    """Earn for past orders of current members (history imports earn nothing by themselves).
    An order past the points bound is refused alone: its line names it, the others earn."""
    from opencx.core import ensure_utc

    done = _service(ctx).backfill(ensure_utc(since) if since else None)
    for refusal in done.refused:
        typer.echo(f"refused: {refusal.reason}")
    refused = f", {len(done.refused)} order(s) refused (no points)" if done.refused else ""
    typer.echo(f"{done.written} ledger entries written{refused}")


@app.command()
def expire(ctx: typer.Context) -> None:
    """Run the expiry job now."""
    done = _service(ctx).run_expiry()
    typer.echo(f"{done['points']} points of {done['members']} member(s) expired")


@app.command()
def tiers(ctx: typer.Context) -> None:
    """Run the tier evaluation now."""
    done = _service(ctx).evaluate_tiers()
    typer.echo(f"{done['evaluated']} evaluated, {done['up']} up, {done['down']} down")


@app.command()
def audit(ctx: typer.Context, member_id: str) -> None:
    """Rebuild a member's balance from the entries and compare with the projection."""
    projected, rebuilt, same = _service(ctx).audit(member_id)
    typer.echo(f"projection {projected} · rebuild {rebuilt} · {'OK' if same else 'MISMATCH'}")
    if not same:
        raise typer.Exit(code=2)


@app.command()
def overview(ctx: typer.Context) -> None:
    """Members, liability, redemption rate, breakage and tiers."""
    o = _service(ctx).overview()
    typer.echo(f"{o.program}: {o.members} members ({o.active_share:.1%} active)")
    typer.echo(f"liability {o.liability_points} points = {o.liability_value} {o.currency}")
    typer.echo(
        f"earned {o.earned} · redeemed {o.redeemed} ({o.redemption_rate:.1%}) · "
        f"expired {o.expired} (breakage {o.breakage:.1%})"
    )
    typer.echo("tiers: " + ", ".join(f"{k} {v}" for k, v in o.tiers.items()))
    for fault in o.program_out_of_range:
        typer.echo(f"program out of range (stored before its bounds): {fault}")
    if o.refused_orders:
        typer.echo(f"{o.refused_orders} order(s) refused points (past the points bound):")
        for r in o.refused:
            typer.echo(f"  {r.at:%Y-%m-%d %H:%M}  member {r.member_id}: {r.reason}")


def _above_zero(value: float) -> float:
    if not value > 0:
        raise typer.BadParameter("Input should be greater than 0")
    return value


@app.command()
def effectiveness(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=30, max=730, help="Days before and after.")] = 180,
    margin: Annotated[
        float, typer.Option(max=1, callback=_above_zero, help="Profit margin, above 0.")
    ] = 0.3,
) -> None:
    """Members against matched non-members (difference in differences, 95% intervals), over
    30 to 730 days, as GET /api/loyalty/effectiveness."""
    r = _service(ctx).effectiveness(days, margin)
    typer.echo(f"{r.matched} of {r.members} members matched, {r.days}-day windows")
    for name in ("incremental_revenue", "revenue_per_member", "retention_lift", "roi"):
        i = getattr(r, name)
        typer.echo(f"{name:<20} {i.estimate:12.2f}  [{i.low:.2f}, {i.high:.2f}]")
    typer.echo(f"{'cost':<20} {Decimal(r.cost):12.2f}")


@app.command("draw-create")
def draw_create(
    ctx: typer.Context, name: str, prize: str, winners: int = 1, points_per_ticket: int = 100
) -> None:
    """Create a draw; prints its id and the secret seed (keep it; only its hash is stored)."""
    try:
        draw_id, seed = _service(ctx).create_draw(name, prize, winners, points_per_ticket)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"draw {draw_id}\nseed {seed}  (publish sha256(seed) now, reveal the seed at the draw)"
    )


@app.command("draw-run")
def draw_run(ctx: typer.Context, draw_id: str, seed: str) -> None:
    """Draw the winners with the revealed seed (anyone can re-run it from the stored tickets)."""
    try:
        result = _service(ctx).run_draw(draw_id, seed)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{len(result['tickets'])} entrants · winners: {', '.join(result['winners'])}")
