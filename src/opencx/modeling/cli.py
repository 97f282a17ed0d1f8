"""``opencx models``: fit, score and list models; export the churn-risk list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from opencx.core import OpenCXError
from opencx.modeling.service import ModelingService
from opencx.modeling.store import ModelRun

app = typer.Typer(help="Customer models: CLV, churn, RFM, personas, loyal types, next best offer.")
console = Console()


def _service(ctx: typer.Context) -> ModelingService:
    service: ModelingService = ctx.obj.modeling
    return service


def _as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=console,
    )


def _metrics_text(run: ModelRun) -> str:
    shown = {k: v for k, v in run.metrics.items() if isinstance(v, int | float | str)}
    parts = [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()]
    return ", ".join(parts)


def _fail(exc: OpenCXError) -> None:
    console.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(1) from exc


@app.command()
def fit(
    ctx: typer.Context,
    models: Annotated[
        list[str], typer.Argument(help="clv, churn, personas, rfm, nbo, loyalty-types or all")
    ],
    as_of: Annotated[
        str | None, typer.Option(help="cutoff (ISO date); default: end of data")
    ] = None,
    config: Annotated[
        str | None, typer.Option(help="JSON config, e.g. '{\"window_days\": 60}'")
    ] = None,
) -> None:
    """Fit models and save each run (config, data fingerprint, metrics, parameters) with scores."""
    service = _service(ctx)
    names = list(service.specs()) if models == ["all"] else models
    cfg: dict[str, Any] = json.loads(config) if config else {}
    with _progress() as bar:
        overall = bar.add_task("models", total=len(names), step="")
        for name in names:
            bar.update(overall, description=f"fit {name}")
            try:
                run = service.fit(
                    name,
                    as_of=_as_of(as_of),
                    config=cfg,
                    progress=lambda step: bar.update(overall, step=step),
                )
            except OpenCXError as exc:
                bar.stop()
                _fail(exc)
                return
            bar.advance(overall)
            console.print(f"[green]✓[/green] {name} run {run.id}: {_metrics_text(run)}")


@app.command()
def score(
    ctx: typer.Context,
    model: Annotated[
        str | None, typer.Argument(help="model name; default: every fitted model")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="score as of (ISO date)")] = None,
) -> None:
    """Score customers with the latest saved run; writes customer_scores with the run id."""
    service = _service(ctx)
    names = [model] if model else [m for m in service.specs() if service.latest(m)]
    with _progress() as bar:
        task = bar.add_task("score", total=len(names), step="")
        for name in names:
            bar.update(task, description=f"score {name}")
            try:
                run, n = service.score(name, as_of=_as_of(as_of))
            except OpenCXError as exc:
                bar.stop()
                _fail(exc)
                return
            bar.advance(task)
            console.print(f"[green]✓[/green] {name}: {n} scores from run {run.id}")


@app.command("list")
def list_runs(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option(help="only this model")] = None,
    limit: int = 20,
) -> None:
    """Saved model runs, newest first."""
    runs = _service(ctx).runs(model, limit)
    table = Table("run", "model", "version", "fitted", "as of", "fingerprint", "metrics")
    for r in runs:
        table.add_row(
            r.id,
            r.model,
            r.version,
            r.fitted_at.strftime("%Y-%m-%d %H:%M"),
            str(r.config.get("as_of", ""))[:10],
            r.data_fingerprint[:12],
            _metrics_text(r),
        )
    console.print(table)


@app.command("churn-list")
def churn_list(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(help="how many customers")] = 500,
    out: Annotated[Path | None, typer.Option(help="CSV file to write")] = None,
) -> None:
    """The customers most at risk of churning, with reasons, as CSV for a retention campaign."""
    text = _service(ctx).churn_csv(top)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {max(len(text.splitlines()) - 1, 0)} customers to {out}")


@app.command("telco-eval")
def telco_eval(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="WA_Fn-UseC_-Telco-Customer-Churn.csv")],
    snapshot: Annotated[str, typer.Option(help="snapshot date (ISO)")] = "2026-01-01",
) -> None:
    """Import the IBM telco sample as customers + subscriptions and evaluate the churn model."""
    when = _as_of(snapshot)
    assert when is not None
    report = _service(ctx).evaluate_telco(path, snapshot=when)
    console.print(
        f"customers={report.customers} blank TotalCharges={report.blank_total_charges} "
        f"AUC={report.metrics['auc']:.4f} PR-AUC={report.metrics['pr_auc']:.4f} "
        f"Brier={report.metrics['brier']:.4f} run={report.run_id}"
    )
