"""The vectorised next-best-offer pieces give what their one-customer-at-a-time forms give."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.modeling.domain.catalog.nbo import _groups
from opencx.modeling.domain.recommend.associations import (
    fit_associations,
    popular_for,
    popular_for_each,
)

products = st.sampled_from([f"p{i}" for i in range(12)])
baskets = st.lists(st.lists(products, min_size=1, max_size=4), min_size=1, max_size=30)
histories = st.dictionaries(st.text("abc", min_size=1, max_size=3), st.lists(products, max_size=6))


@settings(max_examples=150, deadline=None)
@given(baskets, histories, st.integers(1, 14))
def test_popular_for_each_is_popular_for_of_every_customer(
    bought: list[list[str]], history: dict[str, list[str]], k: int
) -> None:
    model = fit_associations(bought, min_count=1)
    expected = {c: popular_for(model, set(h), k) for c, h in history.items()}
    assert popular_for_each(model, history, k) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text("xyzé", min_size=1, max_size=3), products), max_size=40))
def test_groups_are_pandas_sorted_groups_in_frame_order(pairs: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(pairs, columns=["key", "value"], dtype=object)
    expected = {str(key): list(part["value"]) for key, part in frame.groupby("key", sort=True)}
    assert _groups(frame["key"], frame["value"]) == expected
    assert list(_groups(frame["key"], frame["value"])) == list(expected)
