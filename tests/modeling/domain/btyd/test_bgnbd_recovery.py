"""Parameter recovery: simulate the BG/NBD process from known parameters, fit, compare."""

from __future__ import annotations

import numpy as np

from opencx.modeling.domain.btyd.bgnbd import BgNbdParams, fit_bgnbd, simulate_bgnbd


def test_bgnbd_recovers_simulated_parameters() -> None:
    truth = BgNbdParams(r=0.5, alpha=8.0, a=0.8, b=3.0)
    rng = np.random.default_rng(20261123)
    data = simulate_bgnbd(truth, rng.uniform(20.0, 80.0, size=30_000), rng)
    fitted = fit_bgnbd(data)
    assert fitted.fit is not None and fitted.fit.converged
    est, se = fitted.as_array(), np.array(fitted.fit.std_errors)
    # within four standard errors, and the standard errors themselves are sensible
    assert np.all(np.abs(est - truth.as_array()) < 4 * se), (est, se)
    assert np.all(se < 0.25 * truth.as_array())


def test_simulated_rows_are_valid_summaries() -> None:
    truth = BgNbdParams(r=2.0, alpha=1.0, a=0.5, b=0.5)
    rng = np.random.default_rng(1)
    data = simulate_bgnbd(truth, np.full(1000, 52.0), rng)
    assert np.all(data.t_x <= data.T)
    assert np.all((data.x == 0) == (data.t_x == 0))
    assert data.x.max() > 20
