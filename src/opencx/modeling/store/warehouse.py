"""Where models read the canonical tables: the metrics slice's backends, one meaning per URL.

Models open no connection of their own: :func:`open_tables` hands the warehouse URL (or, without
one, the operational database's URL) to :func:`opencx.metrics.store.backends.connect`, so
``OPENCX_WAREHOUSE_URL`` means the same place for metrics and models (SQLite, PostgreSQL, a
DuckDB file, a Parquet folder, PySpark).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ibis.backends import BaseBackend
from sqlalchemy.engine import Engine

from opencx.metrics.store.backends import connect
from opencx.modeling.domain.features.customer import Sources

__all__ = ["SOURCE_TABLES", "open_tables", "sources"]

SOURCE_TABLES = (
    "customers",
    "orders",
    "order_lines",
    "interactions",
    "cases",
    "responses",
    "answers",
    "subscriptions",
    "products",
)


@contextmanager
def open_tables(
    engine: Engine, warehouse_url: str | None = None, *, threads: int = 2
) -> Iterator[BaseBackend]:
    """An Ibis backend over ``warehouse_url``, else the operational database; closed afterwards
    (a Spark session outlives it: it is shared by the process)."""
    url = warehouse_url or engine.url.render_as_string(hide_password=False)
    con = connect(url, threads=threads)
    try:
        yield con
    finally:
        if not url.startswith("pyspark"):
            con.disconnect()


def sources(con: BaseBackend) -> Sources:
    """The canonical tables on ``con`` as a :class:`Sources` bundle."""
    return Sources(**{name: con.table(name) for name in SOURCE_TABLES})
