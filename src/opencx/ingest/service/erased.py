"""The drop-erased-keys step: rows of an erased person are dropped from an import, and counted.

An erasure (customers slice) remembers the person's keys as keyed hashes; every chunk of every
import (files, the event API) is screened before its references are resolved, so a re-import
of the source files restores nothing: not the customer, not their orders, cases, case events,
responses or answers. A row is the person's when it carries one of their keys (a customer
row's own id, email or phone; another row's ``customer`` reference), when the stored row with
its id belongs to an erased customer, or when its parent (the case of a case event, the
response of an answer) does.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from opencx.core.tombstone import KeysOfRows
from opencx.ingest import store
from opencx.ingest.domain.validation import Parsed
from opencx.ingest.service.run import Run

OWN_ID = {
    "orders": ("orders", "order_id"),
    "subscriptions": ("subscriptions", "external_id"),
    "interactions": ("interactions", "external_id"),
    "cases": ("cases", "external_id"),
    "responses": ("responses", "response_id"),
}
"""Kinds whose rows carry their own id in a table with a ``customer_id`` (table, column)."""

PARENT = {"case_events": ("cases", "case"), "answers": ("responses", "response")}
"""Kinds whose rows hang under a row of such a table (table, reference column)."""


def _texts(column: pa.Array | None, n: int) -> list[str | None]:
    if column is None:
        return [None] * n
    return [None if v is None else str(v) for v in column.to_pylist()]


def erased_rows(run: Run, kind: str, parsed: Parsed) -> np.ndarray:
    """One bool per row of ``parsed``: the row belongs to an erased person."""
    cols = parsed.columns
    n = len(parsed.bad)
    dropped = np.zeros(n, dtype=bool)
    if "anyone_erased" not in run.state:  # asked once per run: the usual store has no one
        run.state["anyone_erased"] = store.anyone_erased(run.conn)
    if not run.state["anyone_erased"]:
        return dropped
    if kind == "customers":
        keys = KeysOfRows(
            run.source,
            _texts(cols.get("external_id"), n),
            _texts(cols.get("email"), n),
            _texts(cols.get("phone"), n),
            _texts(cols.get("country"), n),
        )
        dropped |= np.array(run.erased(run.conn, keys), dtype=bool)
    if "customer" in cols:
        source = run.customer_source or run.source
        keys = KeysOfRows(source, _texts(cols["customer"], n))
        dropped |= np.array(run.erased(run.conn, keys), dtype=bool)
    if kind in OWN_ID:
        table, column = OWN_ID[kind]
        dropped |= _belongs(run, table, _texts(cols.get(column), n), run.source)
    if kind in PARENT:
        table, column = PARENT[kind]
        dropped |= _belongs(run, table, _texts(cols.get(column), n), None)
    return dropped


def _belongs(run: Run, table: str, refs: list[str | None], source: str | None) -> np.ndarray:
    wanted = {r for r in refs if r is not None}
    if not wanted or (source is not None and not run.stored(table)):
        return np.zeros(len(refs), dtype=bool)
    erased = store.of_erased_customers(run.conn, table, wanted, source)
    return np.array([r in erased for r in refs], dtype=bool)
