"""Numbers read as numbers: opencx.web.formatting, by example and by property."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from opencx.web.formatting import (
    DASH,
    change_text,
    label,
    money,
    number,
    percent,
    readable,
    unit_text,
)

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15)
PLAIN = re.compile(r"^-?\d{1,3}(\u2009\d{3})*(\.\d+)?$")


def _value(text: str) -> float:
    return float(text.replace("\u2009", ""))


def test_examples() -> None:
    assert number(1234567.891, 2) == "1\u2009234\u2009567.89"
    assert number(None) == DASH and number(float("nan")) == DASH and number(math.inf) == DASH
    assert number(Decimal("-12.5"), 1) == "-12.5"
    assert number(-0.001, 2) == "0.00"  # no "-0.00"
    assert readable(447.66309027777777) == "448"
    assert readable(92.9581712962963) == "93.0"
    assert readable(0.1524) == "0.152"
    assert readable(1.2345e-7) == "0.000000123"
    assert readable(62.0) == "62"
    assert percent(0.1234) == "12.3%" and percent(12.34, points=True) == "12.3%"
    assert money(188699.4, "EUR") == "188\u2009699 EUR"
    assert money(None, "EUR") == DASH and money(5, None) == "5"


@given(finite, st.integers(min_value=0, max_value=6))
def test_number_is_plain_digits_and_rounds_to_the_value(x: float, digits: int) -> None:
    text = number(x, digits)
    assert PLAIN.match(text), text
    assert "e" not in text.lower()
    assert abs(_value(text) - x) <= 0.5 * 10**-digits * (1 + 1e-9) + abs(x) * 1e-15


@given(finite.filter(lambda x: x != 0))
def test_readable_never_uses_e_notation_and_keeps_three_significant_digits(x: float) -> None:
    text = readable(x)
    assert PLAIN.match(text), text
    shown = _value(text)
    if float(x).is_integer():
        assert shown == x
    else:
        # three significant digits (or the whole integer part): relative error ≤ 0.5%
        assert abs(shown - x) <= max(abs(x) * 0.005, 0.5) * (1 + 1e-9)
        assert len(text.replace("\u2009", "").replace("-", "").replace(".", "")) <= 19


@given(st.floats(min_value=0, max_value=1))
def test_percent_of_a_share_is_between_0_and_100(share: float) -> None:
    text = percent(share)
    assert text.endswith("%")
    assert 0 <= _value(text[:-1]) <= 100


@given(finite, st.booleans(), st.sampled_from(["%", "points", "", "days"]))
def test_change_says_direction_and_against_what(delta: float, up_is_good: bool, unit: str) -> None:
    c = change_text(delta, unit=unit, against="2026-09", higher_is_better=up_is_good)
    assert c is not None
    assert c.words.endswith(" vs 2026-09")
    if c.arrow == "→":
        assert c.tone == "neutral" and abs(delta) < 0.05 + 1e-9
    else:
        assert c.arrow == ("▲" if delta > 0 else "▼")
        assert c.text.startswith("+" if delta > 0 else "-")
        assert c.tone == ("good" if (delta > 0) == up_is_good else "bad")
    if unit in {"%", "points"}:
        assert c.text.endswith(" pts")


def test_change_is_neutral_when_not_significant_and_none_without_a_value() -> None:
    c = change_text(-4.1, unit="%", against="2026-09", p_value=0.3)
    assert c is not None and c.words == "▼ -4.1 pts vs 2026-09" and c.tone == "neutral"
    assert change_text(None) is None and change_text(float("nan")) is None


def test_currency_unit_is_the_datas_code() -> None:
    assert unit_text("currency", ("EUR",)) == "EUR"
    assert unit_text("currency", ("GBP", "EUR", "GBP")).startswith("mixed EUR/GBP")
    assert "currency" not in unit_text("currency", ("EUR",))
    assert unit_text("%", ("EUR",)) == "%"


@given(st.from_regex(r"[a-z]{1,8}(_[a-z0-9]{1,8}){0,3}", fullmatch=True))
def test_labels_are_words_not_snake_case(key: str) -> None:
    text = label(key)
    assert "_" not in text and text[:1] == text[:1].upper()


def test_known_labels() -> None:
    assert label("rfm_segment") == "RFM segment"
    assert label("attr_segment") == "Segment"
    assert label("recency_days") == "Days since last purchase"
