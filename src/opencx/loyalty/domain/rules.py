"""Earning rules: points per currency unit, category and product multipliers, event awards, caps.

An order's points are the sum over its merchandise lines of ``value * points_per_unit *
multiplier`` (a product multiplier wins over its category's), times the member's tier and plan
multipliers, floored once at the end. Event rules (review, referral, survey answered,
birthday, app download, ...) give fixed points, at most ``cap`` awards per ``period``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal, localcontext
from typing import Any

from opencx.core.errors import InvalidInput
from opencx.core.money import EXACT, to_decimal
from opencx.loyalty.domain.ledger import OutOfRange

PERIODS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class EventRule:
    points: int
    cap: int | None = None  # at most this many awards of this kind per period
    period: str = "year"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A merchandise line as loyalty sees it: its value in the order's currency."""

    sku: str | None
    category: str | None
    value: Decimal


@dataclass(frozen=True, slots=True)
class EarningRules:
    points_per_unit: Decimal = Decimal(1)
    categories: Mapping[str, Decimal] = field(default_factory=dict)
    products: Mapping[str, Decimal] = field(default_factory=dict)
    events: Mapping[str, EventRule] = field(default_factory=dict)

    def multiplier(self, line: OrderLine) -> Decimal:
        if line.sku is not None and line.sku in self.products:
            return self.products[line.sku]
        if line.category is not None and line.category in self.categories:
            return self.categories[line.category]
        return Decimal(1)

    def document(self) -> dict[str, Any]:
        return {
            "points_per_unit": f"{self.points_per_unit:f}",
            "categories": {k: f"{v:f}" for k, v in self.categories.items()},
            "products": {k: f"{v:f}" for k, v in self.products.items()},
            "events": {
                k: {"points": r.points, "cap": r.cap, "period": r.period}
                for k, r in self.events.items()
            },
        }


def exact_product(factors: Iterable[Decimal]) -> Decimal:
    """The product of ``factors`` (1 for none), every digit kept (:data:`EXACT`): a tier's
    multiplier times a plan's, each under 10^12 with any number of decimals.

    >>> exact_product([Decimal("1.000000000000001"), Decimal("0.999999999999999")])
    Decimal('0.999999999999999999999999999999')
    """
    product = Decimal(1)
    with localcontext(EXACT):
        for factor in factors:
            product *= factor
    return product


def order_points(
    rules: EarningRules, lines: Iterable[OrderLine], *, multiplier: Decimal = Decimal(1)
) -> int:
    """Points for an order's positive merchandise lines (returns are reversed separately):
    ``value × points_per_unit × its multiplier`` summed, times ``multiplier``, floored once,
    exactly (:data:`EXACT`; whatever the digits of the amounts and the multipliers).
    :class:`~opencx.loyalty.domain.ledger.OutOfRange` naming the rate when one the order's
    lines take, or ``multiplier``, is negative (a program stored out of range: it earns
    nothing, and the order's earn is refused until the program is set right).

    >>> order_points(EarningRules(Decimal(2)), [OrderLine("a", None, Decimal("10.49"))])
    20
    >>> mug = EarningRules(products={"MUG": Decimal("1.000000000000001")})
    >>> order_points(mug, [OrderLine("MUG", None, Decimal("99999999999.9999"))])
    99999999999
    """
    bought = [line for line in lines if line.value > 0]
    _check_rates(rules, bought, multiplier)
    with localcontext(EXACT):
        raw = sum(
            (line.value * rules.points_per_unit * rules.multiplier(line) for line in bought),
            Decimal(0),
        )
        points = (raw * multiplier).to_integral_value(rounding=ROUND_FLOOR)
    return max(int(points), 0)


def _check_rates(rules: EarningRules, lines: list[OrderLine], multiplier: Decimal) -> None:
    """OutOfRange naming the first negative rate ``lines`` take (a stored program's)."""
    if not lines:
        return
    rates = [("earning.points_per_unit", rules.points_per_unit)]
    for line in lines:
        if line.sku is not None and line.sku in rules.products:
            rates.append((f"earning.products.{line.sku}", rules.products[line.sku]))
        elif line.category is not None and line.category in rules.categories:
            rates.append((f"earning.categories.{line.category}", rules.categories[line.category]))
    rates.append(("the member's tier and plan multiplier", multiplier))
    for where, rate in rates:
        if rate < 0:
            raise OutOfRange(f"{where}: {rate} is out of range (a rate must not be negative)")


def period_start(at: datetime, period: str) -> datetime:
    """Start of the cap period holding ``at`` (UTC; weeks start on Monday)."""
    at = at.astimezone(UTC)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day
    if period == "week":
        from datetime import timedelta

        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def event_points(rule: EventRule, awarded_in_period: int) -> int:
    """Points for one more event of a kind, given how many were awarded this period."""
    if rule.cap is not None and awarded_in_period >= rule.cap:
        return 0
    return rule.points


def _multipliers(raw: Any, where: str) -> dict[str, Decimal]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: expected a mapping of name to multiplier")
    return {str(k): to_decimal(v, where=f"{where}.{k}") for k, v in raw.items()}


def _event_rule(name: str, raw: Any) -> EventRule:
    where = f"earning.events.{name}"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("points"), int):
        raise InvalidInput(f"{where}: expected {{'points': N, 'cap': N, 'period': ...}}")
    period = str(raw.get("period", "year"))
    if period not in PERIODS:
        raise InvalidInput(f"{where}.period: {period!r} is not one of {', '.join(PERIODS)}")
    cap = raw.get("cap")
    if cap is not None and (not isinstance(cap, int) or cap < 0):
        raise InvalidInput(f"{where}.cap: expected a whole number >= 0 or null")
    if raw["points"] <= 0:
        raise InvalidInput(f"{where}.points: must be positive")
    return EventRule(int(raw["points"]), cap, period)


def parse_rules(raw: Mapping[str, Any]) -> EarningRules:
    if not isinstance(raw, Mapping):
        raise InvalidInput("program.earning: expected a mapping")
    # a negative rate is refused where a program is set (check_program_points), and named
    # out of range where a stored one is read (program_faults): read here as it is
    per_unit = to_decimal(raw.get("points_per_unit", 1), where="earning.points_per_unit")
    events = raw.get("events", {})
    if not isinstance(events, Mapping):
        raise InvalidInput("earning.events: expected a mapping of event kind to rule")
    return EarningRules(
        per_unit,
        _multipliers(raw.get("categories", {}), "earning.categories"),
        _multipliers(raw.get("products", {}), "earning.products"),
        {str(k): _event_rule(str(k), v) for k, v in events.items()},
    )
