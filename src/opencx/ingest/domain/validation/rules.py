"""Rules across the fields of one row: returns, anonymous orders, case statuses, priorities and
times, subscription times, case event kinds, email shape."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from opencx.ingest.domain.arrow_arrays import known_true, scalar, strings
from opencx.ingest.domain.mapping import Mapping
from opencx.ingest.domain.validation.parsed import Parsed


def return_mask(parsed: Parsed, mapping: Mapping) -> pa.Array:
    """Which order lines are returns: marked, linked to an order, or on a return order id."""
    cols = parsed.columns
    marked = known_true(cols["is_return"])
    marked = pc.or_(marked, pc.is_valid(cols["returns_order"]))
    if mapping.return_prefix:
        prefixed = pc.starts_with(cols["order_id"], mapping.return_prefix)
        marked = pc.or_(marked, known_true(prefixed))
    return marked


def check_orders(parsed: Parsed, mapping: Mapping) -> None:
    cols = parsed.columns
    negative = known_true(pc.less(cols["quantity"], scalar(0, pa.int64())))
    unmarked = pc.and_(negative, pc.invert(return_mask(parsed, mapping)))
    parsed.flag(
        unmarked,
        "quantity",
        "negative quantity on a line that is not marked as a "
        "return (give is_return or returns_order, or a return rule in the mapping)",
    )
    line_no = cols["line_no"]
    parsed.flag(
        pc.less_equal(line_no, scalar(0, pa.int64())), "line_no", "line number must be 1 or more"
    )
    check_anonymous(parsed, mapping)


def check_anonymous(parsed: Parsed, mapping: Mapping) -> None:
    if mapping.anonymous == "reject":
        rule = mapping.advice.anonymous
        parsed.flag(pc.is_null(parsed.columns["customer"]), "customer", rule)


CASE_STATUSES = ("new", "open", "pending_customer", "pending_third_party", "resolved", "closed")
CASE_PRIORITIES = ("low", "normal", "high", "urgent")
"""The states and priorities a case may have (docs/helpdesk.md "Case states"): the helpdesk
works a case from its status and picks its SLA policy by priority, so a value a mapping's
transform missed (a custom Freshdesk status such as "Escalated") is refused with its line and
column, never stored raw. Channels are open-ended (an export's own sources are kept)."""


def _one_of(parsed: Parsed, column: str, allowed: tuple[str, ...], what: str) -> None:
    values = parsed.columns[column]
    known = pc.is_in(values, value_set=strings(allowed))
    bad = pc.and_(pc.is_valid(values), pc.invert(known))
    parsed.flag(
        bad,
        column,
        f"not a case {what} ({', '.join(allowed)}); map the export's value in the mapping's"
        f" [transforms.{column}]",
    )


def check_cases(parsed: Parsed, mapping: Mapping) -> None:
    _one_of(parsed, "status", CASE_STATUSES, "status")
    _one_of(parsed, "priority", CASE_PRIORITIES, "priority")
    cols = parsed.columns
    opened, first, resolved = cols["opened_at"], cols["first_response_at"], cols["resolved_at"]
    parsed.flag(
        pc.less(first, opened), "first_response_at", "first_response_at is before opened_at"
    )
    parsed.flag(pc.less(resolved, first), "resolved_at", "resolved_at is before first_response_at")
    parsed.flag(pc.less(resolved, opened), "resolved_at", "resolved_at is before opened_at")
    parsed.flag(pc.less(cols["closed_at"], opened), "closed_at", "closed_at is before opened_at")


def check_subscriptions(parsed: Parsed, mapping: Mapping) -> None:
    cols = parsed.columns
    parsed.flag(
        pc.less(cols["ended_at"], cols["started_at"]), "ended_at", "ended_at is before started_at"
    )


CASE_EVENT_KINDS = ("message_in", "message_out", "note", "status", "assignment")
"""What an imported case event may be (docs/schema.md): a mapping's transform that misses a
value (a Zendesk role, a Freshdesk flag) leaves it raw, and the row is refused, not stored."""


def check_case_events(parsed: Parsed, mapping: Mapping) -> None:
    kind = parsed.columns["kind"]
    known = pc.is_in(kind, value_set=strings(CASE_EVENT_KINDS))
    bad = pc.and_(pc.is_valid(kind), pc.invert(known))
    parsed.flag(bad, "kind", f"not a case event kind ({', '.join(CASE_EVENT_KINDS)})")


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
    "case_events": check_case_events,
    "subscriptions": check_subscriptions,
}
