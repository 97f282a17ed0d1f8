"""Parameter recovery for MBG/NBD, Pareto/NBD, Gamma-Gamma and sBG: simulate, fit, compare."""

from __future__ import annotations

import numpy as np

from opencx.modeling.domain.btyd.gamma_gamma import (
    GammaGammaParams,
    fit_gamma_gamma,
    simulate_spend,
)
from opencx.modeling.domain.btyd.mbgnbd import MbgNbdParams, fit_mbgnbd, simulate_mbgnbd
from opencx.modeling.domain.btyd.pareto_nbd import (
    ParetoNbdParams,
    fit_pareto_nbd,
    simulate_pareto_nbd,
)
from opencx.modeling.domain.btyd.sbg import SbgParams, fit_sbg, survival
from opencx.modeling.domain.btyd.summary import RfmSummary


def _within(est: np.ndarray, truth: np.ndarray, se: tuple[float, ...]) -> None:
    assert np.all(np.abs(est - truth) < 4 * np.array(se)), (est, truth, se)


def test_mbgnbd_recovers_simulated_parameters() -> None:
    truth = MbgNbdParams(r=0.6, alpha=8.0, a=0.8, b=3.0)
    rng = np.random.default_rng(11)
    fitted = fit_mbgnbd(simulate_mbgnbd(truth, rng.uniform(20, 80, 30_000), rng))
    assert fitted.fit is not None and fitted.fit.converged
    _within(fitted.as_array(), truth.as_array(), fitted.fit.std_errors)


def test_pareto_nbd_recovers_simulated_parameters() -> None:
    truth = ParetoNbdParams(r=0.6, alpha=10.0, s=0.7, beta=12.0)
    rng = np.random.default_rng(12)
    raw = simulate_pareto_nbd(truth, rng.integers(20, 80, 20_000).astype(float), rng)
    # whole-week recency keeps the compressed table small, as real data does
    data = RfmSummary(raw.x, np.where(raw.x > 0, np.maximum(np.round(raw.t_x), 1.0), 0.0), raw.T)
    data = RfmSummary(data.x, np.minimum(data.t_x, data.T), data.T)
    fitted = fit_pareto_nbd(data)
    assert fitted.fit is not None and fitted.fit.converged
    _within(fitted.as_array(), truth.as_array(), fitted.fit.std_errors)


def test_gamma_gamma_recovers_simulated_parameters() -> None:
    truth = GammaGammaParams(p=6.0, q=3.5, gamma=15.0)
    rng = np.random.default_rng(13)
    x = rng.integers(1, 10, 20_000).astype(float)
    spend = simulate_spend(truth, x, rng)
    fitted = fit_gamma_gamma(RfmSummary(x, x, x + 1, monetary=spend))
    assert fitted.fit is not None and fitted.fit.converged
    _within(fitted.as_array(), truth.as_array(), fitted.fit.std_errors)


def test_sbg_recovers_simulated_parameters() -> None:
    truth = SbgParams(gamma=0.7, delta=2.0)
    rng = np.random.default_rng(14)
    churn = rng.beta(truth.gamma, truth.delta, size=50_000)
    lifetime = rng.geometric(churn)  # period in which each customer churns
    survivors = [int((lifetime > t).sum()) for t in range(10)]
    fitted = fit_sbg([survivors])
    assert fitted.fit is not None and fitted.fit.converged
    _within(fitted.as_array(), truth.as_array(), fitted.fit.std_errors)
    np.testing.assert_allclose(survival(fitted, [0]), [1.0])
