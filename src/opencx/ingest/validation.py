"""Vectorised validation: a chunk of source columns becomes typed canonical columns + problems.

Each check runs on whole Arrow columns (``pyarrow.compute``); Python objects are made only for
the rows that break a rule. :class:`ColumnPlan` is resolved once per file from the header and
the mapping; :func:`parse_chunk` then runs per chunk.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain import FieldSpec, KindSpec, Mapping
from opencx.ingest.formats import RESERVED

INT_RE = r"^[+-]?\d+$"
MONEY_RE = r"^[+-]?(\d+\.?\d*|\.\d+)$"
ISO_RE = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$"
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
    "%m/%d/%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y%m%d",
)  # fmt: skip
TRUE = ("true", "t", "yes", "y", "1", "ja", "j")
FALSE = ("false", "f", "no", "n", "0", "nee")
INT32 = 2**31 - 1


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


@dataclass
class ColumnPlan:
    """Where each canonical field comes from in one file (resolved once from the header)."""

    file: str
    kind: KindSpec
    mapping: Mapping
    sources: dict[str, str] = field(default_factory=dict)  # canonical -> source column
    extra: dict[str, str] = field(default_factory=dict)  # score:<key> / text:<key> -> source
    unknown: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)  # detected per field

    def header_problems(self, ignore_unknown: bool) -> list[Problem]:
        found = []
        for spec in self.kind.fields:
            if spec.required and not self.provides(spec.name) and spec.default is None:
                found.append(Problem(self.file, 1, spec.name, "", "missing required column"))
        for name in self.mapping.columns.values():
            if name != "_line" and name not in self.available:
                found.append(Problem(self.file, 1, name, "", "mapped column is not in the file"))
        if not ignore_unknown:
            rule = "unknown column (map it with --map FIELD=COLUMN or pass --ignore-unknown)"
            found += [Problem(self.file, 1, name, "", rule) for name in self.unknown]
        return found

    available: tuple[str, ...] = ()

    def provides(self, name: str) -> bool:
        m = self.mapping
        return name in self.sources or name in m.constants or name in m.computed


def plan_columns(file: str, columns: list[str], kind: KindSpec, mapping: Mapping) -> ColumnPlan:
    """Match source columns to canonical fields: explicit mapping first, then same name."""
    plan = ColumnPlan(file, kind, mapping, available=tuple(columns))
    dupes = {c for c in columns if columns.count(c) > 1}
    if dupes:
        raise InvalidInput(f"{file}: line 1: column(s) {sorted(dupes)} appear more than once")
    by_norm = {_norm(c): c for c in columns}
    for target, source in mapping.columns.items():
        if source == "_line" or source in columns:
            if ":" in target:
                plan.extra[target] = source
            else:
                plan.sources[target] = source
    for spec in kind.fields:
        if spec.name not in plan.sources and spec.name not in mapping.constants:
            match = by_norm.get(_norm(spec.name))
            if match and match not in mapping.columns.values():
                plan.sources[spec.name] = match
    used = set(plan.sources.values()) | set(plan.extra.values())
    for expr in mapping.computed.values():
        used.update(part.strip() for part in expr.split("/"))
    plan.unknown = [c for c in columns if c not in used and c not in RESERVED]
    return plan


@dataclass
class Parsed:
    """A chunk after parsing: typed canonical columns and, per row, whether it broke a rule."""

    columns: dict[str, pa.Array]
    bad: np.ndarray
    problems: list[tuple[int, str, str, str]]  # (row index, column, value, rule)
    raw: dict[str, pa.Array]  # source strings of each field, for messages

    def flag(self, mask: pa.Array | np.ndarray, column: str, rule: str) -> None:
        """Mark every row where ``mask`` is true with ``rule``."""
        rows = np.flatnonzero(np.asarray(pc.fill_null(mask, False)) if isinstance(
            mask, (pa.Array, pa.ChunkedArray)) else mask)  # fmt: skip
        if rows.size == 0:
            return
        values = self.raw.get(column)
        for row in rows.tolist():
            value = values[row].as_py() if values is not None else None
            self.problems.append((row, column, "" if value is None else str(value), rule))
        self.bad[rows] = True


def _as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _replace_values(array: pa.Array, table: dict[str, str]) -> pa.Array:
    keys = pa.array(list(table), pa.string())
    index = pc.index_in(array, value_set=keys)
    replaced = pc.take(pa.array([v or None for v in table.values()], pa.string()), index)
    return pc.if_else(pc.is_null(index), array, replaced)


def source_text(chunk: pa.Table, lines: pa.Array, plan: ColumnPlan) -> dict[str, pa.Array]:
    """The text of every canonical field for this chunk: mapped, constant or computed."""
    n = chunk.num_rows
    out: dict[str, pa.Array] = {}
    for name, source in plan.sources.items():
        if source == "_line":
            out[name] = pc.cast(lines, pa.string())
        else:
            out[name] = _as_text(chunk.column(source))
    for name, source in plan.extra.items():
        out[name] = _as_text(chunk.column(source))
    for name, value in plan.mapping.constants.items():
        out[name] = pa.repeat(pa.scalar(str(value), pa.string()), n)
    for name, table in plan.mapping.transforms.items():
        if name in out:
            out[name] = _replace_values(out[name], table)
    return out


def parse_chunk(chunk: pa.Table, lines: pa.Array, plan: ColumnPlan) -> Parsed:
    """Parse and check one chunk against the kind's fields (types, lengths, required)."""
    raw = source_text(chunk, lines, plan)
    parsed = Parsed({}, np.zeros(chunk.num_rows, dtype=bool), [], raw)
    for target, expr in plan.mapping.computed.items():
        parsed.columns[target] = _quotient(chunk, expr, target, parsed, plan.mapping)
        raw[target] = pc.cast(parsed.columns[target], pa.string())
    for spec in plan.kind.fields:
        if spec.name in parsed.columns:
            continue
        text = raw.get(spec.name)
        if text is None:
            text = pa.nulls(chunk.num_rows, pa.string())
        if spec.default is not None:
            text = pc.fill_null(text, spec.default)
        if spec.required:
            parsed.flag(pc.is_null(text), spec.name, "required value is missing")
        parsed.columns[spec.name] = _parse(text, spec, parsed, plan)
    for name in plan.extra:
        spec = FieldSpec(name, "int") if name.startswith("score:") else FieldSpec(name)
        parsed.columns[name] = _parse(raw[name], spec, parsed, plan)
    return parsed


def _parse(text: pa.Array, spec: FieldSpec, parsed: Parsed, plan: ColumnPlan) -> pa.Array:
    if spec.type == "str":
        if spec.max_len is not None:
            too_long = pc.greater(pc.utf8_length(text), spec.max_len)
            parsed.flag(too_long, spec.name, f"longer than {spec.max_len} characters")
        return text
    if spec.type == "int":
        return _parse_int(text, spec.name, parsed)
    if spec.type == "money":
        return _parse_money(text, spec, parsed, plan.mapping.decimal)
    if spec.type == "bool":
        return _parse_bool(text, spec.name, parsed)
    if spec.type == "json":
        return _parse_json(text, spec.name, parsed)
    return _parse_datetime(text, spec.name, parsed, plan)


def _parse_int(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    ok = pc.match_substring_regex(text, INT_RE)
    parsed.flag(pc.invert(ok), name, "not a whole number")
    values = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), pa.int64())
    parsed.flag(pc.greater(pc.abs(values), INT32), name, "out of range for a whole number")
    return values


def _parse_money(text: pa.Array, spec: FieldSpec, parsed: Parsed, decimal: str) -> pa.Array:
    text = pc.replace_substring(text, " ", "")
    if decimal == ",":
        text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    ok = pc.match_substring_regex(text, MONEY_RE)
    rule = f"not a number (decimal separator {decimal!r}; use --decimal to change it)"
    parsed.flag(pc.invert(ok), spec.name, rule)
    clean = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    if not spec.negative_ok:
        parsed.flag(pc.starts_with(clean, "-"), spec.name, "negative amount is not allowed")
    return clean


def _parse_bool(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    lower = pc.utf8_lower(text)
    yes = pc.is_in(lower, value_set=pa.array(TRUE))
    no = pc.is_in(lower, value_set=pa.array(FALSE))
    parsed.flag(pc.and_(pc.is_valid(text), pc.invert(pc.or_(yes, no))), name,
                "not a yes/no value (true/false, yes/no, 1/0)")  # fmt: skip
    return pc.if_else(pc.is_null(text), pa.scalar(None, pa.bool_()), yes)


def _parse_json(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    bad = np.zeros(len(text), dtype=bool)
    for i, value in enumerate(text.to_pylist()):
        if value is None:
            continue
        try:
            ok = isinstance(json.loads(value), dict)
        except json.JSONDecodeError:
            ok = False
        bad[i] = not ok
    parsed.flag(bad, name, "not a JSON object")
    return text


def _quotient(
    chunk: pa.Table, expr: str, target: str, parsed: Parsed, mapping: Mapping
) -> pa.Array:
    left, _, right = (part.strip() for part in expr.partition("/"))
    values = []
    for column in (left, right):
        text = _as_text(chunk.column(column))
        parsed.raw.setdefault(target, text)
        spec = FieldSpec(target, "money")
        values.append(pc.cast(_parse_money(text, spec, parsed, mapping.decimal), pa.float64()))
    parsed.flag(pc.equal(values[1], 0.0), target, f"{right} is zero, cannot divide {left} by it")
    quotient = pc.round(
        pc.divide(values[0], pc.if_else(pc.equal(values[1], 0.0), None, values[1])), 4
    )
    return pc.cast(quotient, pa.string())


def _parse_datetime(text: pa.Array, name: str, parsed: Parsed, plan: ColumnPlan) -> pa.Array:
    fmt = plan.mapping.date_format or plan.date_formats.get(name) or _detect_format(text)
    if fmt is None:
        return pa.nulls(len(text), pa.timestamp("us", "UTC"))
    plan.date_formats[name] = fmt
    if fmt == "ISO":
        ok = pc.match_substring_regex(text, ISO_RE)
        clean = pc.if_else(ok, text, pa.scalar(None, pa.string()))
        values = _cast_iso(clean, plan.mapping.timezone)
    else:
        values = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        values = _to_utc(values, plan.mapping.timezone) if values.type.tz is None else values
    failed = pc.and_(pc.is_valid(text), pc.is_null(values))
    given = "the --date-format" if plan.mapping.date_format else "the column's date format"
    parsed.flag(failed, name, f"not a date in {given} {fmt!r} (unparseable or mixed formats)")
    return pc.cast(values, pa.timestamp("us", "UTC"))


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
    zoned = pc.match_substring_regex(text, r"(Z|[+-]\d{2}:?\d{2})$")
    naive_text = pc.if_else(zoned, pa.scalar(None, pa.string()), text)
    zoned_text = pc.if_else(zoned, text, pa.scalar(None, pa.string()))
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
    return pa.array(out, pa.timestamp("us", "UTC"))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"--timezone {name!r}: not an IANA time zone (e.g. Europe/London)"
        ) from None


def _to_utc(naive: pa.Array, timezone: str) -> pa.Array:
    """Naive local times → UTC. Ambiguous times take the first (summer) offset, as zoneinfo's
    ``fold=0``; times inside a spring-forward gap are converted with zoneinfo row by row."""
    zone = _zone(timezone)
    if timezone.upper() == "UTC":
        return pc.assume_timezone(naive, "UTC")
    early = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="earliest")
    late = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="latest")
    gap = np.flatnonzero(np.asarray(pc.fill_null(pc.not_equal(early, late), False)))
    if gap.size == 0:
        return early
    values = early.to_pylist()
    local = naive.to_pylist()
    for i in gap.tolist():
        values[i] = local[i].replace(tzinfo=zone)
    return pa.array(values, pa.timestamp("us", "UTC"))
