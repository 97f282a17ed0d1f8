"""RFM scores, the segment rule table and segment movement."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from opencx.modeling.domain.segments.rfm import (
    SEGMENT_RULES,
    SEGMENTS,
    quintile_scores,
    rfm_scores,
    segment_code,
    segment_of,
    transition_matrix,
)


def test_every_rfm_triple_has_exactly_one_segment_and_every_segment_is_reached() -> None:
    reached = set()
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        fm = (f + m + 1) // 2
        matching = [rule.segment for rule in SEGMENT_RULES if rule.matches(r, fm)]
        assert len(matching) == 1, (r, f, m, matching)
        assert segment_of(r, f, m) == matching[0]
        reached.add(matching[0])
    assert reached == set(SEGMENTS)
    assert len(SEGMENTS) == 11


def test_named_corners() -> None:
    assert segment_of(5, 5, 5) == "Champions"
    assert segment_of(1, 1, 1) == "Lost"
    assert segment_of(1, 5, 5) == "Can't lose them"
    assert segment_of(5, 1, 1) == "New"
    assert segment_code(5, 5, 5) == 1


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=200))
def test_quintile_scores_are_1_to_5_monotone_and_tie_consistent(values: list[int]) -> None:
    scores = quintile_scores(values)
    assert scores.min() >= 1 and scores.max() <= 5
    for a, sa in zip(values, scores, strict=True):
        for b, sb in zip(values, scores, strict=True):
            if a == b:
                assert sa == sb
            elif a < b:
                assert sa <= sb
    # order of the input does not matter
    perm = np.random.default_rng(0).permutation(len(values))
    assert (quintile_scores(np.asarray(values)[perm]) == scores[perm]).all()


def test_distinct_values_fill_the_quintiles_and_recency_is_reversed() -> None:
    assert sorted(set(quintile_scores(list(range(100))))) == [1, 2, 3, 4, 5]
    assert quintile_scores([1.0, 100.0], higher_is_better=False).tolist() == [3, 1]


def test_rfm_scores_put_the_best_customer_in_champions() -> None:
    rng = np.random.default_rng(1)
    rec = rng.uniform(0, 365, 500)
    freq = rng.integers(1, 20, 500).astype(float)
    mon = freq * rng.uniform(10, 50, 500)
    rec[0], freq[0], mon[0] = 0.0, 100.0, 10_000.0
    s = rfm_scores(rec, freq, mon)
    assert s.names()[0] == "Champions"
    assert set(s.segment.tolist()) <= set(range(1, 12))


def test_transition_matrix_counts_moves_new_and_gone() -> None:
    before = {"a": "Champions", "b": "Loyal", "c": "Lost"}
    after = {"a": "Champions", "b": "At risk", "d": "New"}
    t = transition_matrix(before, after)
    i = {name: k for k, name in enumerate(t.labels)}
    assert t.counts[i["Champions"], i["Champions"]] == 1
    assert t.counts[i["Loyal"], i["At risk"]] == 1
    assert t.counts[i["Lost"], i["(none)"]] == 1
    assert t.counts[i["(none)"], i["New"]] == 1
    assert t.counts.sum() == 4
    assert t.share_staying() == 0.5
