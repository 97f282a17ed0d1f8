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

from opencx.ingest import store
from opencx.ingest.domain import OrdersImported, ReturnsMoved
from opencx.ingest.domain.arrow_arrays import (
    from_numpy,
    grouped,
    integers,
    known_true,
    scalar,
    strings,
    to_numpy,
)
from opencx.ingest.domain.validation import Parsed, return_mask
from opencx.ingest.domain.validation.duplicates import order_id_hashes
from opencx.ingest.service.run import (
    Run,
    id_prefix,
    keep,
    new_ids,
    numbered_ids,
    resolve_customers,
)
from opencx.ingest.service.writers.order_state import OrderState

ORDER_FIELDS = ("customer_id", "placed_at", "channel", "status", "currency", "discount_total")


EVENT_BATCH = 50_000
"""Order ids per ``OrdersImported`` event (the default chunk size)."""


class OrderWriter:
    def resolve(self, run: Run, parsed: Parsed) -> None:
        parsed.columns["customer_id"] = resolve_customers(
            run, parsed, when="placed_at", required=False
        )

    def finish(self, run: Run) -> None:
        """Each chunk was written as it came (the last one perhaps by a thread, waited for
        here); the return lines listed are linked now that every line is in; stored returns
        of the orders it rewrote follow their SKU (``store.relink_stored_returns``); then the
        orders are announced, whole, with their final status and links (a subscriber that
        earned on a chunk's lines, or reversed an exchange's own return line before it was
        linked, could not take it back)."""
        store.settle(run.conn)
        listed: list[pa.Table] = run.state.pop("returns_listed", [])
        if listed:
            by_customer = run.mapping.link_returns == "customer_sku"
            links = store.link_listed_returns(
                run.conn, run.source, pa.concat_tables(listed), by_customer=by_customer
            )
            if links.linked:
                run.count("returns_linked", links.linked)
            if links.unlinked:
                run.count("returns_unlinked", links.unlinked)
        state: OrderState | None = run.state.get("orders")
        if state is None:
            return
        if state.existing:  # stored orders rewritten: keep their returns
            relink_stored(run, list(state.existing.values()))
        linked: list[str] | None = run.state.pop("linked_orders", None)
        if linked:  # orders whose re-imported returns went elsewhere, not written here
            rewritten = set(state.existing.values())
            left = sorted({i for i in linked if i not in rewritten})
            store.complete_unreturned(run.conn, left)
            if left:  # before the import's orders: what they gave back may pay what they take
                run.publish(ReturnsMoved(tuple(left), run.live))
        for ids in state.order_ids(EVENT_BATCH):
            run.publish(OrdersImported(ids, run.live))

    def write(self, run: Run, parsed: Parsed, mask: np.ndarray) -> int:
        state: OrderState = run.state.setdefault("orders", OrderState(alone=run.alone))
        cols = {name: keep(parsed.columns[name], mask) for name in parsed.columns}
        n = len(cols["order_id"])
        if n == 0:
            return 0
        cols["is_return"] = return_mask(Parsed(cols, np.zeros(n, bool), [], {}), run.mapping)
        product_ids = self._products(run, state, cols)
        # the chunk's order ids in order of first appearance, and each line's place among them
        hashes = None  # the chunk's own, made once (``order_id_hashes``) when every row is kept
        if mask.all():
            encoded = parsed.encoded("order_id")
            hashes = None if run.alone else order_id_hashes(parsed)
        else:
            encoded = pc.dictionary_encode(cols["order_id"], null_encoding="encode")
        exts = encoded.dictionary  # not as Python strings: only new and changed orders need them
        at = to_numpy(encoded.indices)
        values, fresh = state.slots_of(encoded.dictionary, hashes)
        status, given = self._statuses(run, state, cols, exts, values, at)
        orders = self._orders(run, state, cols, exts, values, fresh, at, (status, given))
        writes = [("orders", orders, True)] if orders is not None else []
        ids = state.ids(exts, values)
        counted = state.number_lines(exts, values, at)
        line_nos = self._line_numbers(counted, cols["line_no"], cols.get("line_at"))
        order_ids = pc.take(ids, from_numpy(at))
        # fresh ids: a line of a stored order keeps its own, since the upsert's key is the
        # order and the line number and it never updates the id
        line_ids = numbered_ids(id_prefix(), np.arange(len(order_ids)))
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
                # a re-imported return line loses its link until the returns are linked again
                "returns_line_id": pa.nulls(n, pa.string()),
            }
        )
        before = self._linked_orders(run, ids)
        # written by a thread while the next chunk is read and checked (SQLite; at once
        # elsewhere): any later statement on the connection waits for them
        store.write_behind(run.conn, [*writes, ("order_lines", lines, True)], before=before)
        self._list_returns(run, state, cols, line_nos)
        run.count("lines", n)
        run.count("anonymous_lines", cols["customer_id"].null_count)
        return n

    @staticmethod
    def _linked_orders(run: Run, ids: pa.Array) -> list[store.LinkedOrdersJob]:
        """The job noting, before the chunk's lines are written (which resets the links of its
        stored return lines), the orders those links go to (``store.LinkedOrdersJob``), for
        ``finish`` to settle their status once the returns are linked; none when the store
        held no linked return."""
        if not run.stored("orders"):
            return []
        if "linked_orders" not in run.state:  # asked once
            run.state["linked_orders"] = [] if store.has_linked_returns(run.conn) else None
        found: list[str] | None = run.state["linked_orders"]
        if found is None:
            return []
        return [store.LinkedOrdersJob(run.conn, ids.to_pylist(), found)]

    def _products(self, run: Run, state: OrderState, cols: dict[str, Any]) -> pa.Array:
        # the chunk's own SKUs, each once (not every product the run has met, rebuilt per chunk)
        encoded = pc.dictionary_encode(cols["sku"])
        names = encoded.dictionary.to_pylist()
        products = state.products
        wanted = {name for name in names if name not in products}
        if wanted and run.stored("products"):
            products.update(store.ids_by_external_id(run.conn, "products", run.source, wanted))
        missing = wanted - products.keys()
        if missing:
            self._create_products(run, state, cols, missing)
        ids = pc.take(strings([products.get(name) for name in names]), encoded.indices)
        if run.mapping.non_merchandise or run.mapping.non_merchandise_prefixes:
            flags = from_numpy(np.array([run.mapping.is_non_merchandise(n) for n in names], bool))
            run.count("non_merchandise_lines", pc.sum(flags.take(encoded.indices)).as_py() or 0)
        return ids

    def _create_products(
        self, run: Run, state: OrderState, cols: dict[str, Any], missing: set[str]
    ) -> None:
        data = new_products(run, cols, missing)
        store.upsert(run.conn, "products", data, update=False)
        ids = data.column("id").to_pylist()
        state.products.update(zip(data.column("external_id").to_pylist(), ids, strict=True))
        run.count("products_created", len(ids))

    def _statuses(
        self,
        run: Run,
        state: OrderState,
        cols: dict[str, Any],
        exts: pa.Array,
        values: np.ndarray,
        at: np.ndarray,
    ) -> tuple[pa.Array, pa.Array]:
        """Each of the chunk's orders' status as its lines so far set it (``OrderState.
        statuses``), and whether its file gave it; the orders met in an earlier chunk whose
        status these lines change are updated (after their rows, by the same write-behind
        queue)."""
        given = None
        if cols["status"].null_count < len(cols["status"]):
            everyone = np.ones(len(exts), bool)
            given = _firsts(cols["status"], _first_rows(at), at, everyone)
        is_return = to_numpy(cols["is_return"]).astype(np.int64)
        status, changed, first_returns = state.statuses(exts, values, at, is_return, given)
        run.count("return_orders", first_returns)
        given_now = from_numpy(state.given(values))
        if changed.any():
            where = from_numpy(np.flatnonzero(changed))
            ids = state.ids(exts.take(where), values[changed])
            store.set_statuses(
                run.conn,
                ids.to_pylist(),
                status.take(where).to_pylist(),
                given_now.take(where).to_pylist(),
            )
        return status, given_now

    def _orders(
        self,
        run: Run,
        state: OrderState,
        cols: dict[str, Any],
        exts: pa.Array,
        values: np.ndarray,
        fresh: np.ndarray,
        at: np.ndarray,
        status: tuple[pa.Array, pa.Array],
    ) -> pa.Table | None:
        """The orders first seen in this chunk, to upsert (``exts``: the chunk's order ids in
        order of first appearance, ``values`` their slots, ``fresh`` which are new to the run,
        ``at``: each line's position in them, ``status`` each one's status and whether the
        file gave it); the ids of those already stored go to ``state.existing``."""
        if not fresh.any():
            return None
        new = exts.filter(from_numpy(fresh))
        if new.type != pa.string():
            new = pc.cast(new, pa.string())
        if run.stored("orders"):
            found = store.ids_by_external_id(run.conn, "orders", run.source, new.to_pylist())
            state.existing.update(found)
        # an order's fields come from its first line that has them (Arrow's "first" skips nulls)
        first_rows = _first_rows(at)[fresh]
        heads = {f: _firsts(cols[f], first_rows, at, fresh) for f in ORDER_FIELDS}
        heads["status"] = status[0].filter(from_numpy(fresh))
        data = pa.table(
            {
                "id": state.ids(new, values[fresh]),
                "source": pa.repeat(scalar(run.source, pa.string()), len(new)),
                "external_id": new,
                **heads,
                "status_given": status[1].filter(from_numpy(fresh)),
            }
        )
        run.count("orders", len(new))
        return data

    @staticmethod
    def _line_numbers(
        numbers: np.ndarray, given: pa.Array, places: pa.Array | None = None
    ) -> pa.Array:
        """Each line's number: the one the file gives, else its place in its order (``places``,
        the rows rejected before it counted, when the run numbers them: ``Chunks``)."""
        counted = (
            from_numpy(numbers.astype(np.int32)) if places is None else pc.cast(places, pa.int32())
        )
        if given.null_count == len(given):
            return counted
        return pc.coalesce(pc.cast(given, pa.int32()), counted)

    def _list_returns(
        self, run: Run, state: OrderState, cols: dict[str, Any], line_nos: pa.Array
    ) -> None:
        """List the chunk's return lines (a return, or a negative quantity) to be linked once
        every line is in (``store.link_listed_returns``, the rule of the staged merge): each
        with its order and line number, SKU, the order it names and, with ``link_returns =
        "customer_sku"``, the latest earlier non-return line of its customer and SKU."""
        negative = known_true(pc.less(cols["quantity"], scalar(0, pa.int64())))
        is_ret = pc.or_(known_true(cols["is_return"]), negative)
        by_customer = run.mapping.link_returns == "customer_sku"
        if not by_customer and not pc.any(is_ret).as_py():
            return
        data = {
            "order_id": cols["order_id"],
            "line_no": line_nos,
            "sku": cols["sku"],
            "returns_order": cols["returns_order"],
        }
        if by_customer:
            data["prev_order"], data["prev_line"] = _previous_lines(state, cols, line_nos, is_ret)
        else:
            data["prev_order"] = pa.nulls(len(is_ret), pa.string())
            data["prev_line"] = pa.nulls(len(is_ret), pa.int32())
        listed = pa.table(data).filter(is_ret)
        if listed.num_rows == 0:
            return
        run.state.setdefault("returns_listed", []).append(listed)


def relink_stored(run: Run, rewritten: list[str] | None) -> None:
    """Keep stored returns on the lines of their SKU once an import rewrote stored orders
    (``rewritten``: their ids; ``None``: the staged ones), and those orders' status on what
    the returns imply (``store.relink_stored_returns``)."""
    relinked, unlinked = store.relink_stored_returns(run.conn, run.source, rewritten)
    if relinked:
        run.count("stored_returns_relinked", relinked)
    if unlinked:
        run.count("stored_returns_unlinked", unlinked)


def _first_rows(at: np.ndarray) -> np.ndarray:
    """The first line of each of a chunk's orders: ``at`` numbers them in order of first
    appearance, so a first line raises its running maximum."""
    return np.flatnonzero(np.diff(np.maximum.accumulate(at), prepend=-1) > 0)


def _firsts(
    column: pa.Array, first_rows: np.ndarray, at: np.ndarray, fresh: np.ndarray
) -> pa.Array:
    """Per fresh order, the first non-null value of ``column`` among its lines: the value on
    its first line, unless the column is null on some lines and set on others."""
    if column.null_count in (0, len(column)):
        return column.take(from_numpy(first_rows))
    table = pa.table({"at": from_numpy(at), "v": column})
    first = grouped(table, "at", [("v", "first")])
    by_order = first.sort_by("at").column("v_first")
    return by_order.take(from_numpy(np.flatnonzero(fresh)))


def _previous_lines(
    state: OrderState, cols: dict[str, Any], line_nos: pa.Array, is_ret: pa.Array
) -> tuple[pa.Array, pa.Array]:
    """Per line, the latest earlier non-return line of the file with its customer and SKU (its
    order's external id and line number; null for a line without a customer or without one)."""
    last = state.last_line
    customers, skus = cols["customer_id"].to_pylist(), cols["sku"].to_pylist()
    exts, numbers = cols["order_id"].to_pylist(), line_nos.to_pylist()
    prev: list[tuple[str, int] | None] = []
    for customer, sku, ext, number, ret in zip(
        customers, skus, exts, numbers, is_ret.to_pylist(), strict=True
    ):
        if customer is None:
            prev.append(None)
        elif ret:
            prev.append(last.get((customer, sku)))
        else:
            prev.append(None)
            last[(customer, sku)] = (ext, number)
    return (
        strings([p[0] if p else None for p in prev]),
        integers([p[1] if p else None for p in prev], pa.int32()),
    )


def new_products(run: Run, cols: dict[str, Any], missing: set[str]) -> pa.Table:
    """The rows of the products first met among a chunk's lines (SKUs ``missing``), given new
    ids: each one's name, category and currency from its first line that has one (Arrow's
    ``first`` skips nulls, as the merge takes them), its merchandise flag from the mapping."""
    rows = pa.table(
        {
            "sku": cols["sku"],
            "name": cols["product_name"],
            "category": cols["category"],
            "currency": cols["currency"],
        }
    )
    rows = rows.filter(pc.is_in(rows.column("sku"), value_set=strings(list(missing))))
    first = grouped(rows, "sku", [("name", "first"), ("category", "first"), ("currency", "first")])
    skus = first.column("sku").to_pylist()
    ids = new_ids(len(skus))
    return pa.table(
        {
            "id": strings(ids),
            "source": pa.repeat(scalar(run.source, pa.string()), len(ids)),
            "external_id": first.column("sku"),
            "name": first.column("name_first"),
            "category": first.column("category_first"),
            "currency": first.column("currency_first"),
            "is_merchandise": from_numpy(
                np.array([not run.mapping.is_non_merchandise(s) for s in skus], bool)
            ),
        }
    )
