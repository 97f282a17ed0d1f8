"""Exact duplicate rows across chunks: a row is a repeat when an earlier row of the file, in
file order, is identical; the first of several alike is not one."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.ingest.domain.validation import DuplicateFinder


def _reference(values: list[str | None]) -> list[bool]:
    seen: set[str | None] = set()
    marked = []
    for value in values:
        marked.append(value in seen)
        seen.add(value)
    return marked


def test_repeats_are_the_later_rows_in_file_order_within_and_across_chunks() -> None:
    rng = np.random.default_rng(3)
    values = [None if v == 0 else f"v{v}" for v in rng.integers(0, 300, 6_000).tolist()]
    finder = DuplicateFinder()
    marked: list[bool] = []
    for start in range(0, len(values), 2_500):  # chunks of 2,500, 2,500 and 1,000 rows
        chunk = pa.table({"a": pa.array(values[start : start + 2_500], pa.string())})
        marked += finder.mark(chunk, ["a"]).tolist()
    assert marked == _reference(values)


def test_a_chunk_of_distinct_rows_has_no_repeat() -> None:
    finder = DuplicateFinder()
    chunk = pa.table({"a": pa.array([f"v{i}" for i in range(5_000)]), "b": pa.nulls(5_000)})
    assert not finder.mark(chunk, ["a", "b"]).any()
    assert finder.mark(chunk, ["a", "b"]).all()  # the same rows again, in the next chunk


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "", None]), st.sampled_from(["x", None, "y"])),
        min_size=1,
        max_size=40,
    )
)
def test_a_file_of_one_chunk_is_marked_alike_without_hashes(rows) -> None:
    """An API event's finder (``alone``) groups by values where a file's hashes: same marks."""
    chunk = pa.table(
        {
            "a": pa.array([r[0] for r in rows], pa.string()),
            "b": pa.array([r[1] for r in rows], pa.string()),
        }
    )
    marked = DuplicateFinder(alone=True).mark(chunk, ["a", "b"]).tolist()
    assert marked == DuplicateFinder().mark(chunk, ["a", "b"]).tolist()
    assert marked == _reference([f"{r[0]!r}|{r[1]!r}" for r in rows])
