"""The database edge: engine, the canonical schema (``metadata``) and Alembic migrations."""

from opencx.db.driver import pipelined
from opencx.db.engine import (
    create_engine_from_url,
    downgrade,
    is_postgres,
    migrate,
    transaction,
)
from opencx.db.schema import metadata

__all__ = [
    "create_engine_from_url",
    "downgrade",
    "is_postgres",
    "metadata",
    "migrate",
    "pipelined",
    "transaction",
]
