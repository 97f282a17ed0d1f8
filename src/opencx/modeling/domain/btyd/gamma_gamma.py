"""Gamma-Gamma: the spend per transaction, independent of the purchase process.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis. Journal of Marketing Research 42(4), 415-430, section "Adding monetary
value" (after Colombo & Jiang 1999).  A customer's transaction values are Gamma(p, nu) with
nu ~ Gamma(q, gamma); only the number of repeat transactions x and their mean m are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, psi

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.summary import FloatArray, Levels, RfmSummary, map_chunks


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: transaction value ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("p", "q", "gamma")

    def as_array(self) -> FloatArray:
        return np.array([self.p, self.q, self.gamma], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Spend:
    x: FloatArray
    m: FloatArray
    w: FloatArray


def _spenders(summary: RfmSummary, *, fold: bool = True) -> _Spend:
    if summary.monetary is None:
        raise InvalidInput("Gamma-Gamma needs RfmSummary.monetary (mean repeat-purchase value)")
    keep = (summary.x > 0) & (summary.monetary > 0)
    x, m, w = summary.x[keep], summary.monetary[keep], summary.w[keep]
    if x.size == 0 or not fold:
        return _Spend(x, m, w)
    # identical (x, m) rows contribute identically: fold them into weights (x is whole)
    levels, code = np.unique(m, return_inverse=True)
    key = x.astype(np.int64) * levels.shape[0] + code.ravel()
    used, index = np.unique(key, return_inverse=True)
    folded: FloatArray = np.bincount(index.ravel(), weights=w).astype(np.float64)
    x_used, m_code = np.divmod(used, levels.shape[0])
    return _Spend(x_used.astype(np.float64), levels[m_code], folded)


def _loglik(
    theta: FloatArray, d: _Spend, lx: Levels | None = None
) -> tuple[float, FloatArray, FloatArray]:
    p, q, g = (float(v) for v in theta)
    x, m, w = d.x, d.m, d.w
    lx = lx or Levels.of(x)
    px = p * x
    ln_total = np.log(g + m * x)
    ln_m = np.log(m)
    rows = (
        lx.map(lambda u: gammaln(p * u + q) - gammaln(p * u) + p * u * np.log(u))
        - gammaln(q)
        + q * np.log(g)
        + (px - 1) * ln_m
        - (px + q) * ln_total
    )
    d_p = x * (lx.map(lambda u: psi(p * u + q) - psi(p * u) + np.log(u)) + ln_m - ln_total)
    d_q = lx.map(lambda u: psi(p * u + q)) - psi(q) + np.log(g) - ln_total
    d_g = q / g - (px + q) / (g + m * x)
    return float(w @ rows), np.array([w @ d_p, w @ d_q, w @ d_g]), np.asarray(rows)


def gamma_gamma_log_likelihood(params: GammaGammaParams, summary: RfmSummary) -> FloatArray:
    """Per-customer log-likelihood of the mean repeat spend (customers with x > 0 and m > 0):
    ``lnG(px+q) - lnG(px) - lnG(q) + q ln g + (px-1) ln m + px ln x - (px+q) ln(g + m x)``
    (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 3; as in lifetimes)."""
    return _loglik(params.as_array(), _spenders(summary, fold=False))[2]


def fit_gamma_gamma(
    summary: RfmSummary,
    *,
    penalizer: float = 0.0,
    starts: list[tuple[float, ...]] | None = None,
) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma on customers with repeat purchases, analytic gradient.

    ``summary.monetary`` must hold the mean value of the repeat purchases; rows with ``x == 0``
    or non-positive spend are left out (they carry no information on spend).

    Examples
    --------
    >>> s = RfmSummary(np.array([1, 2, 4]), np.array([5, 9, 20]), np.array([30, 30, 30]),
    ...                monetary=np.array([20.0, 35.0, 28.0]))
    >>> fit_gamma_gamma(s).fit.n
    3.0
    """
    data = _spenders(summary)
    mean = float(np.average(data.m, weights=data.w)) if data.m.size else 1.0
    grid = starts or start_grid([1.0, 5.0], [2.0, 5.0], [0.5 * mean, 2.0 * mean])
    lx = Levels.of(data.x)
    theta, info = maximise(
        lambda t: _loglik(t, data, lx)[:2], grid, n=float(data.w.sum()), penalizer=penalizer
    )
    p, q, g = (float(v) for v in theta)
    return GammaGammaParams(p, q, g, fit=info)


def expected_spend(params: GammaGammaParams, summary: RfmSummary) -> FloatArray:
    """E[M | x, m]: the expected value of a customer's future transactions,
    ``(p (gamma + x m)) / (p x + q - 1)`` (FHL 2005 "RFM and CLV", eq. 5); for ``x == 0`` this
    is the population mean ``p gamma / (q - 1)``.  Needs ``q > 1``."""
    if params.q <= 1:
        raise InvalidInput(f"Gamma-Gamma q = {params.q}: expected spend needs q > 1")

    def chunk(s: RfmSummary) -> FloatArray:
        m = np.zeros_like(s.x) if s.monetary is None else np.where(s.x > 0, s.monetary, 0.0)
        p, q, g = params.p, params.q, params.gamma
        return np.asarray(p * (g + s.x * m) / (p * s.x + q - 1), dtype=np.float64)

    return map_chunks(chunk, summary)


def simulate_spend(
    params: GammaGammaParams, x: npt.ArrayLike, rng: np.random.Generator
) -> FloatArray:
    """Mean of ``x`` transaction values per customer (0 where ``x == 0``)."""
    xx = np.asarray(x, dtype=np.float64)
    nu = rng.gamma(params.q, 1.0 / params.gamma, size=xx.shape)
    pos = xx > 0
    out = np.zeros_like(xx)
    out[pos] = rng.gamma(params.p * xx[pos], 1.0 / nu[pos]) / xx[pos]
    return out
