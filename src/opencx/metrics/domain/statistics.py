"""Intervals and tests of significance, on sufficient statistics (counts and sums), vectorised.

Every function takes NumPy arrays (one element per group) and returns estimates on the metric's
own scale. Groups with too little data give NaN, which the result layer turns into a warning;
a NaN is never shown as a number.

References
----------
Rocks, B. (2016). Interval estimation for the "Net Promoter Score". The American Statistician
70(4), 365-372: adjusted-Wald interval (add 3/4 to promoters and detractors, 3 to n).
Wilson, E. B. (1927). Probable inference... JASA 22(158), 209-212.
Agresti, A. & Caffo, B. (2000). Simple and effective confidence intervals for proportions and
differences of proportions. The American Statistician 54(4), 280-288.
Cochran, W. G. (1977). Sampling Techniques, 3rd ed., section 6.4: variance of a ratio estimator.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Point estimates with a 95% interval and the standard error used for tests."""

    value: Array
    lower: Array
    upper: Array
    se: Array


def _arr(x: object) -> Array:
    return np.asarray(x, dtype=np.float64)


def _safe_div(a: Array, b: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


def nps_adjusted_wald(n: object, promoters: object, detractors: object) -> Estimate:
    """NPS on −100..100 with the adjusted-Wald 95% interval (Rocks 2016).

    The point estimate is the plain NPS; the interval adds 3/4 to promoters and to detractors
    and 3 to n, and uses the variance of a difference of two multinomial proportions. Its centre
    is pulled towards 0, so for a small n it can exclude the observed NPS (n=1, NPS 100 gives
    −48.5..98.5): the interval is then widened to reach the observed value, never narrowed, so
    it always contains the point estimate and covers at least as often as Rocks' interval.

    >>> e = nps_adjusted_wald([1], [1], [0])
    >>> round(float(e.lower[0]), 1), round(float(e.upper[0]), 1)
    (-48.5, 100.0)

    >>> e = nps_adjusted_wald([100], [50], [20])
    >>> round(float(e.value[0]), 1), round(float(e.lower[0]), 1), round(float(e.upper[0]), 1)
    (30.0, 14.1, 44.2)
    """
    n_, p_, d_ = _arr(n), _arr(promoters), _arr(detractors)
    value = 100.0 * _safe_div(p_ - d_, n_)
    na = n_ + 3.0
    pa, da = (p_ + 0.75) / na, (d_ + 0.75) / na
    centre = pa - da
    se = np.sqrt((pa + da - centre**2) / na)
    se = np.where(n_ > 0, se, np.nan)
    lower = np.fmin(np.clip(centre - Z95 * se, -1.0, 1.0) * 100.0, value)
    upper = np.fmax(np.clip(centre + Z95 * se, -1.0, 1.0) * 100.0, value)
    return Estimate(value, lower, upper, 100.0 * se)


def wilson(n: object, k: object, *, confidence: float = 0.95) -> Estimate:
    """Proportion in percent with the Wilson score interval (Wilson 1927), 95% unless
    ``confidence`` says otherwise (two-sided, 0 < confidence < 1; a Bonferroni-adjusted
    interval of m comparisons passes ``1 - 0.05 / m``).

    >>> e = wilson([10], [9])
    >>> round(float(e.lower[0]), 1), round(float(e.upper[0]), 1)
    (59.6, 98.2)
    >>> e = wilson([10], [9], confidence=0.99)
    >>> round(float(e.lower[0]), 1), round(float(e.upper[0]), 1)
    (49.3, 98.8)
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence}: must be between 0 and 1")
    z = Z95 if confidence == 0.95 else NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n_, k_ = _arr(n), _arr(k)
    p = _safe_div(k_, n_)
    z2 = z**2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1.0 + z2 / n_
        centre = (p + z2 / (2 * n_)) / denom
        half = z * np.sqrt(p * (1 - p) / n_ + z2 / (4 * n_**2)) / denom
        se = np.sqrt(p * (1 - p) / n_)
    lower = np.where((k_ <= 0) & (n_ > 0), 0.0, centre - half)
    upper = np.where((k_ >= n_) & (n_ > 0), 1.0, centre + half)
    return Estimate(100.0 * p, 100.0 * lower, 100.0 * upper, 100.0 * se)


def t_mean(n: object, total: object, total_sq: object, scale: float = 1.0) -> Estimate:
    """Mean with the Student-t 95% interval, from n, Σx and Σx² (needs n ≥ 2).

    >>> e = t_mean([4], [10.0], [30.0])
    >>> round(float(e.value[0]), 2), round(float(e.lower[0]), 2)
    (2.5, 0.45)
    """
    from scipy import stats  # here, not at the top: `opencx metrics --help` needs no SciPy

    n_, s, ss = _arr(n), _arr(total), _arr(total_sq)
    mean = _safe_div(s, n_)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(n_ > 1, (ss - n_ * mean**2) / (n_ - 1), np.nan)
        se = np.sqrt(np.maximum(var, 0.0) / n_)
        tq = np.where(n_ > 1, stats.t.ppf(0.975, np.maximum(n_ - 1, 1)), np.nan)
    return Estimate(scale * mean, scale * (mean - tq * se), scale * (mean + tq * se), scale * se)


def ratio(
    n: object,
    sy: object,
    sx: object,
    syy: object,
    sxx: object,
    sxy: object,
    scale: float = 1.0,
) -> Estimate:
    """Ratio of sums R = Σy/Σx over n units with the delta-method 95% interval (Cochran 1977).

    Var(R) ≈ Σ(y − R x)² / (n (n − 1) x̄²), expanded so it needs only the six sums.

    >>> e = ratio([3], [3.0], [6.0], [5.0], [14.0], [8.0])
    >>> round(float(e.value[0]), 3)
    0.5
    """
    n_, y, x = _arr(n), _arr(sy), _arr(sx)
    r = _safe_div(y, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = _arr(syy) - 2 * r * _arr(sxy) + r**2 * _arr(sxx)
        xbar = x / n_
        var = np.where(n_ > 1, np.maximum(resid, 0.0) / (n_ * (n_ - 1) * xbar**2), np.nan)
        se = np.sqrt(var)
    return Estimate(scale * r, scale * (r - Z95 * se), scale * (r + Z95 * se), scale * se)


def point(n: object, numerator: object, denominator: object, scale: float = 1.0) -> Estimate:
    """A ratio reported without an interval (population totals such as revenue retention)."""
    r = scale * _safe_div(_arr(numerator), _arr(denominator))
    nan = np.full_like(r, np.nan)
    return Estimate(r, nan, nan, nan)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Change between two estimates with a two-sided z-test."""

    change: float
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return bool(self.p_value < 0.05)


def z_test(value_a: float, se_a: float, value_b: float, se_b: float) -> Comparison:
    """Two-sided z-test of b − a for independent estimates (NPS: Rocks 2016, section 4).

    >>> c = z_test(30.0, 5.0, 10.0, 5.0)
    >>> round(c.z, 3), c.significant
    (-2.828, True)
    """
    change = value_b - value_a
    se = float(np.hypot(se_a, se_b))
    if not np.isfinite(se) or se == 0.0 or not np.isfinite(change):
        return Comparison(change, float("nan"), float("nan"))
    z = change / se
    p = math.erfc(abs(z) / math.sqrt(2.0))  # = 2·(1 − Φ(|z|)), without losing the far tail
    return Comparison(change, z, p)
