"""Business-hours calendars: opening hours per weekday in one time zone, minus holidays.

A calendar answers two questions, both in real (UTC) time so that daylight-saving changes are
counted as they happen: how much business time lies between two instants
(:meth:`BusinessCalendar.business_time`), and when a given amount of business time has elapsed
after an instant (:meth:`BusinessCalendar.add_business_time`). Opening hours are local wall-clock
times (``09:00-17:00`` in ``Europe/Amsterdam``); a local time skipped by a spring-forward change
is moved to the moment of the change (the first local time that exists after it) and an ambiguous
one (fall-back) is read as its first occurrence (``fold=0``), so local times map to instants in
order and an opening window on a DST day is as long as the clocks make it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from opencx.core.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_MAX_DAYS = 366 * 20  # a search for the next open minute never runs past 20 years

Window = tuple[int, int]
"""Minutes after local midnight, ``start < end <= 1440``."""


def parse_window(text: str) -> Window:
    """``"09:00-17:30"`` → ``(540, 1050)``; ``"00:00-24:00"`` is the whole day."""
    m = _WINDOW.match(text.strip())
    if not m:
        raise InvalidInput(f"opening hours {text!r}: expected HH:MM-HH:MM, e.g. 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or h1 > 23 or end > MINUTES_PER_DAY or start >= end:
        raise InvalidInput(
            f"opening hours {text!r}: the start must be before the end, within 24:00"
        )
    return start, end


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Opening windows per weekday (Monday first) in the IANA zone ``tz``; ``holidays`` closed.

    >>> cal = BusinessCalendar.weekdays("Europe/Amsterdam", "09:00-17:00")
    >>> start = datetime(2026, 1, 16, 15, 0, tzinfo=UTC)  # Friday 16:00 in Amsterdam
    >>> cal.add_business_time(start, timedelta(hours=2)).isoformat()
    '2026-01-19T09:00:00+00:00'
    """

    name: str
    tz: str
    week: tuple[tuple[Window, ...], ...]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(f"calendar {self.name!r}: unknown time zone {self.tz!r}") from exc
        if len(self.week) != 7:
            raise InvalidInput(f"calendar {self.name!r}: needs opening hours for 7 weekdays")
        for day, windows in zip(DAYS, self.week, strict=True):
            last = -1
            for start, end in windows:
                if not 0 <= start < end <= MINUTES_PER_DAY or start < last:
                    raise InvalidInput(
                        f"calendar {self.name!r}: {day} windows must be ordered and not overlap"
                    )
                last = end

    @classmethod
    def always(cls, name: str = "24x7") -> BusinessCalendar:
        """Every minute counts: business time equals wall-clock time."""
        return cls(name, "UTC", (((0, MINUTES_PER_DAY),),) * 7)

    @classmethod
    def weekdays(
        cls, tz: str, hours: str, *, name: str = "office", holidays: Iterable[date] = ()
    ) -> BusinessCalendar:
        """Monday to Friday with the same hours, weekends closed."""
        window = parse_window(hours)
        return cls(name, tz, ((window,),) * 5 + ((), ()), frozenset(holidays))

    @classmethod
    def from_spec(
        cls, name: str, tz: str, hours: Mapping[str, str], holidays: Iterable[date] = ()
    ) -> BusinessCalendar:
        """``hours`` maps ``mon``..``sun`` to ``"09:00-12:00,13:00-17:00"`` (absent = closed)."""
        unknown = set(hours) - set(DAYS)
        if unknown:
            raise InvalidInput(f"calendar {name!r}: unknown weekday(s) {sorted(unknown)}")
        week = tuple(
            tuple(parse_window(w) for w in hours.get(d, "").split(",") if w.strip()) for d in DAYS
        )
        return cls(name, tz, week, frozenset(holidays))

    @property
    def is_always_open(self) -> bool:
        return not self.holidays and all(w == ((0, MINUTES_PER_DAY),) for w in self.week)

    def _day_windows(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The UTC instants of ``day``'s (local) opening windows, in order."""
        if day in self.holidays:
            return
        zone = ZoneInfo(self.tz)
        for start, end in self.week[day.weekday()]:
            yield _instant(day, start, zone), _instant(day, end, zone)

    def windows(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) clipped to ``[start, end)``, in time order."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return
        if self.is_always_open:
            yield start, end
            return
        zone = ZoneInfo(self.tz)
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last:
            for a, b in self._day_windows(day):
                lo, hi = max(a, start), min(b, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Business time in ``[start, end)``; zero when ``end <= start``."""
        return sum((b - a for a, b in self.windows(start, end)), timedelta(0))

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The first instant at which ``amount`` of business time has passed since ``start``.

        With ``amount == 0`` that is ``start`` itself (even outside opening hours).
        """
        start = _utc(start)
        if amount < timedelta(0):
            raise InvalidInput(f"business time to add must not be negative, got {amount}")
        if amount == timedelta(0) or self.is_always_open:
            return start + amount
        zone = ZoneInfo(self.tz)
        day = start.astimezone(zone).date() - timedelta(days=1)
        left = amount
        for _ in range(_MAX_DAYS):
            for a, b in self._day_windows(day):
                a = max(a, start)
                if a >= b:
                    continue
                if b - a >= left:
                    return a + left
                left -= b - a
            day += timedelta(days=1)
        raise InvalidInput(f"calendar {self.name!r} has no opening hours to count {amount} in")


def _instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    if minute == MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    instant = local.astimezone(UTC)
    for _ in range(MINUTES_PER_DAY):  # a skipped local time: walk to the end of the gap
        if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        local += timedelta(minutes=1)
        instant = local.astimezone(UTC)
    return instant


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"time {value.isoformat()} has no time zone; SLA times are UTC-aware")
    return value.astimezone(UTC)
