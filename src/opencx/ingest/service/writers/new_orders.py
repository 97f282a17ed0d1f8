"""Orders an import creates, on PostgreSQL: their rows made by the client and copied straight in.

An order not in the store when the import first meets it is new: the client gives it an id
(``prefix + index``, in order of first appearance), takes its fields from its first line (the
order-head check has made its customer, day and currency agree on every line), numbers its lines
in file order (continuing across chunks for an order whose lines are far apart) and gives them
ids; the rows go in by ``COPY`` on the write-behind thread. An order's status without a status
column is computed from its lines as the merge computes it (``completed``, ``returned`` when
every line is a return, else ``partly_returned``); when a later chunk changes it, the order is
updated. An order already stored is left to the merge: its lines go to the stage
(``writers.staged_orders``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest import store
from opencx.ingest.domain.arrow_arrays import filled, from_numpy, grouped, scalar, strings, to_numpy
from opencx.ingest.service.run import Run, id_prefix, numbered_ids
from opencx.ingest.service.writers.order_state import OrderState
from opencx.ingest.service.writers.orders import new_products
from opencx.ingest.store.behind import Job

ORDER_FIELDS = ("customer_id", "placed_at", "channel", "currency", "discount_total")
"""An order's fields taken from its first line (its status is computed)."""


@dataclass
class NewOrders:
    """What the import knows of the orders it creates and of the products it has met."""

    orders: OrderState = field(default_factory=OrderState)  # the orders met, their lines
    stored: set[str] = field(default_factory=set)  # orders found in the store: merged
    products: dict[str, str] = field(default_factory=dict)  # sku -> product id
    unnamed: dict[str, frozenset[str]] = field(default_factory=dict)  # sku -> fields it lacks
    line_prefix: str = field(default_factory=id_prefix)
    lines: int = 0  # lines copied so far: the next line's number in its id
    returns_table: bool = False

    def order_ids(self, batch: int) -> Iterator[tuple[str, ...]]:
        """The ids of the orders created, in order of first appearance, ``batch`` at a time
        (made batch by batch: a whole file's ids as Python strings were ≈ 80 bytes an order)."""
        for start in range(0, self.orders.next_index, batch):
            numbers = np.arange(start, min(start + batch, self.orders.next_index))
            yield tuple(numbered_ids(self.orders.prefix, numbers).to_pylist())


def split_stored(run: Run, state: NewOrders, order_ids: pa.Array) -> np.ndarray | None:
    """Per line of a chunk, whether its order is stored already (its lines are merged); ``None``
    when no line's is. Orders first met are looked up in one query, and only when the source had
    orders before the import."""
    if not run.stored("orders"):  # then no order is
        return None
    stored = state.stored
    unique = pc.unique(order_ids)
    exts = unique.to_pylist()
    met = (state.orders.find(unique) >= 0).tolist()
    fresh = [e for e, m in zip(exts, met, strict=True) if not m and e not in stored]
    if fresh:
        stored.update(store.stored_orders(run.conn, run.source, fresh))
    here = [e for e in exts if e in stored]  # the chunk's own, not every stored order so far
    if not here:
        return None
    mask: np.ndarray = to_numpy(pc.is_in(order_ids, value_set=strings(here)))
    return mask


def product_ids(
    run: Run, state: NewOrders, cols: dict[str, pa.Array]
) -> tuple[pa.Array, list[Job]]:
    """Each line's product id; the products first met are created (first line's fields, the
    merchandise flag of the mapping): the jobs that create them, to run before the lines'."""
    skus = cols["sku"]
    known = state.products
    wanted = set(pc.unique(skus).to_pylist()) - known.keys()
    if wanted and run.stored("products"):
        known.update(store.ids_by_external_id(run.conn, "products", run.source, wanted))
    missing = wanted - known.keys()
    jobs = _fill_products(run, state, cols) if state.unnamed else []
    if missing:
        data = new_products(run, cols, missing)
        new_skus = data.column("external_id").to_pylist()
        ids = data.column("id").to_pylist()
        aside: store.SetAside | None = run.state.get("set_aside")
        if aside is not None and aside.tables:
            # products is locked by this import (store.set_aside): no other writer can store
            # one of these keys meanwhile, so they go in by COPY, without a temporary table
            jobs.append(store.copy_job("products", data))
        else:
            jobs.append(partial(store.upsert_job, table="products", data=data, update=False))
        known.update(zip(new_skus, ids, strict=True))
        for sku, name, category in zip(
            new_skus,
            data.column("name").to_pylist(),
            data.column("category").to_pylist(),
            strict=True,
        ):
            lacking = frozenset(f for f, v in (("name", name), ("category", category)) if v is None)
            if lacking:
                state.unnamed[sku] = lacking
        run.count("products_created", len(ids))
    keys = strings(list(known))
    values = strings(list(known.values()))
    return pc.take(values, pc.index_in(skus, value_set=keys)), jobs


def _fill_products(run: Run, state: NewOrders, cols: dict[str, pa.Array]) -> list[Job]:
    """The job giving products created by this import without a name or category the first
    one a later line has (as the merge takes the first non-null value in file order)."""
    skus = cols["sku"]
    given = {}
    for field_, column in (("name", cols["product_name"]), ("category", cols["category"])):
        lacking = [s for s, missing in state.unnamed.items() if field_ in missing]
        if not lacking or column.null_count == len(column):
            continue
        wanted = pc.and_(pc.is_valid(column), pc.is_in(skus, value_set=strings(lacking)))
        if pc.any(wanted).as_py():
            firsts = pa.table({"sku": skus.filter(wanted), "v": column.filter(wanted)})
            firsts = grouped(firsts, "sku", [("v", "first")])
            given[field_] = dict(
                zip(
                    firsts.column("sku").to_pylist(),
                    firsts.column("v_first").to_pylist(),
                    strict=True,
                )
            )
    if not given:
        return []
    found = sorted(set().union(*given.values()))
    names = [given.get("name", {}).get(s) for s in found]
    categories = [given.get("category", {}).get(s) for s in found]
    for sku in found:
        missing = state.unnamed[sku] - {f for f in given if sku in given[f]}
        if missing:
            state.unnamed[sku] = missing
        else:
            del state.unnamed[sku]
    ids = [state.products[s] for s in found]
    return [partial(store.fill_products_job, ids=ids, names=names, categories=categories)]


def copy_jobs(
    run: Run, state: NewOrders, cols: dict[str, pa.Array], products: pa.Array
) -> list[Job]:
    """The jobs that copy a chunk's lines of new orders (``cols``, every order not stored) and
    create the orders first met; the counts of orders and return orders."""
    unique = pc.unique(cols["order_id"])
    exts = unique.to_pylist()
    at = to_numpy(pc.index_in(cols["order_id"], value_set=unique))
    orders = state.orders
    values, is_new = orders.slots_of(unique)
    new = [e for e, f in zip(exts, is_new.tolist(), strict=True) if f]
    ids = orders.ids(exts, values)
    numbers = orders.number_lines(exts, values, at)
    if "line_at" in cols:  # the place in the order, rejected rows counted (``Chunks``)
        numbers = to_numpy(cols["line_at"])
    is_return = filled(cols["is_return"], False)
    # computed from the lines (no status column): an order met before changes status with
    # these lines when its counts cross a line
    status, changed, first_returns = orders.statuses(exts, values, at, is_return, None)
    jobs: list[Job] = []
    if new:
        first_rows = np.unique(at, return_index=True)[1][is_new]
        heads = {f: cols[f].take(from_numpy(first_rows)) for f in ORDER_FIELDS}
        data = pa.table(
            {
                "id": ids.filter(from_numpy(is_new)),
                "source": pa.repeat(scalar(run.source, pa.string()), len(new)),
                "external_id": strings(new),
                **heads,
                "status": status.filter(from_numpy(is_new)),
            }
        )
        jobs.append(store.copy_job("orders", data))
        run.count("orders", len(new))
    if changed.any():
        where = from_numpy(np.flatnonzero(changed))
        jobs.append(
            partial(
                store.set_statuses_job,
                ids=ids.take(where).to_pylist(),
                statuses=status.take(where).to_pylist(),
            )
        )
    run.count("return_orders", first_returns)
    n = len(at)
    line_ids = numbered_ids(state.line_prefix, np.arange(state.lines, state.lines + n))
    state.lines += n
    lines = pa.table(
        {
            "id": line_ids,
            "order_id": pc.take(ids, from_numpy(at)),
            "line_no": from_numpy(numbers.astype(np.int32)),
            "product_id": products,
            "sku": cols["sku"],
            "quantity": cols["quantity"],
            "unit_price": cols["unit_price"],
            "discount": cols["discount"],
        }
    )
    jobs.append(store.copy_job("order_lines", lines))
    jobs.extend(_returns(state, cols, line_ids, is_return))
    return jobs


def _returns(
    state: NewOrders, cols: dict[str, pa.Array], line_ids: pa.Array, is_return: np.ndarray
) -> list[Job]:
    """The job copying the chunk's return lines (returns, or a negative quantity) to be linked
    to the lines they reverse once every line is in (``store.link_copied_returns``)."""
    negative = filled(pc.less(cols["quantity"], scalar(0, pa.int64())), False)
    mask = from_numpy(is_return.astype(bool) | negative)
    if not pc.any(mask).as_py():
        return []
    data = pa.table(
        {
            "line_id": line_ids.filter(mask),
            "sku": cols["sku"].filter(mask),
            "returns_order": cols["returns_order"].filter(mask),
        }
    )
    create, state.returns_table = not state.returns_table, True
    return [partial(store.copy_returns_job, data=data, create=create)]
