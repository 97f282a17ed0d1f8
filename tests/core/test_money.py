"""Numbers written as text are read one way everywhere (``opencx.core.money.AMOUNT_TEXT``): an
import's amount cell (Arrow's regex), a configured amount (``to_decimal``) and the ``MONEY``
column type (``number_from_text``) take the same strings, and refuse what only Python's
``Decimal`` reads (spaces around it, ``_`` between digits, an exponent, other digits, NaN)."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.core.money import number_from_text, round_money, to_decimal
from opencx.ingest.domain.validation.values import MONEY_RE

NUMBERISH = st.text(alphabet="0123456789+-.eE_ nN\u0661\u0662\u00a0\t", max_size=12)


@given(st.one_of(NUMBERISH, st.text(max_size=8)))
@example(" 12 ")
@example("1_000")
@example("\u0661\u0662")
@example("1e3")
@example("NaN")
def test_the_import_and_the_core_read_the_same_strings(text):
    csv = pc.match_substring_regex(pa.array([text], pa.string()), MONEY_RE)[0].as_py()
    core = number_from_text(text)
    assert csv == (core is not None)
    if core is not None:
        assert core == Decimal(text) and to_decimal(text) == core


@pytest.mark.parametrize("text", [" 12 ", "12 ", "1_000", "1e3", "\u0661\u0662", "NaN", "Infinity"])
def test_to_decimal_refuses_what_no_reader_takes(text):
    with pytest.raises(InvalidInput) as caught:
        to_decimal(text, where="tiers.levels[0].entry")
    assert str(caught.value) == (
        f"tiers.levels[0].entry: {text!r} is not a number (digits, an optional sign and '.'"
        " before the decimals: 12.50)"
    )


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (Decimal("NaN"), "is not a number"),
        (float("nan"), "is not a number"),
        (Decimal("-Infinity"), "is not a finite number"),
        (float("inf"), "is not a finite number"),
    ],
)
def test_to_decimal_names_nan_and_infinity(value, rule):
    """A NaN Decimal was returned as it was (only a string was checked)."""
    with pytest.raises(InvalidInput) as caught:
        to_decimal(value, where="multiplier")
    assert str(caught.value) == f"multiplier: {value!r} {rule}"


def test_numbers_are_read_as_they_are():
    assert to_decimal(Decimal("1E+3")) == 1000 and to_decimal(1e-05) == Decimal("0.00001")
    assert to_decimal(7) == 7 and to_decimal("-.5") == Decimal("-0.5")


def test_round_money_calls_nan_not_a_number():
    with pytest.raises(ValueError, match=r"^amount NaN is not a number$"):
        round_money(Decimal("NaN"))
    with pytest.raises(ValueError, match="out of range"):
        round_money(Decimal("Infinity"))
