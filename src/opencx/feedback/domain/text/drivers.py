"""Key drivers and trends: which themes move the score, by how much, and which are rising.

Key-driver analysis regresses the score (NPS 0–10, CSAT 1–5 …) of each response on indicators of
its themes (ordinary least squares with an intercept): a theme's coefficient is its effect in
score points with every other theme held fixed, reported with its standard error, t statistic
and two-sided p-value (classical OLS inference, e.g. Wooldridge, *Introductory Econometrics*,
ch. 4). Trending compares a theme's share of comments in the recent window with the window
before by a two-proportion z-test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Driver:
    theme: str
    responses: int  # with the theme
    effect: float  # score points
    std_error: float
    t: float
    p_value: float


def key_drivers(
    scores: Sequence[float], themes: Sequence[Sequence[str]], min_count: int = 5
) -> list[Driver]:
    """OLS of ``scores`` on theme indicators; themes with fewer than ``min_count`` responses are
    left out (too few to say anything). Sorted by effect, most negative first."""
    from scipy import stats

    names = sorted({t for ts in themes for t in ts})
    counts = {n: sum(1 for ts in themes if n in ts) for n in names}
    names = [n for n in names if counts[n] >= min_count]
    n, k = len(scores), len(names) + 1
    if not names or n <= k:
        return []
    x = np.ones((n, k))
    for j, name in enumerate(names, start=1):
        x[:, j] = [1.0 if name in ts else 0.0 for ts in themes]
    y = np.asarray(scores, dtype=float)
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    sigma2 = float(resid @ resid) / (n - k)
    cov = sigma2 * np.linalg.pinv(x.T @ x)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    out = []
    for j, name in enumerate(names, start=1):
        t = float(beta[j] / se[j]) if se[j] > 0 else 0.0
        p = float(2 * stats.t.sf(abs(t), n - k))
        out.append(Driver(name, counts[name], float(beta[j]), float(se[j]), t, p))
    return sorted(out, key=lambda d: d.effect)


@dataclass(frozen=True, slots=True)
class Trend:
    theme: str
    recent: int
    before: int
    recent_share: float
    before_share: float
    z: float
    p_value: float


def trending(recent: Sequence[Sequence[str]], before: Sequence[Sequence[str]]) -> list[Trend]:
    """Themes whose share of comments changed between two windows, most rising first."""
    from scipy import stats

    n1, n0 = len(recent), len(before)
    if n1 == 0 or n0 == 0:
        return []
    names = sorted({t for ts in [*recent, *before] for t in ts})
    out = []
    for name in names:
        a = sum(1 for ts in recent if name in ts)
        b = sum(1 for ts in before if name in ts)
        p1, p0 = a / n1, b / n0
        pooled = (a + b) / (n1 + n0)
        se = (pooled * (1 - pooled) * (1 / n1 + 1 / n0)) ** 0.5
        z = (p1 - p0) / se if se > 0 else 0.0
        out.append(Trend(name, a, b, p1, p0, z, float(2 * stats.norm.sf(abs(z)))))
    return sorted(out, key=lambda t: t.z, reverse=True)
