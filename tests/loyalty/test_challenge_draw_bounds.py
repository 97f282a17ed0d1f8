"""A challenge's points and a draw's points per ticket are points: held to the bound
(``loyalty.domain.POINTS_LIMIT``) when they are set, with the ledger's sentence, and stored
up to it on both stores (BIGINT on PostgreSQL, migration 0033).

Before, both columns were INTEGER: on PostgreSQL 2^31 points or more were a DataError
('integer out of range'), and on SQLite 10^12 points were stored (a challenge whose completion
the ledger then refused), 2^63 an OverflowError.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from opencx.core import InvalidInput
from opencx.loyalty.cli import app as cli
from opencx.loyalty.domain import POINTS_LIMIT, Challenge

MOST = POINTS_LIMIT - 1


def challenge(points: int) -> Challenge:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    return Challenge("c1", "Ten orders", "count", "order", 10, start, end, points)


def _rows(services, table: str, column: str) -> list[int]:
    with services.engine.connect() as conn:
        return [int(v) for v in conn.execute(sa.text(f"SELECT {column} FROM {table}")).scalars()]


@pytest.mark.parametrize("points", [POINTS_LIMIT, 2**63, 10**40])
def test_a_challenge_or_draw_past_the_bound_is_refused_and_not_written(services, points):
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.add_challenge(challenge(points))
    assert str(refused.value) == (
        f"challenge.points: {points} is out of range (at most 999999999999 points, 12 digits)"
    )
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.create_draw("Spring", "A bike", 1, points)
    assert str(refused.value) == (
        f"draw: points per ticket: {points} is out of range (at most 999999999999 points,"
        " 12 digits)"
    )
    assert _rows(services, "loyalty_challenges", "points") == []
    assert _rows(services, "loyalty_draws", "points_per_ticket") == []


@pytest.mark.parametrize("points", [2**31, MOST])
def test_points_up_to_the_bound_are_stored_on_both_stores(services, points):
    services.loyalty.add_challenge(challenge(points))
    services.loyalty.create_draw("Spring", "A bike", 1, points)
    assert _rows(services, "loyalty_challenges", "points") == [points]
    assert _rows(services, "loyalty_draws", "points_per_ticket") == [points]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_says_the_same(services):
    r = CliRunner().invoke(
        cli, ["draw-create", "Spring", "A bike", "--points-per-ticket", str(2**63)], obj=services
    )
    assert r.exit_code == 1, r.output
    assert r.output.strip() == (
        f"error: draw: points per ticket: {2**63} is out of range (at most 999999999999 points,"
        " 12 digits)"
    )
    assert _rows(services, "loyalty_draws", "points_per_ticket") == []
