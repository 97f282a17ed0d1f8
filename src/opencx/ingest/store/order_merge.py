"""Staged order lines merged into ``products``, ``orders`` and ``order_lines``: one set-based
statement per table, references resolved by joins on (source, external_id).

The stage (``store.staging``) holds one row per checked order line, in file order (``_row``),
with its customer already resolved. The statements here give the same results the row-by-row
writer gave: an order's fields come from its first line that has them; lines are numbered per
order in file order unless ``line_no`` is given; products are created on first sight of a SKU;
upserts keep existing ids, so a re-import updates in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

STAGE = "_ingest_order_stage"

STAGE_COLUMNS = {
    "order_id": "text",
    "customer_id": "text",
    "placed_at": "time",
    "channel": "text",
    "status": "text",
    "currency": "text",
    "discount_total": "money",
    "sku": "text",
    "product_name": "text",
    "category": "text",
    "quantity": "int",
    "unit_price": "money",
    "discount": "money",
    "line_no": "int",
    "line_at": "int",
    "is_return": "bool",
    "returns_order": "text",
    "merchandise": "bool",
}
"""The stage's columns: the order line fields the merge reads (``customer_id`` resolved)."""

STAGE_KEYS = ("_row", "order_id", "sku")
"""The stage's columns the merges join or group on: the only ones analyzed."""

ORDER_FIELDS = ("customer_id", "placed_at", "channel", "status", "currency", "discount_total")


@dataclass(frozen=True)
class MergeIds:
    """Id prefixes (18 characters of a fresh ``new_id``) for the rows a merge creates."""

    products: str
    orders: str
    lines: str


class Sql:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self, conn: Connection) -> None:
        self.pg = conn.dialect.name == "postgresql"

    def hex_id(self, prefix: str, number: str) -> str:
        if self.pg:
            return f"({prefix} || lpad(to_hex({number}), 8, '0'))"
        return f"({prefix} || printf('%08x', {number}))"

    def key(self, column: str) -> str:
        """``column`` as a sort and partition key: byte order on PostgreSQL (the same groups as
        the database collation, which only an ``ORDER BY`` shown to people would need, and
        sorts several times faster)."""
        return f'{column} COLLATE "C"' if self.pg else column


def _firsts(
    key: str, fields: tuple[str, ...], mixed: tuple[str, ...], totals: dict[str, str]
) -> str:
    """Per ``key``: its first staged row (``first_row``, in file order) with that row's
    ``fields``, and the ``totals`` (name → aggregate over the key's rows).

    A field in ``mixed`` (null on some staged rows, set on others) takes its first non-null value
    in file order, found again by ``_row``; a field null on every row or on none needs no search
    (measured: each search is a join of the whole stage). One hash aggregation of the stage and
    one join back to its first rows answer the rest.
    """
    picks = "".join(f", min(CASE WHEN {f} IS NOT NULL THEN _row END) AS _{f}_row" for f in mixed)
    picks += "".join(f", {expr} AS {name}" for name, expr in totals.items())
    values = ", ".join(f"{'n_' + f if f in mixed else 'a'}.{f} AS {f}" for f in fields)
    values += "".join(f", g.{name}" for name in totals)
    joins = "".join(f" LEFT JOIN {STAGE} n_{f} ON n_{f}._row = g._{f}_row" for f in mixed)
    return f"""
        SELECT g.{key}, g.first_row, {values}
        FROM (SELECT {key}, min(_row) AS first_row{picks} FROM {STAGE} GROUP BY {key}) g
        JOIN {STAGE} a ON a._row = g.first_row{joins}
    """  # noqa: S608


def merge_products(conn: Connection, source: str, ids: MergeIds, mixed: frozenset[str]) -> int:
    """Create the products first seen in the stage (fields of the SKU's first line).

    ``mixed``: the staged columns null on some rows and set on others (see :func:`_firsts`).
    """
    q = Sql(conn)
    fields = ("product_name", "category", "currency")
    nullable = tuple(f for f in ("product_name", "category") if f in mixed)
    all_true = "bool_and(merchandise)" if q.pg else "min(merchandise)"
    firsts = _firsts("sku", fields, nullable, {"merchandise": all_true})
    sql = f"""
        INSERT INTO products (id, source, external_id, name, category, currency, is_merchandise)
        SELECT {q.hex_id(":prefix", "f.first_row")}, CAST(:source AS VARCHAR),
               f.sku, f.product_name, f.category, f.currency, coalesce(f.merchandise, true)
        FROM ({firsts}) f
        WHERE NOT EXISTS (SELECT 1 FROM products p
                          WHERE p.source = :source AND p.external_id = f.sku)
        ON CONFLICT (source, external_id) DO NOTHING
    """  # noqa: S608
    result = conn.execute(sa.text(sql), {"prefix": ids.products, "source": source})
    return int(result.rowcount)


def merge_orders(
    conn: Connection,
    source: str,
    ids: MergeIds,
    mixed: frozenset[str],
    *,
    empty: bool = False,
    returns: bool = True,
    returned_to: bool = False,
) -> int:
    """Upsert one order per staged order id; return how many orders the stage holds.

    Its fields come from its first line; a customer or status from its first line that has
    one; without a status it is ``completed``, ``returned`` (all lines returns) or
    ``partly_returned`` (``status_given`` tells the two apart). A new order's id is the
    ids' prefix and its first line's ``_row`` (what :func:`merge_lines` computes for lines
    of new orders). Into an ``empty`` table the orders are plainly inserted (one row per
    order id already). ``returns``: some staged line is a return; without any, and without a
    customer or status to search for, PostgreSQL takes each order's first line by one sort
    (``DISTINCT ON``) instead of grouping the stage and joining it back (0.57 -> 0.25 s of
    server CPU for 500,000 lines, load 6). A stored order whose fields are all the staged
    ones is left out (see :func:`merge_lines`).

    ``returned_to`` (with ``empty``; each staged line its own line, no line number given
    twice): a new order that a staged return names (``returns_order``) and that holds a
    positive line of that return's SKU is inserted ``partly_returned`` instead of
    ``completed`` (its status computed), the status ``store.link_returns`` would give it once
    that return is linked to it: updating 100,000 orders just inserted checked each one's
    foreign key to ``customers`` again, row by row (most of the linking's time).
    """
    q = Sql(conn)
    written = (*ORDER_FIELDS, "status_given")  # given: the file's status, not computed
    updates = ", ".join(f"{f} = excluded.{f}" for f in written)
    totals = {"ret": "sum(CASE WHEN is_return THEN 1 ELSE 0 END)", "n": "count(*)"}
    nullable = tuple(f for f in ("customer_id", "status") if f in mixed)
    firsts = _firsts("order_id", ORDER_FIELDS, nullable, totals)
    if q.pg and not returns and not nullable:
        key = q.key("order_id")
        firsts = f"""
            SELECT DISTINCT ON ({key}) order_id, _row AS first_row,
                   {", ".join(ORDER_FIELDS)}, 0 AS ret, 1 AS n
            FROM {STAGE} ORDER BY {key}, _row
        """  # noqa: S608
    completed = "'completed'"
    if returned_to and empty:
        named = _returned_to()
        completed = f"CASE WHEN f.order_id IN ({named}) THEN 'partly_returned' ELSE {completed} END"
    rows = f"""
        SELECT {q.hex_id(":prefix", "f.first_row")} AS id, CAST(:source AS VARCHAR) AS source,
               f.order_id AS external_id, f.customer_id, f.placed_at, f.channel,
               coalesce(f.status, CASE WHEN f.ret = 0 THEN {completed}
                                       WHEN f.ret = f.n THEN 'returned'
                                       ELSE 'partly_returned' END) AS status,
               f.currency, f.discount_total, f.status IS NOT NULL AS status_given
        FROM ({firsts}) f
    """  # noqa: S608
    into = f"INSERT INTO orders (id, source, external_id, {', '.join(written)})"
    params = {"prefix": ids.orders, "source": source}
    if empty:
        return int(conn.execute(sa.text(f"{into} {rows}"), params).rowcount)
    same = " AND ".join(f"s.{f} IS NOT DISTINCT FROM r.{f}" for f in written)
    conn.execute(
        sa.text(
            f"""{into} SELECT id, source, external_id, {", ".join(written)}
            FROM ({rows}) r
            WHERE NOT EXISTS (SELECT 1 FROM orders s WHERE s.source = r.source
                              AND s.external_id = r.external_id AND {same})
            ON CONFLICT (source, external_id) DO UPDATE SET {updates}"""  # noqa: S608
        ),
        params,
    )
    # the orders left out (unchanged) are not in the row count
    staged = f"SELECT count(DISTINCT {q.key('order_id')}) FROM {STAGE}"  # noqa: S608
    return int(conn.exec_driver_sql(staged).scalar_one())


def _returned_to() -> str:
    """The staged orders a staged return line names (``returns_order``) that hold a positive
    line of its SKU: those ``store.link_returns`` links it to (when each staged line is its own
    line)."""
    return f"""
        SELECT r.returns_order FROM {STAGE} r
        WHERE (r.is_return OR r.quantity < 0) AND r.returns_order IS NOT NULL
          AND EXISTS (SELECT 1 FROM {STAGE} s WHERE s.order_id = r.returns_order
                      AND s.sku = r.sku AND s.quantity > 0)
    """  # noqa: S608


def return_orders(conn: Connection) -> int:
    """Staged orders with at least one return line."""
    sql = f"SELECT count(DISTINCT order_id) FROM {STAGE} WHERE is_return"  # noqa: S608
    return int(conn.exec_driver_sql(sql).scalar_one())


def _numbered(q: Sql, explicit: bool, new_orders: bool) -> str:
    """The staged lines with their order's id, product's id and line number.

    With ``new_orders`` (every staged order was inserted by :func:`merge_orders` into an empty
    table) an order's id is computed as that merge made it, from its first line's ``_row``, in
    the same window that numbers the lines; otherwise it is found by a join on (source,
    external_id).
    """
    window = f"WINDOW w AS (PARTITION BY {q.key('s.order_id')} ORDER BY s._row)"
    # the place in the order counted by the run (rejected rows included), else counted here
    line_no = "coalesce(s.line_no, s.line_at, row_number() OVER w)"
    if new_orders:
        order_id = q.hex_id(":orders", "min(s._row) OVER w")
        orders = ""
    else:
        order_id = "o.id"
        orders = "JOIN orders o ON o.source = :source AND o.external_id = s.order_id"
    numbered = f"""
        SELECT s._row, {order_id} AS order_id, {line_no} AS line_no, p.id AS product_id, s.sku,
               s.quantity, s.unit_price, s.discount
        FROM {STAGE} s
        {orders}
        JOIN products p ON p.source = :source AND p.external_id = s.sku
        {window}
    """  # noqa: S608
    if not explicit:
        return numbered
    # two lines of one order numbered alike (a number given equal to one counted: a number
    # given twice is a rejected row): the later line wins, as row-by-row upserts do
    return f"""
        SELECT * FROM (
            SELECT n.*, row_number() OVER (PARTITION BY {q.key("n.order_id")}, n.line_no
                                           ORDER BY n._row DESC) AS _dup
            FROM ({numbered}) n) d
        WHERE d._dup = 1
    """  # noqa: S608


def merge_lines(
    conn: Connection,
    source: str,
    ids: MergeIds,
    *,
    explicit: bool,
    empty: bool = False,
    new_orders: bool = False,
) -> None:
    """Upsert every staged line on (order, line_no); links to returned lines are set after.

    ``explicit``: some staged line has a ``line_no``. Into an ``empty`` table the lines are
    plainly inserted: their keys are unique already (two lines numbered alike keep the later
    one), and ``ON CONFLICT``'s speculative insertion costs a fifth to a third of the
    statement. A stored line that already holds the staged values (and no return link, which
    the merge resets and links again) is left out by one anti-join before the upsert: updating
    it to the same values locked it, wrote a new row version and an entry in each of its
    indexes, most of a re-import's time. ``new_orders``: see :func:`_numbered`.
    """
    q = Sql(conn)
    changed = ("product_id", "sku", "quantity", "unit_price", "discount", "returns_line_id")
    same = " AND ".join(
        f"s.{c} IS NOT DISTINCT FROM n.{c}" for c in changed if c != "returns_line_id"
    )
    unchanged = f"""
        AND NOT EXISTS (SELECT 1 FROM order_lines s
                        WHERE s.order_id = n.order_id AND s.line_no = n.line_no AND {same}
                          AND s.returns_line_id IS NULL)
    """  # noqa: S608
    sql = f"""
        INSERT INTO order_lines (id, order_id, line_no, product_id, sku, quantity, unit_price,
                                 discount, returns_line_id)
        SELECT {q.hex_id(":prefix", "n._row")}, n.order_id, n.line_no, n.product_id, n.sku,
               n.quantity, n.unit_price, n.discount, NULL
        FROM ({_numbered(q, explicit, new_orders)}) n
        WHERE true {"" if empty else unchanged}
    """  # noqa: S608
    if not empty:
        sql += f"""
        ON CONFLICT (order_id, line_no) DO UPDATE SET
            {", ".join(f"{c} = excluded.{c}" for c in changed)}
        """
    params = {"prefix": ids.lines, "source": source}
    if new_orders:
        params["orders"] = ids.orders
    conn.execute(sa.text(sql), params)


def has_returns(conn: Connection) -> bool:
    sql = f"SELECT 1 FROM {STAGE} WHERE is_return OR quantity < 0 LIMIT 1"  # noqa: S608
    return conn.exec_driver_sql(sql).first() is not None


def staged_order_ids(
    conn: Connection, source: str, batch: int, *, new_orders: str | None = None
) -> Iterator[tuple[str, ...]]:
    """The ids of the staged orders in file order, ``batch`` at a time.

    ``new_orders``: the id prefix of :func:`merge_orders` when every staged order is new (its id
    is computed from its first line, as there, without a join). On PostgreSQL read through the
    driver's cursor: a plain tuple per row, not a SQLAlchemy row built per id.
    """
    q = Sql(conn)
    mark = "%(value)s" if q.pg else ":value"
    if new_orders is not None:
        sql = f"""
            SELECT {q.hex_id(mark, "min(_row)")} FROM {STAGE}
            GROUP BY order_id ORDER BY min(_row)
        """  # noqa: S608
    else:
        sql = f"""
            SELECT o.id FROM (SELECT order_id, min(_row) AS first_row FROM {STAGE}
                              GROUP BY order_id) f
            JOIN orders o ON o.source = {mark} AND o.external_id = f.order_id
            ORDER BY f.first_row
        """  # noqa: S608
    params = {"value": source if new_orders is None else new_orders}
    if q.pg:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield tuple(r[0] for r in rows)
        return
    result = conn.execute(sa.text(sql), params)
    while rows := result.fetchmany(batch):
        yield tuple(r[0] for r in rows)
