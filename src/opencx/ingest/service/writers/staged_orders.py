"""Writer for order files on PostgreSQL: new orders copied straight in, the others staged, then
merged.

One row per order line, grouped into orders by the order id. An order not in the store yet is
written by ``COPY`` into ``orders`` and ``order_lines`` as its chunk is read, numbered and given
ids by the client (``writers.new_orders``); into empty order tables, from a large first chunk on,
their keys, foreign keys and indexes are set aside and added back at the end (each validated by
one query over the whole table). The lines of orders already stored are appended to a
per-import staging table; when the file is read, one set-based statement per table creates the
products, upserts those orders and their lines, and links the returns
(``store.order_merge``). Orders are found again by (source, external_id) and lines by (order,
line_no), so a re-import updates in place. Return lines (negative quantity, marked by the
mapping) are linked to the line they reverse: to the line of ``returns_order`` with the same
SKU, or, with the mapping's ``link_returns = "customer_sku"``, to the latest earlier line of the
same customer and SKU (a file that links so, or gives line numbers or statuses, is merged
whole). Every write goes by the import's write-behind thread (``store.behind``) while the next
chunk is read. The results are those of ``writers.orders`` (kept for SQLite: its upserts reach
the canonical tables as images the ADBC driver writes in C, one ``INSERT ... SELECT`` per chunk
and table, which measured faster than staging the whole file and merging; ``store.upserts``).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core import new_id
from opencx.ingest import store
from opencx.ingest.domain import Mapping, OrdersImported, ReturnsMoved
from opencx.ingest.domain.arrow_arrays import from_numpy, known_true, scalar, strings
from opencx.ingest.domain.validation import Parsed, return_mask
from opencx.ingest.service.run import Run, keep, resolve_customers
from opencx.ingest.service.writers import new_orders
from opencx.ingest.service.writers.new_orders import NewOrders
from opencx.ingest.service.writers.orders import relink_stored
from opencx.ingest.store.behind import Job
from opencx.ingest.store.order_merge import STAGE, STAGE_COLUMNS, STAGE_KEYS, MergeIds

BULK_LINES = 50_000
"""From this many staged lines on (or this many in the first chunk, for orders copied straight
in; divided by ``Run.first_share`` when the first chunk was read that much smaller), empty
order tables are written without their foreign keys and secondary indexes, added back at the
end (``store.merging_into_empty``, ``store.set_aside``); a small file is not worth the table
locks."""

BULK_BYTES = 4 << 20
"""A file of at least this many bytes (about 50,000 lines of the import bench's orders) whose
first chunk is full is written as a large one too, whatever ``chunk_rows``: with
``--chunk-rows 25000`` the first chunk (6,250 rows) never reached :data:`BULK_LINES` and the
bench's 500,000 lines kept their keys row by row, 8.9-9.3 s against 2.1-2.4 s."""

EVENT_BATCH = 50_000
"""Order ids per ``OrdersImported`` event (the default chunk size)."""


class StagedOrderWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        # the first chunk, before its customers are created, when nothing in it has failed
        # the import already: one that has is not written, unless rejects are allowed (then
        # decided by write, after them: their foreign key stays)
        creates = run.mapping.create_missing_customers and not parsed.problems
        if creates and "new_orders" not in run.state:
            run.state["new_orders"] = _copying(run, parsed, len(parsed.bad))
        parsed.columns["customer_id"] = resolve_customers(
            run, parsed, when="placed_at", required=False
        )

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        """Copy the chunk's valid lines of new orders in (``writers.new_orders``) and stage the
        others; the staged ones reach the canonical tables in :meth:`finish`. Either way the
        rows go by the write-behind thread (``store.behind``) while the next chunk is read."""
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
        run.count("lines", n)
        run.count("anonymous_lines", cols["customer_id"].null_count)
        if "new_orders" not in run.state:  # the first chunk written (see resolve)
            run.state["new_orders"] = _copying(run, parsed, len(parsed.bad))
        direct: NewOrders | None = run.state["new_orders"]
        jobs, staged = _copy_new(run, direct, cols) if direct is not None else ([], cols)
        if staged:
            jobs.append(_stage(run, staged))
        if not store.queue_jobs(run.conn, jobs):  # a connection without a write-behind thread
            driver = run.conn.connection.driver_connection
            for job in jobs:
                job(driver)
        return n

    def finish(self, run: Run) -> None:
        """Merge the staged lines into products, orders and order lines; link the returns; add
        back the keys set aside for new orders; announce the orders.

        The copied returns are linked before the keys come back: their updates then check no
        foreign key row by row (each row was inserted in this transaction, so every foreign
        key of an updated row is checked again) and write no index but the links' partial
        one; adding the keys back checks every link at once."""
        store.settle(run.conn)
        direct: NewOrders | None = run.state.get("new_orders")
        aside: store.SetAside | None = run.state.pop("set_aside", None)
        if run.state.get("orders_staged"):
            self._merge(run)
        if direct is not None and direct.returns_table:
            linked, unlinked = store.link_copied_returns(run.conn, run.source)
            if linked:
                run.count("returns_linked", linked)
            if unlinked:
                run.count("returns_unlinked", unlinked)
        if aside is not None:
            store.restore_keys(run.conn, aside)
        if direct is not None:
            # published once the lines are written: a subscriber reads each order whole
            for ids in direct.order_ids(EVENT_BATCH):
                run.publish(OrdersImported(ids, run.live))
        if run.state.get("orders_staged"):
            self._announce_staged(run)

    def _merge(self, run: Run) -> None:
        conn, source = run.conn, run.source
        ids = MergeIds(new_id()[:18], new_id()[:18], new_id()[:18])
        run.state["merge_ids"] = ids
        filled: set[str] = run.state["stage_filled"]
        mixed = frozenset(filled & run.state["stage_null"])
        store.tune_merge(conn)
        store.analyze(conn, STAGE, STAGE_KEYS)
        created = store.merge_products(conn, source, ids, mixed)
        if created:
            run.count("products_created", created)
        # always: the products a first import copied in are not yet counted when the same file
        # comes again minutes later (autovacuum's analyze had not run), and the lines' merge,
        # expecting one product, found their orders and stored lines by 500,000 index probes
        # each (a re-import of the bench file: 3.96 s for that statement)
        store.analyze(conn, "products", ("source", "external_id") if not created else ())
        large = run.state.get("staged_lines", 0) >= BULK_LINES
        empty = ("orders", "order_lines") if large else ()
        with store.merging_into_empty(conn, empty) as emptied:
            new_orders = "orders" in emptied
            run.state["merged_new_orders"] = new_orders
            returns = "returns" in filled
            merged = store.merge_orders(
                conn,
                source,
                ids,
                mixed,
                empty=new_orders,
                returns=returns,
                returned_to=returns and "line_no" not in filled,
            )
            run.count("orders", merged)
            run.count("return_orders", 0)  # counted when linked
            if not new_orders:
                store.analyze(conn, "orders")  # the lines find their order by a join
            # orders the staged orders' stored returns are linked to: the merge resets links
            linked = [] if new_orders else store.staged_linked_orders(conn, source)
            store.merge_lines(
                conn,
                source,
                ids,
                explicit="line_no" in filled,
                empty="order_lines" in emptied,
                new_orders=new_orders,
            )
            if emptied and returns:
                # before the keys come back: the links' and statuses' updates then check no
                # foreign key row by row and write no index entry (but the links' partial
                # index); adding the keys back checks every link at once. Their joins want
                # the tables' statistics (without, merge joins of sorts planned for a few
                # hundred rows)
                if new_orders:
                    store.analyze(conn, "orders")
                store.analyze(conn, "order_lines")
                self._link(run)
        # rebuilding the keys of the tables set aside counted their rows for the planner; the
        # return links, which search both tables, want their columns' statistics too
        if (returns and not emptied) or not new_orders:
            if new_orders:
                store.analyze(conn, "orders")
            store.analyze(conn, "order_lines")
        if returns and not emptied:
            self._link(run)
        if not new_orders:  # stored orders rewritten: keep their returns on their SKU
            relink_stored(run, None)
        if linked:  # orders whose re-imported returns went elsewhere, not staged themselves
            store.complete_unreturned(conn, linked)
            # announced before the staged orders: what they gave back may pay what those take
            run.publish(ReturnsMoved(tuple(sorted(set(linked))), run.live))

    def _link(self, run: Run) -> None:
        """Link the staged return lines (``store.link_returns``) and count them."""
        conn = run.conn
        run.count("return_orders", store.return_orders(conn))
        if store.has_returns(conn):
            by_customer = run.mapping.link_returns == "customer_sku"
            links = store.link_returns(conn, run.source, by_customer=by_customer)
            if links.linked:
                run.count("returns_linked", links.linked)
            if links.unlinked:
                run.count("returns_unlinked", links.unlinked)

    def _announce_staged(self, run: Run) -> None:
        """Publish the staged orders, once their lines are written (a subscriber reads each
        order whole), in file order; drop the stage."""
        conn, source = run.conn, run.source
        ids: MergeIds = run.state["merge_ids"]
        computed = ids.orders if run.state["merged_new_orders"] else None
        for order_ids in store.staged_order_ids(conn, source, EVENT_BATCH, new_orders=computed):
            run.publish(OrdersImported(order_ids, run.live))
        store.drop_stage(conn, STAGE)
        run.state["orders_staged"] = False


def _copying(run: Run, parsed: Parsed, lines: int) -> NewOrders | None:
    """On the first chunk written (``lines`` rows), before the customers it creates, if any
    (``StagedOrderWriter.resolve``): whether new orders are copied straight in
    (``writers.new_orders``), and, for a large file into empty order tables, their keys set
    aside until the end; the foreign key to ``customers`` too when no customer is stored yet
    (``store.set_aside``'s ``referenced``). Never for a chunk that fails the import: its
    locks would hold every reader of those tables while the rest of the file is checked.

    Only the merge handles a file that gives line numbers or statuses (a number given equal to
    one counted, or an order's status on a later line, is settled by the whole file) or links
    returns to a customer's earlier line; and only PostgreSQL copies."""
    if run.conn.dialect.name != "postgresql":
        return None
    if run.mapping.link_returns == "customer_sku" or {"line_no", "status"} & parsed.raw.keys():
        return None
    store.lock_source(run.conn, run.source)
    large = run.file_bytes >= BULK_BYTES and lines >= run.first_rows  # full: more follow
    if lines >= BULK_LINES // run.first_share or large:
        run.state["set_aside"] = store.set_aside(
            run.conn, ("orders", "order_lines"), referenced=("customers",)
        )
    return NewOrders()


def _copy_new(
    run: Run, direct: NewOrders, cols: dict[str, pa.Array]
) -> tuple[list[Job], dict[str, pa.Array]]:
    """The jobs copying the lines of new orders in, and the lines of stored orders (to stage)."""
    products, jobs = new_orders.product_ids(run, direct, cols)
    stored = new_orders.split_stored(run, direct, cols["order_id"])
    if stored is None:
        return jobs + new_orders.copy_jobs(run, direct, cols, products), {}
    new = _take(cols, ~stored)
    if len(new["order_id"]):
        jobs += new_orders.copy_jobs(run, direct, new, products.filter(from_numpy(~stored)))
    return jobs, _take(cols, stored)


def _stage(run: Run, staged: dict[str, pa.Array]) -> Job:
    """The job copying lines into the stage (made on first use) for the merge."""
    if not run.state.get("orders_staged"):
        store.create_stage(run.conn, STAGE, STAGE_COLUMNS)
        run.state["orders_staged"] = True
    run.state["staged_lines"] = run.state.get("staged_lines", 0) + len(staged["order_id"])
    _note_nulls(run, staged)
    return store.stage_job(STAGE, STAGE_COLUMNS, pa.table(staged))


def _take(cols: dict[str, pa.Array], mask: np.ndarray) -> dict[str, pa.Array]:
    kept = from_numpy(mask)
    return {name: column.filter(kept) for name, column in cols.items()}


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
    negative = pc.less(cols["quantity"], scalar(0, pa.int64()))
    if pc.any(pc.or_(known_true(cols["is_return"]), negative)).as_py():
        filled.add("returns")


def _merchandise(skus: pa.Array, mapping: Mapping) -> pa.Array | None:
    """Per line, whether its SKU is merchandise (``None`` when the mapping names no others)."""
    if not (mapping.non_merchandise or mapping.non_merchandise_prefixes):
        return None
    other = pc.is_in(skus, value_set=strings(sorted(mapping.non_merchandise)))
    for prefix in mapping.non_merchandise_prefixes:
        other = pc.or_(other, pc.starts_with(skus, prefix))
    return pc.invert(known_true(other))
