"""Writer for order files on PostgreSQL: staging, then merging.

One row per order line, grouped into orders by the order id: each chunk's checked lines
(customer resolved) are appended to a per-import staging table (``COPY``); when the file is
read, one set-based statement per table creates the products, upserts the orders and the
lines, and links the returns (``store.order_merge``). Orders are found again by (source,
external_id) and lines by (order, line_no), so a re-import updates in place. Return lines
(negative quantity, marked by the mapping) are linked to the line they reverse: to the line of
``returns_order`` with the same SKU, or, with the mapping's ``link_returns = "customer_sku"``, to
the latest earlier line of the same customer and SKU. The results are those of
``writers.orders`` (kept for SQLite: its upserts reach the canonical tables as images the ADBC
driver writes in C, one ``INSERT ... SELECT`` per chunk and table, which measured faster than
staging the whole file and merging; ``store.upserts``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core import new_id
from opencx.ingest import store
from opencx.ingest.domain import Mapping, OrdersImported
from opencx.ingest.domain.validation import Parsed, return_mask
from opencx.ingest.service.run import Run, keep, resolve_customers
from opencx.ingest.store.order_merge import STAGE, STAGE_COLUMNS, STAGE_KEYS, MergeIds

BULK_LINES = 100_000
"""From this many staged lines on, empty order tables are merged into without their foreign keys
and secondary indexes (``store.merging_into_empty``); a small file is not worth the table locks."""

EVENT_BATCH = 50_000
"""Order ids per ``OrdersImported`` event (the default chunk size)."""


class StagedOrderWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        _settle(run)
        parsed.columns["customer_id"] = resolve_customers(
            run, parsed, when="placed_at", required=False
        )

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        """Stage the chunk's valid lines; they reach the canonical tables in :meth:`finish`."""
        cols = {
            name: keep(parsed.columns[name], mask)
            for name in STAGE_COLUMNS
            if name in parsed.columns
        }
        n = len(cols["order_id"])
        if n == 0:
            return 0
        cols["is_return"] = return_mask(Parsed(cols, np.zeros(n, bool), [], {}), run.mapping)
        merchandise = _merchandise(cols["sku"], run.mapping)
        if merchandise is not None:
            cols["merchandise"] = merchandise
            run.count("non_merchandise_lines", int(pc.sum(pc.invert(merchandise)).as_py() or 0))
        _settle(run)
        if not run.state.get("orders_staged"):
            store.create_stage(run.conn, STAGE, STAGE_COLUMNS)
            run.state["orders_staged"] = True
        if run.conn.dialect.name == "postgresql":
            # copied while the next chunk is read and checked; settled before the next
            # statement of this writer (any other statement queues behind it anyway)
            run.state["stage_copy"] = store.CopyBehind(run.conn, STAGE, pa.table(cols))
        else:
            store.stage_rows(run.conn, STAGE, pa.table(cols))
        _note_nulls(run, cols)
        run.count("lines", n)
        run.count("anonymous_lines", cols["customer_id"].null_count)
        return n

    def finish(self, run: Run) -> None:
        """Merge the staged lines into products, orders and order lines; announce the orders."""
        _settle(run)
        if not run.state.get("orders_staged"):
            return
        conn, source = run.conn, run.source
        ids = MergeIds(new_id()[:18], new_id()[:18], new_id()[:18])
        filled: set[str] = run.state["stage_filled"]
        mixed = frozenset(filled & run.state["stage_null"])
        store.tune_merge(conn)
        store.analyze(conn, STAGE, STAGE_KEYS)
        created = store.merge_products(conn, source, ids, mixed)
        if created:
            run.count("products_created", created)
            store.analyze(conn, "products")
        empty = ("orders", "order_lines") if run.counts.get("lines", 0) >= BULK_LINES else ()
        with store.merging_into_empty(conn, empty) as emptied:
            new_orders = "orders" in emptied
            returns = "returns" in filled
            merged = store.merge_orders(conn, source, ids, mixed, empty=new_orders, returns=returns)
            run.count("orders", merged)
            if not new_orders:
                store.analyze(conn, "orders")  # the lines find their order by a join
            store.merge_lines(
                conn,
                source,
                ids,
                explicit="line_no" in filled,
                empty="order_lines" in emptied,
                new_orders=new_orders,
            )
        # rebuilding the keys of the tables set aside counted their rows for the planner; the
        # return links, which search both tables, want their columns' statistics too
        if returns or not new_orders:
            if new_orders:
                store.analyze(conn, "orders")
            store.analyze(conn, "order_lines")
        run.count("return_orders", store.return_orders(conn) if returns else 0)
        if returns and store.has_returns(conn):
            by_customer = run.mapping.link_returns == "customer_sku"
            linked, unlinked = store.link_returns(conn, source, by_customer=by_customer)
            if linked:
                run.count("returns_linked", linked)
            if unlinked:
                run.count("returns_unlinked", unlinked)
        # published once the lines are written: a subscriber reads each order whole
        computed = ids.orders if new_orders else None
        for order_ids in store.staged_order_ids(conn, source, EVENT_BATCH, new_orders=computed):
            run.publish(OrdersImported(order_ids, run.live))
        store.drop_stage(conn, STAGE)
        run.state["orders_staged"] = False


def _settle(run: Run) -> None:
    """Wait for the chunk being copied into the stage, if any; raise its error."""
    pending: store.CopyBehind | None = run.state.pop("stage_copy", None)
    if pending is not None:
        pending.wait()


def _note_nulls(run: Run, cols: dict[str, pa.Array]) -> None:
    """Remember which staged columns hold a value somewhere (``stage_filled``) and which a null
    (``stage_null``), and whether any line is a return or negative (``returns`` filled), so the
    merge searches for first non-null values only in columns that have both, and skips the
    return steps for a file without returns."""
    filled: set[str] = run.state.setdefault("stage_filled", set())
    null: set[str] = run.state.setdefault("stage_null", set())
    for name, column in cols.items():
        if column.null_count:
            null.add(name)
        if column.null_count < len(column):
            filled.add(name)
    negative = pc.less(cols["quantity"], 0)
    if pc.any(pc.or_(pc.fill_null(cols["is_return"], False), negative)).as_py():
        filled.add("returns")


def _merchandise(skus: pa.Array, mapping: Mapping) -> pa.Array | None:
    """Per line, whether its SKU is merchandise (``None`` when the mapping names no others)."""
    if not (mapping.non_merchandise or mapping.non_merchandise_prefixes):
        return None
    other = pc.is_in(skus, value_set=pa.array(sorted(mapping.non_merchandise), pa.string()))
    for prefix in mapping.non_merchandise_prefixes:
        other = pc.or_(other, pc.starts_with(skus, prefix))
    return pc.invert(pc.fill_null(other, False))
