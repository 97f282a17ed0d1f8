"""``opencx demo``: generate the demo retailer into the configured database."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from opencx.core.errors import OpenCXError
from opencx.core.services import service_of
from opencx.demo.domain.company import EARLIEST_END, LATEST_END, DemoSettings, end_date_refused
from opencx.demo.domain.scale import MAX_CUSTOMERS, MAX_YEARS
from opencx.demo.service import DemoService

app = typer.Typer()


def _day(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


def _end_date(text: str) -> str:
    """A ``--end-date`` the demo takes: a date (YYYY-MM-DD) from
    :data:`~opencx.demo.domain.company.EARLIEST_END` to ``LATEST_END``, refused as the other
    options are ('Invalid value for '--end-date': ...', exit 2) before anything runs. Before,
    a bad one was exit 1 once the command had started, and 0001-01-01 or 9999-12-31 a
    traceback."""
    try:
        day = _day(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2026-11-01") from None
    if not EARLIEST_END <= day <= LATEST_END:
        raise typer.BadParameter(end_date_refused(day))
    return text


def _above_zero(value: float) -> float:
    """A ``--years`` above 0 (not NaN): the option's range checks only its upper end."""
    if not value > 0:
        raise typer.BadParameter("Input should be greater than 0")
    return value


class TableProgress(Progress):
    """One bar per table, created when its first rows are written."""

    def __init__(self, console: Console) -> None:
        super().__init__(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._bars: dict[str, tuple[TaskID, int]] = {}  # table -> (task, rows announced)
        self._rows_done: dict[str, int] = {}

    def on_rows(self, table: str, rows: int, part_total: int) -> None:
        done = self._rows_done.get(table, 0)
        if table not in self._bars:
            self._bars[table] = (self.add_task(table, total=part_total), part_total)
        elif done >= self._bars[table][1]:  # a further part of the same table
            task, announced = self._bars[table]
            self._bars[table] = (task, announced + part_total)
            self.update(task, total=announced + part_total)
        self._rows_done[table] = done + rows
        self.update(self._bars[table][0], advance=rows)


@app.command()
def demo(
    ctx: typer.Context,
    customers: int = typer.Option(
        20_000, min=1, max=MAX_CUSTOMERS, help="Number of customers to generate."
    ),
    years: float = typer.Option(
        2.0,
        max=MAX_YEARS,
        callback=_above_zero,
        help="Years of history before the end date, above 0.",
    ),
    seed: int = typer.Option(7, min=0, help="Random seed: the same seed gives the same data."),
    end_date: str = typer.Option(
        "2026-11-01", callback=_end_date, help="Last day of history (UTC, YYYY-MM-DD)."
    ),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if customers exist."),
) -> None:
    """Generate a fictional omnichannel retailer (customers, orders, cases, surveys...)."""
    console = Console()
    try:
        settings = DemoSettings(
            customers=customers,
            years=years,
            seed=seed,
            end=_day(end_date),
        )
        service = service_of(ctx.obj, "demo", DemoService)
        if if_empty and service.has_customers():
            console.print("customers already exist: demo data not generated")
            return
        began = time.perf_counter()
        with TableProgress(console) as progress:
            counts = service.generate(settings, progress.on_rows)
    except OpenCXError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from None
    summary = Table("table", "rows", title=f"demo data ({time.perf_counter() - began:.1f} s)")
    for name, rows in counts.items():
        summary.add_row(name, f"{rows:,}")
    console.print(summary)
