"""``opencx models``: fit, score and list models; export the churn-risk list."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from opencx.core import OpenCXError
from opencx.core.services import service_of
from opencx.core.text import JsonRefused, json_document, json_kind
from opencx.terminal import Listing

if TYPE_CHECKING:  # imported when a command runs: `opencx models --help` stays fast
    from opencx.modeling.service import ModelingService
    from opencx.modeling.store.runs import ModelRun

app = typer.Typer(help="Customer models: CLV, churn, RFM, personas, loyal types, next best offer.")


def console() -> Console:
    """The terminal, as it is when a command prints: built then, not when this module is
    imported, so that its width is the terminal's (or ``COLUMNS``) at that time. A command
    builds one and hands it to its progress display, whose lines print above the bar."""
    return Console()


def modeling_service(ctx: typer.Context) -> ModelingService:
    """The :class:`ModelingService` of the services the ``opencx`` command built."""
    from opencx.modeling.service import ModelingService

    return service_of(ctx.obj, "modeling", ModelingService)


def _as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    when = datetime.fromisoformat(value)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _progress(out: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        console=out,
    )


def _metrics_text(run: ModelRun) -> str:
    from opencx.web.formatting import readable  # opencx.web imports the web stack: not for --help

    shown = {k: v for k, v in run.metrics.items() if isinstance(v, int | float | str)}
    parts = [
        f"{k}={readable(v, 4)}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()
    ]
    return ", ".join(parts)


def _config(text: str) -> dict[str, Any]:
    """``--config``, read as the API reads a body (:func:`~opencx.core.text.json_document`:
    UTF-8, nested at most 800 levels, no lone surrogate), and an object; else one line naming
    the option and what is wrong, exit 2, before anything is fitted."""
    try:  # the bytes typed: a byte that is not UTF-8 reaches Python as an escaped surrogate
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")  # refused by the UTF-8 read, at its byte
    try:
        document = json_document(raw)
    except JsonRefused as exc:
        _refuse_config(str(exc))
    if not isinstance(document, dict):
        _refuse_config(f"expected a JSON object, not {json_kind(document)}")
    return document


def _refuse_config(problem: str) -> NoReturn:
    typer.echo(f"error: --config: {problem}", err=True)
    raise typer.Exit(code=2)


def _fail(exc: OpenCXError, out: Console | None = None) -> None:
    (out or console()).print(f"[red]error:[/red] {exc}")
    raise typer.Exit(1) from exc


def fit_models(
    service: ModelingService,
    names: list[str],
    *,
    as_of: datetime | None = None,
    config: dict[str, Any] | None = None,
) -> list[ModelRun]:
    """Fit ``names`` in turn on one read of the data, showing each model's steps as they come
    (a live bar on a terminal, a line per step with its elapsed time otherwise) and a line
    per saved run."""
    began = time.perf_counter()
    out = console()
    with _progress(out) as bar:
        overall = bar.add_task("models", total=len(names), step="")

        def step(model: str, text: str) -> None:
            bar.update(overall, description=f"fit {model}", step=text)
            if not out.is_terminal:
                out.print(f"  {model}: {text} ({time.perf_counter() - began:.1f} s)")

        def done(run: ModelRun) -> None:
            bar.advance(overall)
            took = f"{time.perf_counter() - began:.1f} s"
            text = _metrics_text(run)
            out.print(f"[green]✓[/green] {run.model} run {run.id} ({took}): {text}")

        return service.fit_many(names, as_of=as_of, config=config, progress=step, done=done)


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
    cfg = _config(config) if config else {}  # refused before the store is opened
    service = modeling_service(ctx)
    names = list(service.specs()) if models == ["all"] else models
    try:
        fit_models(service, names, as_of=_as_of(as_of), config=cfg)
    except OpenCXError as exc:
        _fail(exc)


@app.command()
def score(
    ctx: typer.Context,
    model: Annotated[
        str | None, typer.Argument(help="model name; default: every fitted model")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="score as of (ISO date)")] = None,
) -> None:
    """Score customers with the latest saved run; writes customer_scores with the run id."""
    service = modeling_service(ctx)
    names = [model] if model else [m for m in service.specs() if service.latest(m)]
    out = console()
    with _progress(out) as bar:
        task = bar.add_task("score", total=len(names), step="")
        for name in names:
            bar.update(task, description=f"score {name}")
            try:
                run, n = service.score(name, as_of=_as_of(as_of))
            except OpenCXError as exc:
                bar.stop()
                _fail(exc, out)
                return
            bar.advance(task)
            out.print(f"[green]✓[/green] {name}: {n} scores from run {run.id}")


# columns of `models list`, in order; the optional ones are left out, last first, when the
# terminal is too narrow for them (a cut id or date is worse than a missing column)
RUN_COLUMNS = ("run", "model", "version", "fitted", "as of", "fingerprint", "metrics")
OPTIONAL = ("fingerprint", "version", "as of")


def _cells(r: ModelRun) -> dict[str, str]:
    return {
        "run": r.id,
        "model": r.model,
        "version": r.version,
        "fitted": r.fitted_at.strftime("%Y-%m-%d %H:%M"),
        "as of": str(r.config.get("as_of", ""))[:10],
        "fingerprint": r.data_fingerprint[:12],
        "metrics": _metrics_text(r).replace(", ", "\n"),
    }


def fitting_table(runs: list[ModelRun], width: int) -> Table:
    """The runs table with as many optional columns as ``width`` leaves room for; narrower
    than its essential columns, one block of ``column  value`` lines per run."""
    listing = Listing(RUN_COLUMNS, [_cells(r) for r in runs], OPTIONAL, wrapping=("metrics",))
    return listing.table(width)


@app.command("list")
def list_runs(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option(help="only this model")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="runs to show")] = 20,
) -> None:
    """Saved model runs, newest first (columns that do not fit the terminal are left out)."""
    runs = modeling_service(ctx).runs(model, limit)
    out = console()
    out.print(fitting_table(runs, out.width))


@app.command("churn-list")
def churn_list(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(min=1, max=100_000, help="how many customers")] = 500,
    out: Annotated[Path | None, typer.Option(help="CSV file to write")] = None,
) -> None:
    """The customers most at risk of churning, with reasons, as CSV for a retention campaign."""
    text = modeling_service(ctx).churn_csv(top)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console().print(f"wrote {max(len(text.splitlines()) - 1, 0)} customers to {out}")
