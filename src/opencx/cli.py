"""The ``opencx`` command: set-up commands here, each slice's commands mounted from its cli.py."""

from __future__ import annotations

import typer

from opencx.settings import Settings

app = typer.Typer(help="OpenCX customer-experience platform.", no_args_is_help=True)


@app.callback()
def root() -> None:
    """OpenCX: know, listen, measure, predict, reward, serve. Settings come from OPENCX_* vars."""


@app.command()
def init() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from opencx.db import migrate

    settings = Settings()
    migrate(settings.database_url)
    typer.echo(f"database ready: {settings.database_url}")


def main() -> None:
    app()
