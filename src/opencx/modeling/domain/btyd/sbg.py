"""sBG: the shifted-beta-geometric model of contractual retention.

Fader, P. S. & Hardie, B. G. S. (2007). How to Project Customer Retention. Journal of Interactive
Marketing 21(1), 76-90.  Each customer renews every period with churn probability theta ~
Beta(gamma, delta); a cohort's survivor counts give the likelihood.  Discounted expected residual
lifetime follows Fader & Hardie (2010), Customer-Base Valuation in a Contractual Setting: The
Perils of Ignoring Heterogeneity, Marketing Science 29(1), 85-93, eq. 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from scipy.special import betaln, hyp2f1, psi

from opencx.core.errors import InvalidInput
from opencx.modeling.domain.btyd.likelihood import FitInfo, maximise, start_grid
from opencx.modeling.domain.btyd.summary import FloatArray


@dataclass(frozen=True, slots=True)
class SbgParams:
    """sBG parameters: per-period churn probability ~ Beta(gamma, delta)."""

    gamma: float
    delta: float
    fit: FitInfo | None = None

    NAMES: ClassVar[tuple[str, ...]] = ("gamma", "delta")

    def as_array(self) -> FloatArray:
        return np.array([self.gamma, self.delta], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Counts:
    """Customers lost in period t (t = 1..k) and still active at the end of period t."""

    lost: FloatArray
    active: FloatArray

    @property
    def t(self) -> FloatArray:
        return np.arange(1, self.lost.shape[0] + 1, dtype=np.float64)


def _counts(cohorts: Sequence[npt.ArrayLike]) -> _Counts:
    """Sufficient statistics of survivor curves (each starts with the cohort size at t = 0)."""
    curves = [np.asarray(c, dtype=np.float64) for c in cohorts]
    k = max((c.shape[0] - 1 for c in curves), default=0)
    if k < 1:
        raise InvalidInput("sBG needs at least one survivor curve with two or more periods")
    lost, active = np.zeros(k), np.zeros(k)
    for i, c in enumerate(curves):
        if c.ndim != 1 or np.any(np.diff(c) > 0) or np.any(c < 0):
            raise InvalidInput(f"survivor curve {i}: counts must be >= 0 and never increase")
        if c.shape[0] > 1:
            lost[: c.shape[0] - 1] += -np.diff(c)
            active[c.shape[0] - 2] += c[-1]
    return _Counts(lost, active)


def _log_churn(g: float, d: float, t: FloatArray) -> FloatArray:
    """ln P(T = t) = ln B(g+1, d+t-1) - ln B(g, d), FH (2007) eq. 7."""
    return np.asarray(betaln(g + 1, d + t - 1) - betaln(g, d), dtype=np.float64)


def _log_survival(g: float, d: float, t: FloatArray) -> FloatArray:
    """ln S(t) = ln B(g, d+t) - ln B(g, d), FH (2007) eq. 8."""
    return np.asarray(betaln(g, d + t) - betaln(g, d), dtype=np.float64)


def _loglik(theta: FloatArray, c: _Counts) -> tuple[float, FloatArray]:
    g, d = (float(v) for v in theta)
    t = c.t
    ll = c.lost @ _log_churn(g, d, t) + c.active @ _log_survival(g, d, t)
    base_g, base_d = psi(g) - psi(g + d), psi(d) - psi(g + d)
    churn_g = psi(g + 1) - psi(g + d + t) - base_g
    churn_d = psi(d + t - 1) - psi(g + d + t) - base_d
    surv_g = psi(g) - psi(g + d + t) - base_g
    surv_d = psi(d + t) - psi(g + d + t) - base_d
    grad = np.array([c.lost @ churn_g + c.active @ surv_g, c.lost @ churn_d + c.active @ surv_d])
    return float(ll), grad


def fit_sbg(cohorts: Sequence[npt.ArrayLike], *, penalizer: float = 0.0) -> SbgParams:
    """Maximum-likelihood sBG from survivor curves, FH (2007) eq. 9 (appendix B).

    Parameters
    ----------
    cohorts : one survivor curve per cohort, ``[n_0, n_1, ..., n_k]`` customers still active at
        the end of each period (``n_0`` = cohort size); curves may differ in length.

    Examples
    --------
    >>> p = fit_sbg([[1000, 869, 743, 653, 593, 551, 517, 491]])
    >>> round(p.gamma, 2), round(p.delta, 2)
    (0.67, 3.81)
    """
    counts = _counts(cohorts)
    n = float(counts.lost.sum() + counts.active.sum())
    grid = start_grid([0.3, 1.0, 3.0], [0.5, 2.0, 8.0])
    theta, info = maximise(lambda t: _loglik(t, counts), grid, n=n, penalizer=penalizer)
    return SbgParams(float(theta[0]), float(theta[1]), fit=info)


def survival(p: SbgParams, t: npt.ArrayLike) -> FloatArray:
    """S(t): share of a new cohort still active after t periods, FH (2007) eq. 8."""
    return np.exp(_log_survival(p.gamma, p.delta, np.asarray(t, dtype=np.float64)))


def churn_probability(p: SbgParams, t: npt.ArrayLike) -> FloatArray:
    """P(T = t): probability that a new customer churns in period t (t >= 1), FH (2007) eq. 7."""
    return np.exp(_log_churn(p.gamma, p.delta, np.asarray(t, dtype=np.float64)))


def retention_rate(p: SbgParams, t: npt.ArrayLike) -> FloatArray:
    """r_t = S(t)/S(t-1) = (delta + t - 1)/(gamma + delta + t - 1), FH (2007) eq. 10: retention
    rises with tenure because the remaining customers are the loyal ones."""
    tt = np.asarray(t, dtype=np.float64)
    return (p.delta + tt - 1) / (p.gamma + p.delta + tt - 1)


def discounted_residual_lifetime(
    p: SbgParams, renewals: npt.ArrayLike, discount_rate: float
) -> FloatArray:
    """DERL: expected discounted number of future payments of a customer who has made
    ``renewals`` renewals, evaluated just before the next one (FH 2010, eq. 6):
    ``DERL = (delta+n)/(gamma+delta+n) * 2F1(1, delta+n+1; gamma+delta+n+1; 1/(1+d))``.
    Multiply by the margin per period for the residual value of the customer."""
    if discount_rate <= 0:
        raise InvalidInput(
            f"discount_rate {discount_rate}: must be > 0 (DERL diverges for gamma <= 1)"
        )
    n = np.asarray(renewals, dtype=np.float64)
    z = 1.0 / (1.0 + discount_rate)
    ratio = (p.delta + n) / (p.gamma + p.delta + n)
    return np.asarray(ratio * hyp2f1(1.0, p.delta + n + 1, p.gamma + p.delta + n + 1, z))
