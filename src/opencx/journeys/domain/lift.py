"""An experiment's analysis: each variant's goal with its interval, each variant against the
control with the difference's interval and p-value, adjusted for the variants compared, and the
sample-ratio-mismatch check. Pure: it takes counts and sums per variant.

* A proportion goal (conversion, low-score and case rates): each rate with Wilson's interval
  (the metrics slice's :func:`~opencx.metrics.domain.statistics.wilson`), the difference with
  Newcombe's hybrid score interval (the friction code's :func:`newcombe`) and the two-sided
  p-value of the pooled two-proportion z-test (equal to Pearson's chi-square on the 2×2 table,
  without continuity correction).
* A mean goal (revenue per exposed customer): each mean with Student's t interval
  (:func:`~opencx.metrics.domain.statistics.t_mean`), the difference with Welch's t interval
  and test (Welch-Satterthwaite degrees of freedom), from n, Σx and Σx² per variant.
* With ``m`` > 1 treatments compared with the control, the p-values are Holm's step-down
  adjusted ones (the family-wise error rate stays at 5%) and the intervals Bonferroni's at
  ``1 - 0.05/m`` (Holm's procedure has no simultaneous intervals); the plain 95% interval is
  kept beside. A variant is called different when its adjusted p-value is below 0.05.
* Sample-ratio mismatch: Pearson's chi-square goodness of fit of the exposures per variant to
  the weights; below p = 0.001 (GrowthBook's default threshold) the assignment or the recording
  of exposures is broken and no result can be trusted.

References
----------
Newcombe, R. G. (1998). Statistics in Medicine 17(8), 873-890 (method 10).
Welch, B. L. (1947). The generalization of "Student's" problem when several different
population variances are involved. Biometrika 34(1-2), 28-35.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal
of Statistics 6(2), 65-70.
Fabijan, A. et al. (2019). Diagnosing sample ratio mismatch in online controlled experiments.
KDD '19, 2156-2164.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from opencx.journeys.domain.experiments import GOALS, Definition
from opencx.journeys.domain.friction import ALPHA, Difference, adjusted_confidence, newcombe
from opencx.metrics.domain.statistics import t_mean, wilson

SRM_THRESHOLD = 0.001
"""Below this p-value the exposures do not follow the weights: a sample-ratio mismatch."""
HOLM = "holm"


@dataclass(frozen=True, slots=True)
class VariantCounts:
    """Per variant: customers exposed, and the sum and sum of squares of their goal values
    (for a proportion, each value is 0 or 1: the sum is the customers with the outcome)."""

    key: str
    exposed: int
    total: float
    total_sq: float


@dataclass(frozen=True, slots=True)
class Comparison:
    """A treatment against the control: the difference (treatment − control) with its plain
    95% interval and the adjusted one, the p-value and the adjusted (Holm) p-value."""

    difference: Difference
    adjusted: Difference
    p_value: float
    adjusted_p: float
    relative: float | None  # the difference over the control's value

    @property
    def significant(self) -> bool:
        return self.adjusted_p < ALPHA


@dataclass(frozen=True, slots=True)
class VariantResult:
    key: str
    name: str
    share: float  # expected share of exposures (its weight)
    exposed: int
    total: float  # customers with the outcome, or the summed value
    value: float | None  # rate (0-1) or mean; None with nobody exposed
    lower: float | None  # its 95% interval
    upper: float | None
    comparison: Comparison | None  # None for the control, or without data to compare


@dataclass(frozen=True, slots=True)
class Srm:
    """Pearson's chi-square of the exposures per variant against the expected shares."""

    observed: tuple[int, ...]
    expected: tuple[float, ...]
    chi2: float
    df: int
    p_value: float

    @property
    def mismatch(self) -> bool:
        return self.p_value < SRM_THRESHOLD


@dataclass(frozen=True, slots=True)
class Analysis:
    goal: str
    kind: str  # proportion | mean
    bad: bool  # lower is better
    variants: tuple[VariantResult, ...]
    srm: Srm | None  # None before anyone is exposed
    comparisons: int  # m: treatments compared with the control
    adjustment: str = HOLM

    @property
    def confidence(self) -> float:
        """The adjusted intervals' confidence, 1 − 0.05/m."""
        return adjusted_confidence(self.comparisons)

    @property
    def exposed(self) -> int:
        return sum(v.exposed for v in self.variants)


def srm_warning(srm: Srm) -> str:
    """The loud sentence of a sample-ratio mismatch."""
    seen = ", ".join(f"{o:,}" for o in srm.observed)
    expected = ", ".join(f"{e:,.0f}" for e in srm.expected)
    return (
        f"WARNING: sample-ratio mismatch: exposures {seen} where the weights expect {expected} "
        f"(chi-square {srm.chi2:.1f}, p = {srm.p_value:.2g} < {SRM_THRESHOLD}). The assignment "
        "or the recording of exposures is broken: do not trust these results"
    )


def chi2_sf(x: float, df: int) -> float:
    """P(χ²_df ≥ x) for 1 to 3 degrees of freedom, in closed form (2-4 variants).

    >>> round(chi2_sf(3.841458820694124, 1), 6), round(chi2_sf(5.991464547107979, 2), 6)
    (0.05, 0.05)
    """
    if x <= 0:
        return 1.0
    if df == 1:
        return math.erfc(math.sqrt(x / 2))
    if df == 2:
        return math.exp(-x / 2)
    if df == 3:
        return math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    raise ValueError(f"df {df}: 1 to 3 (2 to 4 variants)")


def sample_ratio(observed: Sequence[int], shares: Sequence[float]) -> Srm | None:
    """The sample-ratio-mismatch check (None when nobody is exposed)."""
    n = sum(observed)
    if n == 0:
        return None
    expected = tuple(n * s for s in shares)
    chi2 = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    df = len(observed) - 1
    return Srm(tuple(observed), expected, chi2, df, chi2_sf(chi2, df))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return [round(p, 15) for p in adjusted]


def two_proportion_p(n1: int, k1: int, n0: int, k0: int) -> float:
    """Two-sided p-value of the pooled z-test of k1/n1 = k0/n0."""
    pooled = (k1 + k0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return 1.0
    z = (k1 / n1 - k0 / n0) / se
    return 2 * NormalDist().cdf(-abs(z))


def welch(
    treatment: VariantCounts, control: VariantCounts, *, confidence: float = 0.95
) -> tuple[Difference, float] | None:
    """Welch's difference of means (treatment − control) with its interval and two-sided
    p-value; None when a variant has fewer than 2 customers."""
    from scipy import stats  # here: `opencx journeys --help` needs no SciPy

    parts = []
    for c in (treatment, control):
        if c.exposed < 2:
            return None
        mean = c.total / c.exposed
        var = max((c.total_sq - c.exposed * mean**2) / (c.exposed - 1), 0.0)
        parts.append((mean, var / c.exposed, c.exposed))
    (m1, v1, n1), (m0, v0, n0) = parts
    d, se2 = m1 - m0, v1 + v0
    if se2 == 0:
        return Difference(d, d, d), (1.0 if d == 0 else 0.0)
    df = se2**2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1))
    se = math.sqrt(se2)
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
    p = 2 * float(stats.t.sf(abs(d) / se, df))
    return Difference(d, d - half, d + half), p


def _difference(
    kind: str, c: VariantCounts, control: VariantCounts, confidence: float
) -> tuple[Difference, float] | None:
    if kind == "mean":
        return welch(c, control, confidence=confidence)
    k1, k0 = round(c.total), round(control.total)
    d = newcombe(c.exposed, k1, control.exposed, k0, confidence=confidence)
    if d is None:
        return None
    return d, two_proportion_p(c.exposed, k1, control.exposed, k0)


def _own_interval(kind: str, c: VariantCounts) -> tuple[float | None, float | None]:
    if kind == "mean":
        if c.exposed < 2:
            return None, None
        e = t_mean([c.exposed], [c.total], [c.total_sq])
        return float(e.lower[0]), float(e.upper[0])
    if c.exposed == 0:
        return None, None
    e = wilson([c.exposed], [round(c.total)])
    return float(e.lower[0]) / 100, float(e.upper[0]) / 100


def analyse(definition: Definition, counts: Sequence[VariantCounts]) -> Analysis:
    """Each variant's goal and its comparison with the control (the first variant).

    ``counts`` may leave out variants nobody was exposed to; they count as 0."""
    goal = GOALS[definition.goal]
    by_key = {c.key: c for c in counts}
    rows = [by_key.get(v.key, VariantCounts(v.key, 0, 0.0, 0.0)) for v in definition.variants]
    control, m = rows[0], len(rows) - 1
    level = adjusted_confidence(m)
    found: dict[int, tuple[Difference, Difference, float]] = {}
    for i, c in enumerate(rows[1:], start=1):
        plain = _difference(goal.kind, c, control, 0.95)
        adjusted = _difference(goal.kind, c, control, level)
        if plain is not None and adjusted is not None:
            found[i] = (plain[0], adjusted[0], plain[1])
    adjusted_p = dict(zip(found, holm([f[2] for f in found.values()]), strict=True))
    base = control.total / control.exposed if control.exposed else None
    results = []
    shares = definition.shares
    for i, (v, c, share) in enumerate(zip(definition.variants, rows, shares, strict=True)):
        comparison = None
        if i in found:
            plain_d, adjusted_d, p = found[i]
            relative = plain_d.value / base if base else None
            comparison = Comparison(plain_d, adjusted_d, p, adjusted_p[i], relative)
        value = c.total / c.exposed if c.exposed else None
        lower, upper = _own_interval(goal.kind, c)
        results.append(
            VariantResult(v.key, v.name, share, c.exposed, c.total, value, lower, upper, comparison)
        )
    srm = sample_ratio([c.exposed for c in rows], definition.shares)
    return Analysis(definition.goal, goal.kind, goal.bad, tuple(results), srm, m)
