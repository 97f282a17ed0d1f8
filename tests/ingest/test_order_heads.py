"""The rows of one order_id agree on its customer, day and currency across the chunks of a file;
a row that disagrees is named with the line of the order's first row."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.ingest.domain.validation import OrderHeads, Parsed

DAY = datetime(2024, 1, 2, 10, 0, tzinfo=UTC)
LATER = datetime(2024, 1, 2, 10, 5, tzinfo=UTC)  # the same day: the same order
NEXT_DAY = datetime(2024, 1, 3, 9, 0, tzinfo=UTC)


def chunk(rows: list[tuple[str | None, str | None, datetime, str | None]]) -> Parsed:
    names = ("order_id", "customer", "placed_at", "currency")
    columns = {
        name: pa.array(
            [row[i] for row in rows], pa.timestamp("us", "UTC") if i == 2 else pa.string()
        )
        for i, name in enumerate(names)
    }
    return Parsed(columns, np.zeros(len(rows), bool), [], dict(columns))


def conflicts(heads: OrderHeads, parsed: Parsed, first_line: int) -> list[tuple[int, str]]:
    lines = pa.array(range(first_line, first_line + len(parsed.bad)), pa.int64())
    heads.check(parsed, lines)
    return sorted((first_line + row, rule.split(":")[0]) for row, _, _, rule in parsed.problems)


def test_a_row_is_checked_against_its_orders_first_row_within_a_chunk() -> None:
    heads = OrderHeads()
    parsed = chunk(
        [
            ("B", "c1", DAY, "EUR"),
            ("B", "c1", LATER, "EUR"),
            ("B", "c3", DAY, "EUR"),  # another customer
            ("C", "c1", DAY, None),
            ("C", "c1", DAY, "EUR"),  # a currency where the first row had none
            ("C", "c1", NEXT_DAY, None),  # another day
        ]
    )
    assert conflicts(heads, parsed, 2) == [
        (4, "conflicts with line 2"),
        (6, "conflicts with line 5"),
        (7, "conflicts with line 5"),
    ]


def test_an_order_seen_in_an_earlier_chunk_keeps_its_first_rows_head() -> None:
    heads = OrderHeads()
    assert conflicts(heads, chunk([("A", "c1", DAY, "EUR"), ("Z", "c9", DAY, "EUR")]), 2) == []
    later = chunk(
        [
            ("A", "c2", DAY, "EUR"),  # the first row of A in this chunk, yet not A's head
            ("A", "c2", LATER, "EUR"),  # agrees with the row above, not with line 2
            ("A", "c1", LATER, "EUR"),  # agrees with line 2
            ("D", "c4", DAY, "EUR"),
            ("D", "c4", DAY, "USD"),
        ]
    )
    assert conflicts(heads, later, 4) == [
        (4, "conflicts with line 2"),
        (5, "conflicts with line 2"),
        (8, "conflicts with line 7"),
    ]
    last = chunk([("D", "c4", LATER, "USD"), ("D", "c4", LATER, "EUR"), ("Z", "c9", DAY, "EUR")])
    assert conflicts(heads, last, 9) == [(9, "conflicts with line 7")]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", None]),
            st.sampled_from(["c1", "c2", None]),
            st.sampled_from([DAY, LATER, NEXT_DAY]),
            st.sampled_from(["EUR", "USD", None]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_a_file_of_one_chunk_is_checked_alike_without_hashes(rows) -> None:
    """An API event's check (``alone``: no order kept, none hashed) names the same conflicts."""
    assert conflicts(OrderHeads(alone=True), chunk(rows), 2) == conflicts(
        OrderHeads(), chunk(rows), 2
    )
