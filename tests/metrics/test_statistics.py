"""Intervals and tests: published formulas, checked against hand computation and invariants."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from opencx.metrics.domain import statistics as s


def test_nps_adjusted_wald_matches_rocks_formula() -> None:
    n, p, d = 250, 120, 40
    e = s.nps_adjusted_wald([n], [p], [d])
    na = n + 3
    pa, da = (p + 0.75) / na, (d + 0.75) / na
    se = math.sqrt((pa + da - (pa - da) ** 2) / na)
    assert e.value[0] == 100 * (p - d) / n
    assert math.isclose(e.lower[0], 100 * (pa - da - 1.959964 * se), rel_tol=1e-5)
    assert math.isclose(e.upper[0], 100 * (pa - da + 1.959964 * se), rel_tol=1e-5)


@given(st.integers(1, 5000), st.data())
def test_nps_interval_is_inside_the_scale_and_contains_the_adjusted_centre(n, data) -> None:
    p = data.draw(st.integers(0, n))
    d = data.draw(st.integers(0, n - p))
    e = s.nps_adjusted_wald([n], [p], [d])
    assert -100 <= e.lower[0] <= e.upper[0] <= 100
    centre = 100 * ((p + 0.75) - (d + 0.75)) / (n + 3)
    assert e.lower[0] - 1e-9 <= centre <= e.upper[0] + 1e-9


@given(st.integers(1, 40), st.data())
def test_nps_interval_contains_the_observed_nps_for_small_n(n, data) -> None:
    """The adjusted centre is pulled towards 0; the interval is widened to the observed NPS
    (n=1, NPS 100 used to give −48.5..98.5), and otherwise is Rocks' interval."""
    p = data.draw(st.integers(0, n))
    d = data.draw(st.integers(0, n - p))
    e = s.nps_adjusted_wald([n], [p], [d])
    assert -100 <= e.lower[0] <= e.value[0] <= e.upper[0] <= 100
    na = n + 3
    pa, da = (p + 0.75) / na, (d + 0.75) / na
    half = 1.959964 * math.sqrt((pa + da - (pa - da) ** 2) / na)
    rocks_lower = max(-100.0, 100 * (pa - da - half))
    rocks_upper = min(100.0, 100 * (pa - da + half))
    assert math.isclose(e.lower[0], min(rocks_lower, e.value[0]), abs_tol=1e-3)
    assert math.isclose(e.upper[0], max(rocks_upper, e.value[0]), abs_tol=1e-3)


def test_nps_of_one_promoter_reaches_100() -> None:
    e = s.nps_adjusted_wald([1], [1], [0])
    assert (e.value[0], e.upper[0]) == (100.0, 100.0)
    assert math.isclose(e.lower[0], -48.5, abs_tol=0.05)


@given(st.integers(1, 10_000), st.data())
def test_wilson_interval_contains_the_estimate(n, data) -> None:
    k = data.draw(st.integers(0, n))
    e = s.wilson([n], [k])
    assert 0 <= e.lower[0] <= e.value[0] + 1e-9
    assert e.value[0] - 1e-9 <= e.upper[0] <= 100


def test_wilson_matches_the_textbook_value() -> None:
    # Agresti & Coull (1998): 0 successes of 20 -> Wilson upper bound 16.1%
    e = s.wilson([20], [0])
    assert e.lower[0] == 0.0
    assert round(e.upper[0], 1) == 16.1


def test_t_mean_matches_scipy() -> None:
    x = np.array([3.0, 4.0, 5.0, 7.0, 2.0, 6.0])
    e = s.t_mean([len(x)], [x.sum()], [(x * x).sum()])
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert math.isclose(e.lower[0], lo) and math.isclose(e.upper[0], hi)


def test_ratio_delta_method_matches_direct_residuals() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 10, 200).astype(float)
    y = rng.binomial(x.astype(int), 0.1).astype(float)
    e = s.ratio([200], [y.sum()], [x.sum()], [(y * y).sum()], [(x * x).sum()], [(x * y).sum()])
    r = y.sum() / x.sum()
    se = math.sqrt(((y - r * x) ** 2).sum() / (200 * 199 * x.mean() ** 2))
    assert math.isclose(e.value[0], r)
    assert math.isclose(e.se[0], se)


def test_empty_groups_give_nan_never_a_number() -> None:
    for e in (s.nps_adjusted_wald([0], [0], [0]), s.wilson([0], [0]), s.t_mean([1], [3], [9])):
        assert math.isnan(e.lower[0])


def test_z_test_is_antisymmetric_and_flags_real_moves() -> None:
    a = s.z_test(40.0, 4.0, 25.0, 4.0)
    b = s.z_test(25.0, 4.0, 40.0, 4.0)
    assert a.z == -b.z and a.p_value == b.p_value
    assert a.significant
    assert not s.z_test(40.0, 4.0, 38.0, 4.0).significant
    assert math.isnan(s.z_test(1.0, float("nan"), 2.0, 1.0).p_value)
