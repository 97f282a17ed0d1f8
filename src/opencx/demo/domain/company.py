"""The demo company: a fictional omnichannel retailer, generated table by table.

:func:`iter_demo` generates every table (vectorised with NumPy, deterministic given the seed);
:func:`opencx.demo.service.write_demo` inserts them in bulk in one transaction. Rows carry
``source = 'demo'``.
The model behind the data (BG/NBD purchases, Gamma-Gamma spend, satisfaction that drives churn
and spend, themes that drive scores) and every planted effect with its size are documented in
``docs/demo-data.md``, so metrics and models can be tested for finding them.

Importing history is not living it: the demo publishes no events and writes ``identities``
itself (normalised email and E.164 phone), so nothing live happens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from opencx.core.errors import InvalidInput
from opencx.demo.domain.cases import make_cases
from opencx.demo.domain.catalog import make_catalog
from opencx.demo.domain.feedback import make_feedback
from opencx.demo.domain.orders import make_orders
from opencx.demo.domain.people import TrueParameters, make_people
from opencx.demo.domain.rows import TableRows
from opencx.demo.domain.scale import MAX_CUSTOMERS, MAX_YEARS
from opencx.demo.domain.studies import make_studies
from opencx.demo.domain.subscriptions import make_subscriptions
from opencx.demo.domain.touch import iter_interactions

SOURCE = "demo"
DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC)
EARLIEST_END = datetime(100, 1, 1, tzinfo=UTC)
LATEST_END = datetime(9998, 12, 31, tzinfo=UTC)
"""The end dates a demo takes (``--end-date``): its history (up to
:data:`~opencx.demo.domain.scale.MAX_YEARS` years), the catalogue a month before it, and what
follows its last day stay inside the years a date holds (1 to 9999). Before, 0001-01-01 and
9999-12-31 were an OverflowError traceback ('date value out of range')."""


@dataclass(frozen=True, slots=True)
class DemoSettings:
    """What to generate: ``customers`` signing up over ``years`` years up to ``end``."""

    customers: int = 20_000
    years: float = 2.0
    seed: int = 7
    end: datetime = DEFAULT_END
    truth: TrueParameters = field(default_factory=TrueParameters)

    def __post_init__(self) -> None:
        if not 1 <= self.customers <= MAX_CUSTOMERS:
            raise InvalidInput(
                f"demo --customers: {self.customers} must be from 1 to {MAX_CUSTOMERS:,}"
            )
        if self.seed < 0:
            raise InvalidInput(f"demo --seed: {self.seed} must be 0 or more")
        if not 0 < self.years <= MAX_YEARS:
            raise InvalidInput(f"demo --years: {self.years} must be in (0, {MAX_YEARS}]")
        if self.end.tzinfo is None:
            raise InvalidInput(f"demo --end-date: {self.end.isoformat()} has no time zone")
        if not EARLIEST_END <= self.end <= LATEST_END:
            raise InvalidInput(f"demo --end-date: {end_date_refused(self.end)}")

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=round(365 * self.years))

    @property
    def command(self) -> str:
        """The command that generates the same data (its record in ``imports``).

        >>> DemoSettings(customers=300, seed=11).command
        'opencx demo --customers 300 --years 2.0 --seed 11 --end-date 2026-11-01'
        """
        return (
            f"opencx demo --customers {self.customers} --years {self.years} --seed {self.seed} "
            f"--end-date {self.end.date().isoformat()}"
        )


def end_date_refused(end: datetime) -> str:
    """Why ``end`` is no end date a demo takes (:data:`EARLIEST_END`, :data:`LATEST_END`)."""
    return (
        f"{end.date().isoformat()} is not from {EARLIEST_END.date().isoformat()}"
        f" to {LATEST_END.date().isoformat()}"
    )


def iter_demo(settings: DemoSettings) -> Iterator[TableRows]:
    """Generate the demo tables one by one, in insert order (parents before children).

    Lazy, so a writer holds one large table (interactions: ~35 rows per customer) at a time.
    Each part draws from its own random stream spawned from the seed, so the data is the same
    however the parts are consumed.
    """
    seeds = np.random.SeedSequence(settings.seed).spawn(8)
    rng = [np.random.default_rng(s) for s in seeds]
    start, end = settings.start.timestamp(), settings.end.timestamp()
    tp = settings.truth
    people, identities = make_people(rng[0], settings.customers, start, end, tp)
    catalog = make_catalog(rng[1], start - 30 * 86_400)
    yield from (catalog.rows, people.rows, identities)
    del identities
    orders = make_orders(rng[2], people, catalog, end, tp)
    while orders.rows:
        yield orders.rows.pop(0)
    yield make_subscriptions(rng[4], people, orders, end)
    yield from iter_interactions(rng[5], people, orders, start, end)
    cases = make_cases(rng[3], people, orders, start, end)
    while cases.rows:
        yield cases.rows.pop(0)
    yield from make_feedback(rng[6], people, orders, cases, start, end)
    yield from make_studies(rng[7], people, orders, start, end)


def build_demo(settings: DemoSettings) -> list[TableRows]:
    """Every demo table at once (see :func:`iter_demo`).

    Examples
    --------
    >>> tables = build_demo(DemoSettings(customers=50, seed=1))
    >>> [t.table for t in tables][:3]
    ['products', 'customers', 'identities']
    """
    return list(iter_demo(settings))
