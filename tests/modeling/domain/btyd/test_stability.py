"""Numerical stability of the BTYD likelihoods and predictions, and weighted = expanded fits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.modeling.domain.btyd import bgnbd
from opencx.modeling.domain.btyd.summary import RfmSummary, compress

positive = st.floats(0.05, 20.0)
scale = st.floats(1e-2, 1e3)


@st.composite
def customers(draw: st.DrawFn) -> RfmSummary:
    x = draw(st.integers(0, 5000))
    T = draw(st.floats(1e-2, 1e5))
    t_x = 0.0 if x == 0 else draw(st.floats(0.0, 1.0)) * T
    return RfmSummary(np.array([x]), np.array([t_x]), np.array([T]))


BIG = RfmSummary(np.array([500.0, 0.0, 1.0]), np.array([1999.0, 0.0, 3.0]), np.array([2000.0] * 3))


def test_bgnbd_large_frequency_and_age_are_finite() -> None:
    p = bgnbd.BgNbdParams(r=0.24, alpha=4.4, a=0.79, b=2.4)
    assert np.all(np.isfinite(bgnbd.bgnbd_log_likelihood(p, BIG)))
    alive = bgnbd.probability_alive(p, BIG)
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(np.isfinite(bgnbd.expected_purchases(p, BIG, 52.0)))


@settings(max_examples=300, deadline=None)
@given(customers(), positive, scale, positive, positive, st.floats(0.0, 1e4))
def test_bgnbd_predictions_stay_in_range(
    s: RfmSummary, r: float, alpha: float, a: float, b: float, horizon: float
) -> None:
    p = bgnbd.BgNbdParams(r=r, alpha=alpha, a=a, b=b)
    assert np.isfinite(bgnbd.bgnbd_log_likelihood(p, s)).all()
    alive = bgnbd.probability_alive(p, s)
    assert ((alive >= 0) & (alive <= 1)).all()
    expected = bgnbd.expected_purchases(p, s, horizon)
    assert (np.isfinite(expected) & (expected >= -1e-9 * (1 + s.x))).all()


def test_weighted_fit_on_compressed_rows_equals_fit_on_expanded_rows() -> None:
    rng = np.random.default_rng(7)
    truth = bgnbd.BgNbdParams(r=0.7, alpha=5.0, a=1.2, b=2.5)
    raw = bgnbd.simulate_bgnbd(truth, rng.integers(10, 40, size=3000).astype(float), rng)
    # round times to whole periods so many customers share a row
    raw = RfmSummary(raw.x, np.floor(raw.t_x), raw.T)
    small = compress(raw)
    assert len(small) < len(raw) / 2
    expanded = RfmSummary(
        np.repeat(small.x, small.w.astype(int)),
        np.repeat(small.t_x, small.w.astype(int)),
        np.repeat(small.T, small.w.astype(int)),
    )
    a, b = bgnbd.fit_bgnbd(small), bgnbd.fit_bgnbd(expanded)
    np.testing.assert_allclose(a.as_array(), b.as_array(), rtol=1e-6)
    assert a.fit is not None and b.fit is not None
    assert a.fit.log_likelihood == b.fit.log_likelihood or np.isclose(
        a.fit.log_likelihood, b.fit.log_likelihood, rtol=1e-12
    )
