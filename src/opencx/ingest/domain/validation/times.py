"""Dates and times: detected or given formats, local times converted to UTC, vectorised."""

from __future__ import annotations

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
