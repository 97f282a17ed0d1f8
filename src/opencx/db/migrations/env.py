"""Alembic environment: migrations run against whatever URL the caller configured."""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context

import opencx
from opencx.db.engine import migration_engine
from opencx.db.schema import metadata

config = context.config

# Slice-private tables (loyalty, service hub, ...) live in each slice's store.py on the same
# metadata; import them all so autogenerate sees the whole schema. An upgrade runs the
# migrations alone (``opencx.db.migrate`` says so): the stores import Arrow, NumPy and the web
# package's FastAPI, which ``opencx init`` does not need (tests/contracts/test_cli_start.py).
if not config.attributes.get("upgrade_only"):
    for _mod in pkgutil.iter_modules(opencx.__path__):
        if _mod.ispkg:
            try:
                importlib.import_module(f"opencx.{_mod.name}.store")
            except ModuleNotFoundError as exc:
                if exc.name != f"opencx.{_mod.name}.store":
                    raise


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = migration_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
