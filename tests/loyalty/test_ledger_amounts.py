"""A ledger entry's amount (the money behind it: an order's value) is bound by the house money
rule on both stores, on PostgreSQL's hand-written append too (``loyalty.store.posting``).

Before, PostgreSQL's append sent the amount as given: NaN was stored there (SQLite cannot keep
it), and an amount of 10^14 or more was the server's DataError (numeric(18, 4) overflow) where
SQLite raised MONEY's ValueError naming the limit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Connection

from opencx.app import Services
from opencx.core import InvalidInput
from opencx.core.money import MONEY_LIMIT, round_money
from opencx.loyalty.domain import OutOfRange
from opencx.loyalty.service import ledger
from opencx.loyalty.store import posting
from opencx.loyalty.store.ledger import entries, lots
from tests.db.test_money_type import REFUSED, ROUNDED
from tests.loyalty.conftest import customer


@pytest.fixture
def member(services: Services) -> str:
    return services.loyalty.enroll(customer(services, "ann"))


@contextmanager
def _in_transaction(services: Services) -> Iterator[Connection]:
    with services.engine.begin() as conn:
        yield conn


@contextmanager
def _single_write(services: Services) -> Iterator[Connection]:
    """A connection in ``posting.single_write`` (PostgreSQL: its autocommit path)."""
    with services.engine.connect() as conn, posting.single_write(conn):
        yield conn


Unit = Callable[[Services], AbstractContextManager[Connection]]
UNITS: dict[str, Unit] = {"transaction": _in_transaction, "single_write": _single_write}


@pytest.fixture(params=sorted(UNITS))
def unit(request: pytest.FixtureRequest) -> Unit:
    return UNITS[request.param]


def _earn(conn: Connection, services: Services, member: str, amount: Any, key: str) -> None:
    ledger.earn(conn, member, 10, key, services.clock.now(), kind="earn", amount=amount)


def _written(services: Services) -> Iterator[tuple[str, Decimal | None]]:
    with services.engine.connect() as conn:
        yield from conn.execute(sa.select(entries.c.idempotency_key, entries.c.amount))


@pytest.mark.parametrize(("given", "kept"), ROUNDED)
def test_an_entry_amount_is_rounded_half_away_from_zero_on_both_stores(
    services, member, unit, given, kept
):
    with unit(services) as conn:
        _earn(conn, services, member, given, "k1")
    assert dict(_written(services)) == {"k1": kept}


@pytest.mark.parametrize("given", [*REFUSED, Decimal("-Infinity"), True, "abc"])
def test_an_entry_amount_out_of_range_is_refused_alike_and_nothing_is_written(
    services, member, unit, given
):
    """Refused by the ledger itself, before the store sees the amount: an amount past the
    money bound is :class:`OutOfRange` naming it (what an order's earn refuses alone), one
    that is no number an InvalidInput. Before, the store's StatementError (the money
    column's ValueError), whoever the caller."""
    error = InvalidInput if given in (True, "abc") else OutOfRange
    with pytest.raises(error) as caught, unit(services) as conn:
        _earn(conn, services, member, given, "k1")
    if error is OutOfRange:
        shown = Decimal(repr(given)) if isinstance(given, float) else given
        assert str(caught.value) == (
            f"amount: {shown} is out of range"
            f"{' once rounded to 4 decimals' if given == Decimal('99999999999999.99995') else ''}"
            " (at most 14 digits before the decimal point)"
        )
    else:
        assert str(caught.value).startswith(f"amount: {given!r} is not a number")
    assert list(_written(services)) == []
    with services.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(lots)).scalar_one() == 0
    # the store is whole and the key free: the same write with a good amount goes through
    with unit(services) as conn:
        _earn(conn, services, member, Decimal("12.5"), "k1")
    assert dict(_written(services)) == {"k1": Decimal("12.5")}
    assert services.loyalty.audit(member)[1:] == (10, True)


NEAR = [
    MONEY_LIMIT - Decimal("0.00005"),  # rounds up to the bound
    MONEY_LIMIT - Decimal("0.00006"),
    -MONEY_LIMIT + Decimal("0.00005"),
    -MONEY_LIMIT + Decimal("0.00004"),
]
AMOUNTS = st.one_of(
    st.decimals(allow_nan=False),
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, places=5),
    st.sampled_from([*REFUSED, *NEAR]),
)


def _kept(amount: Decimal | float) -> Decimal | None:
    """What the money column keeps of ``amount`` (None: refused)."""
    try:
        return round_money(Decimal(repr(amount)) if isinstance(amount, float) else amount)
    except ValueError:
        return None


def test_every_amount_is_kept_as_the_column_keeps_it_or_refused_with_nothing_written(
    services, member
):
    """Hypothesis: any amount earn is given is stored as the money column keeps it, or is
    :class:`OutOfRange` before anything is written; the ledger stays balanced (its audit,
    and the balance is the points of the entries written) either way. Both stores."""
    keys = itertools.count()
    kept: dict[str, Decimal] = {}

    @given(AMOUNTS)
    @settings(max_examples=40, deadline=None, database=None)
    def earn_with(amount: Decimal | float) -> None:
        key = f"k{next(keys)}"
        expected = _kept(amount)
        if expected is None:
            with pytest.raises(OutOfRange), services.engine.begin() as conn:
                _earn(conn, services, member, amount, key)
        else:
            with services.engine.begin() as conn:
                _earn(conn, services, member, amount, key)
            kept[key] = expected
        written = dict(_written(services))
        if services.engine.dialect.name == "sqlite":  # a double: about 15 digits kept (a
            # known limit of the SQLite store: 99,999,999,999,999.9999 reads back as 10^14)
            assert {k: float(v) for k, v in written.items()} == {  # type: ignore[arg-type]
                k: float(v) for k, v in kept.items()
            }
        else:
            assert written == kept

    earn_with()
    assert services.loyalty.audit(member) == (10 * len(kept), 10 * len(kept), True)
