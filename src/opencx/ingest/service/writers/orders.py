"""Writer for order files: one row per order line, grouped into orders by the order id.

Orders are found again by (source, external_id) and lines by (order, line_no), so a re-import
updates in place. Return lines (negative quantity, marked by the mapping) are linked to the
line they reverse: to the line of ``returns_order`` with the same SKU, or, with the mapping's
``link_returns = "customer_sku"``, to the latest earlier line of the same customer and SKU.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core import new_id
from opencx.ingest import store
from opencx.ingest.domain import OrdersImported
from opencx.ingest.domain.validation import Parsed, return_mask
from opencx.ingest.service.run import Run, keep, new_ids, resolve_customers

ORDER_FIELDS = ("customer_id", "placed_at", "channel", "status", "currency", "discount_total")


class OrderState:
    """What the run knows about orders: per order id, its index and lines so far.

    Ids of orders created by this run are ``prefix + index`` so the map holds one int per
    order; orders found in the database keep their own id in ``existing``.
    """

    def __init__(self) -> None:
        self.prefix = new_id()[:18]
        self.slots: dict[str, int] = {}  # external id -> (index << 24) | lines seen
        self.existing: dict[str, str] = {}  # external id -> id of orders already stored
        self.products: dict[str, str] = {}
        self.last_line: dict[tuple[str, str], tuple[str, str]] = {}  # (customer, sku) -> line
        self.next_index = 0

    def order_id(self, ext: str) -> str:
        return self.existing.get(ext) or f"{self.prefix}{self.slots[ext] >> 24:08x}"

    def order_ids(self, exts: list[str]) -> list[str]:
        """:meth:`order_id` of many (one comprehension, no per-row method call)."""
        prefix, slots, existing = self.prefix, self.slots, self.existing
        if not existing:
            return [f"{prefix}{slots[e] >> 24:08x}" for e in exts]
        return [existing.get(e) or f"{prefix}{slots[e] >> 24:08x}" for e in exts]

    def number_lines(self, exts: list[str], at: np.ndarray) -> tuple[pa.Array, np.ndarray]:
        """The ids of the orders ``exts`` (each seen before or registered by ``_orders``) and
        the number of each line of a chunk, whose ``at`` gives each line's position in
        ``exts``: a line's number is its order's lines seen so far, this one included.

        One dictionary lookup per order, not per line; the counts seen go back into ``slots``.
        """
        slots = self.slots
        values = np.fromiter((slots[e] for e in exts), np.int64, len(exts))
        counts = np.bincount(at, minlength=len(exts))
        by_order = np.argsort(at, kind="stable")
        starts = np.cumsum(counts) - counts
        rank = np.empty(len(at), np.int64)
        rank[by_order] = np.arange(len(at)) - np.repeat(starts, counts)
        numbers = (values & 0xFFFFFF)[at] + rank + 1
        slots.update(zip(exts, (values + counts).tolist(), strict=True))
        if self.existing:
            ids = pa.array(self.order_ids(exts), pa.string())
        else:
            ids = hex_ids(self.prefix, values >> 24)
        return ids, numbers


def hex_ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` and each number as 8 lowercase hex digits (``f"{prefix}{n:08x}"`` for numbers
    below 2**32), built as one Arrow buffer instead of a Python string per row."""
    if len(numbers) and int(numbers.max()) >= 1 << 32:
        return pa.array([f"{prefix}{n:08x}" for n in numbers.tolist()], pa.string())
    head = np.frombuffer(prefix.encode("ascii"), np.uint8)
    shifts = np.arange(28, -4, -4, dtype=np.uint64)
    nibbles = (numbers.astype(np.uint64)[:, None] >> shifts) & np.uint64(0xF)
    width = len(head) + 8
    data = np.empty((len(numbers), width), np.uint8)
    data[:, : len(head)] = head
    data[:, len(head) :] = np.frombuffer(b"0123456789abcdef", np.uint8)[nibbles]
    offsets = np.arange(0, (len(numbers) + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(numbers), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


class OrderWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        parsed.columns["customer_id"] = resolve_customers(
            run, parsed, when="placed_at", required=False
        )

    def finish(self, run: Run) -> None:
        """Nothing staged: each chunk was written as it came (the last one perhaps by a thread,
        waited for here)."""
        store.settle(run.conn)

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        state: OrderState = run.state.setdefault("orders", OrderState())
        cols = {name: keep(parsed.columns[name], mask) for name in parsed.columns}
        n = len(cols["order_id"])
        if n == 0:
            return 0
        cols["is_return"] = return_mask(Parsed(cols, np.zeros(n, bool), [], {}), run.mapping)
        product_ids = self._products(run, state, cols)
        unique = pc.unique(cols["order_id"])
        exts = unique.to_pylist()
        at = pc.index_in(cols["order_id"], value_set=unique).to_numpy()
        new_orders, orders = self._orders(run, state, cols, exts, at)
        writes = [("orders", orders, True)] if orders is not None else []
        if writes and (run.mapping.link_returns or pc.any(cols["is_return"]).as_py()):
            store.write_behind(run.conn, writes)  # the return links update these orders
            writes = []
        ids, numbers = state.number_lines(exts, at)
        line_nos = self._line_numbers(numbers, cols["line_no"])
        order_ids = pc.take(ids, at)
        line_ids = self._line_ids(run, state, new_orders, order_ids, line_nos)
        returns = self._link_returns(run, state, cols, order_ids, line_ids)
        lines = pa.table(
            {
                "id": line_ids,
                "order_id": order_ids,
                "line_no": line_nos,
                "product_id": product_ids,
                "sku": cols["sku"],
                "quantity": cols["quantity"],
                "unit_price": cols["unit_price"],
                "discount": cols["discount"],
                "returns_line_id": returns,
            }
        )
        # written by a thread while the next chunk is read and checked (SQLite; at once
        # elsewhere): any later statement waits for them
        store.write_behind(run.conn, [*writes, ("order_lines", lines, True)])
        # published once the lines are written: a subscriber reads each order whole
        run.publish(OrdersImported(tuple(ids.to_pylist()), run.live))
        run.count("lines", n)
        run.count("anonymous_lines", cols["customer_id"].null_count)
        return n

    def _products(self, run: Run, state: OrderState, cols: dict[str, Any]) -> pa.Array:
        skus = cols["sku"]
        wanted = set(pc.unique(skus).to_pylist()) - state.products.keys()
        if wanted and run.stored("products"):
            state.products.update(
                store.ids_by_external_id(run.conn, "products", run.source, wanted)
            )
        missing = wanted - state.products.keys()
        if missing:
            self._create_products(run, state, cols, missing)
        keys = pa.array(list(state.products), pa.string())
        ids = pc.take(
            pa.array(list(state.products.values()), pa.string()), pc.index_in(skus, value_set=keys)
        )
        if run.mapping.non_merchandise or run.mapping.non_merchandise_prefixes:
            flags = [run.mapping.is_non_merchandise(s) for s in skus.to_pylist()]
            run.count("non_merchandise_lines", sum(flags))
        return ids

    def _create_products(
        self, run: Run, state: OrderState, cols: dict[str, Any], missing: set[str]
    ) -> None:
        rows = pa.table(
            {
                "sku": cols["sku"],
                "name": cols["product_name"],
                "category": cols["category"],
                "currency": cols["currency"],
            }
        )
        rows = rows.filter(pc.is_in(rows.column("sku"), value_set=pa.array(list(missing))))
        first = rows.group_by("sku", use_threads=False).aggregate(
            [("name", "first"), ("category", "first"), ("currency", "first")]
        )
        skus = first.column("sku").to_pylist()
        ids = new_ids(len(skus))
        merch = [not run.mapping.is_non_merchandise(s) for s in skus]
        data = pa.table(
            {
                "id": pa.array(ids, pa.string()),
                "source": pa.repeat(pa.scalar(run.source), len(ids)),
                "external_id": first.column("sku"),
                "name": first.column("name_first"),
                "category": first.column("category_first"),
                "currency": first.column("currency_first"),
                "is_merchandise": pa.array(merch),
            }
        )
        store.upsert(run.conn, "products", data, update=False)
        state.products.update(zip(skus, ids, strict=True))
        run.count("products_created", len(ids))

    def _orders(
        self, run: Run, state: OrderState, cols: dict[str, Any], exts: list[str], at: np.ndarray
    ) -> tuple[set[str], pa.Table | None]:
        """The orders first seen in this chunk (``exts``: the chunk's order ids in order of
        first appearance, ``at``: each line's position in them), to upsert; and the ids of
        those already stored."""
        slots = state.slots
        is_fresh = np.fromiter((e not in slots for e in exts), bool, len(exts))
        fresh = [e for e, f in zip(exts, is_fresh.tolist(), strict=True) if f]
        if not fresh:
            return set(), None
        found = (
            store.ids_by_external_id(run.conn, "orders", run.source, fresh)
            if run.stored("orders")
            else {}
        )
        state.existing.update(found)
        start = state.next_index
        slots.update(zip(fresh, [i << 24 for i in range(start, start + len(fresh))], strict=True))
        state.next_index += len(fresh)
        # an order's fields come from its first line that has them (Arrow's "first" skips nulls)
        first_rows = np.unique(at, return_index=True)[1][is_fresh]
        heads = {f: _firsts(cols[f], first_rows, at, is_fresh) for f in ORDER_FIELDS}
        returns = np.bincount(at, weights=cols["is_return"].to_numpy(zero_copy_only=False))
        lines = np.bincount(at)
        ret_sum, ret_count = returns[is_fresh], lines[is_fresh]
        computed = np.where(
            ret_sum == 0, "completed", np.where(ret_sum == ret_count, "returned", "partly_returned")
        )
        ids = state.order_ids(fresh)
        data = pa.table(
            {
                "id": pa.array(ids, pa.string()),
                "source": pa.repeat(pa.scalar(run.source), len(ids)),
                "external_id": pa.array(fresh, pa.string()),
                **heads,
            }
        )
        data = data.set_column(
            data.column_names.index("status"),
            "status",
            pc.coalesce(data.column("status"), pa.array(computed, pa.string())),
        )
        run.count("orders", len(ids))
        run.count("return_orders", int((ret_sum > 0).sum()))
        return set(found.values()), data

    @staticmethod
    def _line_numbers(numbers: np.ndarray, given: pa.Array) -> pa.Array:
        """Each line's number: the one the file gives, else its place in its order."""
        counted = pa.array(numbers, pa.int32())
        if given.null_count == len(given):
            return counted
        return pc.coalesce(pc.cast(given, pa.int32()), counted)

    @staticmethod
    def _line_ids(
        run: Run, state: OrderState, stored: set[str], order_ids: pa.Array, line_nos: pa.Array
    ) -> pa.Array:
        fresh = hex_ids(new_id()[:18], np.arange(len(order_ids)))
        if not state.existing:
            return fresh
        stored_ids = set(state.existing.values())
        orders, numbers = order_ids.to_pylist(), line_nos.to_pylist()
        known = store.line_ids(run.conn, {o for o in orders if o in stored_ids})
        ids = [
            known.get((o, n)) or f
            for o, n, f in zip(orders, numbers, fresh.to_pylist(), strict=True)
        ]
        return pa.array(ids, pa.string())

    def _link_returns(
        self,
        run: Run,
        state: OrderState,
        cols: dict[str, Any],
        order_array: pa.Array,
        line_array: pa.Array,
    ) -> pa.Array:
        is_return = cols["is_return"].to_pylist()
        if not any(is_return) and run.mapping.link_returns is None:
            return pa.nulls(len(order_array), pa.string())
        order_ids, line_ids = order_array.to_pylist(), line_array.to_pylist()
        skus = cols["sku"].to_pylist()
        quantities = cols["quantity"].to_pylist()
        by_order = self._returns_by_order(run, state, cols)
        by_customer = run.mapping.link_returns == "customer_sku"
        customers = cols["customer_id"].to_pylist()
        targets = cols["returns_order"].to_pylist()
        exts = cols["order_id"].to_pylist()
        any_targets = cols["returns_order"].null_count < len(exts)
        links: list[str | None] = []
        originals: set[str] = set()
        for i, sku in enumerate(skus):
            link: tuple[str, str] | None = None
            if is_return[i] or quantities[i] < 0:
                if targets[i] is not None:
                    link = by_order.get((targets[i], sku))
                elif by_customer and customers[i] is not None:
                    link = state.last_line.get((customers[i], sku))
                run.count("returns_linked" if link else "returns_unlinked")
            else:
                if any_targets:
                    by_order.setdefault((exts[i], sku), (line_ids[i], order_ids[i]))
                if by_customer and customers[i] is not None:
                    state.last_line[(customers[i], sku)] = (line_ids[i], order_ids[i])
            links.append(link[0] if link else None)
            if link:
                originals.add(link[1])
        store.mark_partly_returned(run.conn, originals)
        return pa.array(links, pa.string())

    @staticmethod
    def _returns_by_order(
        run: Run, state: OrderState, cols: dict[str, Any]
    ) -> dict[tuple[str, str], tuple[str, str]]:
        targets = [t for t in pc.unique(pc.drop_null(cols["returns_order"])).to_pylist()]
        if not targets:
            return {}
        ids = {t: state.order_id(t) for t in targets if t in state.slots}
        missing = [t for t in targets if t not in ids]
        ids.update(store.ids_by_external_id(run.conn, "orders", run.source, missing))
        by_id = {v: k for k, v in ids.items()}
        lines = store.lines_by_sku(run.conn, list(by_id))
        return {(by_id[o], sku): (line, o) for (o, sku), line in lines.items()}


def _firsts(
    column: pa.Array, first_rows: np.ndarray, at: np.ndarray, fresh: np.ndarray
) -> pa.Array:
    """Per fresh order, the first non-null value of ``column`` among its lines: the value on
    its first line, unless the column is null on some lines and set on others."""
    if column.null_count in (0, len(column)):
        return column.take(pa.array(first_rows))
    table = pa.table({"at": pa.array(at), "v": column})
    first = table.group_by("at", use_threads=False).aggregate([("v", "first")])
    by_order = first.sort_by("at").column("v_first")
    return by_order.take(pa.array(np.flatnonzero(fresh)))
