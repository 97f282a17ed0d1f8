"""The ``opencx`` command: set-up commands here, each slice's commands mounted from its cli.py.

Slice commands receive the services through ``ctx.obj`` (a :class:`LazyServices`), which builds
them from ``Settings()`` on first use, so ``opencx --help`` touches no database.
"""

from __future__ import annotations

from typing import Any

import typer

from opencx.settings import Settings

app = typer.Typer(help="OpenCX customer-experience platform.", no_args_is_help=True)


class LazyServices:
    """Builds :class:`opencx.app.Services` on first attribute access."""

    def __init__(self) -> None:
        self._services: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._services is None:
            from opencx.app import build

            self._services = build(Settings())
        return getattr(self._services, name)


@app.callback()
def root(ctx: typer.Context) -> None:
    """OpenCX: know, listen, measure, predict, reward, serve. Settings come from OPENCX_* vars."""
    ctx.obj = LazyServices()


@app.command()
def init() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    from opencx.db import migrate

    settings = Settings()
    migrate(settings.database_url)
    typer.echo(f"database ready: {settings.database_url}")


def _mount() -> None:
    """Mount each slice's command group (slices add themselves to this list)."""
    groups: list[tuple[str | None, str]] = [
        # (group name or None to merge commands at the top level, module path[:attribute])
        ("users", "opencx.access.cli:users_app"),
        ("apikeys", "opencx.access.cli:apikeys_app"),
        (None, "opencx.outbox.cli"),
    ]
    import importlib

    for name, module in groups:
        path, _, attr = module.partition(":")
        sub = getattr(importlib.import_module(path), attr or "app")
        if name is None:
            app.registered_commands.extend(sub.registered_commands)
            app.registered_groups.extend(sub.registered_groups)
        else:
            app.add_typer(sub, name=name)


def main() -> None:
    _mount()
    app()
