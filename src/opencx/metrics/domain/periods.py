"""Reporting periods as integer indices computed from epoch days, the same on every backend.

Ibis on SQLite can neither add intervals to timestamps nor turn epoch seconds back into a
timestamp, so periods are integers: days since 1970-01-01, Monday weeks, months
(``12 * year + month - 1``), quarters and years. The civil date of an epoch day is computed with
integer arithmetic (Hinnant, "chrono-compatible low-level date algorithms", 2013), which every
SQL engine does alike. Labels and start dates are made in Python from the index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import ibis.expr.types as ir

from opencx.core.errors import InvalidInput

SECONDS_PER_DAY = 86_400
_EPOCH = date(1970, 1, 1)


def epoch_days(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Whole days since 1970-01-01 UTC of a UTC timestamp (floor)."""
    return (ts.epoch_seconds() // SECONDS_PER_DAY).cast("int64")


def civil_from_days(days: ir.IntegerValue) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """(year, month) of an epoch day, with integer arithmetic only (Hinnant 2013, civil_from_days).

    Valid for days on or after 0000-03-01; ``//`` is floor division on every backend we support
    because every operand here is non-negative.
    """
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = (mp < 10).ifelse(mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2).ifelse(1, 0)
    return year.cast("int64"), month.cast("int64")


def _month_index(days: ir.IntegerValue) -> ir.IntegerValue:
    year, month = civil_from_days(days)
    return year * 12 + month - 1


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period unit: how to index a day, and how to name and date an index."""

    name: str
    index_of_day: Callable[[ir.IntegerValue], ir.IntegerValue]
    start_of: Callable[[int], date]
    label_of: Callable[[int], str]
    index_of_ts: Callable[[ir.TimestampValue], ir.IntegerValue] | None = None

    def index(self, ts: ir.TimestampValue) -> ir.IntegerValue:
        """The period index of a timestamp column (UTC sessions: every backend module sets it).

        Months, quarters and years use the backends' own year/month functions: the integer
        civil-date formula inlined over a timestamp expression overflows SQLite's parser stack.
        """
        if self.index_of_ts is not None:
            return self.index_of_ts(ts)
        return self.index_of_day(epoch_days(ts))

    def index_of_days(self, days: ir.IntegerValue) -> ir.IntegerValue:
        """The period index of an epoch-day column."""
        return self.index_of_day(days)

    def start(self, index: int) -> datetime:
        """The first instant of period ``index`` (UTC)."""
        d = self.start_of(index)
        return datetime(d.year, d.month, d.day, tzinfo=UTC)

    def label(self, index: int) -> str:
        return self.label_of(index)

    def index_at(self, when: datetime) -> int:
        """The index of the period containing ``when`` (computed in Python)."""
        days = (when.astimezone(UTC).date() - _EPOCH).days
        by_name = {
            "day": days,
            "week": (days + 3) // 7,
            "month": when.astimezone(UTC).year * 12 + when.astimezone(UTC).month - 1,
            "quarter": when.astimezone(UTC).year * 4 + (when.astimezone(UTC).month - 1) // 3,
            "year": when.astimezone(UTC).year,
        }
        return by_name[self.name]


def _day_start(i: int) -> date:
    return _EPOCH + timedelta(days=i)


def _week_start(i: int) -> date:
    return _EPOCH + timedelta(days=7 * i - 3)


def _month_start(i: int) -> date:
    return date(i // 12, i % 12 + 1, 1)


def _quarter_start(i: int) -> date:
    return date(i // 4, 3 * (i % 4) + 1, 1)


def _iso_week_label(i: int) -> str:
    year, week, _ = _week_start(i).isocalendar()
    return f"{year}-W{week:02d}"


PERIODS: dict[str, Period] = {
    "day": Period("day", lambda d: d, _day_start, lambda i: _day_start(i).isoformat()),
    "week": Period("week", lambda d: (d + 3) // 7, _week_start, _iso_week_label),
    "month": Period(
        "month",
        _month_index,
        _month_start,
        lambda i: f"{i // 12:04d}-{i % 12 + 1:02d}",
        lambda ts: (ts.year() * 12 + ts.month() - 1).cast("int64"),
    ),
    "quarter": Period(
        "quarter",
        lambda d: _month_index(d) // 3,
        _quarter_start,
        lambda i: f"{i // 4:04d}-Q{i % 4 + 1}",
        lambda ts: (ts.year() * 4 + (ts.month() - 1) // 3).cast("int64"),
    ),
    "year": Period(
        "year",
        lambda d: civil_from_days(d)[0],
        lambda i: date(i, 1, 1),
        str,
        lambda ts: ts.year().cast("int64"),
    ),
}


def period_named(name: str) -> Period:
    """The period called ``name``; an unknown name lists the known ones."""
    try:
        return PERIODS[name]
    except KeyError:
        known = ", ".join(PERIODS)
        raise InvalidInput(f"unknown period {name!r}; known periods: {known}") from None
