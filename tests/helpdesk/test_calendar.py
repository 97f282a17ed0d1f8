"""Business-hours calendars: opening hours, holidays, time zones and daylight-saving days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.core.errors import InvalidInput
from opencx.helpdesk.domain import BusinessCalendar, parse_window

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")
H = timedelta(hours=1)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone).astimezone(UTC)  # type: ignore[misc]


def test_friday_afternoon_plus_two_hours_is_monday_morning() -> None:
    cal = BusinessCalendar.weekdays("Europe/Amsterdam", "09:00-17:00")
    due = cal.add_business_time(local(AMS, 2026, 1, 16, 16, 0), 2 * H)
    assert due == local(AMS, 2026, 1, 19, 10, 0)


def test_holiday_is_closed_all_day() -> None:
    cal = BusinessCalendar.weekdays(
        "Europe/Amsterdam", "09:00-17:00", holidays=[date(2026, 12, 25)]
    )
    start = local(AMS, 2026, 12, 24, 16, 0)
    assert cal.add_business_time(start, 2 * H) == local(AMS, 2026, 12, 28, 10, 0)
    assert cal.business_time(start, local(AMS, 2026, 12, 28, 10, 0)) == 2 * H


def test_split_shifts_skip_lunch() -> None:
    cal = BusinessCalendar.from_spec("shop", "Europe/Amsterdam", {"mon": "09:00-12:00,13:00-17:00"})
    start = local(AMS, 2026, 1, 19, 11, 0)
    assert cal.add_business_time(start, 2 * H) == local(AMS, 2026, 1, 19, 14, 0)
    assert cal.business_time(start, local(AMS, 2026, 1, 26, 0, 0)) == 5 * H


def test_same_instant_counts_differently_in_other_time_zones() -> None:
    ams = BusinessCalendar.weekdays("Europe/Amsterdam", "09:00-17:00")
    ny = BusinessCalendar.weekdays("America/New_York", "09:00-17:00")
    start = datetime(2026, 1, 19, 14, 0, tzinfo=UTC)  # 15:00 Amsterdam, 09:00 New York
    end = datetime(2026, 1, 19, 18, 0, tzinfo=UTC)
    assert ams.business_time(start, end) == 2 * H
    assert ny.business_time(start, end) == 4 * H


def test_spring_forward_day_is_23_hours_fall_back_day_25() -> None:
    cal = BusinessCalendar.from_spec(
        "all",
        "Europe/Amsterdam",
        dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "00:00-24:00"),
    )
    spring = (local(AMS, 2026, 3, 29, 0, 0), local(AMS, 2026, 3, 30, 0, 0))
    autumn = (local(AMS, 2026, 10, 25, 0, 0), local(AMS, 2026, 10, 26, 0, 0))
    assert cal.business_time(*spring) == 23 * H
    assert cal.business_time(*autumn) == 25 * H


def test_window_across_the_skipped_hour_is_as_long_as_the_clocks_make_it() -> None:
    cal = BusinessCalendar.from_spec("night", "America/New_York", {"sun": "01:00-04:00"})
    day = (local(NY, 2026, 3, 8, 0, 0), local(NY, 2026, 3, 9, 0, 0))  # 02:00 → 03:00
    assert cal.business_time(*day) == 2 * H
    autumn = (local(NY, 2026, 11, 1, 0, 0), local(NY, 2026, 11, 2, 0, 0))  # 02:00 → 01:00
    assert cal.business_time(*autumn) == 4 * H


def test_window_inside_the_skipped_hour_is_empty() -> None:
    cal = BusinessCalendar.from_spec(
        "gap", "Europe/Amsterdam", {"sun": "02:15-02:45", "mon": "09:00-10:00"}
    )
    start = local(AMS, 2026, 3, 29, 0, 0)
    assert cal.business_time(start, start + 24 * H) == timedelta(0)
    assert cal.add_business_time(start, H / 2) == local(AMS, 2026, 3, 30, 9, 30)


def test_bad_specs_are_named() -> None:
    with pytest.raises(InvalidInput, match="HH:MM-HH:MM"):
        parse_window("9-5")
    with pytest.raises(InvalidInput, match="before the end"):
        parse_window("17:00-09:00")
    with pytest.raises(InvalidInput, match="unknown time zone 'Mars/Olympus'"):
        BusinessCalendar.weekdays("Mars/Olympus", "09:00-17:00")
    with pytest.raises(InvalidInput, match="unknown weekday"):
        BusinessCalendar.from_spec("x", "UTC", {"monday": "09:00-17:00"})
    with pytest.raises(InvalidInput, match="no opening hours"):
        BusinessCalendar("closed", "UTC", ((),) * 7).add_business_time(
            datetime(2026, 1, 1, tzinfo=UTC), H
        )
    with pytest.raises(InvalidInput, match="no time zone"):
        BusinessCalendar.always().business_time(datetime(2026, 1, 1), datetime(2026, 1, 2))


# --- properties ------------------------------------------------------------------------------
ZONES = [
    "UTC",
    "Europe/Amsterdam",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Chatham",
]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    week = []
    for _ in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 1440), max_size=4)))
        pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        week.append(tuple(p for p in pairs if p[0] < p[1]))
    if not any(week):
        week[0] = ((540, 1020),)
    holidays = draw(st.sets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20))
    return BusinessCalendar("drawn", draw(st.sampled_from(ZONES)), tuple(week), frozenset(holidays))


instants = st.datetimes(datetime(2025, 1, 1), datetime(2027, 6, 30), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0)
)
durations = st.integers(0, 300 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, durations)
def test_adding_business_time_then_measuring_it_gives_it_back(
    cal: BusinessCalendar, start: datetime, amount: timedelta
) -> None:
    due = cal.add_business_time(start, amount)
    assert due >= start
    assert cal.business_time(start, due) == amount
    if amount:  # the first such instant: a moment earlier there was less
        assert cal.business_time(start, due - timedelta(seconds=1)) < amount


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, durations, durations)
def test_business_time_adds_up_and_never_exceeds_wall_clock(
    cal: BusinessCalendar, a: datetime, d1: timedelta, d2: timedelta
) -> None:
    b, c = a + d1, a + d1 + d2
    assert cal.business_time(a, b) + cal.business_time(b, c) == cal.business_time(a, c)
    assert timedelta(0) <= cal.business_time(a, c) <= c - a
    assert cal.business_time(c, a) == timedelta(0)


@given(instants, durations)
def test_always_open_is_wall_clock(a: datetime, d: timedelta) -> None:
    cal = BusinessCalendar.always()
    assert cal.business_time(a, a + d) == d
    assert cal.add_business_time(a, d) == a + d


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ZONES), instants, durations)
def test_whole_day_windows_in_any_zone_equal_wall_clock(tz: str, a: datetime, d: timedelta) -> None:
    cal = BusinessCalendar("local-24h", tz, (((0, 1440),),) * 7)
    assert cal.business_time(a, a + d) == d
