"""Rules across fields of one row, and duplicate rows across the whole file (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain import Mapping
from opencx.ingest.validation import Parsed


def return_mask(parsed: Parsed, mapping: Mapping) -> pa.Array:
    """Which order lines are returns: marked, linked to an order, or on a return order id."""
    cols = parsed.columns
    marked = pc.fill_null(cols["is_return"], False)
    marked = pc.or_(marked, pc.is_valid(cols["returns_order"]))
    if mapping.return_prefix:
        prefixed = pc.starts_with(cols["order_id"], mapping.return_prefix)
        marked = pc.or_(marked, pc.fill_null(prefixed, False))
    return marked


def check_orders(parsed: Parsed, mapping: Mapping) -> None:
    cols = parsed.columns
    negative = pc.fill_null(pc.less(cols["quantity"], 0), False)
    unmarked = pc.and_(negative, pc.invert(return_mask(parsed, mapping)))
    parsed.flag(
        unmarked,
        "quantity",
        "negative quantity on a line that is not marked as a "
        "return (give is_return or returns_order, or a return rule in the mapping)",
    )
    line_no = cols["line_no"]
    parsed.flag(pc.less_equal(line_no, 0), "line_no", "line number must be 1 or more")
    check_anonymous(parsed, mapping)


def check_anonymous(parsed: Parsed, mapping: Mapping) -> None:
    if mapping.anonymous == "reject":
        rule = "no customer given (use --anonymous orders to load anonymous rows)"
        parsed.flag(pc.is_null(parsed.columns["customer"]), "customer", rule)


def check_cases(parsed: Parsed, mapping: Mapping) -> None:
    cols = parsed.columns
    opened, first, resolved = cols["opened_at"], cols["first_response_at"], cols["resolved_at"]
    parsed.flag(pc.less(first, opened), "first_response_at",
                "first_response_at is before opened_at")  # fmt: skip
    parsed.flag(pc.less(resolved, first), "resolved_at", "resolved_at is before first_response_at")
    parsed.flag(pc.less(resolved, opened), "resolved_at", "resolved_at is before opened_at")
    parsed.flag(pc.less(cols["closed_at"], opened), "closed_at", "closed_at is before opened_at")


def check_subscriptions(parsed: Parsed, mapping: Mapping) -> None:
    cols = parsed.columns
    parsed.flag(pc.less(cols["ended_at"], cols["started_at"]), "ended_at",
                "ended_at is before started_at")  # fmt: skip


EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def check_customers(parsed: Parsed, mapping: Mapping) -> None:
    """An email that is not shaped like an address would become a wrong identity key."""
    email = pc.utf8_trim_whitespace(parsed.columns["email"])
    bad = pc.invert(pc.match_substring_regex(email, EMAIL_SHAPE))
    parsed.flag(bad, "email", "not an email address (expected name@domain.tld)")


ROW_RULES = {
    "customers": check_customers,
    "orders": check_orders,
    "cases": check_cases,
    "subscriptions": check_subscriptions,
}


class DuplicateFinder:
    """Exact duplicate rows across the whole file, by a 64-bit hash of the row's text.

    Only the hashes are kept, sorted in one NumPy array (8 bytes per distinct row), so a file
    of millions of rows costs tens of megabytes; lookups are binary searches per chunk.
    """

    def __init__(self) -> None:
        self._seen = np.empty(0, dtype=np.uint64)

    def mark(self, chunk: pa.Table, columns: list[str]) -> np.ndarray:
        """Return a mask of rows that repeat an earlier row of the file exactly."""
        n = chunk.num_rows
        if not columns or n == 0:
            return np.zeros(n, dtype=bool)
        parts = [pc.fill_null(pc.cast(chunk.column(c), pa.string()), "\x00") for c in columns]
        joined = pc.binary_join_element_wise(*parts, "\x1f")
        text = np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
        # categorize=False: the same hashes, without first factorizing mostly-distinct rows
        hashes = pd.util.hash_array(text, categorize=False)
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        repeated = np.zeros(n, dtype=bool)
        repeated[order[1:]] = ordered[1:] == ordered[:-1]
        seen = self._seen
        if seen.size:
            pos = np.minimum(np.searchsorted(seen, hashes), seen.size - 1)
            repeated |= seen[pos] == hashes
        new = np.unique(hashes[~repeated])
        self._seen = np.insert(seen, np.searchsorted(seen, new), new)
        return repeated
