"""``opencx import KIND FILE``: load CSV, Parquet, JSON Lines or Excel (see docs/import.md)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from opencx.core.errors import InvalidInput
from opencx.core.services import service_of
from opencx.ingest.domain import KINDS, Mapping, with_flags

if TYPE_CHECKING:  # the service (pyarrow, pandas) is imported when a command runs, not for --help
    from opencx.ingest.service import ImportOptions, ImportReport

app = typer.Typer(help="Import data files.")

_KIND_HELP = "What the file holds: " + ", ".join(KINDS) + "."


@app.command("import")
def import_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=_KIND_HELP)],
    file: Annotated[Path, typer.Argument(help="CSV/TXT/TSV, Parquet, JSONL or XLSX; .gz is fine.")],
    map_: Annotated[list[str], typer.Option("--map", help="FIELD=SourceColumn (repeatable).")] = [],  # noqa: B006
    mapping: Annotated[str | None, typer.Option(help="Mapping TOML file or bundled name.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
    date_format: Annotated[str | None, typer.Option(help="strptime format, e.g. %d/%m/%Y.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA zone of naive times.")] = None,
    decimal: Annotated[str | None, typer.Option(help="Decimal separator: . or ,")] = None,
    source: Annotated[str | None, typer.Option(help="Source name (default csv:<file>).")] = None,
    customer_source: Annotated[
        str | None, typer.Option(help="Source of the customers referenced (default: --source).")
    ] = None,
    ignore_unknown: Annotated[bool, typer.Option(help="Ignore unmapped columns.")] = False,
    allow_rejects: Annotated[
        bool, typer.Option(help="Load the valid rows, reject the rest.")
    ] = False,
    rejects: Annotated[Path | None, typer.Option(help="Reject file path.")] = None,
    create_missing_customers: Annotated[
        bool | None, typer.Option("--create-missing-customers", help="Create unknown customers.")
    ] = None,
    anonymous: Annotated[
        str | None, typer.Option(help="Rows without a customer: 'orders' (load) or 'reject'.")
    ] = None,
    duplicates: Annotated[
        str | None, typer.Option(help="Exact duplicate rows: reject, skip or keep.")
    ] = None,
    survey: Annotated[str | None, typer.Option(help="Survey key for every response row.")] = None,
    live: Annotated[
        bool,
        typer.Option(
            help="Publish the events as live: they drive subscribers (survey invitations, "
            "points). Default: history, no live reactions."
        ),
    ] = False,
    show: Annotated[int, typer.Option(min=0, help="Problems to print.")] = 20,
    chunk_rows: Annotated[int, typer.Option(min=1, help="Rows per chunk.")] = 50_000,
) -> None:
    """Import FILE as KIND in one transaction: nothing is written if any row is bad, unless
    --allow-rejects. Re-importing the same file updates rows instead of duplicating them."""
    from opencx.ingest.service import ImportOptions, load_mapping

    console = Console(stderr=True)
    try:
        base = load_mapping(mapping) if mapping else Mapping()
        merged = with_flags(
            base,
            maps=map_,
            delimiter=delimiter,
            encoding=encoding,
            date_format=date_format,
            timezone=timezone,
            decimal=decimal,
            source=source,
            anonymous=anonymous,
            duplicates=duplicates,
            create_missing_customers=create_missing_customers,
        )
        if survey:
            merged = with_flags(merged, maps=[], constants={**merged.constants, "survey": survey})
        if merged.kind and merged.kind != kind:
            raise InvalidInput(f"mapping {mapping!r} is for {merged.kind}, not {kind}")
        options = ImportOptions(
            kind=kind,
            path=file,
            mapping=merged,
            ignore_unknown=ignore_unknown,
            allow_rejects=allow_rejects,
            rejects_path=rejects,
            live=live,
            chunk_rows=chunk_rows,
            customer_source=customer_source,
        )
        report = _run(ctx, options, console)
    except InvalidInput as exc:
        message = escape(str(exc))
        console.print(f"[red]error:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    _print(report, show, console)
    if not report.ok:
        raise typer.Exit(1)


class RowRate(ProgressColumn):
    """Rows per second over the last few chunks."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s")


def _run(ctx: typer.Context, options: ImportOptions, console: Console) -> ImportReport:
    from opencx.ingest.service import IngestService

    service = service_of(ctx.obj, "ingest", IngestService)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        RowRate(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"importing {options.path.name}", total=None)
        started = time.perf_counter()
        report: ImportReport = service.import_file(options, lambda n: progress.advance(task, n))
        report.seconds = time.perf_counter() - started
    return report


def _print(report: ImportReport, show: int, console: Console) -> None:
    for problem in report.problems[:show]:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    if report.problem_count > show:
        console.print(f"... and {report.problem_count - show} more problem(s)", markup=False)
    if report.reject_file:
        console.print(
            f"all rejected rows with their problems: {report.reject_file}",
            markup=False,
            highlight=False,
            soft_wrap=True,  # a path to copy is never cut
        )
    counts = ", ".join(f"{k} {v:,}" for k, v in sorted(report.counts.items()))
    lines = [
        f"{report.status}: {report.kind} from {report.file} (source {report.source})",
        f"rows read {report.rows_read:,}, loaded {report.rows_loaded:,}, "
        f"rejected {report.rows_rejected:,}, duplicates skipped {report.rows_skipped:,}"
        + (
            f", in {report.seconds:,.1f} s ({report.rows_read / report.seconds:,.0f} rows/s)"
            if report.seconds
            else ""
        ),
    ]
    if counts:
        lines.append(counts)
    if report.rows_dropped_erased:
        lines.append(
            f"{report.rows_dropped_erased:,} row(s) of erased people dropped (not restored)"
        )
    if report.status == "failed" and report.problem_count:
        lines.append("nothing was written (fix the rows, or pass --allow-rejects)")
    typer.echo("\n".join(lines))
