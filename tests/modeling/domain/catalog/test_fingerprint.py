"""The data fingerprint is the SHA-256 of ``to_csv(index=False, float_format="%.10g")``, whatever
way the text is made: the fast path (floats, integers, text) writes what pandas writes."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.modeling.domain.catalog.spec import fingerprint

texts = st.one_of(st.none(), st.text(max_size=6), st.sampled_from(["", ",", '"', "a\nb", 'é,"x']))
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


def _reference(table: pd.DataFrame) -> str:
    text = table.to_csv(index=False, float_format="%.10g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    data = {}
    for i, kind in enumerate(kinds):
        data[f"c{i}"] = kind(draw, n)
    return pd.DataFrame(data)


def _float(draw: st.DrawFn, n: int) -> pd.Series:
    return pd.Series(draw(st.lists(floats, min_size=n, max_size=n)), dtype=np.float64)


def _int(draw: st.DrawFn, n: int) -> pd.Series:
    return pd.Series(draw(st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n)))


def _text(draw: st.DrawFn, n: int) -> pd.Series:
    return pd.Series(draw(st.lists(texts, min_size=n, max_size=n)), dtype=object)


def _category(draw: st.DrawFn, n: int) -> pd.Series:
    return _text(draw, n).astype("category")


def _arrow(draw: st.DrawFn, n: int) -> pd.Series:
    values = draw(st.lists(texts, min_size=n, max_size=n))
    return pd.Series(values, dtype=pd.ArrowDtype(pa.string()))


def _string(draw: st.DrawFn, n: int) -> pd.Series:
    return _text(draw, n).astype("string")


def _mixed(draw: st.DrawFn, n: int) -> pd.Series:  # objects that are not text: to_csv itself
    return pd.Series(
        draw(st.lists(st.one_of(texts, floats, st.integers()), min_size=n, max_size=n))
    )


KINDS = [_float, _int, _text, _category, _arrow, _string, _mixed]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_the_fingerprint_is_the_sha256_of_pandas_csv(table: pd.DataFrame) -> None:
    assert fingerprint(table) == _reference(table)


def test_a_sliced_feature_table_keeps_its_fingerprint() -> None:
    table = pd.DataFrame(
        {
            "customer_id": ["b", "a", "c"],
            "recency_days": [1.0, np.nan, 1e-12],
            "country": pd.Categorical(["NL", None, "DE"]),
        },
        index=[5, 3, 9],
    )
    assert fingerprint(table) == _reference(table)
    assert fingerprint(table.iloc[1:]) == _reference(table.iloc[1:])
