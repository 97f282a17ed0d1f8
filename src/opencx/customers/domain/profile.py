"""The 360 profile: derived facts folded from the rows the store fetches for one person.

Revenue, purchases and average order value follow the one definition of an order's value in
:mod:`opencx.metrics.domain.order_value`: merchandise only (postage and fees excluded), net of
returns and cancellations, which are negative lines; a purchase is an order that is not cancelled
and sells merchandise. Average order value is revenue over purchases, per currency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from opencx.core import Money
from opencx.customers.domain.identity import normalise_email, normalise_phone
from opencx.customers.domain.sealing import BLIND_PREFIX
from opencx.metrics.domain.order_value import OrderTotals, order_totals, purchase

CLOSED_CASE_STATUSES = frozenset({"resolved", "closed", "cancelled", "merged"})
SCORED_TYPES = ("nps", "csat", "ces")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Customer:
    """One ``customers`` row."""

    id: str
    source: str
    external_id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str | None
    country: str | None
    created_at: datetime
    attributes: Mapping[str, Any] = field(default_factory=dict)
    consent_email: bool = False
    consent_sms: bool = False
    consent_surveys: bool = False
    merged_into: str | None = None
    erased_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """One ``identities`` row. With crypto-shredding on, an email's or phone's ``value`` is its
    blind index (a keyed hash); ``known`` is then the value it stands for when the profile
    holds it (:func:`known_identities`)."""

    kind: str
    value: str
    source: str
    created_at: datetime
    known: str | None = None

    @property
    def hashed(self) -> bool:
        return self.value.startswith(BLIND_PREFIX)

    @property
    def readable(self) -> str | None:
        """What a person can read: the value, or for a blind index the value it stands for
        when known (None: only the hash is held)."""
        return self.known if self.hashed else self.value


def known_identities(
    identities: Iterable[Identity],
    members: Iterable[Customer],
    blind: Callable[[str, str], str],
    default_country: str | None = None,
) -> tuple[Identity, ...]:
    """``identities`` with each blind-indexed email or phone given the value it stands for,
    when a customer of the group (``members``, their contact fields opened) still holds it;
    ``blind(kind, normalised)`` is the vault's blind index."""
    known: dict[tuple[str, str], str] = {}
    for c in members:
        email = normalise_email(c.email)
        phone = normalise_phone(c.phone, c.country or default_country)
        for kind, value in (("email", email), ("phone", phone)):
            if value is not None:
                known[(kind, blind(kind, value))] = value
    return tuple(
        replace(i, known=known.get((i.kind, i.value))) if i.hashed else i for i in identities
    )


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: str
    source: str
    external_id: str
    placed_at: datetime
    channel: str
    status: str
    currency: str


@dataclass(frozen=True, slots=True)
class LineRow:
    order_id: str
    quantity: int
    unit_price: Decimal
    discount: Decimal
    is_merchandise: bool

    @property
    def net(self) -> Decimal:
        return self.quantity * self.unit_price - self.discount


@dataclass(frozen=True, slots=True)
class OrderValue:
    """Totals of one order from its lines: ``total`` over every line (postage and fees too),
    ``merchandise`` its value, ``is_purchase`` whether it sold merchandise (a purchase unless
    the order is cancelled)."""

    total: Decimal
    merchandise: Decimal
    is_purchase: bool


@dataclass(frozen=True, slots=True)
class Activity:
    """A tally of contacts: ``source`` is interaction, case or case_event."""

    source: str
    channel: str | None
    status: str | None
    count: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class ScoredAnswer:
    question_type: str
    score: int
    submitted_at: datetime
    response_id: str


@dataclass(frozen=True, slots=True)
class ModelScore:
    kind: str
    value: float | None
    model: str
    model_run_id: str
    fitted_at: datetime
    note: str | None = None  # readable label or reasons, from the score's details


def score_note(details: Mapping[str, Any] | None) -> str | None:
    """A readable line from a score's ``details``: its label, top reasons or offered products.

    >>> score_note({"name": "Champions"})
    'Champions'
    >>> score_note({"products": [{"name": "Tea"}, {"name": "Mug"}]})
    'Tea, Mug'
    """
    if not details:
        return None
    parts: list[str] = []
    if details.get("name"):
        parts.append(str(details["name"]))
    if details.get("reason"):
        parts.append(str(details["reason"]))
    reasons = details.get("reasons") or []
    if reasons:
        parts.append("; ".join(_reason_text(r) for r in reasons[:3]))
    products = details.get("products") or []
    if products:
        parts.append(", ".join(str(p.get("name") or p.get("product_id")) for p in products[:5]))
    return " — ".join(parts) or None


def _reason_text(reason: Any) -> str:
    if not isinstance(reason, Mapping):
        return str(reason)
    feature = str(reason.get("feature", "?")).removeprefix("attr_").replace("_", " ")
    value, typical = reason.get("value"), reason.get("typical")
    if isinstance(value, int | float) and isinstance(typical, int | float):
        return f"{feature} {_short(value)} (typical {_short(typical)})"
    return f"{feature} {value}"


def _short(x: float) -> str:
    """Three significant digits without e-notation: ``447.66`` → ``448``, ``12345.6`` →
    ``12,346``, ``0.00012`` → ``0.00012``."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.3g}"
    return f"{x:.6f}".rstrip("0").rstrip(".") if "e" in text else text


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the 360 page shows about one (surviving) customer."""

    customer: Customer
    identities: tuple[Identity, ...]
    merged_ids: tuple[str, ...]
    first_purchase: datetime | None
    last_purchase: datetime | None
    orders: int
    revenue: tuple[Money, ...]
    average_order_value: tuple[Money, ...]
    channels: tuple[str, ...]
    last_contact: datetime | None
    latest: tuple[ScoredAnswer, ...]
    open_cases: int
    scores: tuple[ModelScore, ...]

    def latest_score(self, question_type: str) -> ScoredAnswer | None:
        return next((a for a in self.latest if a.question_type == question_type), None)


def order_values(lines: Iterable[LineRow]) -> dict[str, OrderValue]:
    """Amount on every line (``total``, shown on the timeline), merchandise value and whether
    merchandise was sold, for every order that has lines."""
    rows = list(lines)
    merch = order_totals(rows)
    total: dict[str, Decimal] = {}
    for line in rows:
        total[line.order_id] = total.get(line.order_id, Decimal(0)) + line.net
    return {
        oid: OrderValue(
            amount,
            merch[oid].value if oid in merch else Decimal(0),
            oid in merch and merch[oid].units > 0,
        )
        for oid, amount in total.items()
    }


def _commerce(
    orders: Sequence[OrderRow], totals: Mapping[str, OrderTotals]
) -> tuple[list[datetime], tuple[Money, ...], tuple[Money, ...]]:
    revenue: dict[str, Decimal] = {}
    count: dict[str, int] = {}
    purchases: list[datetime] = []
    for order in orders:
        value = totals.get(order.id)
        if value is None:
            continue
        revenue[order.currency] = revenue.get(order.currency, Decimal(0)) + value.value
        if purchase(order.status, value):
            count[order.currency] = count.get(order.currency, 0) + 1
            purchases.append(order.placed_at)
    money = tuple(Money(revenue[c], c) for c in sorted(revenue))
    averages = tuple(
        Money((revenue[c] / count[c]).quantize(CENT), c) for c in sorted(revenue) if count.get(c)
    )
    return purchases, money, averages


def latest_scores(answers: Iterable[ScoredAnswer]) -> tuple[ScoredAnswer, ...]:
    """The most recent scored answer per question type (NPS, CSAT, CES), in that order."""
    best: dict[str, ScoredAnswer] = {}
    for answer in answers:
        current = best.get(answer.question_type)
        key = (answer.submitted_at, answer.response_id)
        if current is None or key > (current.submitted_at, current.response_id):
            best[answer.question_type] = answer
    return tuple(best[t] for t in SCORED_TYPES if t in best)


def latest_model_scores(scores: Iterable[ModelScore]) -> tuple[ModelScore, ...]:
    """Per score kind, the value from the most recently fitted model run."""
    best: dict[str, ModelScore] = {}
    for score in scores:
        current = best.get(score.kind)
        if current is None or (score.fitted_at, score.model_run_id) > (
            current.fitted_at,
            current.model_run_id,
        ):
            best[score.kind] = score
    return tuple(best[k] for k in sorted(best))


def build_profile(
    customer: Customer,
    *,
    identities: Iterable[Identity] = (),
    merged_ids: Iterable[str] = (),
    orders: Sequence[OrderRow] = (),
    lines: Iterable[LineRow] = (),
    activity: Iterable[Activity] = (),
    answers: Iterable[ScoredAnswer] = (),
    scores: Iterable[ModelScore] = (),
) -> Profile:
    """Fold the rows held about one customer into its :class:`Profile`."""
    purchases, revenue, averages = _commerce(orders, order_totals(lines))
    tallies = list(activity)
    channels = {o.channel for o in orders} | {
        a.channel for a in tallies if a.source == "interaction" and a.channel
    }
    contacts = [a.last_at for a in tallies if a.last_at is not None]
    open_cases = sum(
        a.count for a in tallies if a.source == "case" and a.status not in CLOSED_CASE_STATUSES
    )
    return Profile(
        customer=customer,
        identities=tuple(sorted(identities, key=lambda i: (i.kind, i.value))),
        merged_ids=tuple(sorted(merged_ids)),
        first_purchase=min(purchases, default=None),
        last_purchase=max(purchases, default=None),
        orders=len(purchases),
        revenue=revenue,
        average_order_value=averages,
        channels=tuple(sorted(channels)),
        last_contact=max(contacts, default=None),
        latest=latest_scores(answers),
        open_cases=open_cases,
        scores=latest_model_scores(scores),
    )
