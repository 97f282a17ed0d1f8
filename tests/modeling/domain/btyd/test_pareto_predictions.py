"""Pareto/NBD predictions (P(alive), conditional expected purchases) integrate the died term as
the fit does (a Gauss-Legendre quadrature), checked against an adaptive integral where the
hypergeometric form loses its digits: extreme parameters and T - t_x tiny."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.special import expit

from opencx.modeling.domain.btyd import pareto_nbd
from opencx.modeling.domain.btyd.pareto_nbd import (
    ParetoNbdParams,
    expected_purchases,
    probability_alive,
)
from opencx.modeling.domain.btyd.summary import FloatArray, RfmSummary
from tests.modeling.domain.btyd.test_pareto_derivatives import (
    adaptive_log_d,
    hyp2f1_log_d,
    log_uniform,
    parameters,
)

CDNOW = ParetoNbdParams(r=0.553, alpha=10.578, s=0.606, beta=11.669)  # FH (2005 note)


def reference_log_odds(theta: FloatArray, x: int, t_x: float, T: float) -> float:
    """ln P(alive) - ln P(dead) with D from the adaptive integral (FH 2005 note, eq. 18)."""
    r, alpha, s, beta = theta
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    return float(alive - np.log(s) - adaptive_log_d(theta, x, t_x, T))


def one(x: int, t_x: float, T: float) -> RfmSummary:
    return RfmSummary(np.array([float(x)]), np.array([t_x]), np.array([T]))


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 3_000),
    log_uniform(0.05, 1_000.0),
    log_uniform(1e-13, 1.0),
    parameters(1e-3, 50.0, 1e-3, 1e7),
    log_uniform(0.1, 100.0),
)
@example(3, 38.86, 1e-9, CDNOW.as_array(), 39.0)  # bought just before T: hyp2f1 off by 5e-7
@example(3, 38.86, 1e-15, CDNOW.as_array(), 39.0)  # hyp2f1 gives D = 0 (P(alive) = 1)
@example(2_000, 40.0, 0.01, np.array([20.0, 1e6, 0.01, 1e-3]), 52.0)  # hyp2f1 gives NaN
@example(0, 52.0, 1.0, np.array([0.5, 10.0, 1e-3, 1e7]), 52.0)  # no drop-out
def test_predictions_match_the_adaptive_integral(
    x: int, T: float, gap: float, theta: FloatArray, horizon: float
) -> None:
    """``gap``: (T - t_x) / T for a customer with purchases."""
    t_x = T * (1.0 - gap) if x > 0 else 0.0
    if x > 0 and t_x >= T:
        t_x = float(np.nextafter(T, 0.0))
    p = ParetoNbdParams(*(float(v) for v in theta))
    s = one(x, t_x, T)
    want = reference_log_odds(theta, x, t_x, T)
    # ln D to 1e-9 (see test_pareto_derivatives): so are the log-odds
    assert pareto_nbd._log_odds_alive(p, s)[0] == pytest.approx(want, rel=1e-12, abs=1e-9)
    alive = probability_alive(p, s)[0]
    assert alive == pytest.approx(float(expit(want)), rel=1e-9)
    rate = (p.r + x) / (p.alpha + T) * (p.beta + T)
    growth = pareto_nbd._growth(p.s - 1.0, np.log1p(np.array([horizon / (p.beta + T)])))[0]
    got = expected_purchases(p, s, horizon)[0]
    assert got == pytest.approx(rate * growth * float(expit(want)), rel=1e-9)


@pytest.mark.parametrize(
    ("T", "gap", "former_error"),
    [(38.86, 1e-9, 4.7e-7), (300.0, 1e-12, 1.4e-3), (1.0, 1e-15, np.inf)],
)
def test_a_purchase_just_before_T_keeps_the_died_term(
    T: float, gap: float, former_error: float
) -> None:
    """The hypergeometric form's difference F(t_x) - F(T) loses digits as t_x nears T, then
    all of them (ln D = -inf: P(alive) exactly 1); the quadrature keeps ln D to 1e-9."""
    theta, t_x = CDNOW.as_array(), T * (1.0 - gap)
    want = reference_log_odds(theta, 3, t_x, T)
    with np.errstate(all="ignore"):
        former = hyp2f1_log_d(theta, one(3, t_x, T))[0]
    alive = -(CDNOW.r + 3) * np.log(CDNOW.alpha + T) - CDNOW.s * np.log(CDNOW.beta + T)
    assert abs((alive - np.log(CDNOW.s) - former) - want) >= 0.99 * former_error
    log_odds = pareto_nbd._log_odds_alive(CDNOW, one(3, t_x, T))[0]
    assert log_odds == pytest.approx(want, abs=1e-9)


def test_no_time_to_have_died_in_means_alive() -> None:
    assert probability_alive(CDNOW, one(3, 38.86, 38.86))[0] == 1.0
