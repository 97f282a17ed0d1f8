"""``opencx doctor``, ``opencx backup`` and ``opencx restore`` (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opencx.core.errors import InvalidInput
from opencx.ops.backup import backup as backup_store
from opencx.ops.backup import restore as restore_store
from opencx.ops.doctor import diagnose

app = typer.Typer()


@app.command()
def doctor(ctx: typer.Context) -> None:
    """Check the configuration (secret key, database, SMTP, warehouse) and say what to fix."""
    services = ctx.obj
    findings = diagnose(services.settings, services, services.clock.now())
    for f in findings:
        typer.echo(f"{f.level:<4}  {f.name:<11} {f.detail}")
    failed = sum(f.level == "FAIL" for f in findings)
    typer.echo(f"\n{failed} problem(s) to fix" if failed else "\nall checks passed")
    if failed:
        raise typer.Exit(code=1)


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Copy the SQLite store to PATH while it is in use (SQLite's online backup API)."""
    try:
        copied = backup_store(ctx.obj.settings.database_url, path, overwrite=overwrite)
    except InvalidInput as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"backed up {copied.bytes:,} bytes ({copied.pages} pages, schema "
        f"{copied.revision}) to {copied.path}"
    )


@app.command()
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A file written by 'opencx backup'.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing.")] = False,
) -> None:
    """Replace the SQLite store's content with PATH (stop the server and workers first)."""
    target = ctx.obj.settings.database_url
    if not yes:
        typer.confirm(f"replace everything in {target} with {path}?", abort=True)
    try:
        copied = restore_store(target, path)
    except InvalidInput as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"restored {copied.bytes:,} bytes (schema {copied.revision}) from {path}; "
        "run 'opencx init' if this code is newer than the backup"
    )
