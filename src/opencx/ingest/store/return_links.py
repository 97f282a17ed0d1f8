"""Return lines linked to the lines they reverse, once every line of an import is in, by one
set-based statement on both stores; and stored returns kept on their SKU when a re-import
changes the lines of the order they return.

A return line names its original by ``returns_order`` (an order of the same source) and its own
SKU, or, with the mapping's ``link_returns = "customer_sku"``, is the return of its customer's
latest earlier line of that SKU in the file. The return lines of an import are listed in a
temporary table (:data:`RETURNS`): from the PostgreSQL stage by :func:`link_returns`, from the
chunks the SQLite writer gathered by :func:`link_listed_returns`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.id_lists import ids_rows, ids_value
from opencx.ingest.store import sqlite_images
from opencx.ingest.store.lookups import KEYS_PER_QUERY
from opencx.ingest.store.order_merge import STAGE
from opencx.ingest.store.pg_copy import copy_rows
from opencx.ingest.store.upserts import sqlite_values

RETURNS = "_ingest_order_returns"
TARGETS = "_ingest_return_targets"
"""On SQLite, per listed return line: its own line's id (``line_id``) and the id of the line it
reverses (``target``, null when none is found)."""

RETURN_COLUMNS = {
    "order_id": "TEXT",
    "line_no": "INTEGER",
    "sku": "TEXT",
    "returns_order": "TEXT",
    "prev_order": "TEXT",
    "prev_line": "INTEGER",
}
"""The columns of :data:`RETURNS`: per return line, its order (external id) and line number,
its SKU, the order it names (``returns_order``) and the latest earlier non-return line of the
file with the same customer and SKU (its order's external id and line number)."""


@dataclass(frozen=True)
class ReturnLinks:
    """What linking an import's return lines did: how many were linked and left unlinked."""

    linked: int
    unlinked: int


def link_returns(conn: Connection, source: str, *, by_customer: bool) -> ReturnLinks:
    """Link each staged return line to the line it reverses: the stage's return lines listed
    in :data:`RETURNS`, then linked as :func:`link_listed_returns` does.

    The lines are numbered by one sort of the stage on the order id in byte order (the same
    groups as the database collation, several times faster), and each return's previous line
    of its customer and SKU is searched only ``by_customer``."""
    is_ret = "(s.is_return OR s.quantity < 0)"
    previous = f"""max(CASE WHEN NOT {is_ret} THEN s._row END) OVER (
                       PARTITION BY s.customer_id COLLATE "C", s.sku COLLATE "C" ORDER BY s._row
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"""
    prev = "p.order_id AS prev_order, p.line_no AS prev_line"
    joined = "LEFT JOIN n p ON p._row = r.prev_row AND r.customer_id IS NOT NULL"
    if not by_customer:
        previous, prev, joined = (
            "NULL::bigint",
            "NULL::text AS prev_order, NULL::bigint AS prev_line",
            "",
        )
    sql = f"""
        CREATE TEMP TABLE {RETURNS} AS
        WITH n AS (
            SELECT s._row, s.order_id, s.sku, s.customer_id, s.returns_order,
                   {is_ret} AS is_ret,
                   coalesce(s.line_no, s.line_at,
                            row_number() OVER (PARTITION BY s.order_id COLLATE "C"
                                               ORDER BY s._row)) AS line_no,
                   {previous} AS prev_row
            FROM {STAGE} s)
        SELECT r.order_id, r.line_no, r.sku, r.returns_order, {prev}
        FROM n r {joined}
        WHERE r.is_ret
    """  # noqa: S608
    with _without_jit(conn):
        conn.exec_driver_sql(sql)
    return _link_listed(conn, source, by_customer=by_customer)


def link_listed_returns(
    conn: Connection, source: str, listed: pa.Table, *, by_customer: bool
) -> ReturnLinks:
    """Link each return line of ``listed`` (columns :data:`RETURN_COLUMNS`, gathered chunk by
    chunk) to the line it reverses, once every line of the import is in.

    A return with ``returns_order`` links to that order's first positive line of the same SKU
    (as the import leaves it: before or after the return in the file, stored or new);
    otherwise, with ``by_customer``, to the latest earlier non-return line of the file with the
    same customer and SKU. The orders of the linked lines become ``partly_returned`` (when
    ``completed`` and computed: a status the order's file gave, ``status_given``, is kept).
    """
    columns = ", ".join(f"{name} {kind}" for name, kind in RETURN_COLUMNS.items())
    conn.exec_driver_sql(f"CREATE TEMP TABLE {RETURNS} ({columns})")
    _fill(conn, listed.select(list(RETURN_COLUMNS)))
    return _link_listed(conn, source, by_customer=by_customer)


def _fill(conn: Connection, data: pa.Table) -> None:
    """Put ``data`` into :data:`RETURNS` as the neighbouring writes put rows in: by ``COPY``
    on PostgreSQL; on SQLite by one ``INSERT … SELECT`` from an image of the rows written in C
    (``store.sqlite_images``, an import's connection), else by one ``executemany`` of
    positional rows."""
    if data.num_rows == 0:
        return
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        copy_rows(driver, RETURNS, data)
        return
    names = ", ".join(data.column_names)
    if sqlite_images.usable(conn, data):
        rows = sqlite_images.image_of(driver, data)
        conn.exec_driver_sql(
            f"INSERT INTO {RETURNS} ({names}) SELECT {names} FROM {rows} ORDER BY rowid"  # noqa: S608
        )
        return
    values = list(zip(*(sqlite_values(c) for c in data.columns), strict=True))
    marks = ", ".join("?" * data.num_columns)
    conn.exec_driver_sql(f"INSERT INTO {RETURNS} ({names}) VALUES ({marks})", values)  # noqa: S608


def _link_listed(conn: Connection, source: str, *, by_customer: bool) -> ReturnLinks:
    """Link the return lines listed in :data:`RETURNS` (see :func:`link_listed_returns`); drop
    the list.

    Each listed return finds its own line and its target on the unique keys ((source,
    external id) of an order, (order, line number) of a line); the links and the statuses are
    then joined to those by primary keys. On tables just filled (no ``ANALYZE`` yet)
    PostgreSQL once joined the list to every line of the source by nested loops over
    sequential scans (10,000 returns listed after 20,000 lines: 47 s; one return event after
    10,000 orders: three scans of every line): SQLite looks the keys up per listed line;
    PostgreSQL joins the whole list at once (:func:`_pg_links`: hash joins for many, index
    lookups for an event's few), in one statement (an event's few returns pay for each round
    trip and temporary table) compiled without JIT."""
    by_line = """
        SELECT l.id FROM orders o JOIN order_lines l ON l.order_id = o.id
        WHERE o.source = :source AND o.external_id = r.order_id AND l.line_no = r.line_no
    """
    by_target = """
        SELECT l2.id FROM orders o2 JOIN order_lines l2 ON l2.order_id = o2.id
        WHERE o2.source = :source AND o2.external_id = r.returns_order AND l2.sku = r.sku
          AND l2.quantity > 0
        ORDER BY l2.line_no LIMIT 1
    """
    by_previous = """
        SELECT l3.id FROM orders o3 JOIN order_lines l3 ON l3.order_id = o3.id
        WHERE o3.source = :source AND o3.external_id = r.prev_order AND l3.line_no = r.prev_line
    """
    previous = f"WHEN r.prev_order IS NOT NULL THEN ({by_previous})" if by_customer else ""
    targets = f"""
        SELECT ({by_line}) AS line_id,
               CASE WHEN r.returns_order IS NOT NULL THEN ({by_target}) {previous} END AS target
        FROM {RETURNS} r
    """  # noqa: S608
    link = """
        UPDATE order_lines SET returns_line_id = t.target FROM {t} t
        WHERE order_lines.id = t.line_id AND t.target IS NOT NULL
    """
    # the orders of the lines linked: partly returned, unless their file gave their status
    mark = """
        UPDATE orders SET status = 'partly_returned'
        WHERE status = 'completed' AND NOT status_given AND id IN ({originals})
    """
    counts = "count(t.line_id), count(CASE WHEN t.line_id IS NOT NULL THEN t.target END)"
    params = {"source": source}
    if conn.dialect.name == "postgresql":
        # the list's row count (a temp table is never auto-analyzed): an event's one return
        # counted as 490 ran a JIT compile of the lookups
        conn.exec_driver_sql(f"ANALYZE {RETURNS}")
        with _without_jit(conn):
            total, linked = conn.execute(sa.text(_pg_links(by_customer)), params).one()
        conn.exec_driver_sql(f"DROP TABLE {RETURNS}")
        return ReturnLinks(int(linked), int(total) - int(linked))
    conn.execute(sa.text(f"CREATE TEMP TABLE {TARGETS} AS {targets}"), params)
    conn.exec_driver_sql(f"DROP TABLE {RETURNS}")
    conn.exec_driver_sql(link.format(t=TARGETS))
    originals = f"""
        SELECT o.order_id FROM {TARGETS} t
        JOIN order_lines l ON l.id = t.line_id
        JOIN order_lines o ON o.id = l.returns_line_id
    """  # noqa: S608
    conn.exec_driver_sql(mark.format(originals=originals))
    total, linked = conn.exec_driver_sql(f"SELECT {counts} FROM {TARGETS} t").one()  # noqa: S608
    conn.exec_driver_sql(f"DROP TABLE {TARGETS}")
    return ReturnLinks(int(linked), int(total) - int(linked))


def _pg_links(by_customer: bool) -> str:
    """PostgreSQL: link the listed returns and mark their originals' orders in one statement.

    The listed returns (numbered ``k``) are joined to their own lines, and to their targets,
    on the unique keys: one join each for the whole list, which the planner makes a hash join
    for many returns and index lookups for an event's few. The links and the marks are
    data-modifying CTEs over those pairs; the mark takes the target's order from the join
    instead of reading the target line again."""
    previous = """
        , previous AS (
            SELECT r.k, l3.id AS target, l3.order_id AS target_order
            FROM r JOIN orders o3 ON o3.source = :source AND o3.external_id = r.prev_order
            JOIN order_lines l3 ON l3.order_id = o3.id AND l3.line_no = r.prev_line
            WHERE r.returns_order IS NULL)
    """
    target = "coalesce(n.target, p.target)" if by_customer else "n.target"
    order = "coalesce(n.target_order, p.target_order)" if by_customer else "n.target_order"
    joined = "LEFT JOIN previous p ON p.k = r.k" if by_customer else ""
    return f"""
        WITH r AS MATERIALIZED (SELECT row_number() OVER () AS k, * FROM {RETURNS}),
        own AS (
            SELECT r.k, l.id AS line_id
            FROM r JOIN orders o ON o.source = :source AND o.external_id = r.order_id
            JOIN order_lines l ON l.order_id = o.id AND l.line_no = r.line_no),
        named AS (
            SELECT DISTINCT ON (r.k) r.k, l2.id AS target, l2.order_id AS target_order
            FROM r JOIN orders o2 ON o2.source = :source AND o2.external_id = r.returns_order
            JOIN order_lines l2 ON l2.order_id = o2.id AND l2.sku = r.sku
            WHERE l2.quantity > 0
            ORDER BY r.k, l2.line_no)
        {previous if by_customer else ""},
        t AS MATERIALIZED (
            SELECT own.line_id, {target} AS target, {order} AS target_order
            FROM r LEFT JOIN own ON own.k = r.k LEFT JOIN named n ON n.k = r.k {joined}),
        linked AS (
            UPDATE order_lines SET returns_line_id = t.target FROM t
            WHERE order_lines.id = t.line_id AND t.target IS NOT NULL
            RETURNING t.target_order),
        marked AS (
            UPDATE orders SET status = 'partly_returned'
            WHERE status = 'completed' AND NOT status_given
              AND id IN (SELECT target_order FROM linked))
        SELECT count(t.line_id), count(CASE WHEN t.line_id IS NOT NULL THEN t.target END)
        FROM t
    """  # noqa: S608


@contextmanager
def _without_jit(conn: Connection) -> Iterator[None]:
    """PostgreSQL: no JIT compilation for the statements inside (``SET LOCAL``, then the
    setting found put back). Linking 100,000 returns compiled for 1.8 s to save less."""
    found = conn.exec_driver_sql("SELECT current_setting('jit')").scalar_one()
    conn.exec_driver_sql("SET LOCAL jit = off")
    yield
    conn.exec_driver_sql("SELECT set_config('jit', %(found)s, true)", {"found": found})


REWRITTEN = "_ingest_rewritten_orders"


def relink_stored_returns(
    conn: Connection, source: str, rewritten: Sequence[str] | None = None
) -> tuple[int, int]:
    """After an import that rewrote stored orders of ``source`` (a re-import may give an order
    new lines under the same line numbers): each return line linked to a line of those orders
    that now holds another SKU is linked to that order's first line of its SKU with a
    positive quantity, or unlinked when the order has none; then each of those orders that a
    return line reverses, left ``completed`` by the import (computed, not given), becomes
    ``partly_returned`` (the status the returns imply). Return (relinked, unlinked).

    ``rewritten``: the ids of the stored orders the import wrote; ``None``: the orders of the
    stage (PostgreSQL's merge). Only their lines and the links to them are read.
    """
    params = {"source": source}
    if not has_linked_returns(conn):  # no stored return links anything: nothing to follow
        return 0, 0
    if rewritten is None:
        orders = f"""
            SELECT o.id FROM orders o
            WHERE o.source = :source AND o.external_id IN (SELECT order_id FROM {STAGE})
        """  # noqa: S608
    else:
        conn.exec_driver_sql(f"CREATE TEMP TABLE {REWRITTEN} (id TEXT PRIMARY KEY)")
        for start in range(0, len(rewritten), KEYS_PER_QUERY):
            part = rewritten[start : start + KEYS_PER_QUERY]
            insert = f"INSERT INTO {REWRITTEN} SELECT * FROM {ids_rows(conn.dialect.name)} AS ids"  # noqa: S608
            conn.execute(sa.text(insert), {"ids": ids_value(conn, part)})
        orders = f"SELECT id FROM {REWRITTEN}"  # noqa: S608
    # which links to read: those to the rewritten orders' lines, found from those orders; or,
    # on SQLite when the store holds fewer linked returns than orders were rewritten, every
    # linked return, each checked against them (SQLite's planner drives from the orders'
    # list whatever the counts: a first re-import of 124,811 orders read their 500,000 lines
    # to find no link)
    from_returns = (
        conn.dialect.name == "sqlite"
        and rewritten is not None
        and _linked_fewer_than(conn, len(rewritten))
    )
    if from_returns:
        links = f"""EXISTS (SELECT 1 FROM order_lines t
                      WHERE t.id = order_lines.returns_line_id AND t.sku <> order_lines.sku
                        AND t.order_id IN ({orders}))"""  # noqa: S608
        reversed_ = f"""id IN (SELECT t.order_id FROM order_lines r
                CROSS JOIN order_lines t ON t.id = r.returns_line_id
                WHERE r.returns_line_id IS NOT NULL AND t.order_id IN ({orders}))"""  # noqa: S608
    else:
        links = f"""returns_line_id IN (
                SELECT t.id FROM order_lines t WHERE t.order_id IN ({orders}))
          AND EXISTS (SELECT 1 FROM order_lines t
                      WHERE t.id = order_lines.returns_line_id AND t.sku <> order_lines.sku)"""  # noqa: S608
        reversed_ = f"""id IN ({orders}) AND EXISTS (
                SELECT 1 FROM order_lines t JOIN order_lines r ON r.returns_line_id = t.id
                WHERE t.order_id = orders.id AND r.returns_line_id IS NOT NULL)"""  # noqa: S608
    relink = f"""
        UPDATE order_lines SET returns_line_id = (
            SELECT l2.id FROM order_lines t JOIN order_lines l2 ON l2.order_id = t.order_id
            WHERE t.id = order_lines.returns_line_id AND l2.sku = order_lines.sku
              AND l2.quantity > 0
            ORDER BY l2.line_no LIMIT 1)
        WHERE returns_line_id IS NOT NULL AND {links}
        RETURNING returns_line_id
    """  # noqa: S608
    moved = [target for (target,) in conn.execute(sa.text(relink), params)]
    conn.execute(
        sa.text(
            f"""UPDATE orders SET status = 'partly_returned'
            WHERE status = 'completed' AND NOT status_given AND {reversed_}"""  # noqa: S608
        ),
        params,
    )
    if rewritten is not None:
        conn.exec_driver_sql(f"DROP TABLE {REWRITTEN}")
    relinked = sum(target is not None for target in moved)
    return relinked, len(moved) - relinked


LINKED = "SELECT 1 FROM order_lines WHERE returns_line_id IS NOT NULL ORDER BY returns_line_id"
"""Stored return lines that are linked, read from the links' partial index. The ``ORDER BY``
(the index's order) makes the planner take that index under a ``LIMIT`` whatever it knows of
the table: without it, on ``order_lines`` just filled and not yet analyzed (the first import
of a large file, then the same file again), PostgreSQL expected nearly every line to be
linked and scanned the whole table to find none (500,000 lines: 250–330 ms; by the index:
0.02 ms)."""


def _linked_fewer_than(conn: Connection, n: int) -> bool:
    """Whether fewer than ``n`` stored return lines are linked (at most ``n`` entries of the
    links' partial index read)."""
    query = f"SELECT count(*) FROM ({LINKED} LIMIT {int(n)}) AS linked"  # noqa: S608
    return int(conn.execute(sa.text(query)).scalar_one()) < n


def has_linked_returns(conn: Connection) -> bool:
    """Whether any stored return line is linked (one entry of the links' partial index)."""
    return conn.execute(sa.text(f"{LINKED} LIMIT 1")).first() is not None


class LinkedOrdersJob:
    """On the import's write-behind thread (or at once), before it rewrites the lines of the
    orders ``order_ids``: add to ``found`` the orders their stored return lines are linked to
    (the rewrite resets those links; :func:`complete_unreturned` settles those orders at the
    end). Ids not stored yet match nothing. Two steps (``store.behind``), the first empty:
    queued with a chunk's images, it does not make the next chunk wait for this one's
    writes."""

    def __init__(self, conn: Connection, order_ids: list[str], found: list[str]) -> None:
        dialect = conn.dialect.name
        self._listed = ids_rows(dialect, "%s" if dialect == "postgresql" else "?")
        self._param = ids_value(conn, order_ids)
        self._found = found

    def prepare(self) -> None:
        pass

    def __call__(self, driver: Any) -> None:
        rows = driver.execute(
            f"""SELECT DISTINCT t.order_id FROM order_lines r
            JOIN order_lines t ON t.id = r.returns_line_id
            WHERE r.order_id IN {self._listed} AND r.returns_line_id IS NOT NULL""",  # noqa: S608
            (self._param,),
        ).fetchall()
        self._found.extend(order_id for (order_id,) in rows)


def staged_linked_orders(conn: Connection, source: str) -> list[str]:
    """PostgreSQL's merge, before it rewrites the staged orders' lines: the orders, not staged
    themselves, that those orders' stored return lines are linked to (the merge resets the
    links; :func:`complete_unreturned` settles those orders at the end). None when no stored
    return is linked (one entry of the links' partial index read)."""
    if not has_linked_returns(conn):
        return []
    query = f"""
        SELECT DISTINCT t.order_id FROM orders o
        JOIN order_lines r ON r.order_id = o.id AND r.returns_line_id IS NOT NULL
        JOIN order_lines t ON t.id = r.returns_line_id
        JOIN orders ot ON ot.id = t.order_id
        WHERE o.source = :source AND o.external_id IN (SELECT order_id FROM {STAGE})
          AND NOT (ot.source = :source AND ot.external_id IN (SELECT order_id FROM {STAGE}))
    """  # noqa: S608
    return [order_id for (order_id,) in conn.execute(sa.text(query), {"source": source})]


def complete_unreturned(conn: Connection, order_ids: Sequence[str]) -> int:
    """Once an import's returns are linked: each of ``order_ids`` (orders a re-imported return
    line was linked to, which the import did not write itself) that is ``partly_returned``,
    a status computed (not given by its file: ``status_given``), while no return line links
    to it any more and none of its own lines is a return becomes
    ``completed`` again, the status an import gives an order without returns (the reverse of
    :func:`link_listed_returns`' mark). Return how many."""
    changed, listed = 0, ids_rows(conn.dialect.name)
    ids = sorted(set(order_ids))
    for start in range(0, len(ids), KEYS_PER_QUERY):
        part = ids[start : start + KEYS_PER_QUERY]
        update = f"""
            UPDATE orders SET status = 'completed'
            WHERE status = 'partly_returned' AND NOT status_given AND id IN {listed}
              AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id
                              AND (l.quantity < 0 OR l.returns_line_id IS NOT NULL))
              AND NOT EXISTS (SELECT 1 FROM order_lines t
                              JOIN order_lines r ON r.returns_line_id = t.id
                              WHERE t.order_id = orders.id)
        """  # noqa: S608
        result = conn.execute(sa.text(update), {"ids": ids_value(conn, part)})
        changed += int(result.rowcount)
    return changed
