"""Tiers: qualification kept apart from the spendable balance, with entry, retain, re-entry.

A member qualifies on points *earned* (not the balance), spend, or purchase count, counted over
their lifetime, the calendar year, or the rolling 12 months. Reaching a tier's ``entry``
threshold (or ``re_entry`` for a tier held before) moves the member up; staying at or above
``retain`` keeps the tier; falling below it moves the member down by the ``downgrade`` policy:
``one_level``, ``to_qualified`` (the highest tier whose retain threshold is met) or ``never``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.core.money import to_decimal

BASES = ("points", "spend", "orders")
WINDOWS = ("lifetime", "calendar_year", "rolling_12m")
DOWNGRADES = ("one_level", "to_qualified", "never")


@dataclass(frozen=True, slots=True)
class Tier:
    key: str
    name: str
    entry: Decimal
    retain: Decimal
    re_entry: Decimal | None = None
    multiplier: Decimal = Decimal(1)  # on points earned from orders
    benefits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TierPolicy:
    tiers: tuple[Tier, ...] = ()  # lowest first
    basis: str = "points"
    window: str = "rolling_12m"
    downgrade: str = "one_level"

    def get(self, key: str | None) -> Tier | None:
        return next((t for t in self.tiers if t.key == key), None)

    def rank(self, key: str | None) -> int:
        return next((i for i, t in enumerate(self.tiers) if t.key == key), -1)

    def document(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "window": self.window,
            "downgrade": self.downgrade,
            "levels": [
                {
                    "key": t.key,
                    "name": t.name,
                    "entry": f"{t.entry:f}",
                    "retain": f"{t.retain:f}",
                    "re_entry": None if t.re_entry is None else f"{t.re_entry:f}",
                    "multiplier": f"{t.multiplier:f}",
                    "benefits": list(t.benefits),
                }
                for t in self.tiers
            ],
        }


def window_start(window: str, now: datetime) -> datetime | None:
    """Where a qualification window opens (None: lifetime)."""
    if window == "calendar_year":
        return datetime(now.astimezone(UTC).year, 1, 1, tzinfo=UTC)
    if window == "rolling_12m":
        return now - timedelta(days=365)
    return None


def evaluate_tier(
    policy: TierPolicy, current: str | None, value: Decimal, held_before: Collection[str] = ()
) -> str | None:
    """The tier a member holds after an evaluation with qualifying ``value``."""
    reached = -1
    for i, tier in enumerate(policy.tiers):
        threshold = tier.entry
        if tier.key in held_before and tier.re_entry is not None:
            threshold = tier.re_entry
        if value >= threshold:
            reached = i
    now_rank = policy.rank(current)
    if reached >= now_rank:
        return policy.tiers[reached].key if reached >= 0 else None
    if value >= policy.tiers[now_rank].retain or policy.downgrade == "never":
        return current
    if policy.downgrade == "one_level":
        rank = max(now_rank - 1, reached)
    else:
        retained = [i for i, t in enumerate(policy.tiers) if value >= t.retain]
        rank = max([reached, *retained[:now_rank]])
    return policy.tiers[rank].key if rank >= 0 else None


def _tier(raw: Any, i: int) -> Tier:
    where = f"tiers.levels[{i}]"
    if not isinstance(raw, Mapping) or "key" not in raw or "entry" not in raw:
        raise InvalidInput(f"{where}: expected {{'key': ..., 'entry': N, 'retain': N, ...}}")
    entry = to_decimal(raw["entry"], where=f"{where}.entry")
    retain = to_decimal(raw.get("retain", raw["entry"]), where=f"{where}.retain")
    re_entry = raw.get("re_entry")
    return Tier(
        key=str(raw["key"]),
        name=str(raw.get("name", raw["key"])),
        entry=entry,
        retain=retain,
        re_entry=None if re_entry is None else to_decimal(re_entry, where=f"{where}.re_entry"),
        multiplier=to_decimal(raw.get("multiplier", 1), where=f"{where}.multiplier"),
        benefits=tuple(str(b) for b in raw.get("benefits", ())),
    )


def _refuse(bad: bool, sentence: str) -> None:
    if bad:
        raise InvalidInput(sentence)


def tier_order_checks(policy: TierPolicy) -> Iterator[Callable[[], object]]:
    """The order of ``policy``'s thresholds: each tier's ``retain`` at most its ``entry``, each
    tier's ``entry`` above the one below's. Each check raises InvalidInput naming the first
    pair out of order; refused where a program is set, named out of range where a stored one
    is read (``program_faults``), and the tier job evaluates no member under them."""
    for i, tier in enumerate(policy.tiers):
        yield partial(
            _refuse,
            tier.retain > tier.entry,
            f"tiers.levels[{i}].retain: must not be above entry ({tier.retain} > {tier.entry})",
        )
    for lower, higher in itertools.pairwise(policy.tiers):
        yield partial(
            _refuse,
            higher.entry <= lower.entry,
            f"tiers.levels: {higher.key!r} must need more than {lower.key!r}",
        )


def _choice(raw: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
    value = str(raw.get(key, options[0] if key != "window" else "rolling_12m"))
    if value not in options:
        raise InvalidInput(f"tiers.{key}: {value!r} is not one of {', '.join(options)}")
    return value


def parse_tiers(raw: Mapping[str, Any]) -> TierPolicy:
    if not isinstance(raw, Mapping):
        raise InvalidInput("program.tiers: expected a mapping")
    # the thresholds' order: tier_order_checks (a stored program is read as it is)
    tiers = tuple(_tier(t, i) for i, t in enumerate(raw.get("levels", [])))
    if len({t.key for t in tiers}) != len(tiers):
        raise InvalidInput("tiers.levels: keys must be unique")
    return TierPolicy(
        tiers,
        _choice(raw, "basis", BASES),
        _choice(raw, "window", WINDOWS),
        _choice(raw, "downgrade", DOWNGRADES),
    )
