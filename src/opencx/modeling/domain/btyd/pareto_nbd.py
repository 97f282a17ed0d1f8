"""Pareto/NBD: Poisson purchasing with exponential lifetimes, both rates gamma-heterogeneous.

Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). Counting Your Customers: Who Are They and
What Will They Do Next? Management Science 33(1), 1-24.  The likelihood and the expressions for
P(alive) and conditional expectations follow Fader, P. S. & Hardie, B. G. S. (2005), "A Note on
Deriving the Pareto/NBD Model and Related Expressions" (brucehardie.com/notes/009), eqs. 22-23.
Purchase rate lambda ~ Gamma(r, alpha), dropout rate mu ~ Gamma(s, beta).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import expit, gammaln

from opencx.modeling.domain.btyd.dropout_integral import dropout_integral
from opencx.modeling.domain.btyd.hypergeometric import log_hyp2f1_shifted
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.pareto_derivatives import fit_by_gradient, fit_by_newton
from opencx.modeling.domain.btyd.summary import (
    FloatArray,
    Levels,
    RfmSummary,
    compress,
    map_distinct,
)


@dataclass(frozen=True, slots=True)
class ParetoNbdParams:
    """Pareto/NBD parameters: lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta)."""

    r: float
    alpha: float
    s: float
    beta: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.s, self.beta], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Distinct (x, t_x) and (x, T) pairs of the rows: the hypergeometric term depends on a row
    only through these, and there are far fewer of them than rows."""

    x: Levels
    recency: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]
    age: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]

    @classmethod
    def of(cls, s: RfmSummary) -> _Pairs:
        def distinct(y: FloatArray) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]:
            order = np.lexsort((y, s.x))
            xs, ys = s.x[order], y[order]
            new = np.ones(xs.shape[0], dtype=bool)
            new[1:] = (np.diff(xs) != 0) | (np.diff(ys) != 0)
            index = np.empty(xs.shape[0], dtype=np.intp)
            index[order] = np.cumsum(new) - 1
            return xs[new], ys[new], index

        return cls(Levels.of(s.x), distinct(s.t_x), distinct(s.T))


def _log_a0(theta: FloatArray, pairs: _Pairs) -> FloatArray:
    """ln A0 of Fader & Hardie (2005, eq. 23): ln[F(t_x) - F(T)] with
    ``F(y) = 2F1(r+s+x, b'; r+s+x+1; |alpha-beta|/(max+y)) / (max+y)^(r+s+x)``,
    ``b' = s+1`` when alpha >= beta and ``r+x`` otherwise."""
    r, alpha, s_, beta = (float(v) for v in theta)
    high, low = max(alpha, beta), min(alpha, beta)

    def log_f(part: tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]) -> FloatArray:
        x, y, index = part
        a = r + s_ + x
        b = s_ + 1.0 if alpha >= beta else r + x
        out = -a * np.log(high + y) + log_hyp2f1_shifted(a, b, (high - low) / (high + y))
        return np.asarray(out, dtype=np.float64)[index]

    at_tx, at_T = log_f(pairs.recency), log_f(pairs.age)
    with np.errstate(divide="ignore"):
        return np.asarray(at_tx + np.log(-np.expm1(np.minimum(at_T - at_tx, 0.0))))


def _log_odds_dead_complement(
    theta: FloatArray, s: RfmSummary, pairs: _Pairs | None = None
) -> tuple[FloatArray, FloatArray]:
    """(ln of the 'alive at T' term, ln of the 'died in (t_x, T]' term), without common factor."""
    r, alpha, s_, beta = (float(v) for v in theta)
    alive = -(r + s.x) * np.log(alpha + s.T) - s_ * np.log(beta + s.T)
    a0 = _log_a0(theta, pairs or _Pairs.of(s))
    died = np.log(s_) - np.log(r + s_ + s.x) + a0
    return alive, died


def pareto_nbd_log_likelihood(params: ParetoNbdParams, summary: RfmSummary) -> FloatArray:
    """Per-row log-likelihood, Fader & Hardie (2005 note) eq. 22, in log space."""
    return _loglik_rows(params.as_array(), summary, _Pairs.of(summary))


def _loglik_rows(theta: FloatArray, s: RfmSummary, pairs: _Pairs) -> FloatArray:
    r, alpha, s_, beta = (float(v) for v in theta)
    a1 = pairs.x.map(lambda u: gammaln(r + u)) - gammaln(r) + r * np.log(alpha)
    alive, died = _log_odds_dead_complement(theta, s, pairs)
    return np.asarray(a1 + s_ * np.log(beta) + np.logaddexp(alive, died), dtype=np.float64)


def fit_pareto_nbd(
    summary: RfmSummary,
    *,
    penalizer: float = 0.0,
    starts: list[tuple[float, ...]] | None = None,
) -> ParetoNbdParams:
    """Maximum-likelihood Pareto/NBD on compressed (x, t_x, T) rows.

    Newton steps with the analytic gradient and Hessian of :mod:`pareto_derivatives` (the
    died term as a Gauss-Legendre quadrature, :mod:`dropout_integral`); many distinct rows
    (continuous times) are first fitted with their times rounded, which gives the start and the
    Hessian for a few gradient passes over the exact rows.  An optimum on a bound of the
    log-parameters (a store without drop-out sends beta to its bound), where Newton does not
    converge, is found by L-BFGS-B with the same analytic gradient.  The log-likelihood reported,
    and checked against the quadrature's at the estimate, is the exact ``hyp2f1`` form; should
    the two ever disagree by more than 1e-8 (relative), the fit is redone by L-BFGS-B on the
    exact form with forward differences (the former method).

    Examples
    --------
    >>> s = RfmSummary(np.array([0, 2, 5]), np.array([0, 10, 30]), np.array([38, 38, 38]))
    >>> fit_pareto_nbd(s).fit.n
    3.0
    """
    rows = compress(summary)
    scale = float(np.average(rows.T, weights=rows.w)) if len(rows) else 1.0
    grid = starts or start_grid([0.25, 1.0], [0.1 * scale, scale], [0.5, 2.0], [0.3 * scale, scale])
    pairs = _Pairs.of(rows)

    def exact(theta: FloatArray) -> float:
        return float(rows.w @ _loglik_rows(theta, rows, pairs))

    found = fit_by_newton(rows, grid, penalizer=penalizer, scale=scale, value_of=_exact_value)
    if found is None:  # an optimum on a bound (no drop-out): L-BFGS-B, analytic gradient
        found = fit_by_gradient(rows, grid, penalizer=penalizer)
    theta, info = found
    with np.errstate(all="ignore"):
        ll = exact(theta)
    if abs(ll - info.log_likelihood) <= 1e-8 * max(1.0, abs(ll)):
        r, alpha, s_, beta = (float(v) for v in theta)
        return ParetoNbdParams(r, alpha, s_, beta, fit=replace(info, log_likelihood=ll))

    def loglik(theta: FloatArray) -> tuple[float, None]:
        return exact(theta), None

    # two refined starts: each costs five likelihood passes per gradient
    theta, info = maximise(loglik, grid, n=rows.n_customers, penalizer=penalizer, refine=2)
    r, alpha, s_, beta = (float(v) for v in theta)
    return ParetoNbdParams(r, alpha, s_, beta, fit=info)


def _exact_value(rows: RfmSummary) -> Callable[[FloatArray], float]:
    """The rows' weighted log-likelihood in the hyp2f1 form, per distinct (x, t) pair."""
    pairs = _Pairs.of(rows)
    return lambda theta: float(rows.w @ _loglik_rows(theta, rows, pairs))


def _log_odds_alive(p: ParetoNbdParams, s: RfmSummary) -> FloatArray:
    """ln P(alive) - ln P(dead) per row: the 'alive at T' term over the 'died in (t_x, T]' term
    ``s D``, with D the fit's Gauss-Legendre quadrature (:mod:`dropout_integral`). The
    hypergeometric form of D is a difference ``F(t_x) - F(T)``: it loses digits at extreme
    parameters and all of them when T - t_x is small against the integrand's decay (D = 0,
    so P(alive) = 1 exactly, for a customer who bought just before T); the quadrature keeps
    them (D = 0 only at T = t_x, where P(alive) is 1)."""
    theta = p.as_array()
    alive = -(p.r + s.x) * np.log(p.alpha + s.T) - p.s * np.log(p.beta + s.T)
    died = np.log(p.s) + dropout_integral(theta, s.x, s.t_x, s.T).log_value
    return np.asarray(alive - died, dtype=np.float64)


def probability_alive(p: ParetoNbdParams, summary: RfmSummary) -> FloatArray:
    """P(alive | x, t_x, T), Fader & Hardie (2005 note) eq. 18, as a logistic of log-odds (the
    died term integrated as in the fit, :func:`_log_odds_alive`)."""

    def chunk(s: RfmSummary) -> FloatArray:
        return np.asarray(expit(_log_odds_alive(p, s)), dtype=np.float64)

    return map_distinct(chunk, summary)


def _growth(k: float, u: FloatArray) -> FloatArray:
    """(1 - exp(-k u)) / k, continuous at k = 0 (where it is u)."""
    if abs(k) < 1e-10:
        return u
    return np.asarray(-np.expm1(-k * u) / k, dtype=np.float64)


def expected_purchases(p: ParetoNbdParams, summary: RfmSummary, horizon: float) -> FloatArray:
    """E[Y(horizon) | x, t_x, T], Schmittlein et al. (1987) eq. 22 / FH (2005 note) eq. 27:
    ``(r+x)(beta+T) / ((alpha+T)(s-1)) * [1 - ((beta+T)/(beta+T+t))^(s-1)] * P(alive)``."""

    def chunk(s: RfmSummary) -> FloatArray:
        u = np.log1p(float(horizon) / (p.beta + s.T))
        rate = (p.r + s.x) / (p.alpha + s.T) * (p.beta + s.T)
        alive = expit(_log_odds_alive(p, s))
        return np.asarray(rate * _growth(p.s - 1.0, u) * alive, dtype=np.float64)

    return map_distinct(chunk, summary)


def expected_purchases_new(p: ParetoNbdParams, t: npt.ArrayLike) -> FloatArray:
    """E[X(t)] for a customer just acquired, Schmittlein et al. (1987) eq. 17."""
    tt = np.asarray(t, dtype=np.float64)
    return p.r * p.beta / p.alpha * _growth(p.s - 1.0, np.log1p(tt / p.beta))


def simulate_pareto_nbd(
    p: ParetoNbdParams, T: npt.ArrayLike, rng: np.random.Generator
) -> RfmSummary:
    """Draw (x, t_x, T) from the Pareto/NBD process (lifetime ~ Exp(mu), purchases Poisson)."""
    TT = np.asarray(T, dtype=np.float64)
    lam = rng.gamma(p.r, 1.0 / p.alpha, size=TT.shape)
    mu = rng.gamma(p.s, 1.0 / p.beta, size=TT.shape)
    active = np.minimum(rng.exponential(1.0 / mu), TT)
    x = rng.poisson(lam * active)
    t_x = np.zeros_like(TT)
    pos = x > 0
    t_x[pos] = active[pos] * rng.beta(x[pos], 1.0)
    return RfmSummary(x.astype(float), t_x, TT)
