"""MBG/NBD: the modified BG/NBD, where a customer may also drop out right after the first purchase.

Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and comparison of models
for customer base analysis. International Journal of Research in Marketing 24(3), 201-209.
Purchase rate lambda ~ Gamma(r, alpha); after every purchase, including the first, the customer
drops out with probability p ~ Beta(a, b).  Unlike BG/NBD, a customer without repeat purchases is
not certainly alive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, expit, gammaln, psi

from opencx.modeling.domain.btyd.hypergeometric import damped_hyp2f1
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.summary import FloatArray, RfmSummary, compress, map_distinct


@dataclass(frozen=True, slots=True)
class MbgNbdParams:
    """MBG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=np.float64)


def _log_odds_dead(theta: FloatArray, s: RfmSummary) -> FloatArray:
    """ln[(a/(b+x)) ((alpha+T)/(alpha+t_x))^(r+x)]: dropped-out versus alive, all x."""
    r, alpha, a, b = (float(v) for v in theta)
    return np.asarray(
        np.log(a) - np.log(b + s.x) + (r + s.x) * (np.log(alpha + s.T) - np.log(alpha + s.t_x)),
        dtype=np.float64,
    )


def _loglik(theta: FloatArray, s: RfmSummary) -> tuple[float, FloatArray, FloatArray]:
    """Weighted log-likelihood, its analytic gradient, and the per-row values."""
    r, alpha, a, b = (float(v) for v in theta)
    x, t_x, T, w = s.x, s.t_x, s.T, s.w
    odds = _log_odds_dead(theta, s)
    rows = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x + 1)
        - betaln(a, b)
        - (r + x) * np.log(alpha + T)
        + np.logaddexp(0.0, odds)
    )
    share = expit(odds)  # posterior weight of "dropped out after t_x"
    keep = 1.0 - share
    d_r = (
        psi(r + x) - psi(r) + np.log(alpha) - keep * np.log(alpha + T) - share * np.log(alpha + t_x)
    )
    d_alpha = r / alpha - (r + x) * (keep / (alpha + T) + share / (alpha + t_x))
    d_a = psi(a + b) - psi(a + b + x + 1) + share / a
    d_b = psi(b + x + 1) - psi(b) + psi(a + b) - psi(a + b + x + 1) - share / (b + x)
    grad = np.array([w @ d_r, w @ d_alpha, w @ d_a, w @ d_b])
    return float(w @ rows), grad, np.asarray(rows, dtype=np.float64)


def mbgnbd_log_likelihood(params: MbgNbdParams, summary: RfmSummary) -> FloatArray:
    """Per-row log-likelihood, Batislam et al. (2007) eq. 4, in log space:
    ``lnG(r+x) - lnG(r) + r ln alpha + ln B(a, b+x+1) - ln B(a, b) - (r+x) ln(alpha+T)
    + ln(1 + (a/(b+x)) ((alpha+T)/(alpha+t_x))^(r+x))``."""
    return _loglik(params.as_array(), summary)[2]


def fit_mbgnbd(
    summary: RfmSummary,
    *,
    penalizer: float = 0.0,
    starts: list[tuple[float, ...]] | None = None,
) -> MbgNbdParams:
    """Maximum-likelihood MBG/NBD on compressed (x, t_x, T) rows, with the analytic gradient.

    Examples
    --------
    >>> s = RfmSummary(np.array([0, 2, 5]), np.array([0, 10, 30]), np.array([38, 38, 38]))
    >>> fit_mbgnbd(s).fit.n
    3.0
    """
    rows = compress(summary)
    scale = float(np.average(rows.T, weights=rows.w)) if len(rows) else 1.0
    grid = starts or start_grid([0.25, 1.0], [0.1 * scale, scale], [0.5, 2.0], [0.5, 4.0])
    theta, info = maximise(
        lambda t: _loglik(t, rows)[:2], grid, n=rows.n_customers, penalizer=penalizer
    )
    r, alpha, a, b = (float(v) for v in theta)
    return MbgNbdParams(r, alpha, a, b, fit=info)


def probability_alive(p: MbgNbdParams, summary: RfmSummary) -> FloatArray:
    """P(alive | x, t_x, T) = 1 / (1 + (a/(b+x)) ((alpha+T)/(alpha+t_x))^(r+x)), Batislam et al.
    (2007) eq. 6, as the logistic of the log-odds."""
    return map_distinct(lambda s: np.asarray(expit(-_log_odds_dead(p.as_array(), s))), summary)


def expected_purchases(p: MbgNbdParams, summary: RfmSummary, horizon: float) -> FloatArray:
    """E[Y(horizon) | x, t_x, T], Batislam et al. (2007) eq. 7:
    ``(a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z)] P(alive)``
    with the hypergeometric factor from :func:`damped_hyp2f1`."""
    if abs(p.a - 1.0) < 1e-6:  # removable singularity at a = 1: average the two sides
        lo, hi = replace(p, a=1.0 - 1e-5), replace(p, a=1.0 + 1e-5)
        return 0.5 * (
            expected_purchases(lo, summary, horizon) + expected_purchases(hi, summary, horizon)
        )

    def chunk(s: RfmSummary) -> FloatArray:
        t = float(horizon)
        z = t / (p.alpha + s.T + t)
        c = p.a + p.b + s.x
        tail = damped_hyp2f1(p.r + s.x, p.b + s.x + 1, c, z)
        alive = expit(-_log_odds_dead(p.as_array(), s))
        return np.asarray(c / (p.a - 1) * (1.0 - tail) * alive, dtype=np.float64)

    return map_distinct(chunk, summary)


def simulate_mbgnbd(p: MbgNbdParams, T: npt.ArrayLike, rng: np.random.Generator) -> RfmSummary:
    """Draw (x, t_x, T) from the MBG/NBD process: repeat purchases before dropout are
    Geometric(p) on {0, 1, ...} (a coin is tossed after the first purchase too)."""
    TT = np.asarray(T, dtype=np.float64)
    lam = rng.gamma(p.r, 1.0 / p.alpha, size=TT.shape)
    drop = rng.beta(p.a, p.b, size=TT.shape)
    n_arrivals = rng.poisson(lam * TT)
    x = np.minimum(n_arrivals, rng.geometric(drop) - 1)
    t_x = np.zeros_like(TT)
    pos = x > 0
    t_x[pos] = TT[pos] * rng.beta(x[pos], n_arrivals[pos] - x[pos] + 1)
    return RfmSummary(x.astype(float), t_x, TT)
