"""Alembic environment: migrations run against whatever URL the caller configured."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy.types import TypeEngine

import opencx
from opencx.db.engine import migration_engine
from opencx.db.schema import metadata

config = context.config

# Slice-private tables (loyalty, service hub, ...) live in each slice's store on the same
# metadata; import every module of them so autogenerate sees the whole schema (a store package's
# __init__ need not import its tables: metrics.store.targets was missed, and autogenerate
# proposed dropping metric_targets). An upgrade or a downgrade runs the migrations alone
# (``opencx.db.migrate`` and ``downgrade`` say so): the stores import Arrow, NumPy and the web
# package's FastAPI, which ``opencx init`` does not need (tests/contracts/test_cli_start.py).
if not config.attributes.get("migrations_only"):
    for _mod in pkgutil.iter_modules(opencx.__path__):
        if _mod.ispkg:
            try:
                _store = importlib.import_module(f"opencx.{_mod.name}.store")
            except ModuleNotFoundError as exc:
                if exc.name != f"opencx.{_mod.name}.store":
                    raise
                continue
            _inside = getattr(_store, "__path__", [])  # a store.py has no modules inside
            for _sub in pkgutil.walk_packages(_inside, f"{_store.__name__}."):
                importlib.import_module(_sub.name)


def compare_type(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """On SQLite an integer column holds 64 bits whatever its declared width, and a text column
    any length: the migrations widen such columns on PostgreSQL only (0020, 0033, 0035, 0036),
    so on SQLite autogenerate proposes no table rebuild for them (it proposed 8). Otherwise
    Alembic compares as it does by default."""
    affinity = inspected_type._type_affinity
    if context.dialect.name == "sqlite" and affinity in (sa.Integer, sa.String):
        return False if metadata_type._type_affinity is affinity else None
    return None


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(
            connection=connectable,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=compare_type,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = migration_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=compare_type,
                transactional_ddl=True,  # SQLite's too (migration_engine): one transaction
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:  # a failed migration leaves no connection open to the garbage collector
        engine.dispose()


run_migrations_online()
