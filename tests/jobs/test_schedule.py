"""Schedules: cron parsing with clear errors, and the tick arithmetic every worker agrees on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.jobs import cron, every

T = datetime(2026, 3, 4, 10, 17, 30, tzinfo=UTC)  # a Wednesday
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
expressions = st.sampled_from(
    [
        "* * * * *",
        "*/15 * * * *",
        "0 6 * * *",
        "30 6 * * mon-fri",
        "0 0 1 * *",
        "0 12 29 2 *",
        "5,35 */4 * jan,jul sun",
        "0 0 13 * fri",
    ]
)


def test_daily_cron_previous_and_next() -> None:
    daily = cron("0 6 * * *")
    assert daily.previous(T) == datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
    assert daily.next(T) == datetime(2026, 3, 5, 6, 0, tzinfo=UTC)
    assert daily.previous(datetime(2026, 3, 4, 6, 0, tzinfo=UTC)).hour == 6  # a tick is its own


def test_weekdays_names_steps_and_ranges() -> None:
    assert cron("30 6 * * mon-fri").next(datetime(2026, 3, 6, 7, tzinfo=UTC)) == datetime(
        2026, 3, 9, 6, 30, tzinfo=UTC
    )  # Friday 07:00 → Monday 06:30
    assert cron("*/20 9-10 * * *").minutes == frozenset({0, 20, 40})
    assert cron("0 0 * * 7").weekdays == cron("0 0 * * 0").weekdays == frozenset({6})


def test_day_of_month_or_weekday_as_in_vixie_cron() -> None:
    # the 13th, or any Friday
    first = cron("0 0 13 * fri").next(datetime(2026, 3, 1, tzinfo=UTC))
    assert first == datetime(2026, 3, 6, tzinfo=UTC)  # a Friday before the 13th


def test_leap_day_is_found_years_ahead() -> None:
    assert cron("0 12 29 2 *").next(T) == datetime(2028, 2, 29, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("0 6 * *", "expected 5 fields"),
        ("61 * * * *", "minute '61' is out of range"),
        ("0 6 * * funday", "day of week 'funday' is not a number"),
        ("0 9-6 * * *", "runs backwards"),
        ("*/0 * * * *", "step that is not a positive number"),
        ("0 0 31 2 *", "no day ever matches"),
    ],
)
def test_bad_expressions_say_which_field_and_why(expression: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        cron(expression)


def test_interval_ticks_are_aligned_on_the_epoch() -> None:
    quarter = every(minutes=15)
    assert quarter.previous(T) == datetime(2026, 3, 4, 10, 15, tzinfo=UTC)
    assert quarter.next(T) == datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="at least 1 second"):
        every(seconds=0)


@given(moments, expressions)
def test_previous_tick_at_or_before_and_next_strictly_after(at: datetime, expr: str) -> None:
    schedule = cron(expr)
    before, after = schedule.previous(at), schedule.next(at)
    assert before <= at < after
    assert schedule.previous(after) == after  # the next tick is a tick
    assert schedule.next(before) > before
    # nothing fires strictly between the two
    assert schedule.previous(after - timedelta(microseconds=1)) == before


@given(moments)
def test_cron_steps_agree_with_intervals(at: datetime) -> None:
    assert cron("*/15 * * * *").previous(at) == every(minutes=15).previous(at)
    assert cron("0 * * * *").next(at) == every(hours=1).next(at)
