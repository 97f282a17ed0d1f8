"""How numbers read on a page: one place for thousands, decimals, percentages, money and changes.

Every template gets these as filters (``{{ x | number(2) }}``, ``{{ share | percent }}``,
``{{ v | money(currency) }}``, ``{{ x | readable }}``, ``{{ key | label }}``) and the pages build
change and unit text with :func:`change_text` and :func:`unit_text`. Nothing here prints
e-notation or a 15-digit float: a value is shown to the digits that mean something, NaN and
infinities as a dash. Pure standard library, so a service (a CSV export) may use it too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "DASH",
    "Change",
    "change_text",
    "label",
    "money",
    "number",
    "percent",
    "readable",
    "unit_text",
]

DASH = "–"
THIN = "\u2009"  # thousands separator: a thin space reads in every locale
MINUS = "-"  # ASCII, so copied numbers paste into a spreadsheet

Number = int | float | Decimal


def _finite(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def number(value: Number | None, digits: int = 0, *, sign: bool = False) -> str:
    """``1 234 567`` (thin-space thousands), ``digits`` decimals; a dash for None and NaN.

    >>> number(1234567.891, 2)
    '1 234 567.89'
    """
    f = _finite(value)
    if f is None:
        return DASH
    digits = max(0, min(int(digits), 12))
    exact = abs(value) if isinstance(value, Decimal) else abs(f)
    text = f"{exact:,.{digits}f}"
    text = text.replace(",", THIN)
    negative = f < 0 and text.strip("0.\u2009") != ""
    if negative:
        return MINUS + text
    return ("+" + text) if sign and text.strip("0.\u2009") != "" else text


def readable(value: Number | None, significant: int = 3) -> str:
    """A measured number at the precision that means something, never in e-notation.

    Whole numbers stay whole (``447``), others keep ``significant`` significant digits
    but at least the integer part (``447.66309`` → ``448``, ``92.958`` → ``93.0``,
    ``0.0001234`` → ``0.000123``). Very large numbers get thousands separators.
    """
    f = _finite(value)
    if f is None:
        return DASH
    if f == 0:
        return "0"
    if float(f).is_integer() and abs(f) < 1e15:
        return number(f, 0)
    magnitude = math.floor(math.log10(abs(f)))
    digits = max(0, significant - 1 - magnitude)
    return number(f, min(digits, 12))


def percent(share: Number | None, digits: int = 1, *, points: bool = False) -> str:
    """A share 0..1 as a percentage: ``0.1234`` → ``12.3%``; ``points=True`` takes a value
    already in percent (``12.34`` → ``12.3%``)."""
    f = _finite(share)
    if f is None:
        return DASH
    return number(f if points else f * 100, digits) + "%"


def money(value: Number | None, currency: str | None = None, digits: int = 0) -> str:
    """``188 699 EUR``: the amount with the data's ISO currency code (none when unknown)."""
    text = number(value, digits)
    if text == DASH or not currency:
        return text
    return f"{text} {currency}"


CURRENCY_UNIT = "currency"
"""The unit a money metric declares; pages show the data's currency code instead."""


def unit_text(unit: str, currencies: tuple[str, ...] | list[str] = ()) -> str:
    """A metric's unit as a reader sees it: the currency code of the data for money.

    Several currencies cannot be added up: say so rather than print a sum of mixed money.
    """
    if unit != CURRENCY_UNIT:
        return unit
    codes = sorted({c for c in currencies if c})
    if len(codes) == 1:
        return codes[0]
    if not codes:
        return "(no currency in the data)"
    return f"mixed {'/'.join(codes)}: break down by currency"


@dataclass(frozen=True, slots=True)
class Change:
    """A change between two periods, said in words: ``▲ +4.1 pts vs 2026-09``."""

    text: str
    arrow: str  # ▲, ▼ or → (no change)
    tone: str  # good, bad or neutral (by the metric's direction)
    against: str | None
    significant: bool

    @property
    def words(self) -> str:
        tail = f" vs {self.against}" if self.against else ""
        return f"{self.arrow} {self.text}{tail}"


def change_text(
    delta: Number | None,
    *,
    unit: str = "",
    against: str | None = None,
    higher_is_better: bool = True,
    p_value: float | None = None,
    digits: int = 1,
) -> Change | None:
    """The change ``delta`` (this period minus ``against``) with its direction and tone.

    Percent metrics change in percentage points (``pts``), not percent. ``tone`` is good when
    the metric moved the way it should and the move is significant at 5% (when a p-value is
    known), bad for a significant move the wrong way, neutral otherwise.
    """
    f = _finite(delta)
    if f is None:
        return None
    shown = number(f, digits, sign=True)
    if shown.lstrip("+" + MINUS).strip("0.") == "":
        arrow, tone = "→", "neutral"
        shown = number(0, digits)
    else:
        arrow = "▲" if f > 0 else "▼"
        tone = "good" if (f > 0) == higher_is_better else "bad"
    significant = p_value is None or (_finite(p_value) is not None and p_value < 0.05)
    if not significant:
        tone = "neutral"
    suffix = {"%": " pts", "points": " pts", "": ""}.get(unit, f" {unit}")
    return Change(shown + suffix, arrow, tone, against, significant)


LABELS: dict[str, str] = {
    "rfm_segment": "RFM segment",
    "clv_12m": "12-month CLV",
    "p_alive": "P(alive): still a customer",
    "churn_risk": "Churn risk",
    "nbo": "Next best offer score",
    "persona": "Persona",
    "loyal_type": "Loyal-customer type",
    "nps": "NPS",
    "csat": "CSAT",
    "ces": "CES",
    "nps_latest": "Latest NPS answer (0–10)",
    "recency_days": "Days since last purchase",
    "tenure_days": "Days since first purchase",
    "interactions_90d": "Interactions in the last 90 days",
    "interactions_total": "Interactions, all time",
    "campaign_engagement_90d": "Campaign engagement, last 90 days",
    "responses_total": "Survey answers, all time",
    "frequency": "Repeat purchases",
    "monetary": "Average order value",
    "language": "Language",
    "segment": "Segment",
    "country": "Country",
    "channel": "Channel",
    "currency": "Currency",
}
"""Readable names for the keys that appear on pages (attributes, features, score kinds)."""


def label(key: object) -> str:
    """``rfm_segment`` → ``RFM segment``; an unknown ``snake_key`` → ``Snake key``."""
    text = str(key)
    bare = text.removeprefix("attr_").removeprefix("attributes.")
    if text in LABELS:
        return LABELS[text]
    if bare in LABELS:
        return LABELS[bare]
    words = bare.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else text
