"""Experiments: a hypothesis tested by showing customers one of 2-4 variants and comparing a goal
read from the data the store already holds. The definition, its checks and its life (draft,
running, stopped), and the assignment of a customer to a variant. Pure.

Assignment follows GrowthBook's (its SDKs' ``hash`` version 2, ``getBucketRanges`` and
``chooseVariation``): a customer's place in ``[0, 1)`` is
``fnv1a32(str(fnv1a32(key + customer_id))) % 10000 / 10000`` (FNV-1a, 32 bits, over the
characters' codes as the JavaScript SDK reads them); the variants' weights, scaled to sum to 1,
cut ``[0, 1)`` into consecutive ranges, and the place falls in one. The same customer gets the
same variant in every process, store and SDK, without a lookup; a new experiment key reshuffles
everyone. Unlike GrowthBook, weights that do not sum to 1 are scaled, not replaced by equal ones,
and there is no partial coverage: every customer asked about is in the experiment.

References
----------
Fowler, Noll & Vo, FNV hash (IETF draft-eastlake-fnv): offset basis 2166136261, prime 16777619.
GrowthBook SDK, ``packages/sdk-js/src/util.ts`` (hash v1 and v2) and the shared test cases
``packages/sdk-js/test/cases.json`` (``hash``, ``getBucketRange``), pinned in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from opencx.core.errors import Conflict, InvalidInput
from opencx.journeys.domain.outcomes import WINDOW_DAYS

STATUSES: tuple[str, ...] = ("draft", "running", "stopped")
"""An experiment's life: defined, showing variants and recording exposures, done."""
MIN_VARIANTS, MAX_VARIANTS = 2, 4
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
EARLIEST, LATEST, LONGEST_DAYS = date(2000, 1, 1), date(2100, 1, 1), 3 * 366
FNV_OFFSET, FNV_PRIME, MASK32 = 2166136261, 16777619, 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Goal:
    """What an experiment is judged by, within ``window_days`` after a customer's exposure.

    ``kind`` ``proportion``: the share of exposed customers with an event of ``source`` (the
    outcomes the friction code knows: orders, low scores, cases); ``mean``: the mean per exposed
    customer of their orders' value (0 for those who bought nothing). ``bad``: lower is better.
    """

    name: str
    label: str
    kind: str  # proportion | mean
    source: str  # orders | low_scores | cases
    bad: bool
    description: str


GOALS: dict[str, Goal] = {
    g.name: g
    for g in (
        Goal(
            "conversion",
            "Conversion",
            "proportion",
            "orders",
            False,
            "a purchase (an order not cancelled) within the window after exposure",
        ),
        Goal(
            "revenue",
            "Revenue per exposed customer",
            "mean",
            "orders",
            False,
            "the merchandise value of the orders (not cancelled, in the experiment's currency) "
            "placed within the window after exposure, 0 for a customer who bought nothing",
        ),
        Goal(
            "low_score",
            "Low-score rate",
            "proportion",
            "low_scores",
            True,
            "a survey answer of an NPS detractor, or a CSAT or CES score below its scale's "
            "midpoint, within the window after exposure",
        ),
        Goal(
            "case",
            "Case rate",
            "proportion",
            "cases",
            True,
            "a helpdesk case opened within the window after exposure",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Variant:
    key: str
    name: str
    weight: float  # scaled to the variants' total: a share of customers


@dataclass(frozen=True, slots=True)
class Definition:
    """What is tested: ``variants[0]`` is the control, the others are compared with it."""

    key: str
    name: str
    hypothesis: str
    variants: tuple[Variant, ...]
    goal: str
    window_days: int
    start: date
    stop: date
    currency: str | None = None  # the revenue goal's: orders in other currencies are left out

    @property
    def goal_kind(self) -> Goal:
        return GOALS[self.goal]

    @property
    def control(self) -> Variant:
        return self.variants[0]

    @property
    def shares(self) -> tuple[float, ...]:
        """Each variant's expected share of exposures (weights scaled to sum to 1)."""
        total = sum(v.weight for v in self.variants)
        return tuple(v.weight / total for v in self.variants)


@dataclass(frozen=True, slots=True)
class Experiment:
    id: str
    definition: Definition
    status: str
    created_at: datetime
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    @property
    def key(self) -> str:
        return self.definition.key


def _field(data: Mapping[str, Any], name: str, kind: type, where: str = "") -> Any:
    if name not in data or data[name] is None:
        raise InvalidInput(f"{where}{name}: required")
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        shown = "text" if kind is str else "a whole number"
        raise InvalidInput(f"{where}{name}: expected {shown}, not {type(value).__name__}")
    return value


def _text(data: Mapping[str, Any], name: str, longest: int, where: str = "") -> str:
    value = _field(data, name, str, where).strip()
    if not value or len(value) > longest:
        raise InvalidInput(f"{where}{name}: 1 to {longest} characters")
    return str(value)


def _key(value: str, name: str) -> str:
    if not KEY.match(value):
        raise InvalidInput(
            f"{name} {value!r}: lower-case letters, digits, '-' and '_', starting with a letter "
            "or digit, at most 60"
        )
    return value


def _date(data: Mapping[str, Any], name: str) -> date:
    value = data.get(name)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InvalidInput(f"{name}: required, a date like 2026-12-01")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} {value!r}: expected a date like 2026-12-01") from None


def _variant(raw: object, i: int) -> Variant:
    where = f"variants[{i}]"
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: expected an object with key, name and weight")
    key = _key(_text(raw, "key", 60, f"{where}.").lower(), f"{where}.key")
    name = str(raw.get("name") or key).strip()[:200]
    weight = raw.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 100:
        raise InvalidInput(f"{where}.weight {weight!r}: a number above 0, at most 100")
    return Variant(key, name, float(weight))


def _variants(raw: object) -> tuple[Variant, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise InvalidInput("variants: required, a list of 2 to 4 objects")
    if not MIN_VARIANTS <= len(raw) <= MAX_VARIANTS:
        raise InvalidInput(f"variants: {len(raw)} given, an experiment has 2 to 4")
    variants = tuple(_variant(v, i) for i, v in enumerate(raw))
    if len({v.key for v in variants}) < len(variants):
        raise InvalidInput("variants: each variant's key must differ from the others'")
    return variants


def _currency(goal: str, currency: object) -> str | None:
    if goal != "revenue":
        if currency is not None:
            raise InvalidInput("currency: only the revenue goal takes one")
        return None
    if not isinstance(currency, str) or not CURRENCY.match(currency.upper()):
        raise InvalidInput("currency: required for the revenue goal, a code like EUR")
    return currency.upper()


def parse_definition(data: Mapping[str, Any]) -> Definition:
    """A definition from JSON-like data, else :class:`InvalidInput` naming the field.

    >>> d = parse_definition({"key": "free-ship", "name": "Free shipping banner",
    ...     "hypothesis": "A banner lifts conversion", "goal": "conversion", "window_days": 14,
    ...     "start": "2026-12-01", "stop": "2027-01-01",
    ...     "variants": [{"key": "control"}, {"key": "banner", "weight": 1}]})
    >>> d.control.key, d.shares
    ('control', (0.5, 0.5))
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("the definition: expected a JSON object")
    known = set(Definition.__dataclass_fields__)
    if unknown := sorted(set(data) - known):
        raise InvalidInput(f"{unknown[0]}: unknown field (the fields: {', '.join(sorted(known))})")
    key = _key(_text(data, "key", 60), "key")
    variants = _variants(data.get("variants"))
    goal = _field(data, "goal", str)
    if goal not in GOALS:
        raise InvalidInput(f"goal {goal!r}: one of {', '.join(GOALS)}")
    window = _field(data, "window_days", int)
    if window not in WINDOW_DAYS:
        raise InvalidInput(f"window_days {window}: one of {', '.join(map(str, WINDOW_DAYS))}")
    start, stop = _date(data, "start"), _date(data, "stop")
    if stop <= start:
        raise InvalidInput(f"stop {stop}: must come after start {start}")
    if start < EARLIEST or stop > LATEST or (stop - start).days > LONGEST_DAYS:
        raise InvalidInput(
            f"start {start}, stop {stop}: between {EARLIEST} and {LATEST}, at most "
            f"{LONGEST_DAYS} days apart"
        )
    currency = _currency(goal, data.get("currency"))
    return Definition(
        key,
        _text(data, "name", 200),
        _text(data, "hypothesis", 2000),
        variants,
        goal,
        window,
        start,
        stop,
        currency,
    )


def started(experiment: Experiment, now: datetime) -> Experiment:
    """The experiment running from ``now``: only a draft starts."""
    if experiment.status != "draft":
        raise Conflict(f"experiment {experiment.key} is {experiment.status}: only a draft starts")
    return Experiment(experiment.id, experiment.definition, "running", experiment.created_at, now)


def stopped(experiment: Experiment, now: datetime) -> Experiment:
    """The experiment stopped at ``now``: only a running one stops (no exposure after)."""
    if experiment.status != "running":
        raise Conflict(
            f"experiment {experiment.key} is {experiment.status}: only a running one stops"
        )
    e = experiment
    return Experiment(e.id, e.definition, "stopped", e.created_at, e.started_at, now)


def check_exposable(experiment: Experiment, now: datetime) -> None:
    """An exposure is recorded only while the experiment runs, between its start and stop."""
    d = experiment.definition
    if experiment.status != "running":
        raise Conflict(
            f"experiment {d.key} is {experiment.status}: customers are assigned only while it runs"
        )
    if not d.start <= now.date() < d.stop:
        raise Conflict(f"experiment {d.key} runs from {d.start} until {d.stop}, not on {now:%F}")


# --- assignment (GrowthBook's hash v2 and bucket ranges) -------------------------------------


def fnv1a32(text: str) -> int:
    """32-bit FNV-1a over the characters' codes (as GrowthBook's JavaScript SDK).

    >>> fnv1a32(""), fnv1a32("a")
    (2166136261, 3826002220)
    """
    h = FNV_OFFSET
    for ch in text:
        h = ((h ^ ord(ch)) * FNV_PRIME) & MASK32
    return h


def place(seed: str, value: str, version: int = 2) -> float:
    """A value's place in ``[0, 1)`` for ``seed`` (GrowthBook's ``hash``): version 2 (4 decimals,
    rehashed so similar ids spread), or the original version 1 (3 decimals).

    >>> place("seed", "a"), place("", "a", 1)
    (0.0505, 0.22)
    """
    if version == 1:
        return (fnv1a32(value + seed) % 1000) / 1000
    return (fnv1a32(str(fnv1a32(seed + value))) % 10000) / 10000


def bucket_ranges(shares: Sequence[float]) -> list[tuple[float, float]]:
    """Consecutive ranges of ``[0, 1)``, one per variant, as wide as its share.

    >>> bucket_ranges([0.2, 0.3, 0.5])
    [(0.0, 0.2), (0.2, 0.5), (0.5, 1.0)]
    """
    ranges, low = [], 0.0
    for share in shares:
        ranges.append((low, round(low + share, 12)))
        low = ranges[-1][1]
    return ranges


def choose(n: float, ranges: Sequence[tuple[float, float]]) -> int:
    """The index of the range holding ``n`` (the last when rounding leaves ``n`` past them)."""
    for i, (low, high) in enumerate(ranges):
        if low <= n < high:
            return i
    return len(ranges) - 1


def assign(definition: Definition, customer_id: str) -> Variant:
    """The customer's variant: stable for the experiment's key and the customer's id."""
    n = place(definition.key, customer_id)
    return definition.variants[choose(n, bucket_ranges(definition.shares))]
