"""The ``opencx`` command: set-up commands here, each slice's commands mounted from its cli.py.

Slice commands receive the services through ``ctx.obj`` (a :class:`LazyServices`), which builds
them from ``Settings()`` on first use, so ``opencx --help`` touches no database.
"""

from __future__ import annotations

import contextlib
import sys
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


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Interface to listen on [default: OPENCX_HOST]."),
    port: int | None = typer.Option(None, help="Port [default: OPENCX_PORT]."),
    reload: bool = typer.Option(False, help="Restart when the code changes (development)."),
) -> None:
    """Serve the pages and the API (uvicorn); OpenAPI docs at /docs."""
    import uvicorn

    settings = Settings()
    host = host or settings.host
    port = port if port is not None else settings.port
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"OpenCX on http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs)")
    if settings.secret_key == "change-me-in-production":
        typer.echo("warning: OPENCX_SECRET_KEY is the default; set it before real use", err=True)
    sys.stdout.flush()
    if reload:
        from pathlib import Path

        source = str(Path(__file__).resolve().parent)  # watch the code, not the working dir
        uvicorn.run(
            "opencx.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            reload=True,
            reload_dirs=[source],
        )
    else:
        from opencx.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True)


DEMO_LOGIN = ("demo@opencx.local", "opencx-demo")


@app.command()
def quickstart(
    ctx: typer.Context,
    customers: int = typer.Option(20_000, help="Demo customers to generate into an empty store."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Start the server."),
) -> None:
    """What `make demo` runs: migrate, generate demo data if empty, ensure a login, serve."""
    from opencx.access.service import AccessService
    from opencx.core import Conflict
    from opencx.db import migrate
    from opencx.ingest.demo import DemoSettings, has_customers, iter_demo, write_demo

    settings = Settings()
    migrate(settings.database_url)
    services = ctx.obj
    with services.engine.connect() as conn:
        empty = not has_customers(conn)
    if empty:
        typer.echo(f"generating {customers:,} demo customers into {settings.database_url} ...")
        write_demo(services.engine, iter_demo(DemoSettings(customers=customers)))
    email, password = DEMO_LOGIN
    # made by an earlier run, the user stays as it is (its password may have been changed)
    with contextlib.suppress(Conflict):
        AccessService(services.engine, services.clock).create_user(
            email, role="admin", password=password, name="Demo admin"
        )
    typer.echo(f"\nOpenCX is ready: http://{settings.host}:{settings.port}/")
    typer.echo(f"log in as {email} / {password} (admin)\n")
    if serve_after:
        serve(host=None, port=None, reload=False)


def _mount() -> None:
    """Mount each slice's command group (slices add themselves to this list)."""
    groups: list[tuple[str | None, str]] = [
        # (group name or None to merge commands at the top level, module path[:attribute])
        ("users", "opencx.access.cli:users_app"),
        ("apikeys", "opencx.access.cli:apikeys_app"),
        (None, "opencx.outbox.cli"),
        ("outbox", "opencx.outbox.cli:outbox_app"),
        (None, "opencx.ingest.cli"),
        (None, "opencx.ingest.demo_cli"),
        ("customers", "opencx.customers.cli"),
        ("models", "opencx.modeling.cli"),
        ("metrics", "opencx.metrics.cli"),
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


if __name__ == "__main__":
    main()
