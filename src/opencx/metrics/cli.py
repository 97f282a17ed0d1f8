"""``opencx metrics``: every metric as a command, the list, targets and alerts.

``opencx metrics nps --by month --by country --format table|csv|json``
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from opencx.core import OpenCXError
from opencx.core.services import service_of
from opencx.core.spreadsheet import csv_text
from opencx.metrics.domain.catalogue import CATALOGUE

if TYPE_CHECKING:  # imported when a command runs: `opencx metrics --help` imports no Ibis
    from opencx.metrics.domain import MetricResult
    from opencx.metrics.service import MetricsService
    from opencx.metrics.store.warehouse import RollupState

app = typer.Typer(help="CX metrics with intervals: NPS, CSAT, CES, churn, retention, ...")
targets_app = typer.Typer(help="Targets per metric, with the owner alerts go to.")
alerts_app = typer.Typer(help="Alerts on significant moves, sent through the outbox.")
app.add_typer(targets_app, name="targets")
app.add_typer(alerts_app, name="alerts")


def console() -> Console:
    """The terminal, as it is when a command prints: built then, not when this module is
    imported, so that its width is the terminal's (or ``COLUMNS``) at that time."""
    return Console()


By = Annotated[list[str] | None, typer.Option("--by", help="breakdown column or period (month)")]
Where = Annotated[list[str] | None, typer.Option("--filter", help="column=value (repeatable)")]
Format = Annotated[str, typer.Option("--format", help="table, csv or json")]


def metrics_service(ctx: typer.Context) -> MetricsService:
    """The :class:`MetricsService` of the services the ``opencx`` command built."""
    from opencx.metrics.service import MetricsService

    return service_of(ctx.obj, "metrics", MetricsService)


def _fail(exc: OpenCXError) -> typer.Exit:
    console().print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}"


def _table(result: MetricResult) -> Table:
    table = Table(title=f"{result.title} ({result.unit})")
    for key in result.keys:
        table.add_column(key)
    for col in ("value", "95% interval", "n", "change", "p"):
        table.add_column(col, justify="right")
    table.add_column("note")
    for r in result.rows:
        interval = f"{_number(r.lower)} – {_number(r.upper)}" if r.lower is not None else ""
        p = "" if r.p_value is None else f"{r.p_value:.3f}"
        keys = (str(r.keys[k]) for k in result.keys)
        note = r.warning or r.flag or ""
        table.add_row(*keys, _number(r.value), interval, str(r.n), _number(r.change), p, note)
    return table


def _csv(result: MetricResult) -> str:
    return csv_text(list(result.columns), result.records())


def _json(result: MetricResult) -> str:
    doc = {
        "metric": result.metric,
        "title": result.title,
        "unit": result.unit,
        "keys": list(result.keys),
        "period": result.period,
        "note": result.note,
        "rows": result.records(),
    }
    return json.dumps(doc, indent=2, default=str)


def show(result: MetricResult, fmt: str) -> None:
    """Print ``result`` as a table, CSV or JSON."""
    if fmt == "csv":
        typer.echo(_csv(result), nl=False)
    elif fmt == "json":
        typer.echo(_json(result))
    else:
        if result.empty:
            console().print(result.note or "no data")
            return
        console().print(_table(result))


def compute_metric(
    ctx: typer.Context,
    by: By = None,
    period: Annotated[str | None, typer.Option(help="day, week, month, quarter, year")] = None,
    where: Where = None,
    start: Annotated[str | None, typer.Option(help="from this UTC date (ISO)")] = None,
    end: Annotated[str | None, typer.Option(help="before this UTC date (ISO)")] = None,
    min_n: Annotated[int | None, typer.Option(help="minimum sample size")] = None,
    fmt: Format = "table",
) -> None:
    """Compute the metric this command is named after (``opencx metrics nps ...``)."""
    if fmt not in {"table", "csv", "json"}:
        raise typer.BadParameter(f"format {fmt!r}: use table, csv or json")
    from opencx.metrics.domain import MetricRequest

    try:
        request = MetricRequest.from_text(
            str(ctx.info_name),
            by=by or (),
            period=period,
            filters=where or (),
            start=start,
            end=end,
            min_n=min_n,
        )
        result = metrics_service(ctx).compute(request)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    show(result, fmt)


for _metric in CATALOGUE:
    app.command(name=_metric.name, help=f"{_metric.title}: {_metric.definition}.")(compute_metric)


@app.command("list")
def list_metrics(fmt: Format = "table") -> None:
    """Every metric: name, unit, definition and source."""
    if fmt == "json":
        listed = [
            {
                "name": m.name,
                "title": m.title,
                "unit": m.unit,
                "definition": m.definition,
                "reference": m.reference,
            }
            for m in CATALOGUE
        ]
        typer.echo(json.dumps(listed, indent=2))
        return
    table = Table(title="Metrics")
    for col in ("name", "title", "unit", "definition"):
        table.add_column(col)
    for m in CATALOGUE:
        table.add_row(m.name, m.title, m.unit, m.definition)
    console().print(table)


@targets_app.command("set")
def set_target(
    ctx: typer.Context,
    metric: str,
    comparator: Annotated[str, typer.Argument(help=">= or <=")],
    value: float,
    owner: Annotated[str, typer.Option(help="email address alerts go to")],
    due: Annotated[str | None, typer.Option(help="due date (ISO)")] = None,
    period: Annotated[str, typer.Option(help="period alerts compare")] = "week",
    where: Where = None,
) -> None:
    """Set the target of METRIC, e.g. ``opencx metrics targets set nps '>=' 40 --owner a@b.c``."""
    from opencx.metrics.domain.request import parse_filters, parse_time
    from opencx.metrics.domain.targets import Target

    try:
        filters = parse_filters(where or [])
        target = Target(metric, comparator, value, owner, parse_time(due, "due"), period, filters)
        saved = metrics_service(ctx).set_target(target)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"target {saved.id}: {saved.metric} {saved.comparator} {saved.value:g}")


@targets_app.command("list")
def list_targets(ctx: typer.Context) -> None:
    """Targets with their current status."""
    table = Table(title="Metric targets")
    for col in ("id", "metric", "target", "due", "owner", "latest", "status"):
        table.add_column(col)
    for s in metrics_service(ctx).statuses():
        t = s.target
        due = t.due_at.date().isoformat() if isinstance(t.due_at, datetime) else ""
        latest = _number(s.latest.value) if s.latest else ""
        wanted = f"{t.comparator} {t.value:g}"
        table.add_row(t.id, t.metric, wanted, due, t.owner_email, latest, s.status)
    console().print(table)


def _significance(value: float) -> float:
    if not 0 < value < 1:  # nan too
        raise typer.BadParameter("Input should be greater than 0 and less than 1")
    return value


@alerts_app.command("check")
def check_alerts(
    ctx: typer.Context,
    alpha: Annotated[
        float,
        typer.Option(callback=_significance, help="Significance level, between 0 and 1."),
    ] = 0.05,
) -> None:
    """Find significant adverse moves and enqueue an email to each target's owner."""
    sent = metrics_service(ctx).check_alerts(alpha=alpha)
    for target, move, message_id in sent:
        typer.echo(
            f"alert {message_id}: {move.metric} {move.period} change {move.change:+.1f} "
            f"(p={move.p_value:.3f}) -> {target.owner_email}"
        )
    if not sent:
        typer.echo("no significant moves")


@app.command("refresh")
def refresh_rollups(
    ctx: typer.Context,
    rollup: Annotated[
        list[str] | None, typer.Option("--rollup", help="only this rollup (repeatable)")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="rebuild, even if unchanged")] = False,
) -> None:
    """Bring the Parquet warehouse's rollups, which metrics read in place of raw rows, up to
    date: unchanged ones are kept, rows of added files appended, the others rebuilt."""
    try:
        states = metrics_service(ctx).refresh_rollups(rollup or None, full=full)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    console().print(_rollup_table(states, "Rollups refreshed"))


@app.command("rollups")
def show_rollups(ctx: typer.Context) -> None:
    """Each rollup of the Parquet warehouse: fresh, stale (and why) or missing."""
    try:
        states = metrics_service(ctx).rollups()
    except OpenCXError as exc:
        raise _fail(exc) from exc
    console().print(_rollup_table(states, "Rollups"))


def _rollup_table(states: list[RollupState], title: str) -> Table:
    table = Table(title=title)
    for col in ("rollup", "state", "rows", "files", "last change", "took", "at (UTC)", "note"):
        table.add_column(col, justify="right" if col in {"rows", "files", "took"} else "left")
    for s in states:
        rows = "" if s.rows is None else f"{s.rows:,}"
        took = "" if s.seconds is None else f"{s.seconds:.2f} s"
        at = (s.refreshed_at or "")[:16].replace("T", " ")  # ISO time in UTC, to the minute
        files = "" if s.parts is None else str(s.parts)
        table.add_row(s.name, s.state, rows, files, s.how or "", took, at, s.reason)
    return table
