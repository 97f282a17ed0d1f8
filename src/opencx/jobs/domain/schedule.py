"""When a periodic job is due: fixed intervals and five-field cron expressions, in UTC.

A schedule answers two questions, both pure: the latest tick at or before a moment
(:meth:`Schedule.previous`, which the scheduler claims) and the first tick after it
(:meth:`Schedule.next`, which ``opencx jobs list`` shows). Every worker computes the same ticks
from the same schedule, so a tick names one run for the whole cluster.

Cron fields are ``minute hour day-of-month month day-of-week`` with ``*``, ``a-b``, ``*/n``,
``a-b/n``, lists ``a,b``, and the names ``jan``…``dec`` and ``sun``…``sat`` (0 and 7 are
Sunday). As in Vixie cron, when both day fields are restricted a day matching either counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from opencx.core.errors import InvalidInput

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SEARCH_DAYS = 366 * 8  # covers every valid day/month combination, 29 February included

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (name, low, high, names mapped to numbers)
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {d: i for i, d in enumerate(_DAYS)}),
)


@dataclass(frozen=True, slots=True)
class Every:
    """A tick every ``interval``, aligned on the Unix epoch (every 15 min: :00, :15, :30, :45)."""

    interval: timedelta

    def __post_init__(self) -> None:
        if self.interval < timedelta(seconds=1):
            raise InvalidInput(f"schedule: interval {self.interval} must be at least 1 second")

    def previous(self, at: datetime) -> datetime:
        """The latest tick at or before ``at``."""
        return EPOCH + ((at - EPOCH) // self.interval) * self.interval

    def next(self, at: datetime) -> datetime:
        """The first tick strictly after ``at``."""
        return self.previous(at) + self.interval

    def __str__(self) -> str:
        return f"every {self.interval}"


@dataclass(frozen=True, slots=True)
class Cron:
    """A five-field cron expression evaluated in UTC."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Monday … 6 = Sunday (Python's weekday())
    any_day: bool  # day of month was '*'
    any_weekday: bool  # day of week was '*'

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        in_month, in_week = day.day in self.days, day.weekday() in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def previous(self, at: datetime) -> datetime:
        """The latest tick at or before ``at``."""
        at = at.astimezone(UTC)
        day = at.date()
        for offset in range(SEARCH_DAYS):
            candidate = day - timedelta(days=offset)
            if not self._day_matches(candidate):
                continue
            limit = at.time() if offset == 0 else time(23, 59, 59)
            for hour in sorted(self.hours, reverse=True):
                for minute in sorted(self.minutes, reverse=True):
                    if time(hour, minute) <= limit:
                        return datetime.combine(candidate, time(hour, minute), UTC)
        raise InvalidInput(f"cron {self.expression!r}: never fires")  # pragma: no cover

    def next(self, at: datetime) -> datetime:
        """The first tick strictly after ``at``."""
        at = at.astimezone(UTC)
        day = at.date()
        for offset in range(SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if not self._day_matches(candidate):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    tick = datetime.combine(candidate, time(hour, minute), UTC)
                    if tick > at:
                        return tick
        raise InvalidInput(f"cron {self.expression!r}: never fires")  # pragma: no cover

    def __str__(self) -> str:
        return f"cron {self.expression}"


Schedule = Every | Cron


def every(*, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> Every:
    """An interval schedule: ``every(minutes=15)``."""
    return Every(timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds))


def cron(expression: str) -> Cron:
    """Parse a five-field cron expression (UTC): ``cron("30 6 * * mon-fri")``.

    >>> cron("0 7 * * *").next(datetime(2026, 1, 1, 7, 0, tzinfo=UTC))
    datetime.datetime(2026, 1, 2, 7, 0, tzinfo=datetime.timezone.utc)
    """
    parts = expression.split()
    if len(parts) != 5:
        raise InvalidInput(
            f"cron {expression!r}: expected 5 fields (minute hour day month weekday), "
            f"got {len(parts)}"
        )
    sets = [
        _parse_field(expression, part, *spec) for part, spec in zip(parts, _FIELDS, strict=True)
    ]
    minutes, hours, days, months, cron_weekdays = sets
    weekdays = frozenset((d - 1) % 7 for d in cron_weekdays)  # cron 0/7 = Sunday → 6
    cron_value = Cron(
        expression=" ".join(parts),
        minutes=minutes,
        hours=hours,
        days=days,
        months=months,
        weekdays=weekdays,
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )
    if not any(
        cron_value._day_matches(date(2024, 1, 1) + timedelta(days=d)) for d in range(366 * 4)
    ):
        raise InvalidInput(f"cron {expression!r}: no day ever matches (e.g. 31 February)")
    return cron_value


def _parse_field(
    expression: str, text: str, name: str, low: int, high: int, names: dict[str, int]
) -> frozenset[int]:
    values: set[int] = set()
    for item in text.lower().split(","):
        values.update(_parse_item(expression, item, name, low, high, names))
    return frozenset(values)


def _parse_item(
    expression: str, item: str, name: str, low: int, high: int, names: dict[str, int]
) -> range:
    def bad(why: str) -> InvalidInput:
        return InvalidInput(f"cron {expression!r}: {name} {item!r} {why} (allowed {low}-{high})")

    def number(token: str) -> int:
        value = names.get(token, int(token) if token.isdigit() else None)
        if value is None:
            raise bad("is not a number")
        if not low <= value <= high:
            raise bad("is out of range")
        return value

    span, _, step_text = item.partition("/")
    if step_text and (not step_text.isdigit() or int(step_text) < 1):
        raise bad("has a step that is not a positive number")
    step = int(step_text) if step_text else 1
    if span == "*":
        first, last = low, high
    elif "-" in span:
        a, _, b = span.partition("-")
        first, last = number(a), number(b)
        if first > last:
            raise bad("runs backwards")
    else:
        first = number(span)
        last = high if step_text else first
    return range(first, last + 1, step)
