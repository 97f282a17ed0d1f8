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
from tests.loyalty.conftest import customer

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


# --- a challenge's target and a draw's winners (migration 0036) ---------------------------


def target(value: int) -> Challenge:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    return Challenge("c1", "Many orders", "count", "order", value, start, end, 10)


@pytest.mark.parametrize("value", [POINTS_LIMIT, 2**63, 10**40])
def test_a_target_or_a_number_of_winners_past_the_bound_is_refused_and_not_written(services, value):
    """Before, 2^63 and more were an OverflowError on SQLite and a DataError on PostgreSQL,
    and 10^12 was stored on SQLite."""
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.add_challenge(target(value))
    assert str(refused.value) == (
        f"challenge.target: {value} is out of range (at most 999999999999, 12 digits)"
    )
    with pytest.raises(InvalidInput) as refused:
        services.loyalty.create_draw("Spring", "A bike", value, 100)
    assert str(refused.value) == (
        f"draw: winners: {value} is out of range (at most 999999999999, 12 digits)"
    )
    assert _rows(services, "loyalty_challenges", "target") == []
    assert _rows(services, "loyalty_draws", "winners") == []


@pytest.mark.parametrize("value", [2**31, MOST])
def test_targets_and_winners_up_to_the_bound_are_stored_and_read_on_both_stores(services, value):
    """Before, on PostgreSQL the INTEGER columns refused 2^31 ('integer out of range')."""
    services.loyalty.add_challenge(target(value))
    draw_id, seed = services.loyalty.create_draw("Spring", "A bike", value, 100)
    assert _rows(services, "loyalty_challenges", "target") == [value]
    assert _rows(services, "loyalty_draws", "winners") == [value]
    member = services.loyalty.enroll(customer(services, "ann"))
    services.loyalty.earn(member, 250, "k")
    assert services.loyalty.member_view(member).challenges == (("Many orders", 0.0, value),)
    result = services.loyalty.run_draw(draw_id, seed)  # every entrant wins, once
    assert result["winners"] == [member] and services.loyalty.verify_draw(draw_id)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_cli_refuses_winners_past_the_bound_in_the_same_words(services):
    r = CliRunner().invoke(
        cli, ["draw-create", "Spring", "A bike", "--winners", str(2**63)], obj=services
    )
    assert r.exit_code == 1, r.output
    assert r.output.strip() == (
        f"error: draw: winners: {2**63} is out of range (at most 999999999999, 12 digits)"
    )
    assert _rows(services, "loyalty_draws", "winners") == []
