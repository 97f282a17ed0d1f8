"""The churn labels taken from the feature frames (did the purchase count grow by the next
cutoff?) are the labels of asking the store who bought in each window."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from opencx.modeling.domain.catalog.churn import _labelled
from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.store.warehouse import open_tables, sources


def test_labels_from_the_frames_equal_the_purchases_in_each_window(synthetic) -> None:
    engine, planted = synthetic
    window = timedelta(days=90)
    with open_tables(engine) as con:
        data = ModelData(sources(con), planted.end)
        cutoffs = [planted.end - window * k for k in (3, 2, 1, 0)]
        data.prefetch_features(cutoffs)
        frames = [data.features(cut) for cut in cutoffs]
        for cut, frame, later in zip(cutoffs, frames, frames[1:], strict=False):
            buyers, y = _labelled(frame, later)
            stayed = data.purchasers(cut, cut + window)
            expected = (~buyers["customer_id"].astype(str).isin(stayed)).astype(int).to_numpy()
            assert 0 < y.sum() < len(y)  # both labels occur
            np.testing.assert_array_equal(y, expected)
