"""Which source column feeds each canonical field of one file, resolved once from its header."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core.errors import InvalidInput, Problem
from opencx.ingest.domain.arrow_arrays import filled, from_numpy, scalar, strings, to_numpy
from opencx.ingest.domain.kinds import RESERVED, KindSpec
from opencx.ingest.domain.mapping import Mapping, joined_columns


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
    header_line: int = 1  # the line the header is on (after empty lines)

    def header_problems(self, ignore_unknown: bool) -> list[Problem]:
        found = []
        line = self.header_line
        for spec in self.kind.fields:
            if spec.required and not self.provides(spec.name) and spec.default is None:
                missing = self.mapping.advice.missing_column
                found.append(Problem(self.file, line, spec.name, "", missing))
        mapped = [*self.mapping.columns.values()]
        mapped += [c for expr in self.mapping.joined.values() for c in joined_columns(expr)]
        for name in mapped:
            if name != "_line" and name not in self.available:
                rule = "mapped column is not in the file"
                found.append(Problem(self.file, line, name, "", rule))
        if not ignore_unknown:
            fields = ", ".join(spec.name for spec in self.kind.fields)
            rule = self.mapping.advice.unknown_column.format(kind=self.kind.name, fields=fields)
            found += [Problem(self.file, line, name, "", rule) for name in self.unknown]
        return found

    available: tuple[str, ...] = ()

    def provides(self, name: str) -> bool:
        m = self.mapping
        return name in self.sources or name in m.constants or name in m.computed or name in m.joined


def plan_columns(
    file: str, columns: list[str], kind: KindSpec, mapping: Mapping, *, header_line: int = 1
) -> ColumnPlan:
    """Match source columns to canonical fields: explicit mapping first, then same name.
    ``header_line``: the line the header is on, named by its problems."""
    plan = ColumnPlan(file, kind, mapping, available=tuple(columns), header_line=header_line)
    dupes = {c for c in columns if columns.count(c) > 1}
    if dupes:
        raise InvalidInput(
            f"{file}: line {header_line}: column(s) {sorted(dupes)} appear more than once"
        )
    by_norm = {_norm(c): c for c in columns}
    for target, source in mapping.columns.items():
        if source == "_line" or source in columns:
            if ":" in target:
                plan.extra[target] = source
            else:
                plan.sources[target] = source
    for spec in kind.fields:
        if spec.name not in plan.sources and spec.name not in {
            **mapping.constants,
            **mapping.joined,
        }:
            match = by_norm.get(_norm(spec.name))
            if match and match not in mapping.columns.values():
                plan.sources[spec.name] = match
    used = set(plan.sources.values()) | set(plan.extra.values())
    for expr in mapping.computed.values():
        used.update(part.strip() for part in expr.split("/"))
    for expr in mapping.joined.values():
        used.update(joined_columns(expr))
    plan.unknown = [c for c in columns if c not in used and c not in RESERVED]
    return plan


def plain_number(text: str) -> str:
    """A number's text without an exponent (``5e-05`` → ``0.00005``, ``1.2e+11`` →
    ``120000000000``): Python and Arrow write a float so, and an amount must be plain digits."""
    if "e" not in text and "E" not in text:
        return text
    try:
        return format(Decimal(text), "f")
    except InvalidOperation:
        return text


def as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        floats = pa.types.is_floating(array.type)
        array = pc.cast(array, pa.string())
        if floats:  # a double of a Parquet file: Arrow writes 1.5e-7 and 1.234567890125e+11
            array = _without_exponents(array)
    if pa.types.is_string(array.type) and _nothing_to_trim(array):
        return array  # the usual column: every value begins and ends with a visible character
    # the same trim, byte-wise, when no byte is non-ASCII or one of the four separators
    # (\x1c-\x1f) that the UTF-8 trim counts as whitespace and the ASCII one does not
    plain = pa.types.is_string(array.type) and _plain_ascii(array)
    trimmed = pc.ascii_trim_whitespace(array) if plain else pc.utf8_trim_whitespace(array)
    blank = pc.equal(trimmed, scalar("", pa.string()))
    if not pc.any(blank).as_py():  # the usual column: no value of spaces only
        return trimmed
    return pc.if_else(blank, scalar(None, pa.string()), trimmed)


def _without_exponents(text: pa.Array) -> pa.Array:
    rows = np.flatnonzero(filled(pc.match_substring(text, "e"), False))
    if rows.size == 0:
        return text
    plain = [plain_number(value) for value in text.take(from_numpy(rows)).to_pylist()]
    mask = np.zeros(len(text), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(text, from_numpy(mask), strings(plain))


def _nothing_to_trim(array: pa.Array) -> bool:
    """Whether no value is empty and every value's first and last byte is a visible ASCII
    character (``!`` to ``~``): then neither trim changes a value nor leaves one blank (a
    whitespace character, ASCII or not, and the separators \\x1c-\\x1f all begin and end
    outside that range). Two reads per value, not a copy of the column."""
    n = len(array)
    _, offsets_buffer, data_buffer = array.buffers()
    if n == 0 or offsets_buffer is None or data_buffer is None:
        return n == array.null_count
    offsets = np.frombuffer(offsets_buffer, np.int32, n + 1, offset=array.offset * 4)
    starts, ends = offsets[:-1], offsets[1:]
    if array.null_count:
        valid = to_numpy(pc.is_valid(array))
        starts, ends = starts[valid], ends[valid]
    if not (ends > starts).all():
        return False
    data = np.frombuffer(data_buffer, np.uint8)
    visible = np.uint8(0x7E - 0x21)
    return bool(
        ((data[starts] - 0x21) <= visible).all() and ((data[ends - 1] - 0x21) <= visible).all()
    )


def _plain_ascii(array: pa.Array) -> bool:
    n = len(array)
    _, offsets_buffer, data_buffer = array.buffers()
    if n == 0 or offsets_buffer is None or data_buffer is None:
        return n == 0
    offsets = np.frombuffer(offsets_buffer, np.int32, n + 1, offset=array.offset * 4)
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]]
    return data.size == 0 or (int(data.max()) < 0x80 and not ((data - 0x1C) < 4).any())


def _replace_values(array: pa.Array, table: dict[str, str]) -> pa.Array:
    keys = strings(list(table))
    index = pc.index_in(array, value_set=keys)
    replaced = pc.take(strings([v or None for v in table.values()]), index)
    return pc.if_else(pc.is_null(index), array, replaced)


def source_text(chunk: pa.Table, lines: pa.Array, plan: ColumnPlan) -> dict[str, pa.Array]:
    """The text of every canonical field for this chunk: mapped, constant or computed."""
    n = chunk.num_rows
    out: dict[str, pa.Array] = {}
    for name, source in plan.sources.items():
        if source == "_line":
            out[name] = pc.cast(lines, pa.string())
        else:
            out[name] = as_text(chunk.column(source))
    for name, source in plan.extra.items():
        out[name] = as_text(chunk.column(source))
    for name, value in plan.mapping.constants.items():
        out[name] = pa.repeat(scalar(str(value), pa.string()), n)
    for name, expr in plan.mapping.joined.items():
        parts = [as_text(chunk.column(c)) for c in joined_columns(expr) if c in plan.available]
        out[name] = pc.binary_join_element_wise(
            *parts, scalar("|", pa.string()), null_handling="replace", null_replacement=""
        )
    for name, table in plan.mapping.transforms.items():
        if name in out:
            out[name] = _replace_values(out[name], table)
    return out
