"""Dates and times: detected or given formats, local times converted to UTC, vectorised; a
column of a few ISO 8601 values (an event's) read value by value instead."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core.errors import InvalidInput
from opencx.ingest.domain.arrow_arrays import filled, scalar, times
from opencx.ingest.domain.validation.columns import ColumnPlan
from opencx.ingest.domain.validation.parsed import Parsed
from opencx.ingest.domain.validation.shapes import all_iso_of_one_width

_MICRO = timedelta(microseconds=1)

ISO_RE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"


DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y%m%d",
)


def parse_datetime(text: pa.Array, name: str, parsed: Parsed, plan: ColumnPlan) -> pa.Array:
    """The column ``name`` as UTC times, its values that are no date (or fall outside the years
    1-9999) flagged on ``parsed``. A column of at most :data:`FEW` ISO 8601 values, every one
    read, goes by :func:`few_iso` (an event's: 15-25 us instead of 300-450 us); any other
    column, or one value of it that way cannot read, by :func:`parse_any`, as before."""
    if len(text) <= FEW and (plan.mapping.date_format or plan.date_formats.get(name)) in (
        None,
        "ISO",
    ):
        values = few_iso(text, plan.mapping.timezone)
        if values is not None:
            plan.date_formats[name] = "ISO"  # as detected from these values
            return values
    return parse_any(text, name, parsed, plan)


FEW = 64
"""The most values :func:`parse_datetime` reads one by one: an event's (one per order line);
Arrow's detection and casts cost about the same whatever the rows, 300-450 us, a value read
here about 3 us."""

_ISO = re.compile(ISO_RE.removeprefix("^").removesuffix("$"), re.ASCII)
"""``ISO_RE`` for Python's ``re``, matched whole (RE2's ``^``/``$``), ``\\d`` ASCII's as RE2's."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def few_iso(text: pa.Array, timezone: str) -> pa.Array | None:
    """What :func:`parse_any` gives a column of ISO 8601 values that all read (no flag), read
    one by one by ``datetime.fromisoformat``; None when one does not: a null, a value that
    does not match ``ISO_RE``, that Python cannot read, that falls outside the years 1-9999
    once in UTC, or one without a zone under a ``timezone`` other than ``UTC`` (Arrow's time
    zone rules, not zoneinfo's, convert it there). For every value matching ``ISO_RE``, Arrow's
    casts and ``fromisoformat`` give the same instant where both read it (and
    :func:`parse_any` falls back to ``fromisoformat`` where Arrow cannot):
    tests/ingest/test_few_times.py draws them."""
    if not len(text) or text.null_count or not pa.types.is_string(text.type):
        return None
    micros = []
    for value in text.to_pylist():
        if _ISO.fullmatch(value) is None:
            return None
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
        if when.tzinfo is None:
            if timezone != "UTC":
                return None
            when = when.replace(tzinfo=UTC)
        at = (when - _EPOCH) // _MICRO
        if not FIRST_INSTANT <= at <= LAST_INSTANT:
            return None
        micros.append(at)
    _zone(timezone)  # refused as parse_any refuses it
    data = pa.py_buffer(np.array(micros, np.int64))
    return pa.Array.from_buffers(pa.timestamp("us", "UTC"), len(micros), [None, data])


def parse_any(text: pa.Array, name: str, parsed: Parsed, plan: ColumnPlan) -> pa.Array:
    """:func:`parse_datetime` for any column: its format given, noted from an earlier chunk
    or detected from its values; ISO 8601 and the strptime formats, vectorised."""
    fmt = plan.mapping.date_format or plan.date_formats.get(name) or _detect_format(text)
    if fmt is None:
        return pa.nulls(len(text), pa.timestamp("us", "UTC"))
    plan.date_formats[name] = fmt
    if fmt == "ISO":
        if all_iso_of_one_width(text):  # the usual column: every value matches ISO_RE
            clean = text
        else:
            ok = pc.match_substring_regex(text, ISO_RE)
            clean = pc.if_else(ok, text, scalar(None, pa.string()))
        values = _cast_iso(clean, plan.mapping.timezone)
    else:
        values = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        values = _to_utc(values, plan.mapping.timezone) if values.type.tz is None else values
    failed = pc.and_(pc.is_valid(text), pc.is_null(values))
    given = (
        plan.mapping.advice.date_format if plan.mapping.date_format else "the column's date format"
    )
    parsed.flag(failed, name, f"not a date in {given} {fmt!r} (unparseable or mixed formats)")
    values = pc.cast(values, pa.timestamp("us", "UTC"))
    micros = filled(values.view(pa.int64()), 0)
    outside = (micros < FIRST_INSTANT) | (micros > LAST_INSTANT)
    if outside.any():
        parsed.flag(outside, name, "outside the years 1-9999 once in UTC (no store keeps it)")
    return values


FIRST_INSTANT = (datetime(1, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)) // _MICRO
"""Microseconds since 1970 of 0001-01-01 00:00 UTC: the first instant Python, and so the
stores read back (PostgreSQL keeps years BC, and a zoned time can cross into them)."""

LAST_INSTANT = (
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)
) // _MICRO
"""Microseconds since 1970 of the last instant of year 9999 in UTC."""


def _detect_format(text: pa.Array) -> str | None:
    sample = pc.drop_null(text).slice(0, 2000)
    if len(sample) == 0:
        return None
    if pc.all(pc.match_substring_regex(sample, ISO_RE)).as_py():
        return "ISO"
    best, best_ok = None, -1
    for fmt in DATE_FORMATS:
        ok = pc.sum(pc.is_valid(pc.strptime(sample, format=fmt, unit="us", error_is_null=True)))
        count = ok.as_py() or 0
        if count == len(sample):
            return fmt
        if count > best_ok:
            best, best_ok = fmt, count
    return best if best_ok > 0 else "ISO"


def _cast_iso(text: pa.Array, timezone: str) -> pa.Array:
    try:  # the usual column, naive times only, in one cast (a time with a zone fails it)
        return _to_utc(pc.cast(text, pa.timestamp("us")), timezone)
    except pa.ArrowInvalid:
        pass
    zoned = pc.match_substring_regex(text, r"(Z|[+-]\d{2}:?\d{2})$")
    naive_text = pc.if_else(zoned, scalar(None, pa.string()), text)
    zoned_text = pc.if_else(zoned, text, scalar(None, pa.string()))
    try:
        naive = pc.cast(pc.replace_substring(naive_text, "T", " "), pa.timestamp("us"))
        aware = pc.cast(zoned_text, pa.timestamp("us", "UTC"))
    except pa.ArrowInvalid:
        return _cast_iso_slow(text, timezone)
    return pc.if_else(zoned, aware, _to_utc(naive, timezone))


def _cast_iso_slow(text: pa.Array, timezone: str) -> pa.Array:
    zone = _zone(timezone)
    out: list[datetime | None] = []
    for value in text.to_pylist():
        try:
            when = datetime.fromisoformat(value) if value else None
        except ValueError:
            when = None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=zone)
        out.append(when)
    return times(out)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"--timezone {name!r}: not an IANA time zone (e.g. Europe/London)"
        ) from None


def _to_utc(naive: pa.Array, timezone: str) -> pa.Array:
    """Naive local times → UTC, labelled UTC. Ambiguous times take the first (summer) offset,
    as zoneinfo's ``fold=0``; times inside a spring-forward gap are converted with zoneinfo row
    by row."""
    zone = _zone(timezone)
    utc = pa.timestamp(naive.type.unit, "UTC")
    if timezone.upper() == "UTC":  # the same numbers, labelled UTC
        return naive.view(utc)
    early = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="earliest")
    late = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="latest")
    gap = np.flatnonzero(filled(pc.not_equal(early, late), False))
    if gap.size == 0:  # the same instants, relabelled: a mixed column's zoned half is UTC
        return early.view(utc)
    values = early.to_pylist()
    local = naive.to_pylist()
    for i in gap.tolist():
        values[i] = local[i].replace(tzinfo=zone)
    return times(values)
