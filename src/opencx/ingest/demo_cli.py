"""``opencx demo``: generate the demo retailer into the configured database."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from opencx.core.errors import InvalidInput, OpenCXError
from opencx.ingest.demo import DemoSettings, build_demo, has_customers, write_demo

app = typer.Typer()


def _end_date(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise InvalidInput(f"demo --end-date: {text!r} is not a date like 2026-11-01") from None
    return day.replace(tzinfo=UTC)


@app.command()
def demo(
    ctx: typer.Context,
    customers: int = typer.Option(20_000, help="Number of customers to generate."),
    years: float = typer.Option(2.0, help="Years of history before the end date."),
    seed: int = typer.Option(7, help="Random seed: the same seed gives the same data."),
    end_date: str = typer.Option("2026-11-01", help="Last day of history (UTC, YYYY-MM-DD)."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if customers exist."),
) -> None:
    """Generate a fictional omnichannel retailer (customers, orders, cases, surveys...)."""
    console = Console()
    try:
        settings = DemoSettings(
            customers=customers, years=years, seed=seed, end=_end_date(end_date)
        )
        engine = ctx.obj.engine
        if if_empty:
            with engine.connect() as conn:
                if has_customers(conn):
                    console.print("customers already exist: demo data not generated")
                    return
        began = time.perf_counter()
        with console.status("generating demo data"):
            tables = build_demo(settings)
        total = sum(len(t) for t in tables)
        with Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("writing", total=total)

            def advance(table: str, rows: int) -> None:
                bar.update(task, advance=rows, description=table)

            counts = write_demo(engine, tables, advance)
    except OpenCXError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=1) from None
    summary = Table("table", "rows", title=f"demo data ({time.perf_counter() - began:.1f} s)")
    for name, rows in counts.items():
        summary.add_row(name, f"{rows:,}")
    console.print(summary)
