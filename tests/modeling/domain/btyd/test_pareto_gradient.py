"""The analytic Pareto/NBD gradient against finite differences, and the coarse-start fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from opencx.modeling.domain.btyd import pareto_nbd
from opencx.modeling.domain.btyd.pareto_nbd import (
    ParetoNbdParams,
    _loglik_and_gradient,
    _loglik_rows,
    _Pairs,
    fit_pareto_nbd,
    simulate_pareto_nbd,
)
from opencx.modeling.domain.btyd.summary import RfmSummary, compress


@st.composite
def summaries(draw: st.DrawFn) -> RfmSummary:
    n = draw(st.integers(1, 6))
    x = np.array([draw(st.integers(0, 60)) for _ in range(n)], dtype=float)
    T = np.array([draw(st.floats(0.05, 200.0)) for _ in range(n)])
    share = np.array([draw(st.floats(0.0, 0.999)) for _ in range(n)])
    return RfmSummary(x, np.where(x > 0, share * T, 0.0), T)


def _value(theta: np.ndarray, s: RfmSummary, pairs: _Pairs) -> float:
    return float(s.w @ _loglik_rows(theta, s, pairs))


@settings(max_examples=200, deadline=None)
@given(
    summaries(),
    st.floats(0.05, 5.0),
    st.floats(0.2, 60.0),
    st.floats(0.05, 5.0),
    st.floats(0.2, 60.0),
)
def test_gradient_equals_central_differences_of_the_exact_likelihood(
    s: RfmSummary, r: float, alpha: float, s_: float, beta: float
) -> None:
    theta = np.array([r, alpha, s_, beta])
    pairs = _Pairs.of(s)
    with np.errstate(all="ignore"):
        ll, grad = _loglik_and_gradient(theta, s, pairs)
    # a series not converged (z within about 1e-3 of 1): the fit falls back to differences
    assume(np.isfinite(ll) and np.all(np.isfinite(grad)))
    exact = _value(theta, s, pairs)
    assert ll == pytest.approx(exact, rel=1e-10, abs=1e-10)
    numeric = np.empty(4)
    for k in range(4):
        h = 1e-5 * theta[k]
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        numeric[k] = (_value(up, s, pairs) - _value(down, s, pairs)) / (2 * h)
    tolerance = 1e-5 * np.abs(numeric) + 1e-6 * (1.0 + abs(exact)) / theta
    assert np.all(np.abs(grad - numeric) <= tolerance), (grad, numeric)


def test_rows_that_do_not_compress_start_from_the_coarse_fit_and_reach_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    truth = ParetoNbdParams(r=0.55, alpha=10.5, s=0.6, beta=11.7)
    s = simulate_pareto_nbd(truth, rng.uniform(1.0, 52.0, 3_000), rng)
    assert len(compress(s)) == 3_000  # continuous times: nothing to fold
    scale = float(np.mean(s.T))
    grid = [
        (r, a, s_, b)
        for r in (0.25, 1.0)
        for a in (0.1 * scale, scale)
        for s_ in (0.5, 2.0)
        for b in (0.3 * scale, scale)
    ]
    everywhere = fit_pareto_nbd(s, starts=grid)  # the whole grid on the exact rows
    monkeypatch.setattr(pareto_nbd, "COARSE_ABOVE", 1_000)
    coarse = fit_pareto_nbd(s)
    np.testing.assert_allclose(coarse.as_array(), everywhere.as_array(), rtol=1e-6)
    assert coarse.fit is not None and everywhere.fit is not None
    assert coarse.fit.log_likelihood == pytest.approx(everywhere.fit.log_likelihood, rel=1e-12)
    assert coarse.fit.converged
