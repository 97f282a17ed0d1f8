"""The byte-level checks that let parsing skip a regular expression or the UTF-8 trim: each says
"every value has this shape" only when the regular expression it stands for matches every value,
and says it for the usual columns (so the fast way is taken); text is trimmed as before."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.ingest.domain.validation.columns import as_text
from opencx.ingest.domain.validation.shapes import (
    all_digits,
    all_iso_of_one_width,
    all_plain_amounts,
)
from opencx.ingest.domain.validation.times import ISO_RE
from opencx.ingest.domain.validation.values import INT_RE, MONEY_RE

# bytes near the shapes: digits, their separators, signs, spaces, a letter, a non-ASCII digit
ALPHABET = "0123456789.-+: TZe٣"


def _values(alphabet: str) -> st.SearchStrategy[list[str | None]]:
    """Columns of values made of ``alphabet``, mostly of the shape's own bytes (so the checks
    often say yes and are held to it), sometimes with any byte of :data:`ALPHABET`."""
    text = st.text(alphabet, max_size=21) | st.text(ALPHABET, max_size=21)
    return st.lists(st.one_of(st.none(), text), min_size=1, max_size=8)


def _all_match(values: list[str | None], pattern: str) -> bool:
    return all(v is not None and re.fullmatch(pattern, v, re.ASCII) for v in values)


def _sliced(values: list[str | None]) -> pa.Array:
    """The values as a slice of a longer array (its offsets do not start at 0)."""
    return pa.array(["x", *values, "y"], pa.string()).slice(1, len(values))


@settings(max_examples=400, deadline=None)
@given(values=_values("0123456789"))
def test_whole_numbers_only_when_the_regex_matches_every_value(values) -> None:
    for array in (pa.array(values, pa.string()), _sliced(values)):
        if all_digits(array):
            assert _all_match(values, INT_RE)


@settings(max_examples=400, deadline=None)
@given(values=_values("0123456789."))
def test_amounts_only_when_the_regex_matches_every_value(values) -> None:
    for array in (pa.array(values, pa.string()), _sliced(values)):
        if all_plain_amounts(array):
            assert _all_match(values, MONEY_RE)


def _one_byte_off(value: str) -> st.SearchStrategy[str]:
    """``value``, or ``value`` with one character replaced by one of :data:`ALPHABET`."""
    return st.just(value) | st.tuples(
        st.integers(0, len(value) - 1), st.sampled_from(ALPHABET)
    ).map(lambda change: value[: change[0]] + change[1] + value[change[0] + 1 :])


ISO_LIKE = st.sampled_from(["2024-01-31", "2024-01-31T10:05", "2024-01-31 10:05:09"]).flatmap(
    lambda value: st.lists(_one_byte_off(value), min_size=1, max_size=3)
)
"""Columns of one ISO shape, some values a byte off it."""


@settings(max_examples=400, deadline=None)
@given(values=st.one_of(_values("0123456789-:T "), ISO_LIKE))
def test_iso_times_only_when_the_regex_matches_every_value(values) -> None:
    for array in (pa.array(values, pa.string()), _sliced(values)):
        if all_iso_of_one_width(array):
            assert _all_match(values, ISO_RE)


def test_the_usual_columns_take_the_fast_way() -> None:
    assert all_digits(pa.array(["1", "42", "007"]))
    assert all_plain_amounts(pa.array(["1", "4.20", ".5", "7."]))
    assert all_iso_of_one_width(pa.array(["2024-01-31T10:05:09", "2025-12-01 00:00:00"]))
    assert all_iso_of_one_width(pa.array(["2024-01-31", "2025-12-01"]))


def test_what_the_regex_refuses_is_left_to_it() -> None:
    assert not all_digits(pa.array(["1", None]))  # a null: the regex decides
    assert not all_digits(pa.array(["-1"]))
    assert not all_digits(pa.array(["٣"]))  # a digit, but not an ASCII one
    assert not all_plain_amounts(pa.array(["1.2.3"]))
    assert not all_plain_amounts(pa.array(["1", "."]))
    assert not all_plain_amounts(pa.array(["1 000"]))
    assert not all_iso_of_one_width(pa.array(["2024-01-31", "2024-01-3x"]))
    assert not all_iso_of_one_width(pa.array(["2024-01-31", "2024-01-31T10:05"]))  # two widths
    assert not all_iso_of_one_width(pa.array(["2024-01-31T10:05:09Z"]))


def _trimmed_as_before(values: list[str | None]) -> list[str | None]:
    trimmed = pc.utf8_trim_whitespace(pa.array(values, pa.string())).to_pylist()
    return [None if v == "" else v for v in trimmed]


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(), st.text(" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x7fa1é\xa0\u3000", max_size=6)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_text_is_trimmed_as_by_the_utf8_trim(values) -> None:
    """ASCII columns are trimmed byte-wise; the four separators \\x1c-\\x1f, which only the
    UTF-8 trim takes for whitespace, and any non-ASCII byte send a column the UTF-8 way."""
    assert as_text(pa.array(values, pa.string())).to_pylist() == _trimmed_as_before(values)
    assert as_text(_sliced(values)).to_pylist() == _trimmed_as_before(values)
