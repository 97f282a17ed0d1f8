"""BG/NBD: the beta-geometric/negative-binomial model of repeat buying.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your Customers" the Easy Way: An
Alternative to the Pareto/NBD Model. Marketing Science 24(2), 275-284.  Purchases follow a Poisson
process with rate lambda ~ Gamma(r, alpha); after each repeat purchase the customer drops out with
probability p ~ Beta(a, b).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, expit, gammaln, hyp2f1, psi

from opencx.modeling.domain.btyd.hypergeometric import damped_hyp2f1
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.summary import (
    FloatArray,
    Levels,
    RfmSummary,
    compress,
    map_distinct,
)


@dataclass(frozen=True, slots=True)
class BgNbdParams:
    """BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=np.float64)


def _ll_terms(
    theta: FloatArray, s: RfmSummary, lx: Levels
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    r, alpha, a, b = (float(v) for v in theta)
    x, t_x, T = s.x, s.t_x, s.T
    pos = x > 0
    a1 = lx.map(lambda u: gammaln(r + u) + betaln(a, b + u)) - gammaln(r) + r * np.log(alpha)
    a2 = -betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(
        pos,
        np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return a1 + a2 + np.logaddexp(a3, a4), a3, a4, pos


def bgnbd_log_likelihood(params: BgNbdParams, summary: RfmSummary) -> FloatArray:
    """Per-row log-likelihood, FHL (2005) eq. 6 evaluated in log space.

    ``ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4))`` with ``A1 = lnG(r+x) - lnG(r) + r ln a``,
    ``A2 = ln B(a, b+x) - ln B(a, b)``, ``A3 = -(r+x) ln(alpha+T)`` and
    ``A4 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x)``; finite for any x and T.
    """
    return _ll_terms(params.as_array(), summary, Levels.of(summary.x))[0]


def _loglik(theta: FloatArray, s: RfmSummary, lx: Levels) -> tuple[float, FloatArray]:
    """Weighted log-likelihood and its analytic gradient in (r, alpha, a, b)."""
    r, alpha, a, b = (float(v) for v in theta)
    x, t_x, T, w = s.x, s.t_x, s.T, s.w
    ll, a3, a4, pos = _ll_terms(theta, s, lx)
    share = expit(a4 - a3)  # weight of the "dropped out after t_x" branch
    keep = 1.0 - share
    ln_at, ln_atx = np.log(alpha + T), np.log(alpha + t_x)
    d_r = lx.map(lambda u: psi(r + u)) - psi(r) + np.log(alpha) - keep * ln_at - share * ln_atx
    d_alpha = r / alpha - (r + x) * (keep / (alpha + T) + share / (alpha + t_x))
    psi_abx = lx.map(lambda u: psi(a + b + u))
    d_a = psi(a + b) - psi_abx + share / a
    d_b = (
        lx.map(lambda u: psi(b + u))
        - psi(b)
        + psi(a + b)
        - psi_abx
        - share / np.where(pos, b + x - 1, 1.0)
    )
    grad = np.array([w @ d_r, w @ d_alpha, w @ d_a, w @ d_b])
    return float(w @ ll), grad


def fit_bgnbd(
    summary: RfmSummary,
    *,
    penalizer: float = 0.0,
    starts: list[tuple[float, ...]] | None = None,
) -> BgNbdParams:
    """Maximum-likelihood BG/NBD, FHL (2005) eq. 6, on compressed (x, t_x, T) rows.

    Parameters
    ----------
    summary : per-customer or already-compressed rows (weights are respected).
    penalizer : L2 penalty on the parameters, as lifetimes' ``penalizer_coef``.
    starts : starting points (r, alpha, a, b); default a fixed grid scaled to the mean of T.

    Returns
    -------
    BgNbdParams with ``fit`` holding log-likelihood, standard errors and convergence.

    Examples
    --------
    >>> s = RfmSummary(np.array([0, 2, 5]), np.array([0, 10, 30]), np.array([38, 38, 38]))
    >>> round(fit_bgnbd(s).fit.n)
    3
    """
    rows = compress(summary)
    scale = float(np.average(rows.T, weights=rows.w)) if len(rows) else 1.0
    grid = starts or start_grid([0.25, 1.0], [0.1 * scale, scale], [0.5, 2.0], [0.5, 4.0])
    lx = Levels.of(rows.x)
    theta, info = maximise(
        lambda t: _loglik(t, rows, lx), grid, n=rows.n_customers, penalizer=penalizer
    )
    r, alpha, a, b = (float(v) for v in theta)
    return BgNbdParams(r, alpha, a, b, fit=info)


def _log_odds_dead(p: BgNbdParams, s: RfmSummary) -> FloatArray:
    """ln[(a / (b+x-1)) ((alpha+T)/(alpha+t_x))^(r+x)] for x > 0, -inf for x = 0."""
    pos = s.x > 0
    return np.where(
        pos,
        np.log(p.a)
        - np.log(np.where(pos, p.b + s.x - 1, 1.0))
        + (p.r + s.x) * (np.log(p.alpha + s.T) - np.log(p.alpha + s.t_x)),
        -np.inf,
    )


def probability_alive(p: BgNbdParams, summary: RfmSummary) -> FloatArray:
    """P(alive | x, t_x, T), FHL (2005) eq. 11, via the logistic of the log-odds (no overflow)."""
    return map_distinct(lambda s: expit(-_log_odds_dead(p, s)), summary)


def expected_purchases(p: BgNbdParams, summary: RfmSummary, horizon: float) -> FloatArray:
    """E[Y(horizon) | x, t_x, T]: expected purchases in (T, T + horizon], FHL (2005) eq. 10.

    The factor ``((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)`` is evaluated by
    :func:`damped_hyp2f1` (Euler's form ``(1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``, whose
    arguments do not grow with x); the denominator is taken in log space.
    """

    if abs(p.a - 1.0) < 1e-6:  # removable singularity at a = 1: average the two sides
        lo, hi = replace(p, a=1.0 - 1e-5), replace(p, a=1.0 + 1e-5)
        return 0.5 * (
            expected_purchases(lo, summary, horizon) + expected_purchases(hi, summary, horizon)
        )

    def chunk(s: RfmSummary) -> FloatArray:
        z = float(horizon) / (p.alpha + s.T + float(horizon))

        def at(shift: float) -> FloatArray:
            b = p.b + shift
            c = p.a + b + s.x - 1
            return c / (p.a - 1) * (1.0 - damped_hyp2f1(p.r + s.x, b + s.x, c, z))

        # a + b + x - 1 = 0 (x = 0, a + b = 1) is a removable singularity: average both sides
        near = np.abs(p.a + p.b + s.x - 1) < 1e-6
        with np.errstate(invalid="ignore", divide="ignore"):
            body = at(0.0)
        if near.any():
            body = np.where(near, 0.5 * (at(1e-5) + at(-1e-5)), body)
        return body * expit(-_log_odds_dead(p, s))

    return map_distinct(chunk, summary)


def expected_purchases_new(p: BgNbdParams, t: npt.ArrayLike) -> FloatArray:
    """E[X(t)] for a customer just acquired, FHL (2005) eq. 9."""
    tt = np.asarray(t, dtype=np.float64)
    z = tt / (p.alpha + tt)
    hyp = hyp2f1(p.r, p.b, p.a + p.b - 1, z)
    return (p.a + p.b - 1) / (p.a - 1) * (1.0 - (p.alpha / (p.alpha + tt)) ** p.r * hyp)


def simulate_bgnbd(p: BgNbdParams, T: npt.ArrayLike, rng: np.random.Generator) -> RfmSummary:
    """Draw (x, t_x, T) from the BG/NBD process for customers observed for ``T`` after joining.

    Each customer gets lambda ~ Gamma(r, 1/alpha) and p ~ Beta(a, b); the number of repeat
    purchases before dropout is Geometric(p) on {1, 2, ...}; the purchases in (0, T] are Poisson
    and ``t_x`` is the x-th of N uniform arrival times, drawn as ``T * Beta(x, N - x + 1)``.
    """
    TT = np.asarray(T, dtype=np.float64)
    lam = rng.gamma(p.r, 1.0 / p.alpha, size=TT.shape)
    drop = rng.beta(p.a, p.b, size=TT.shape)
    n_arrivals = rng.poisson(lam * TT)
    n_before_death = rng.geometric(drop)
    x = np.minimum(n_arrivals, n_before_death)
    t_x = _order_statistic(x, n_arrivals, TT, rng)
    return RfmSummary(x.astype(float), t_x, TT)


def _order_statistic(
    k: npt.NDArray[np.int64], n: npt.NDArray[np.int64], T: FloatArray, rng: np.random.Generator
) -> FloatArray:
    """The k-th smallest of n uniform times on (0, T] (0 where k = 0)."""
    pos = k > 0
    out = np.zeros_like(T)
    out[pos] = T[pos] * rng.beta(k[pos], n[pos] - k[pos] + 1)
    return out
