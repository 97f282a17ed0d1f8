"""Loyal-customer types: why a customer keeps coming back, from documented rules.

Five types after Dick & Basu (1994) and the common CX practice that splits behavioural loyalty by
its cause: *truly loyal* (buys often, for long, recommends, pays full price), *loyalty-program*
(stays for the programme), *bargain* (stays for the discounts), *convenience* (one handy channel,
buys often but does not recommend) and *satisfied* (happy, not yet loyal). Rules are checked in
that order and the first whose conditions all hold wins; a customer matching none is
``unclassified``. The reason shown per customer is the rule that fired with its values
(``docs/models/loyalty-types.md`` has the table).

References
----------
Dick, A. S. & Basu, K. (1994). Customer loyalty: toward an integrated conceptual framework.
*Journal of the Academy of Marketing Science* 22(2), 99–113.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "LOYAL_TYPES",
    "RULES",
    "Condition",
    "LoyalType",
    "LoyalTypeRule",
    "classify",
    "classify_frame",
    "loyalty_inputs",
]

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
}


@dataclass(frozen=True, slots=True)
class Condition:
    """``value(feature) <op> threshold``; a missing value never satisfies a condition."""

    feature: str
    op: str
    threshold: float
    label: str

    def holds(self, value: float | None) -> bool:
        if value is None or math.isnan(value):
            return False
        return OPS[self.op](value, self.threshold)

    def explain(self, value: float | None) -> str:
        shown = "n/a" if value is None or math.isnan(value) else f"{value:.3g}"
        return f"{self.label} {shown} {self.op} {self.threshold:g}"


@dataclass(frozen=True, slots=True)
class LoyalTypeRule:
    type: str
    conditions: tuple[Condition, ...]
    meaning: str


@dataclass(frozen=True, slots=True)
class LoyalType:
    """A customer's type, the rule that fired and the values that made it fire."""

    type: str
    code: int
    reason: str
    values: dict[str, float | None]


RULES: tuple[LoyalTypeRule, ...] = (
    LoyalTypeRule(
        "truly loyal",
        (
            Condition("tenure_days", ">=", 365, "tenure days"),
            Condition("frequency", ">=", 4, "purchases"),
            Condition("nps_latest", ">=", 9, "NPS"),
            Condition("discount_share", "<=", 0.3, "discounted share"),
        ),
        "buys often, for long, recommends and pays full price",
    ),
    LoyalTypeRule(
        "loyalty-program",
        (
            Condition("loyalty_member", ">=", 1, "programme member"),
            Condition("frequency", ">=", 2, "purchases"),
        ),
        "repeat buyer who is active in the loyalty programme",
    ),
    LoyalTypeRule(
        "bargain",
        (
            Condition("discount_share", ">=", 0.5, "discounted share"),
            Condition("frequency", ">=", 2, "purchases"),
        ),
        "repeat buyer mostly on discount: price-sensitive",
    ),
    LoyalTypeRule(
        "convenience",
        (
            Condition("main_channel_share", ">=", 0.8, "main-channel share"),
            Condition("frequency", ">=", 3, "purchases"),
            Condition("nps_or_zero", "<=", 8, "NPS (none = 0)"),
        ),
        "buys often through one handy channel but does not recommend",
    ),
    LoyalTypeRule(
        "satisfied",
        (
            Condition("satisfaction", ">=", 7, "NPS or CSAT×2"),
            Condition("frequency", ">=", 1, "purchases"),
        ),
        "happy with the experience but not (yet) loyal",
    ),
)
UNCLASSIFIED = "unclassified"
LOYAL_TYPES: tuple[str, ...] = (*(r.type for r in RULES), UNCLASSIFIED)


def classify(
    values: Mapping[str, float | None], rules: Sequence[LoyalTypeRule] = RULES
) -> LoyalType:
    """The first rule whose conditions all hold, with its reason; else ``unclassified``."""
    for code, rule in enumerate(rules, start=1):
        if all(c.holds(values.get(c.feature)) for c in rule.conditions):
            used = {c.feature: values.get(c.feature) for c in rule.conditions}
            reason = f"{rule.type}: " + "; ".join(
                c.explain(values.get(c.feature)) for c in rule.conditions
            )
            return LoyalType(rule.type, code, reason, used)
    return LoyalType(UNCLASSIFIED, len(rules) + 1, "no rule matched", {})


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return pd.to_numeric(frame[name], errors="coerce")
    return pd.Series(np.nan, index=frame.index)


def loyalty_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """The rule inputs derived from a feature frame.

    ``loyalty_member`` is 1 when ``attributes.loyalty_member`` is true or any ``attributes.points*``
    value is positive; ``main_channel_share`` is the largest of the app/web/store shares;
    ``satisfaction`` is the latest NPS, else twice the latest CSAT (1–5 → 2–10).
    """
    out = pd.DataFrame(index=frame.index)
    for name in ("tenure_days", "frequency", "nps_latest", "discount_share"):
        out[name] = _column(frame, name)
    member = _column(frame, "attr_loyalty_member").fillna(0) > 0
    for col in frame.columns:
        if col.startswith("attr_points"):
            member |= _column(frame, col).fillna(0) > 0
    out["loyalty_member"] = member.astype(float)
    shares = pd.concat([_column(frame, f"share_{c}") for c in ("app", "web", "store")], axis=1)
    out["main_channel_share"] = shares.max(axis=1)
    out["nps_or_zero"] = out["nps_latest"].fillna(0.0)
    out["satisfaction"] = out["nps_latest"].fillna(2 * _column(frame, "csat_latest"))
    return out


def classify_frame(frame: pd.DataFrame) -> list[LoyalType]:
    """Classify every row of a feature frame (see :func:`loyalty_inputs`)."""
    inputs = loyalty_inputs(frame)
    records = inputs.to_dict(orient="records")
    return [classify({str(k): _num(v) for k, v in rec.items()}) for rec in records]


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out
