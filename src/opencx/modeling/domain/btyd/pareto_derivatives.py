"""The Pareto/NBD log-likelihood with its analytic gradient and Hessian, and the Newton fit.

Per row, Fader & Hardie (2005 note) eq. 22 in log space:

    ln L = lnG(r+x) - lnG(r) + r ln alpha + s ln beta + ln(exp(u_alive) + exp(u_died)),
    u_alive = -(r+x) ln(alpha+T) - s ln(beta+T),      u_died = ln s + ln D,

with D the integral over the time of death of :mod:`dropout_integral`.  The derivatives of
``ln(e^u1 + e^u2)`` are ``pi u1' + (1-pi) u2'`` and ``pi H1 + (1-pi) H2 + pi(1-pi)(u1'-u2')(...)'``
with ``pi = P(alive)``; those of ln D come from the quadrature's moments.

Rows that do not compress (continuous times: one row per customer) are first fitted with their
times rounded to 1/64 of the mean T: a few thousand rows, so the grid of starts and the Newton
steps with exact Hessians cost little there.  Its estimate and Hessian then drive Newton steps on
the exact rows, each one gradient pass, converging at the rate of the Hessian's relative error
(rounding moves it by well under 1 %), and one exact Hessian at the end gives standard errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import expit, gammaln, polygamma, psi

from opencx.modeling.domain.btyd.dropout_integral import dropout_integral
from opencx.modeling.domain.btyd.likelihood import (
    FitInfo,
    NewtonResult,
    info_from_hessian,
    maximise,
    newton,
)
from opencx.modeling.domain.btyd.summary import FloatArray, Levels, RfmSummary, compress

COARSE_ROWS = 20_000  #: more distinct rows than this are first fitted with rounded times
COARSE_STEPS = 64  #: rounded to 1/COARSE_STEPS of the mean T
_REFINE = 2  #: grid starts refined by L-BFGS-B when Newton from the best one does not converge


class ParetoLikelihood:
    """The weighted log-likelihood of fixed rows, with derivatives up to second order."""

    def __init__(self, rows: RfmSummary) -> None:
        self.rows, self.levels = rows, Levels.of(rows.x)
        self.n = rows.n_customers

    def __call__(
        self, theta: FloatArray, order: int
    ) -> tuple[float, FloatArray | None, FloatArray | None]:
        r, alpha, s, beta = (float(v) for v in theta)
        x, t_x, T, w = self.rows.x, self.rows.t_x, self.rows.T, self.rows.w
        died = dropout_integral(theta, x, t_x, T, order=order)
        a = r + x
        log_at, log_bt = np.log(alpha + T), np.log(beta + T)
        alive = -a * log_at - s * log_bt
        dead = np.log(s) + died.log_value
        common = self.levels.map(lambda u: gammaln(r + u)) - gammaln(r)
        ll = float(w @ (common + np.logaddexp(alive, dead))) + self.n * (
            r * np.log(alpha) + s * np.log(beta)
        )
        if order == 0:
            return ll, None, None
        share = expit(alive - dead)  # P(alive): the weight of the alive branch
        g_alive = np.stack([-log_at, -a / (alpha + T), -log_bt, -s / (beta + T)], axis=1)
        g_dead = died.gradient(theta, x, t_x)
        g_dead[:, 2] += 1.0 / s
        rows_grad = share[:, None] * g_alive + (1.0 - share)[:, None] * g_dead
        digamma_r = float(w @ self.levels.map(lambda u: psi(r + u))) - self.n * float(psi(r))
        grad = w @ rows_grad + np.array(
            [
                digamma_r + self.n * np.log(alpha),
                self.n * r / alpha,
                self.n * np.log(beta),
                self.n * s / beta,
            ]
        )
        if order == 1:
            return ll, grad, None
        return ll, grad, self._hessian(theta, share, g_alive - g_dead, died.hessian(theta, x))

    def _hessian(
        self, theta: FloatArray, share: FloatArray, diff: FloatArray, h_dead: FloatArray
    ) -> FloatArray:
        r, alpha, s, beta = (float(v) for v in theta)
        x, T, w = self.rows.x, self.rows.T, self.rows.w
        on_alive, on_dead = w * share, w * (1.0 - share)
        h = np.einsum("r,rij->ij", on_dead, h_dead)
        h[2, 2] -= float(on_dead.sum()) / (s * s)
        h[0, 1] -= float(on_alive @ (1.0 / (alpha + T)))
        h[1, 1] += float(on_alive @ ((r + x) / (alpha + T) ** 2))
        h[2, 3] -= float(on_alive @ (1.0 / (beta + T)))
        h[3, 3] += float(on_alive @ (s / (beta + T) ** 2))
        h[1, 0], h[3, 2] = h[0, 1], h[2, 3]
        h += np.einsum("r,ri,rj->ij", on_alive * (1.0 - share), diff, diff)
        trigamma = float(w @ self.levels.map(lambda u: polygamma(1, r + u)))
        h[0, 0] += trigamma - self.n * float(polygamma(1, r))
        h[0, 1] += self.n / alpha
        h[1, 0] += self.n / alpha
        h[1, 1] -= self.n * r / alpha**2
        h[2, 3] += self.n / beta
        h[3, 2] += self.n / beta
        h[3, 3] -= self.n * s / beta**2
        return h


def rounded(rows: RfmSummary, step: float) -> RfmSummary:
    """The rows with t_x and T rounded to multiples of ``step`` (T at least one step),
    compressed: the coarse problem that gives the start and the Hessian."""
    T = np.maximum(np.round(rows.T / step), 1.0) * step
    t_x = np.minimum(np.round(rows.t_x / step) * step, T)
    return compress(RfmSummary(rows.x, t_x, T, weights=rows.w))


#: rows -> their exact weighted log-likelihood at theta (the hyp2f1 form: cheaper per pass)
ValueOf = Callable[[RfmSummary], Callable[[FloatArray], float]]


def fit_by_newton(
    rows: RfmSummary,
    grid: Sequence[Sequence[float]],
    *,
    penalizer: float = 0.0,
    scale: float = 1.0,
    coarse_rows: int = COARSE_ROWS,
    value_of: ValueOf | None = None,
) -> tuple[FloatArray, FitInfo] | None:
    """Estimate and FitInfo (its log-likelihood from the quadrature), or None when Newton does
    not converge (an optimum on a bound of the log-parameters) and the caller must fall back.
    More than ``coarse_rows`` rows are first fitted with times rounded to ``scale/64``.  The
    grid of starts is ranked by ``value_of`` (default: the quadrature's value)."""
    n = rows.n_customers
    if n <= 0 or len(rows) == 0:
        return None
    coarse = rounded(rows, scale / COARSE_STEPS) if len(rows) > coarse_rows else rows
    model = ParetoLikelihood(coarse)
    value = value_of(coarse) if value_of is not None else (lambda t: model(t, 0)[0])
    found = _from_grid(model, value, grid, penalizer)
    if found is None:
        return None
    best, tried = found
    if coarse is not rows:
        try:
            best = newton(
                ParetoLikelihood(rows), best.theta, n=n, penalizer=penalizer, hessian=best.hessian
            )
        except ValueError:
            return None
        if not best.converged:
            return None
    info = info_from_hessian(
        best.log_likelihood, n, best.hessian, converged=True, penalizer=penalizer, starts=tried
    )
    return best.theta, info


def fit_by_gradient(
    rows: RfmSummary, grid: Sequence[Sequence[float]], *, penalizer: float = 0.0
) -> tuple[FloatArray, FitInfo]:
    """L-BFGS-B from the grid with the analytic gradient (:func:`maximise`): for an optimum on
    a bound, where Newton steps stall.  Its log-likelihood is the quadrature's."""
    model = ParetoLikelihood(rows)

    def loglik(theta: FloatArray) -> tuple[float, FloatArray | None]:
        ll, grad, _ = model(theta, 1)
        return ll, grad

    return maximise(loglik, grid, n=rows.n_customers, penalizer=penalizer, refine=_REFINE)


def _from_grid(
    model: ParetoLikelihood,
    value: Callable[[FloatArray], float],
    grid: Sequence[Sequence[float]],
    penalizer: float,
) -> tuple[NewtonResult, int] | None:
    """Newton from the best grid point: the optimum and the number of starts tried (1), or None
    when it does not converge (a ridge or a bound: then L-BFGS-B refines the two best)."""
    starts = [np.asarray(p, dtype=np.float64) for p in grid]
    with np.errstate(all="ignore"):
        values = [-value(t) / model.n + penalizer * float(t @ t) for t in starts]
    finite = [i for i in range(len(starts)) if np.isfinite(values[i])]
    if not finite:
        return None
    best = min(finite, key=lambda i: values[i])
    try:
        res = newton(model, starts[best], n=model.n, penalizer=penalizer)
    except ValueError:
        return None
    return (res, 1) if res.converged else None
