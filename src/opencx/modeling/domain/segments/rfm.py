"""RFM: quintile scores, the eleven named segments and segment movement between periods.

Scores are 1–5 per dimension. The segment is read from a rule table over the recency score R and
the combined frequency–monetary score ``FM = ⌈(F + M) / 2⌉``. The table (``docs/models/rfm.md``)
cuts the 5 × 5 (R, FM) grid into eleven non-overlapping rectangles that cover it, so every
(R, F, M) in 1..5³ has exactly one segment; a test checks both properties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "SEGMENTS",
    "SEGMENT_RULES",
    "RfmScores",
    "SegmentRule",
    "Transition",
    "fm_score",
    "quintile_scores",
    "rfm_scores",
    "segment_code",
    "segment_of",
    "transition_matrix",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """A rectangle of the (R, FM) grid, both bounds inclusive."""

    segment: str
    r: tuple[int, int]
    fm: tuple[int, int]
    action: str

    def matches(self, r: int, fm: int) -> bool:
        return self.r[0] <= r <= self.r[1] and self.fm[0] <= fm <= self.fm[1]


#: The rule table; ``docs/models/rfm.md`` shows it as a grid. Order is the segment code (1–11).
SEGMENT_RULES: tuple[SegmentRule, ...] = (
    SegmentRule("Champions", (5, 5), (4, 5), "Reward; ask for reviews and referrals"),
    SegmentRule("Loyal", (3, 4), (4, 5), "Upsell; invite to the loyalty programme"),
    SegmentRule("Potential loyalist", (4, 5), (2, 3), "Offer membership; recommend products"),
    SegmentRule("New", (5, 5), (1, 1), "Onboard well; make the second purchase easy"),
    SegmentRule("Promising", (4, 4), (1, 1), "Build awareness; free trials"),
    SegmentRule("Need attention", (3, 3), (3, 3), "Limited-time offers based on history"),
    SegmentRule("About to sleep", (3, 3), (1, 2), "Share popular products; reconnect"),
    SegmentRule("At risk", (1, 2), (3, 4), "Personal win-back; find out what went wrong"),
    SegmentRule("Can't lose them", (1, 2), (5, 5), "Win them back; talk to them"),
    SegmentRule("Hibernating", (2, 2), (1, 2), "Relevant offers; low-cost reactivation"),
    SegmentRule("Lost", (1, 1), (1, 2), "Revive with a campaign or let go"),
)
SEGMENTS: tuple[str, ...] = tuple(rule.segment for rule in SEGMENT_RULES)


@dataclass(frozen=True)
class RfmScores:
    """Per-customer R, F, M scores (1–5), the FM score and the segment code (1–11)."""

    r: IntArray
    f: IntArray
    m: IntArray
    fm: IntArray
    segment: IntArray

    def names(self) -> list[str]:
        return [SEGMENTS[c - 1] for c in self.segment]


def quintile_scores(
    values: Sequence[float] | FloatArray, *, higher_is_better: bool = True
) -> IntArray:
    """Score values 1–5 by quintile of their rank; equal values always get the same score.

    The score is ``1 + ⌊5 · (number of strictly worse values) / n⌋``: a tie never splits across
    two scores (frequency has many ties at 1), the result does not depend on input order, and
    scores fill 1..5 when the values are distinct. Missing values (NaN) score 1.

    Examples
    --------
    >>> quintile_scores([1, 1, 1, 2, 5]).tolist()
    [1, 1, 1, 4, 5]
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    missing = np.isnan(x)
    key = np.where(missing, -np.inf, x if higher_is_better else -x)
    ordered = np.sort(key)
    worse = np.searchsorted(ordered, key, side="left")
    scores = 1 + (5 * worse) // n
    scores = np.clip(scores, 1, 5).astype(np.int64)
    scores[missing] = 1
    return scores


def fm_score(f: IntArray, m: IntArray) -> IntArray:
    """The combined frequency–monetary score, ``⌈(F + M) / 2⌉`` (halves round up)."""
    return ((np.asarray(f) + np.asarray(m) + 1) // 2).astype(np.int64)


_GRID = np.zeros((6, 6), dtype=np.int64)
for _code, _rule in enumerate(SEGMENT_RULES, start=1):
    for _r in range(_rule.r[0], _rule.r[1] + 1):
        for _fm in range(_rule.fm[0], _rule.fm[1] + 1):
            _GRID[_r, _fm] = _code


def segment_code(r: int, f: int, m: int) -> int:
    """The segment code (1-based index into :data:`SEGMENTS`) of one (R, F, M) triple."""
    matches = [
        code
        for code, rule in enumerate(SEGMENT_RULES, start=1)
        if rule.matches(r, (f + m + 1) // 2)
    ]
    if len(matches) != 1:
        raise ValueError(f"RFM rule table matches ({r}, {f}, {m}) {len(matches)} times")
    return matches[0]


def segment_of(r: int, f: int, m: int) -> str:
    """The segment name of one (R, F, M) triple."""
    return SEGMENTS[segment_code(r, f, m) - 1]


def rfm_scores(recency_days: FloatArray, frequency: FloatArray, monetary: FloatArray) -> RfmScores:
    """Quintile scores and segments for customers who bought at least once.

    Parameters
    ----------
    recency_days
        Days since the last purchase (smaller is better).
    frequency
        Number of purchases.
    monetary
        Spend over the period.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus. The segment names follow the
    common eleven-segment RFM grid used in retail CRM practice.
    """
    r = quintile_scores(recency_days, higher_is_better=False)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    fm = fm_score(f, m)
    return RfmScores(r=r, f=f, m=m, fm=fm, segment=_GRID[r, fm])


NONE = "(none)"


@dataclass(frozen=True)
class Transition:
    """Customers moving from segment ``labels[i]`` (earlier) to ``labels[j]`` (later).

    ``(none)`` is the row for customers new in the later period and the column for customers
    gone from it.
    """

    labels: tuple[str, ...]
    counts: IntArray

    def share_staying(self) -> float:
        core = self.counts[: len(SEGMENTS), : len(SEGMENTS)]
        total = core.sum()
        return float(np.trace(core) / total) if total else 0.0


def transition_matrix(before: Mapping[str, str], after: Mapping[str, str]) -> Transition:
    """Count customers by (segment before, segment after); see :class:`Transition`."""
    labels = (*SEGMENTS, NONE)
    index = {name: i for i, name in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for customer in set(before) | set(after):
        i = index[before.get(customer, NONE)]
        j = index[after.get(customer, NONE)]
        counts[i, j] += 1
    return Transition(labels=labels, counts=counts)
