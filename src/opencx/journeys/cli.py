"""``opencx journeys paths|friction|experiments``: the paths customers take to an outcome, the
touchpoints after which a bad outcome comes more often, and experiments (docs/journeys.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from opencx.core.clock import ensure_utc
from opencx.core.services import service_of
from opencx.core.spreadsheet import csv_text
from opencx.journeys.domain.experiments import GOALS, Experiment
from opencx.journeys.domain.lift import srm_warning
from opencx.journeys.domain.outcomes import (
    FRICTION_OUTCOMES,
    LEVELS,
    MAX_STEPS,
    PATH_OUTCOMES,
    PERIOD_DAYS,
)
from opencx.terminal import Listing

if TYPE_CHECKING:
    from opencx.journeys.service import JourneysService
    from opencx.journeys.service.experiments import ExperimentsService

app = typer.Typer(
    help="Journeys: touchpoint paths to an outcome, friction points and experiments.",
    no_args_is_help=True,
)


@app.callback()
def journeys() -> None:
    """Journeys: touchpoint paths to an outcome, friction points and experiments."""


def _service(ctx: typer.Context) -> JourneysService:
    from opencx.journeys.service import JourneysService

    return service_of(ctx.obj, "journeys", JourneysService)


def _until(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise typer.BadParameter(f"{value!r}: expected a date like 2026-10-01") from None


def _amount(x: object) -> str:
    return "" if x is None else f"{float(x):,.2f}"  # type: ignore[arg-type]


def _pct(x: object) -> str:
    return "" if x is None else f"{100 * float(x):.1f}%"  # type: ignore[arg-type]


Days = Annotated[
    int, typer.Option(help=f"Period length in days: {', '.join(map(str, PERIOD_DAYS))}.")
]
Until = Annotated[
    str | None,
    typer.Option(help="End of the period, exclusive (default: where the data lets it be seen)."),
]
Level = Annotated[str, typer.Option(help=f"Step labels: {', '.join(LEVELS)}.")]
Within = Annotated[int, typer.Option(help="Window in days after a touchpoint or the period.")]
Format = Annotated[str, typer.Option("--format", help="table, csv or json")]


def _emit(
    fmt: str,
    fields: tuple[str, ...],
    records: list[dict[str, object]],
    title: str,
    listing: Listing,
) -> None:
    if fmt == "json":
        typer.echo(json.dumps({"title": title, "rows": records}, indent=1))
    elif fmt == "csv":
        typer.echo(csv_text(fields, records), nl=False)
    elif fmt == "table":
        console = Console()
        console.print(listing.table(console.width))
    else:
        raise typer.BadParameter(f"--format {fmt!r}: table, csv or json")


@app.command("paths")
def paths(
    ctx: typer.Context,
    outcome: Annotated[str, typer.Option(help=f"One of {', '.join(PATH_OUTCOMES)}.")] = "purchase",
    days: Days = 90,
    until: Until = None,
    level: Level = "touchpoint",
    steps: Annotated[int, typer.Option(min=1, max=MAX_STEPS, help="Last steps kept.")] = 4,
    within: Within = 30,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Paths shown.")] = 20,
    fmt: Format = "table",
) -> None:
    """The most common paths (last STEPS touchpoints) leading to OUTCOME, with their share of
    customers and their outcome rate (95% Wilson interval)."""
    from opencx.journeys.service import PATH_FIELDS, Ask, path_records

    ask = Ask(outcome, days, _until(until), level, steps, within)
    report = _service(ctx).paths(ask, limit=limit)
    q, t = report.query, report.table
    title = (
        f"Paths to {q.kind.label.lower()}, {q.start:%Y-%m-%d} to {q.end:%Y-%m-%d}: "
        f"{t.customers:,} customers, {t.outcomes:,} with the outcome, {t.distinct:,} paths"
    )
    records = path_records(report)
    rows = [
        {
            "path": str(r["path"]),
            "customers": f"{r['customers']:,}",
            "share": _pct(r["share"]),
            "outcomes": f"{r['outcomes']:,}",
            "rate": _pct(r["outcome_rate"]),
            "95% interval": f"{_pct(r['rate_lower'])}-{_pct(r['rate_upper'])}",
        }
        for r in records
    ]
    columns = ("path", "customers", "share", "outcomes", "rate", "95% interval")
    listing = Listing(columns, rows, ("95% interval", "share"), ("path",), title)
    _emit(fmt, PATH_FIELDS, records, title, listing)
    if report.censored and fmt == "table":
        typer.echo("note: the window after the period passes the data's end; rates read high")


@app.command("friction")
def friction(
    ctx: typer.Context,
    outcome: Annotated[str, typer.Option(help=f"One of {', '.join(FRICTION_OUTCOMES)}.")] = "case",
    days: Days = 90,
    until: Until = None,
    level: Level = "channel_touchpoint",
    within: Within = 30,
    min_exposed: Annotated[
        int, typer.Option(min=1, help="Leave out touchpoints seen by fewer customers.")
    ] = 30,
    fmt: Format = "table",
) -> None:
    """Touchpoints after which OUTCOME comes more often than to the customers who did not pass
    through them, ranked by the friction they have at least (Newcombe's interval, Bonferroni-
    adjusted for the touchpoints compared; the plain 95% interval beside it)."""
    from opencx.journeys.service import FRICTION_FIELDS, Ask, friction_records

    ask = Ask(outcome, days, _until(until), level, 4, within)
    report = _service(ctx).friction(ask, min_exposed=min_exposed)
    q, t = report.query, report.table
    title = (
        f"Friction: {q.kind.label.lower()} within {q.within_days} days, "
        f"{q.start:%Y-%m-%d} to {q.end:%Y-%m-%d}: {t.customers:,} customers, "
        f"baseline {_pct(t.baseline)}; friction: the Bonferroni-adjusted interval "
        f"({100 * t.confidence:.2f}%, m = {t.comparisons} touchpoints compared) above 0"
    )
    records = friction_records(report)
    rows = [
        {
            "touchpoint": str(r["touchpoint"]),
            "customers": f"{r['exposed']:,}",
            "rate": _pct(r["rate"]),
            "rest": _pct(r["rest_rate"]),
            "difference (95%)": (
                f"{_pct(r['difference'])} ({_pct(r['difference_lower'])} to "
                f"{_pct(r['difference_upper'])})"
                if r["difference"] is not None
                else ""
            ),
            "adjusted": (
                f"{_pct(r['adjusted_lower'])} to {_pct(r['adjusted_upper'])}"
                if r["adjusted_lower"] is not None
                else ""
            ),
            "friction": "yes" if r["real"] else "",
        }
        for r in records
    ]
    columns = (
        "touchpoint",
        "customers",
        "rate",
        "rest",
        "difference (95%)",
        "adjusted",
        "friction",
    )
    listing = Listing(columns, rows, ("rest",), ("touchpoint",), title)
    _emit(fmt, FRICTION_FIELDS, records, title, listing)
    if report.censored and fmt == "table":
        typer.echo("note: some windows pass the data's end; rates read low or high")


# --- experiments -------------------------------------------------------------------------------

experiments_app = typer.Typer(
    help="Experiments: define, start, stop, assign and expose customers, analyse.",
    no_args_is_help=True,
)
app.add_typer(experiments_app, name="experiments")
KeyArg = Annotated[str, typer.Argument(help="The experiment's key.")]


def _experiments(ctx: typer.Context) -> ExperimentsService:
    return _service(ctx).experiments


def _said(e: Experiment) -> str:
    d = e.definition
    shares = ", ".join(f"{v.key} {100 * s:.0f}%" for v, s in zip(d.variants, d.shares, strict=True))
    return f"{d.key} ({e.status}): {d.name}; {d.goal} within {d.window_days} days; {shares}"


@experiments_app.command("create")
def create_experiment(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A JSON file with the definition.")],
) -> None:
    """Define an experiment (a draft) from a JSON file: key, name, hypothesis, variants (2-4,
    each key, name, weight; the first is the control), goal (conversion, revenue, low_score,
    case), window_days, start, stop, and currency for the revenue goal."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"{file}: not JSON ({exc.msg}, line {exc.lineno})") from None
    typer.echo(f"created {_said(_experiments(ctx).create(data))}")


@experiments_app.command("list")
def list_experiments(ctx: typer.Context) -> None:
    """Every experiment, newest first."""
    for e in _experiments(ctx).list():
        typer.echo(_said(e))


@experiments_app.command("start")
def start_experiment(ctx: typer.Context, key: KeyArg) -> None:
    """Start a draft: customers are assigned and exposures recorded from now."""
    typer.echo(f"started {_said(_experiments(ctx).start(key))}")


@experiments_app.command("stop")
def stop_experiment(ctx: typer.Context, key: KeyArg) -> None:
    """Stop a running experiment: no exposure is recorded after."""
    typer.echo(f"stopped {_said(_experiments(ctx).stop(key))}")


@experiments_app.command("assign")
def assign_customer(
    ctx: typer.Context, key: KeyArg, customer: Annotated[str, typer.Argument()]
) -> None:
    """The variant a customer is shown, recording the exposure the first time."""
    a = _experiments(ctx).assign(key, customer)
    typer.echo(f"{a.customer_id}: {a.variant}" + ("" if a.new else " (exposed before)"))


@experiments_app.command("expose")
def expose(
    ctx: typer.Context,
    key: KeyArg,
    customers: Annotated[
        Path | None, typer.Option(help="A file of customer ids, one a line.")
    ] = None,
    segment: Annotated[
        str | None, typer.Option(help="KIND=NAME: rfm_segment=Champions, persona='persona 2'.")
    ] = None,
) -> None:
    """Record the exposure of a list of customers, or of a segment, each to their variant."""
    service = _experiments(ctx)
    if (customers is None) == (segment is None):
        raise typer.BadParameter("give either --customers FILE or --segment KIND=NAME")
    if segment is not None:
        kind, _, name = segment.partition("=")
        done = service.expose_segment(key, kind.strip(), name.strip())
    else:
        assert customers is not None
        done = service.expose(key, customers.read_text(encoding="utf-8").splitlines())
    typer.echo(
        f"{done.new:,} exposed, {done.already:,} exposed before, {done.erased:,} erased, "
        f"{len(done.unknown):,} unknown"
        + (f" ({', '.join(done.unknown[:5])})" if done.unknown else "")
    )


@experiments_app.command("analyse")
def analyse(ctx: typer.Context, key: KeyArg, fmt: Format = "table") -> None:
    """Each variant's goal (95% interval) and its difference from the control with the plain
    and adjusted intervals and p-values (Holm past one treatment), and the sample-ratio check."""
    from opencx.journeys.service.experiments import RESULT_FIELDS, result_records

    report = _experiments(ctx).analyse(key)
    a, d = report.analysis, report.experiment.definition
    mean = a.kind == "mean"
    title = (
        f"{d.name}: {GOALS[d.goal].label.lower()} within {d.window_days} days, "
        f"{a.exposed:,} exposed; adjusted intervals {100 * a.confidence:.2f}% "
        f"(m = {a.comparisons}), p-values {a.adjustment if a.comparisons > 1 else 'plain'}"
    )
    records = result_records(report)
    show = _amount if mean else _pct
    rows = [
        {
            "variant": str(r["variant"]),
            "exposed": f"{r['exposed']:,}",
            "value (95%)": f"{show(r['value'])} ({show(r['lower'])}-{show(r['upper'])})",
            "difference (95%)": (
                f"{show(r['difference'])} ({show(r['difference_lower'])} to "
                f"{show(r['difference_upper'])})"
                if r["difference"] is not None
                else ""
            ),
            "adjusted": (
                f"{show(r['adjusted_lower'])} to {show(r['adjusted_upper'])}"
                if r["adjusted_lower"] is not None
                else ""
            ),
            "p (adjusted)": f"{r['adjusted_p']:.4f}" if r["adjusted_p"] is not None else "",
        }
        for r in records
    ]
    columns = ("variant", "exposed", "value (95%)", "difference (95%)", "adjusted", "p (adjusted)")
    listing = Listing(columns, rows, ("adjusted",), ("variant",), title)
    _emit(fmt, RESULT_FIELDS, records, title, listing)
    if a.srm is not None and a.srm.mismatch:
        typer.echo(srm_warning(a.srm), err=True)
    if report.open_windows and fmt == "table":
        typer.echo(f"note: {report.open_windows:,} exposures' windows are still open")
