"""A ledger entry's amount (the money behind it: an order's value) is bound by the house money
rule on both stores, on PostgreSQL's hand-written append too (``loyalty.store.posting``).

Before, PostgreSQL's append sent the amount as given: NaN was stored there (SQLite cannot keep
it), and an amount of 10^14 or more was the server's DataError (numeric(18, 4) overflow) where
SQLite raised MONEY's ValueError naming the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.app import Services
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
    with pytest.raises(sa.exc.StatementError) as caught, unit(services) as conn:
        _earn(conn, services, member, given, "k1")
    assert isinstance(caught.value.orig, (TypeError, ValueError))
    if isinstance(given, Decimal):
        assert "out of range" in str(caught.value.orig)
    assert list(_written(services)) == []
    with services.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(lots)).scalar_one() == 0
    # the store is whole and the key free: the same write with a good amount goes through
    with unit(services) as conn:
        _earn(conn, services, member, Decimal("12.5"), "k1")
    assert dict(_written(services)) == {"k1": Decimal("12.5")}
    assert services.loyalty.audit(member)[1:] == (10, True)
