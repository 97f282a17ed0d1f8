"""A column of a few dates (an event's) is read value by value (``times.few_iso``) instead of by
the format detection and Arrow casts a file's column goes through (``times.parse_any``): the
two give the same instants, flags, refusals and noted format for every column, and the short
way is taken for the ISO 8601 values an event sends (with or without a zone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.ingest.domain import KINDS, Mapping
from opencx.ingest.domain.arrow_arrays import strings
from opencx.ingest.domain.mapping import EVENT_ADVICE
from opencx.ingest.domain.validation import ColumnPlan, plan_columns
from opencx.ingest.domain.validation.parsed import Parsed
from opencx.ingest.domain.validation.times import (
    DATE_FORMATS,
    FEW,
    FIRST_INSTANT,
    LAST_INSTANT,
    few_iso,
    parse_any,
    parse_datetime,
)

MOMENTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1)  # minutes strictly within a day


def _fraction(moment: datetime, digits: int, extra: str) -> str:
    return "" if digits == 0 else "." + (f"{moment.microsecond:06d}" + extra)[:digits]


@st.composite
def iso_values(draw: st.DrawFn) -> str:
    """A time in one of the ISO 8601 forms ``ISO_RE`` takes: a date, with a time to the minute,
    second or fraction (1-9 digits), apart by ``T`` or a space, with no zone, ``Z`` or an
    offset (``+02:00``, ``-0530``)."""
    moment = draw(MOMENTS)
    value = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"  # %Y gives no 0 before 999
    if draw(st.booleans()):
        value += draw(st.sampled_from("T ")) + moment.strftime("%H:%M")
        precision = draw(st.sampled_from(["minute", "second", "fraction"]))
        if precision != "minute":
            value += moment.strftime(":%S")
        if precision == "fraction":
            digits = draw(st.integers(1, 9))
            value += _fraction(moment, digits, draw(st.text("0123456789", min_size=3, max_size=3)))
        zone = draw(st.sampled_from(["", "Z", "offset"]))
        if zone == "offset":
            minutes = draw(OFFSETS)
            hours, rest = divmod(abs(minutes), 60)
            colon = draw(st.sampled_from([":", ""]))
            value += f"{'-' if minutes < 0 else '+'}{hours:02d}{colon}{rest:02d}"
        else:
            value += zone
    return value


def _other_formats(moment: datetime) -> st.SearchStrategy[str]:
    return st.sampled_from(DATE_FORMATS).map(moment.strftime)


OFF_VALUES = st.sampled_from(
    [
        "2025-02-29",  # no such day
        "2025-13-01T10:00",
        "2025-06-31 10:00",
        "2025-06-01T24:00:00",
        "2025-06-01T23:59:60",
        "2025-06-01T10:60",
        "0000-06-01T10:00",  # year 0: Arrow reads it, outside the years 1-9999
        "0001-01-01T00:00:00+00:01",  # before the year 1 once in UTC
        "9999-12-31T23:59:59-00:01",  # past the year 9999 once in UTC
        "2025-06-01T10:00:00+24:00",
        "2025-06-01T10:00:00+02:60",  # minutes past 59: read as 3 hours by both
        "2025-06-01T10:00:00-99:99",
        "2025-06-01Z",
        "2025-06-01+02:00",  # Python reads '+' as the date's separator from a time
        "2025-06-01T10",
        "2025-06-01t10:00",
        "2025-06-01T10:00:00,5",
        "2025-06-01T10:00:00+05",
        "2025-06-01T10:00:00.",
        "2025-06-01T10:00:00.1234567890",
        "2025-06-01T10:00:00 +02:00",
        "２０２５-06-01",  # fullwidth digits, which Python's \\d would take
        "2025-٠6-01",
        "20250601T100000",
        "2025-W22-7",
        "",
        "not a date",
    ]
)


def values_of_a_column() -> st.SearchStrategy[list[str | None]]:
    """The values of a column: mostly ISO times, some in the other formats the detection
    takes, some that no format reads or that fall outside the years 1-9999, some missing."""
    one = st.one_of(
        iso_values(),
        iso_values(),
        MOMENTS.flatmap(_other_formats),
        OFF_VALUES,
        st.text("0123456789-:T Z+.", max_size=26),
        st.none(),
    )
    return st.lists(one, min_size=1, max_size=4)


ZONES = st.sampled_from(["UTC", "UTC", "Europe/Amsterdam", "America/St_Johns", "utc", "Mars/Base"])


Parse = Callable[[pa.Array, str, Parsed, ColumnPlan], pa.Array]


def _outcome(parse: Parse, values: list[str | None], mapping: Mapping, noted: str | None) -> object:
    """What ``parse`` makes of the column: its type, instants, flags, rows marked bad and the
    format noted on the plan; or the refusal it raises."""
    text = strings(values)
    plan = plan_columns("event", ["placed_at"], KINDS["orders"], mapping)
    if noted is not None:  # an earlier chunk's
        plan.date_formats["placed_at"] = noted
    parsed = Parsed({}, np.zeros(len(values), dtype=bool), [], {"placed_at": text})
    try:
        out = parse(text, "placed_at", parsed, plan)
    except InvalidInput as exc:
        return ("refused", str(exc))
    return (
        out.type,
        out.view(pa.int64()).to_pylist(),
        parsed.problems,
        parsed.bad.tolist(),
        plan.date_formats,
    )


@settings(max_examples=600, deadline=None)
@given(
    values=values_of_a_column(),
    timezone=ZONES,
    date_format=st.sampled_from([None, None, "ISO", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"]),
    noted=st.sampled_from([None, None, "ISO", "%d/%m/%Y"]),
)
def test_a_few_values_parse_as_a_column_of_them_does(values, timezone, date_format, noted) -> None:
    mapping = Mapping(timezone=timezone, date_format=date_format, advice=EVENT_ADVICE)
    assert _outcome(parse_datetime, values, mapping, noted) == _outcome(
        parse_any, values, mapping, noted
    )


@settings(max_examples=400, deadline=None)
@given(values=st.lists(iso_values(), min_size=1, max_size=4))
def test_an_events_iso_times_take_the_short_way(values) -> None:
    """ISO 8601 times within the years 1-9999 once in UTC, under the event API's zone (UTC):
    read value by value, as the column's way reads them."""
    kept = [v for v in values if _within_the_years(v)]
    if not kept:
        return
    text = strings(kept)
    short = few_iso(text, "UTC")
    assert short is not None, kept
    mapping = Mapping(advice=EVENT_ADVICE)
    assert _outcome(parse_any, kept, mapping, None) == (
        short.type,
        short.view(pa.int64()).to_pylist(),
        [],
        [False] * len(kept),
        {"placed_at": "ISO"},
    )


def _within_the_years(value: str) -> bool:
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        return True
    micros = (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return FIRST_INSTANT <= micros <= LAST_INSTANT


def test_a_column_of_more_than_a_few_values_goes_the_columns_way() -> None:
    values = ["2025-06-01T10:00:00Z"] * (FEW + 1)
    assert few_iso(strings(values[:FEW]), "UTC") is not None
    mapping = Mapping(advice=EVENT_ADVICE)
    assert _outcome(parse_datetime, values, mapping, None) == _outcome(
        parse_any, values, mapping, None
    )


@pytest.mark.parametrize(
    ("values", "timezone"),
    [
        (["2025-06-01T10:00:00Z"], "Mars/Base"),  # refused, though no time needs the zone
        (["2025-06-01T10:00:00+02:00", "2025-06-01 10:00Z"], "Mars/Base"),
        (["2025-06-01T10:00:00"], "Europe/Amsterdam"),  # Arrow's zone rules: the column's way
        ([], "UTC"),  # nothing noted on the plan
        ([None], "UTC"),
    ],
)
def test_the_edges_of_the_short_way(values, timezone) -> None:
    mapping = Mapping(timezone=timezone, advice=EVENT_ADVICE)
    assert _outcome(parse_datetime, values, mapping, None) == _outcome(
        parse_any, values, mapping, None
    )
