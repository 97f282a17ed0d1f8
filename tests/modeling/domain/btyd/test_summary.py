"""RfmSummary: validation, compression and the in-memory builder from transactions."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd.summary import RfmSummary, compress, summary_from_transactions


def test_rejects_recency_after_age_naming_the_row() -> None:
    with pytest.raises(InvalidInput, match=r"row 1: x=1.0, t_x=9.0, T=5.0: T must be"):
        RfmSummary(np.array([0, 1]), np.array([0, 9]), np.array([5, 5]))


def test_rejects_recency_without_repeat_purchases() -> None:
    with pytest.raises(InvalidInput, match="t_x must be 0 when x is 0"):
        RfmSummary(np.array([0]), np.array([3]), np.array([5]))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)), min_size=1))
def test_compress_keeps_every_customer_once(rows: list[tuple[int, int, int]]) -> None:
    x = np.array([r[0] for r in rows], float)
    t_x = np.where(x > 0, [r[1] for r in rows], 0.0)
    T = t_x + np.array([r[2] for r in rows])
    s = compress(RfmSummary(x, t_x, T))
    assert s.n_customers == len(rows)
    assert len(s) == len(set(zip(x, t_x, T, strict=True)))
    for xi, ti, Ti, wi in zip(s.x, s.t_x, s.T, s.w, strict=True):
        assert wi == np.sum((x == xi) & (t_x == ti) & (Ti == T))


def test_summary_from_transactions_follows_lifetimes_conventions() -> None:
    def at(day: int, hour: int = 12) -> datetime:
        return datetime(2024, 1, day, hour, tzinfo=UTC)

    ids = ["a", "a", "a", "a", "b", "c", "c"]
    times = [at(1), at(1, 18), at(4), at(10), at(3), at(2), at(31)]
    values = [10.0, 5.0, 20.0, 40.0, 7.0, 1.0, 99.0]
    s = summary_from_transactions(ids, times, values, observation_end=at(20), period="D")
    assert s.customer_ids is not None
    assert s.customer_ids.tolist() == ["a", "b", "c"]
    # a: days 1 (two orders, one period), 4, 10 -> x=2, t_x=9, T=19, mean repeat value 30
    assert s.x.tolist() == [2.0, 0.0, 0.0]
    assert s.t_x.tolist() == [9.0, 0.0, 0.0]
    assert s.T.tolist() == [19.0, 17.0, 18.0]
    assert s.monetary is not None
    assert s.monetary.tolist() == [30.0, 0.0, 0.0]


def test_weekly_periods_run_monday_to_sunday() -> None:
    # 2024-01-07 is a Sunday, 2024-01-08 a Monday: one period apart, as pandas' W-SUN periods
    times = np.array(["2024-01-01", "2024-01-07", "2024-01-08"], dtype="datetime64[s]")
    s = summary_from_transactions(
        ["a", "a", "a"], times, observation_end=np.datetime64("2024-01-21"), period="W"
    )
    assert (s.x[0], s.t_x[0], s.T[0]) == (1.0, 1.0, 2.0)
    assert s.monetary is None


def test_chunks_cover_all_rows() -> None:
    s = RfmSummary(np.arange(10.0), np.arange(10.0), np.full(10, 20.0))
    parts = list(s.chunks(3))
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert np.concatenate([p.x for p in parts]).tolist() == s.x.tolist()
