"""The ``opencx`` command: set-up commands here, each slice's commands mounted from its cli.py.

Slice commands receive the services through ``ctx.obj`` (a :class:`LazyServices`), which builds
them from ``Settings()`` on first use, so ``opencx --help`` touches no database. A bare
``opencx --help`` lists :data:`LISTING` without importing the slices (their modules pull in
ibis, pandas, scikit-learn...; tests/app/test_cli_user_errors.py checks it equals the full list).
A user error (missing file, uninitialised or unreachable database) is one line on stderr and
exit code 2 (:func:`user_error`); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import typer

from opencx.demo.domain.scale import MAX_CUSTOMERS

app = typer.Typer(help="OpenCX customer-experience platform.", no_args_is_help=True)


class LazyServices:
    """Builds :class:`opencx.app.Services` on first attribute access."""

    def __init__(self) -> None:
        self._services: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._services is None:
            from opencx.app import build
            from opencx.settings import Settings

            self._services = build(Settings())
        return getattr(self._services, name)


def _version(value: bool) -> None:
    if value:
        from opencx import __version__

        typer.echo(f"opencx {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of any error."),
) -> None:
    """OpenCX: know, listen, measure, predict, reward, serve. Settings come from OPENCX_* vars."""
    ctx.obj = LazyServices()
    ctx.with_resource(acting_from_shell())


def acting_from_shell() -> contextlib.AbstractContextManager[None]:
    """Privileged acts of this command are recorded as ``cli:<login>`` with a command id."""
    import getpass

    from opencx.core.audit import Origin, acting
    from opencx.core.ids import new_id

    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container)
        login = "unknown"
    return acting(Origin(actor=f"cli:{login}", request_id=f"cli-{new_id()}"))


@app.command()
def init(ctx: typer.Context) -> None:
    """Create or upgrade the database schema (Alembic migrations); with crypto-shredding on,
    seal the customers still stored in plaintext."""
    from opencx.db import migrate
    from opencx.settings import Settings

    settings = Settings()
    create_postgres_database(settings.database_url)
    migrate(settings.database_url)
    if settings.crypto_shredding:
        seal_plaintext_customers(ctx.obj)
    typer.echo(f"database ready: {settings.database_url}")


@app.command()
def downgrade(
    revision: str = typer.Argument(
        ..., help="The migration to go back to, e.g. 0019 (the older OpenCX's latest), or base."
    ),
) -> None:
    """Undo the migrations above REVISION, with this (the newer) OpenCX, in one transaction.
    A migration that would drop records or narrow a column past a stored value refuses, naming
    the table and the rows, and nothing is changed (exit code 2). See docs/operations.md."""
    from opencx.db import downgrade as downgrade_to
    from opencx.settings import Settings

    was, now = downgrade_to(Settings().database_url, revision)
    if was == now:
        typer.echo(f"the database is at migration {now} already: nothing to undo")
    else:
        typer.echo(f"database downgraded from migration {was} to {now}")


def seal_plaintext_customers(services: Any) -> None:
    """Seal customers written before crypto-shredding was on (the upgrade path; idempotent
    and nearly free once done: one probe query)."""
    if sealed := services.customers.seal_existing(thorough=True):
        typer.echo(f"sealed the contact fields of {sealed:,} customer(s) (crypto-shredding)")


def create_postgres_database(url: str) -> None:
    """``opencx init`` on a PostgreSQL server whose database does not exist yet creates it
    (through the server's ``postgres`` database; the user needs CREATEDB, else one line says so)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        return
    engine = sa.create_engine(target)
    try:
        with engine.connect():
            return
    except sa.exc.OperationalError as exc:
        if "does not exist" not in str(exc.orig):
            raise
    finally:
        engine.dispose()
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = target.database.replace('"', '""')
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    typer.echo(f"created database {target.database!r}")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Interface to listen on [default: OPENCX_HOST]."),
    port: int | None = typer.Option(None, help="Port [default: OPENCX_PORT]."),
    reload: bool = typer.Option(False, help="Restart when the code changes (development)."),
    workers: int = typer.Option(1, min=1, help="Server processes (production: about 2 per core)."),
) -> None:
    """Serve the pages and the API (uvicorn); OpenAPI docs at /docs. See docs/operations.md."""
    from opencx.ops.serve import run_server
    from opencx.settings import Settings

    settings = Settings()
    port = port if port is not None else settings.port
    run_server(settings, host=host or settings.host, port=port, reload=reload, workers=workers)


DEMO_LOGIN = ("demo@opencx.local", "opencx-demo")


@app.command()
def quickstart(
    ctx: typer.Context,
    customers: int = typer.Option(
        20_000, min=1, max=MAX_CUSTOMERS, help="Demo customers to generate into an empty store."
    ),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Start the server."),
) -> None:
    """What `make demo` runs: migrate, generate demo data if empty (and analyse its survey
    comments), fit the models not fitted yet, ensure a login, serve."""
    from rich.console import Console

    from opencx.access.service import AccessService
    from opencx.core import Conflict, OpenCXError
    from opencx.db import migrate
    from opencx.demo import DemoSettings
    from opencx.demo.cli import TableProgress
    from opencx.modeling.cli import fit_models
    from opencx.settings import Settings

    settings = Settings()
    migrate(settings.database_url)
    services = ctx.obj
    if settings.crypto_shredding:
        seal_plaintext_customers(services)
    if not services.demo.has_customers():
        typer.echo(f"generating {customers:,} demo customers into {settings.database_url} ...")
        with TableProgress(Console()) as progress:
            # history up to today, so that "the last 7, 30, 90 days" on the pages hold the
            # demo's latest weeks (``opencx demo`` keeps its fixed default end date)
            today = services.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
            services.demo.generate(DemoSettings(customers=customers, end=today), progress.on_rows)
        # the demo's surveys were sent and answered through the feedback slice; analysing
        # their comments now (≈ 1 s for 20,000 customers) fills the themes and sentiment
        # pages before the worker's first hourly run
        typer.echo("analysing survey comments ...")
        try:
            services.feedback.analyse()
        except OpenCXError as exc:  # too few comments: the worker's hourly run tries again
            typer.echo(f"feedback: {exc}", err=True)
    unfitted = [m for m in services.modeling.specs() if services.modeling.latest(m) is None]
    if unfitted:  # so that no model page is empty on the first visit
        typer.echo(f"fitting {', '.join(unfitted)} ...")
        try:
            fit_models(services.modeling, unfitted)
        except OpenCXError as exc:  # the pages still serve; they say what is missing
            typer.echo(f"models: {exc}; fit them later with `opencx models fit all`", err=True)
    email, password = DEMO_LOGIN
    # made by an earlier run, the user stays as it is (its password may have been changed)
    with contextlib.suppress(Conflict):
        AccessService(services.engine, services.clock).create_user(
            email, role="admin", password=password, name="Demo admin"
        )
    typer.echo(f"\nOpenCX is ready: http://{settings.host}:{settings.port}/")
    typer.echo(f"log in as {email} / {password} (admin)\n")
    if serve_after:
        serve(host=None, port=None, reload=False, workers=1)


@app.command("telco-eval")
def telco_eval(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="WA_Fn-UseC_-Telco-Customer-Churn.csv"),
    snapshot: str = typer.Option("2026-01-01", help="snapshot date (ISO, UTC)"),
) -> None:
    """Import the IBM telco sample (customers, subscriptions) and evaluate the churn model on it.

    Needs two slices, so it lives here: the import pipeline loads the rows (idempotent, with
    identity resolution), then the modeling service fits churn on the snapshot.
    """
    from datetime import UTC, datetime

    from opencx.core import OpenCXError
    from opencx.ingest.service.telco import import_telco

    when = datetime.fromisoformat(snapshot)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    services = ctx.obj
    try:
        loaded = import_telco(services.ingest, path, snapshot=when)
        run = services.modeling.fit("churn", as_of=when, config={"mode": "snapshot"})
    except OpenCXError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    m = run.metrics
    typer.echo(
        f"customers={loaded.customers.rows_loaded} "
        f"subscriptions={loaded.subscriptions.rows_loaded} "
        f"blank TotalCharges={loaded.blank_total_charges} AUC={m['auc']:.4f} "
        f"PR-AUC={m['pr_auc']:.4f} Brier={m['brier']:.4f} run={run.id}"
    )


GROUPS: tuple[tuple[str | None, str], ...] = (
    # (group name or None to merge commands at the top level, module path[:attribute]);
    # slices add themselves here, in the order of LISTING
    ("users", "opencx.access.cli:users_app"),
    ("apikeys", "opencx.access.cli:apikeys_app"),
    (None, "opencx.ops.worker"),
    (None, "opencx.ops.cli"),
    ("outbox", "opencx.outbox.cli:outbox_app"),
    (None, "opencx.ingest.cli"),
    (None, "opencx.demo.cli"),
    ("customers", "opencx.customers.cli"),
    ("models", "opencx.modeling.cli"),
    ("metrics", "opencx.metrics.cli"),
    ("loyalty", "opencx.loyalty.cli"),
    ("feedback", "opencx.feedback.cli"),
    ("helpdesk", "opencx.helpdesk.cli"),
    ("journeys", "opencx.journeys.cli"),
    ("jobs", "opencx.jobs.cli"),
    ("audit", "opencx.audit.cli"),
)
# the commands that the merged (None) modules of GROUPS put at the top level
MERGED: dict[str, str] = {
    "worker": "opencx.ops.worker",
    "doctor": "opencx.ops.cli",
    "backup": "opencx.ops.cli",
    "restore": "opencx.ops.cli",
    "import": "opencx.ingest.cli",
    "demo": "opencx.demo.cli",
}


def _mount(only: str | None = None) -> None:
    """Mount each slice's command group, or only the one that provides command ``only`` (so
    ``opencx models list`` or ``opencx import --help`` imports one slice, not all of them)."""
    import importlib

    for name, module in GROUPS:
        if only is not None and only != name and MERGED.get(only) != module:
            continue
        path, _, attr = module.partition(":")
        sub = getattr(importlib.import_module(path), attr or "app")
        if name is None:
            app.registered_commands.extend(sub.registered_commands)
            app.registered_groups.extend(sub.registered_groups)
        else:
            app.add_typer(sub, name=name)


BUILT_IN = frozenset({"init", "downgrade", "serve", "quickstart", "telco-eval"})  # defined here


def _command_of(args: list[str]) -> str | None:
    """The mounted command ``args`` name (the first word that is not an option), else None."""
    word = next((a for a in args if not a.startswith("-")), None)
    names = {name for name, _ in GROUPS if name} | set(MERGED)
    return word if word in names else None


LISTING: tuple[tuple[str, str], ...] = (
    # the commands mounted by _mount() and the first paragraph of their help, in order
    ("worker", "Deliver due outbox messages and run due jobs until SIGTERM or Ctrl-C."),
    (
        "doctor",
        "Check the configuration (secret key, database, SMTP, warehouse) and say what to fix.",
    ),
    ("backup", "Copy the SQLite store to PATH while it is in use (SQLite's online backup API)."),
    (
        "restore",
        "Replace the SQLite store's content with PATH (stop the server and workers first).",
    ),
    (
        "import",
        "Import FILE as KIND in one transaction: nothing is written if any row is bad, unless\n"
        "--allow-rejects. Re-importing the same file updates rows instead of duplicating them.",
    ),
    ("demo", "Generate a fictional omnichannel retailer (customers, orders, cases, surveys...)."),
    ("users", "Users who log in to the pages (roles: admin, analyst, agent)."),
    ("apikeys", "API keys with scopes for the HTTP API."),
    ("outbox", "The outbox: dead letters and re-sending them."),
    ("customers", "Customers: the 360 profile, search, merges, GDPR export and erasure."),
    ("models", "Customer models: CLV, churn, RFM, personas, loyal types, next best offer."),
    ("metrics", "CX metrics with intervals: NPS, CSAT, CES, churn, retention, ..."),
    ("loyalty", "Loyalty: the program, members, the points ledger, rewards, draws."),
    ("feedback", "Feedback: surveys, invitations, responses, the closed loop."),
    ("helpdesk", "Helpdesk: cases, SLA checks and the inbound mailbox."),
    ("journeys", "Journeys: touchpoint paths to an outcome, friction points and experiments."),
    ("jobs", "Periodic jobs: last and next runs, run one now."),
    ("audit", "The audit log of privileged acts: who, when, what, from where."),
)


def _database_error(exc: Exception) -> str | None:
    """An uninitialised, missing or unreachable database, said in one line with what to do."""
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
    low = text.lower()
    if "no such table" in low or ("relation" in low and "does not exist" in low):
        return f"the database has no OpenCX tables ({text}): run `opencx init` first"
    if "database" in low and "does not exist" in low:
        return f"{text}: run `opencx init`, which creates it (or `createdb NAME`)"
    if "unable to open database file" in low:
        return f"{text}: the folder of the SQLite file in OPENCX_DATABASE_URL must exist"
    if "connection" in low or "connect" in low:
        return f"cannot reach the database server ({text}): is it running? see OPENCX_DATABASE_URL"
    return None


def user_error(exc: Exception) -> str | None:
    """What went wrong and what to do, for errors a user can fix; None for a bug."""
    from opencx.core import OpenCXError

    if isinstance(exc, OpenCXError):
        return str(exc)
    if isinstance(exc, FileNotFoundError | NotADirectoryError | IsADirectoryError):
        return f"{exc.strerror}: {exc.filename}"
    if isinstance(exc, PermissionError):
        return f"not allowed to use {exc.filename} ({exc.strerror}): choose a place you can write"
    if isinstance(exc, ConnectionError):
        return f"cannot reach a server ({exc}): is it running, and are its settings right?"
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        from opencx.settings import refused

        return refused(exc)
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.ProgrammingError):
        return _database_error(exc)
    return None


def _mount_listing() -> None:
    """For a bare ``opencx --help``: the mounted commands' names and help, nothing imported."""
    for name, text in LISTING:
        app.command(name, help=text)(lambda: None)


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:  # answered before importing every slice's commands
        from opencx import __version__

        typer.echo(f"opencx {__version__}")
        return
    if args in ([], ["--help"]):
        _mount_listing()
        app()
        return
    word = next((a for a in args if not a.startswith("-")), None)
    if word not in BUILT_IN:  # those need no slice's commands
        _mount(_command_of(args))  # an unknown command: every group, so the error lists all
    if "--debug" in args:
        app()
        return
    try:
        app()
    except Exception as exc:
        message = user_error(exc)
        if message is None:
            raise
        typer.echo(f"error: {message} (--debug shows the traceback)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
