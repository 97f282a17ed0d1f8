"""New orders copied straight into ``orders`` and ``order_lines`` (PostgreSQL), without a stage.

An import whose orders are not in the store yet knows everything the merge would compute: the
client numbers each order's lines and makes the ids, so the rows go in by ``COPY`` as they are,
while the next chunk is read (each function named ``*_job`` runs on the psycopg connection, on
the import's write-behind thread: ``store.behind``). What only the whole file can tell is set
after: the status of an order whose later lines change it (:func:`set_statuses_job`), and the
lines that returned lines reverse (:func:`link_copied_returns`).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.ingest.store.pg_copy import CopyWrite, copy_rows

COPIED_RETURNS = "_ingest_copied_returns"
"""Return lines copied straight in, each with the order it returns (if given): linked at the end."""

LOCK_SPACE = "opencx.ingest.orders:"


def lock_source(conn: Connection, source: str) -> None:
    """Serialise imports that copy new orders of one source (until the transaction ends): the
    second finds the first one's orders and merges into them, instead of failing on their
    keys."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 0))",
            {"key": LOCK_SPACE + source},
        )


def stored_orders(conn: Connection, source: str, external_ids: list[str]) -> set[str]:
    """The ``external_ids`` that are orders of ``source`` already (one query)."""
    if not external_ids:
        return set()
    rows = conn.execute(
        sa.text(
            "SELECT external_id FROM orders WHERE source = :source "
            "AND external_id = ANY(CAST(:ids AS text[]))"
        ),
        {"source": source, "ids": external_ids},
    )
    return {r[0] for r in rows}


def copy_job(table: str, data: pa.Table) -> CopyWrite:
    """The job that copies ``data`` into ``table`` (columns named as the table's; those null on
    every row are left out, so they take their default), its rows encoded ahead of the
    statement (``pg_copy.CopyWrite``). ``table`` and the names come from code."""
    return CopyWrite(table, data)


def copy_returns_job(driver: Any, *, data: pa.Table, create: bool) -> None:
    """Copy return lines (``line_id``, ``sku``, ``returns_order``) aside for
    :func:`link_copied_returns`; ``create``: the table is made first (the import's first)."""
    if create:
        driver.execute(
            f"CREATE TEMP TABLE {COPIED_RETURNS} (line_id text, sku text, returns_order text)"
            " ON COMMIT DROP"
        )
    copy_rows(driver, COPIED_RETURNS, data)


def set_statuses_job(driver: Any, *, ids: list[str], statuses: list[str]) -> None:
    """Give the orders ``ids`` (created by this import) their ``statuses``."""
    driver.execute(
        "UPDATE orders SET status = v.status FROM unnest(%s::text[], %s::text[]) AS v(id, status)"
        " WHERE orders.id = v.id",
        (ids, statuses),
    )


def fill_products_job(
    driver: Any, *, ids: list[str], names: list[str | None], categories: list[str | None]
) -> None:
    """Give the products ``ids`` (created by this import) the name and category they lack."""
    driver.execute(
        "UPDATE products SET name = coalesce(products.name, v.name),"
        " category = coalesce(products.category, v.category)"
        " FROM unnest(%s::text[], %s::text[], %s::text[]) AS v(id, name, category)"
        " WHERE products.id = v.id",
        (ids, names, categories),
    )


def link_copied_returns(conn: Connection, source: str) -> tuple[int, int]:
    """Link each copied return line that names the order it returns to that order's first
    positive line of the same SKU (as ``store.link_returns`` does for staged lines); mark those
    orders ``partly_returned`` (when ``completed`` and not given by their file, ``status_given``).
    Return (linked, unlinked)."""
    # one set-based statement: a correlated subquery per return, planned before the tables
    # just loaded had column statistics, scanned every line per return (100,000 returns of a
    # 200,000-line file ran past 10 minutes); the stage and the lines are counted first
    conn.exec_driver_sql(f"ANALYZE {COPIED_RETURNS}")
    conn.exec_driver_sql("ANALYZE order_lines (order_id, sku, quantity)")
    conn.execute(
        sa.text(
            f"""UPDATE order_lines SET returns_line_id = t.target
            FROM (SELECT DISTINCT ON (r.line_id) r.line_id, l2.id AS target
                  FROM {COPIED_RETURNS} r
                  JOIN orders o2 ON o2.source = :source AND o2.external_id = r.returns_order
                  JOIN order_lines l2 ON l2.order_id = o2.id AND l2.sku = r.sku
                  WHERE l2.quantity > 0
                  ORDER BY r.line_id, l2.line_no) t
            WHERE order_lines.id = t.line_id"""  # noqa: S608
        ),
        {"source": source},
    )
    conn.exec_driver_sql(
        f"""UPDATE orders SET status = 'partly_returned'
        WHERE status = 'completed' AND NOT status_given AND id IN (
            SELECT t.order_id FROM order_lines t WHERE t.id IN (
                SELECT l.returns_line_id FROM {COPIED_RETURNS} r
                JOIN order_lines l ON l.id = r.line_id
                WHERE l.returns_line_id IS NOT NULL))"""  # noqa: S608
    )
    total, linked = conn.exec_driver_sql(
        f"""SELECT count(*), count(l.returns_line_id) FROM {COPIED_RETURNS} r
        JOIN order_lines l ON l.id = r.line_id"""  # noqa: S608
    ).one()
    conn.exec_driver_sql(f"DROP TABLE {COPIED_RETURNS}")
    return int(linked), int(total) - int(linked)
