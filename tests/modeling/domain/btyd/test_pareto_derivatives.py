"""The Pareto/NBD died term as a quadrature, its analytic derivatives, and the Newton fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import integrate

from opencx.modeling.domain.btyd import pareto_nbd
from opencx.modeling.domain.btyd.dropout_integral import dropout_integral
from opencx.modeling.domain.btyd.likelihood import maximise, start_grid
from opencx.modeling.domain.btyd.pareto_derivatives import (
    ParetoLikelihood,
    fit_by_newton,
)
from opencx.modeling.domain.btyd.summary import FloatArray, RfmSummary, compress


def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(np.log(lo), np.log(hi)).map(lambda v: float(np.exp(v)))


@st.composite
def summaries(draw: st.DrawFn, max_x: int = 60, max_T: float = 200.0) -> RfmSummary:
    n = draw(st.integers(1, 6))
    x = np.array([draw(st.integers(0, max_x)) for _ in range(n)], dtype=float)
    T = np.array([draw(log_uniform(0.05, max_T)) for _ in range(n)])
    share = np.array([draw(st.floats(0.0, 1.0)) for _ in range(n)])
    return RfmSummary(x, np.where(x > 0, share * T, 0.0), T)


def parameters(lo: float, hi: float, shift_lo: float, shift_hi: float) -> st.SearchStrategy:
    return st.tuples(
        log_uniform(lo, hi),
        log_uniform(shift_lo, shift_hi),
        log_uniform(lo, hi),
        log_uniform(shift_lo, shift_hi),
    ).map(np.array)


def hyp2f1_log_d(theta: FloatArray, s: RfmSummary) -> FloatArray:
    """ln D from the hypergeometric form (FH 2005 note, eq. 23): ln A0 - ln(r + s + x)."""
    a0 = pareto_nbd._log_a0(theta, pareto_nbd._Pairs.of(s))
    return np.asarray(a0 - np.log(theta[0] + theta[2] + s.x))


def adaptive_log_d(theta: FloatArray, x: float, t_x: float, T: float) -> float:
    """ln D by SciPy's adaptive Gauss-Kronrod over the whole of [t_x, T] (no window), in
    ``w = ln((alpha + tau)/(alpha + t_x))``, scaled by the integrand's largest value, with break
    points where the integrand has fallen by e, e^10, e^40 from it."""
    r, alpha, s, beta = theta
    a, b = r + x, s + 1.0
    start = alpha + t_x
    lo, hi = 0.0, float(np.log1p((T - t_x) / start))

    def log_g(w: float) -> float:  # ln of the integrand times d tau / d w
        beta_tau = beta + t_x + start * np.expm1(w)
        return float(-(a - 1.0) * (np.log(start) + w) - b * np.log(beta_tau))

    grid = np.linspace(lo, hi, 2_001)
    values = np.array([log_g(w) for w in grid])
    top = float(values.max())
    points = [float(grid[np.argmax(values < top - d)]) for d in (1.0, 10.0, 40.0)]
    value, error, *_ = integrate.quad(
        lambda w: np.exp(log_g(w) - top),
        lo,
        hi,
        epsabs=0.0,
        epsrel=1e-13,
        limit=1_000,
        points=sorted({p for p in points if lo < p < hi}) or None,
        full_output=1,
    )
    assert error < 1e-11 * value
    return top + float(np.log(value))


@settings(max_examples=150, deadline=None)
@given(summaries(), parameters(0.05, 5.0, 0.2, 200.0))
def test_the_quadrature_equals_the_hyp2f1_form(s: RfmSummary, theta: FloatArray) -> None:
    got = dropout_integral(theta, s.x, s.t_x, s.T).log_value
    with np.errstate(all="ignore"):
        want = hyp2f1_log_d(theta, s)
    # the hypergeometric form is a difference F(t_x) - F(T): compare where it keeps its digits,
    # (T - t_x) at least 1e-3 of the integrand's decay length at t_x
    r, alpha, s_, beta = theta
    rate = (r + s.x) / (alpha + s.t_x) + (s_ + 1.0) / (beta + s.t_x)
    kept = (s.T - s.t_x) * rate > 1e-3
    np.testing.assert_allclose(got[kept], want[kept], rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 3_000),
    log_uniform(0.05, 1_000.0),
    st.floats(0.0, 0.999),
    parameters(1e-3, 50.0, 1e-3, 1e7),
)
@example(0, 52.0, 0.0, np.array([0.5, 10.0, 1e-3, 1e7]))  # no drop-out: s small, beta large
@example(200, 52.0, 0.9, np.array([0.5, 1e-3, 0.6, 1e6]))  # z = |a-b|/(max+y) near 1
@example(2_000, 40.0, 0.99, np.array([20.0, 1e6, 0.01, 1e-3]))  # the other z near 1
def test_the_quadrature_holds_where_hyp2f1_loses_digits(
    x: int, T: float, share: float, theta: FloatArray
) -> None:
    t_x = share * T if x > 0 else 0.0
    got = dropout_integral(theta, np.array([float(x)]), np.array([t_x]), np.array([T]))
    # D to 1e-9 relative, beyond the rounding of ln D's large terms (-(r+x) ln(alpha + t_x))
    want = adaptive_log_d(theta, x, t_x, T)
    assert got.log_value[0] == pytest.approx(want, rel=1e-13, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(summaries(), parameters(1e-3, 50.0, 1e-3, 1e6))
@example(
    RfmSummary(np.array([0.0, 3.0, 40.0]), np.array([0.0, 20.0, 51.0]), np.array([52.0] * 3)),
    np.array([0.5, 10.0, 1e-3, 1e6]),  # no drop-out
)
@example(
    RfmSummary(np.array([0.0, 3.0, 40.0]), np.array([0.0, 20.0, 51.0]), np.array([52.0] * 3)),
    np.array([0.5, 1e-3, 0.6, 1e6]),  # z near 1
)
def test_gradient_and_hessian_equal_central_differences(s: RfmSummary, theta: FloatArray) -> None:
    model = ParetoLikelihood(s)
    ll, grad, hess = model(theta, 2)
    assert grad is not None and hess is not None
    numeric_grad, numeric_hess = np.empty(4), np.empty((4, 4))
    for k in range(4):
        h = 1e-5 * theta[k]
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        numeric_grad[k] = (model(up, 0)[0] - model(down, 0)[0]) / (2 * h)
        g_up, g_down = model(up, 1)[1], model(down, 1)[1]
        assert g_up is not None and g_down is not None
        numeric_hess[:, k] = (g_up - g_down) / (2 * h)
    noise = 1e-7 * (1.0 + abs(ll)) / theta
    assert np.all(np.abs(grad - numeric_grad) <= 1e-5 * np.abs(numeric_grad) + noise)
    # each column of the Hessian is a difference of gradients: its noise is the gradient's / h
    hess_noise = 1e-5 * np.abs(numeric_hess) + (1e-5 * np.abs(grad) + noise)[:, None] / theta
    assert np.all(np.abs(hess - numeric_hess) <= hess_noise + 1e-5 * np.abs(hess).max())


@settings(max_examples=50, deadline=None)
@given(summaries(), parameters(0.05, 5.0, 0.2, 200.0))
def test_the_value_is_the_exact_log_likelihood(s: RfmSummary, theta: FloatArray) -> None:
    ll = ParetoLikelihood(s)(theta, 0)[0]
    params = pareto_nbd.ParetoNbdParams(*(float(v) for v in theta))
    exact = float(pareto_nbd.pareto_nbd_log_likelihood(params, s).sum())
    assert ll == pytest.approx(exact, rel=1e-10, abs=1e-9)


def test_rows_that_do_not_compress_reach_the_optimum_of_the_former_fit() -> None:
    """Rounded times give the start and Hessian, Newton on the exact rows finishes: the same
    estimate as L-BFGS-B with forward differences of the hyp2f1 form on every row."""
    rng = np.random.default_rng(3)
    truth = pareto_nbd.ParetoNbdParams(r=0.55, alpha=10.5, s=0.6, beta=11.7)
    s = pareto_nbd.simulate_pareto_nbd(truth, rng.uniform(1.0, 52.0, 3_000), rng)
    rows = compress(s)
    assert len(rows) == 3_000  # continuous times: nothing to fold
    scale = float(np.mean(rows.T))
    grid = start_grid([0.25, 1.0], [0.1 * scale, scale], [0.5, 2.0], [0.3 * scale, scale])
    pairs = pareto_nbd._Pairs.of(rows)
    former, info = maximise(
        lambda t: (float(rows.w @ pareto_nbd._loglik_rows(t, rows, pairs)), None),
        grid,
        n=rows.n_customers,
        refine=2,
    )
    found = fit_by_newton(rows, grid, scale=scale, coarse_rows=1_000)
    assert found is not None
    theta, newton_info = found
    assert newton_info.converged
    np.testing.assert_allclose(theta, former, rtol=2e-5)
    assert newton_info.log_likelihood == pytest.approx(info.log_likelihood, rel=1e-10)
    # the standard errors: those of the exact Hessian, here against central differences of the
    # analytic gradient (error O(h^2)); the former ones come from differences of forward
    # differences, only as good as those (0.2 % off on one machine, 4 % on an AMD EPYC)
    gradient = ParetoLikelihood(rows)
    hessian = np.empty((4, 4))
    for j in range(4):
        h = 1e-5 * theta[j]
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        hessian[:, j] = (gradient(up, 1)[1] - gradient(down, 1)[1]) / (2 * h)
    reference = np.sqrt(np.diag(np.linalg.inv(-0.5 * (hessian + hessian.T))))
    np.testing.assert_allclose(newton_info.std_errors, reference, rtol=1e-6)
    np.testing.assert_allclose(newton_info.std_errors, info.std_errors, rtol=5e-2)
    fitted = pareto_nbd.fit_pareto_nbd(s)  # the public fit takes the same path
    np.testing.assert_allclose(fitted.as_array(), theta, rtol=1e-7)
