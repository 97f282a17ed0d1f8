"""Parsing a chunk of text columns into typed canonical columns, vectorised (``pyarrow.compute``).

Each check runs on whole Arrow columns; Python objects are made only for the rows that break a
rule, which are flagged on :class:`Parsed` with the column and the rule.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from opencx.core.money import AMOUNT_TEXT, MONEY_INTEGER_DIGITS, MONEY_SCALE
from opencx.core.text import MAX_FIELD_DEPTH, nested_too_deep
from opencx.ingest.domain.arrow_arrays import filled, from_numpy, scalar, strings, to_numpy
from opencx.ingest.domain.kinds import FieldSpec
from opencx.ingest.domain.mapping import Mapping
from opencx.ingest.domain.validation.columns import ColumnPlan, as_text, source_text
from opencx.ingest.domain.validation.parsed import Parsed
from opencx.ingest.domain.validation.shapes import all_digits, all_plain_amounts, value_bytes
from opencx.ingest.domain.validation.times import parse_datetime

INT_RE = r"^[+-]?\d+$"


MONEY_RE = f"^{AMOUNT_TEXT}$"  # RE2's \d is ASCII's, as AMOUNT_TEXT's (re.ASCII)


TRUE = ("true", "t", "yes", "y", "1", "ja", "j")


FALSE = ("false", "f", "no", "n", "0", "nee")


INT32 = 2**31 - 1


# amounts are stored as Numeric(18, 4) (opencx.db.types.MONEY): at most MONEY_INTEGER_DIGITS
# (14) digits before the point on both stores (SQLite would keep a longer one as a float, or inf;
# PostgreSQL refuses it), MONEY_SCALE (4) after it; the rule is opencx.core.money's
MONEY_LIMIT = 10.0**MONEY_INTEGER_DIGITS
MONEY_RANGE = (
    f"out of range for an amount (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
)
MONEY_ROUNDED_RANGE = (
    f"out of range for an amount once rounded to {MONEY_SCALE} decimals"
    f" (at most {MONEY_INTEGER_DIGITS} digits before the decimal point)"
)


SPACE_INSIDE = "a space inside an amount is not read (write 1000{decimal}50, not 1 000{decimal}50)"
"""An amount that would be a number but for the spaces between its characters (the
whitespace around a value is trimmed, as around every value): no reader takes it
(``core.money.AMOUNT_TEXT``), the thousands separator ``--decimal ,`` drops is ``.``. Said
alike by every edge: no option changes it. A text that is no number either way (``12 EUR``)
is refused in the edge's words (``Advice.amount``)."""


NUL = "holds a NUL character (U+0000), which no store keeps"
"""A text with U+0000 (a Parquet or JSON string may hold one; a CSV with a NUL byte is refused
whole as not text): PostgreSQL refuses it, SQLite's text functions stop at it."""


def parse_chunk(chunk: pa.Table, lines: pa.Array, plan: ColumnPlan) -> Parsed:
    """Parse and check one chunk against the kind's fields (types, lengths, required)."""
    raw = source_text(chunk, lines, plan)
    parsed = Parsed({}, np.zeros(chunk.num_rows, dtype=bool), [], raw)
    _flag_nuls(parsed)
    for target, expr in plan.mapping.computed.items():
        parsed.columns[target] = _quotient(chunk, expr, target, parsed, plan.mapping)
        raw[target] = pc.cast(parsed.columns[target], pa.string())
    for spec in plan.kind.fields:
        if spec.name in parsed.columns:
            continue
        text = raw.get(spec.name)
        if text is None:  # not in the file: its default (or null) on every row, parsed once
            column = _absent(spec, chunk.num_rows, plan)
            if column is not None:
                parsed.columns[spec.name] = column
                continue
            text = pa.nulls(chunk.num_rows, pa.string())
        if spec.default is not None:
            text = pc.fill_null(text, scalar(spec.default, text.type))
        if spec.required:
            parsed.flag(pc.is_null(text), spec.name, "required value is missing")
        parsed.columns[spec.name] = _parse(text, spec, parsed, plan)
    for name in plan.extra:
        spec = FieldSpec(name, "int") if name.startswith("score:") else FieldSpec(name)
        parsed.columns[name] = _parse(raw[name], spec, parsed, plan)
    return parsed


def _flag_nuls(parsed: Parsed) -> None:
    """Flag every source text that holds U+0000 (:data:`NUL`), in the field it maps to."""
    for name, text in parsed.raw.items():
        if _holds_nul(text):
            parsed.flag(pc.match_substring(text, "\x00"), name, NUL)


def _holds_nul(text: pa.Array | pa.ChunkedArray) -> bool:
    """Whether some string of ``text`` holds U+0000: one scan of its bytes (a per-row search
    is 35x slower: 13 ms per 50,000 names, which every text column of every chunk would pay)."""
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return False
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        _, offsets, data = chunk.buffers()
        if data is None or len(chunk) == 0:
            continue
        ends = np.frombuffer(offsets, width)[chunk.offset : chunk.offset + len(chunk) + 1]
        if (np.frombuffer(data, np.uint8)[ends[0] : ends[-1]] == 0).any():
            return True
    return False


_DEFAULTS: dict[tuple[FieldSpec, str], pa.Scalar | None] = {}
"""A field's default as parsed (None: it breaks a rule), by the field and the mapping's decimal
mark: all a value other than a date is parsed by. An event parses one row, and parsing its
ten absent defaults was 40 % of its parsing (Arrow calls of 5-20 us each)."""


def _absent(spec: FieldSpec, n: int, plan: ColumnPlan) -> pa.Array | None:
    """The column of a field the file does not give: its default (or null) parsed once and
    repeated on ``n`` rows, or None when that one value breaks a rule (then every row is
    parsed, so each is flagged as before)."""
    if spec.required and spec.default is None:
        return None
    if spec.type == "datetime":  # read by the mapping's formats and zone, noted on the plan
        one = _parsed_default(spec, plan)
    else:
        key = (spec, plan.mapping.decimal)
        if key not in _DEFAULTS:
            _DEFAULTS[key] = _parsed_default(spec, plan)
        one = _DEFAULTS[key]
    return None if one is None else pa.repeat(one, n)


def _parsed_default(spec: FieldSpec, plan: ColumnPlan) -> pa.Scalar | None:
    probe = Parsed({}, np.zeros(1, dtype=bool), [], {})
    one = _parse(strings([spec.default]), spec, probe, plan)
    return None if probe.problems else one[0]


def _parse(text: pa.Array, spec: FieldSpec, parsed: Parsed, plan: ColumnPlan) -> pa.Array:
    if spec.type == "str":
        limit = spec.max_len  # characters are counted only when some value has more bytes
        if limit is not None and (pc.max(pc.binary_length(text)).as_py() or 0) > limit:
            too_long = pc.greater(pc.utf8_length(text), limit)
            parsed.flag(too_long, spec.name, f"longer than {limit} characters")
        return text
    if spec.type == "int":
        return _parse_int(text, spec.name, parsed)
    if spec.type == "money":
        return _round_money(_parse_money(text, spec, parsed, plan.mapping), spec, parsed)
    if spec.type == "bool":
        return _parse_bool(text, spec.name, parsed)
    if spec.type == "json":
        return _parse_json(text, spec.name, parsed)
    return parse_datetime(text, spec.name, parsed, plan)


def _parse_int(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    if all_digits(text) and (pc.max(pc.binary_length(text)).as_py() or 0) <= 9:
        return pc.cast(text, pa.int64())  # the usual column: small whole numbers, all fit
    ok = pc.match_substring_regex(text, INT_RE)
    parsed.flag(pc.invert(ok), name, "not a whole number")
    text = pc.replace_substring_regex(text, r"^\+", "")  # "+5": Arrow's cast takes no sign "+"
    fits = ok
    # a value of at most 18 characters has at most 18 digits: the regex that counts them runs
    # only when a longer value is there
    if pc.any(pc.greater(pc.utf8_length(text), scalar(18, pa.int64()))).as_py():
        digits = pc.utf8_length(pc.replace_substring_regex(text, r"^[+-]?0*", ""))
        # would not even fit 64 bits: no cast
        huge = pc.and_(ok, pc.greater(digits, scalar(18, pa.int64())))
        parsed.flag(huge, name, "out of range for a whole number")
        fits = pc.and_(ok, pc.invert(huge))
    values = pc.cast(pc.if_else(fits, text, scalar(None, pa.string())), pa.int64())
    parsed.flag(
        pc.greater(pc.abs(values), scalar(INT32, pa.int64())),
        name,
        "out of range for a whole number",
    )
    return values


def _parse_money(text: pa.Array, spec: FieldSpec, parsed: Parsed, mapping: Mapping) -> pa.Array:
    decimal = mapping.decimal
    rule = mapping.advice.amount.format(decimal=decimal)
    if decimal == "." and all_plain_amounts(text):  # the usual column: all match, no space
        clean = text
    else:
        if decimal == ",":
            text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
        ok = pc.match_substring_regex(text, MONEY_RE)
        # a number but for the spaces inside it ('1 000'): said so ('12 EUR' is no number)
        unspaced = pc.replace_substring(text, " ", "")
        spaced = pc.and_(pc.invert(ok), pc.match_substring_regex(unspaced, MONEY_RE))
        parsed.flag(spaced, spec.name, SPACE_INSIDE.format(decimal=decimal))
        parsed.flag(pc.and_(pc.invert(ok), pc.invert(spaced)), spec.name, rule)
        clean = pc.if_else(ok, text, scalar(None, pa.string()))
    # a value of at most 14 characters has at most 14 digits before the point: the regex that
    # counts them (a quarter of a chunk's parsing) runs only when a longer value is there
    if pc.any(pc.greater(pc.utf8_length(clean), scalar(MONEY_INTEGER_DIGITS, pa.int64()))).as_py():
        whole = pc.replace_substring_regex(clean, r"^[+-]?0*(\d*)(\.\d*)?$", r"\1")
        too_big = pc.greater(pc.utf8_length(whole), scalar(MONEY_INTEGER_DIGITS, pa.int64()))
        parsed.flag(too_big, spec.name, MONEY_RANGE)
    if not spec.negative_ok:
        parsed.flag(pc.starts_with(clean, "-"), spec.name, "negative amount is not allowed")
    return clean


def _round_money(clean: pa.Array, spec: FieldSpec, parsed: Parsed) -> pa.Array:
    """``clean`` with every amount of more than :data:`MONEY_SCALE` decimals rounded to that many,
    half away from zero (PostgreSQL's rule for ``numeric``; SQLite kept the float of all the
    digits); one that rounds up to 10^14 is flagged out of range, as PostgreSQL refuses it.
    Other values are kept as written."""
    # a value of at most 5 characters holds at most 4 decimals: the usual price column ends here
    if (pc.max(pc.binary_length(clean)).as_py() or 0) <= MONEY_SCALE + 1:
        return clean
    point = filled(pc.find_substring(clean, "."), -1)  # -1: no point
    length = filled(pc.binary_length(clean), 0)
    rows = _in_range(clean, np.flatnonzero((point >= 0) & (point < length - MONEY_SCALE - 1)))
    if rows.size == 0:
        return clean
    some = clean.take(from_numpy(rows))
    if isinstance(some, pa.ChunkedArray):
        some = some.combine_chunks()
    kept = _rounded(some.cast(pa.string()), point[rows])
    over = pc.greater_equal(pc.abs(kept), scalar(MONEY_LIMIT, pa.float64()).cast(kept.type))
    flagged = np.zeros(len(clean), dtype=bool)
    flagged[rows[to_numpy(over)]] = True
    parsed.flag(flagged, spec.name, MONEY_ROUNDED_RANGE)
    replaced = np.zeros(len(clean), dtype=bool)
    replaced[rows] = True
    return pc.replace_with_mask(clean, from_numpy(replaced), pc.cast(kept, clean.type))


def _in_range(clean: pa.Array, rows: np.ndarray) -> np.ndarray:
    """Those of ``rows`` whose value has at most 14 digits before its point (a longer one is
    flagged by :func:`_parse_money` and left as it is); the regex that counts them runs only
    when a value has more than 14 characters before its point."""
    if rows.size == 0 or (pc.max(pc.binary_length(clean)).as_py() or 0) <= 20:
        return rows  # 14 before the point, the point, 5 after it: no more
    some = clean.take(from_numpy(rows))
    fits = pc.match_substring_regex(some, rf"^[+-]?0*\d{{0,{MONEY_INTEGER_DIGITS}}}\.")
    return rows[filled(fits, False)]


def _rounded(text: pa.Array, point: np.ndarray) -> pa.Array:
    """Amounts (none null or empty) of at most 14 digits before the point (at ``point``) and
    more than 4 after it, rounded half away from zero to 4 decimals, as decimals with room for
    the carry of 99...9.99995. Half away from zero depends on the first digit dropped alone, so
    each value is cut after it (on its bytes: a regex took 160 ms per 500,000 values) before
    Arrow's exact cast, which refuses a value it would have to round."""
    offsets, data = value_bytes(text) or (np.zeros(1, np.int32), np.zeros(0, np.uint8))
    keep = np.minimum(np.diff(offsets), point + MONEY_SCALE + 2).astype(np.int32)
    ends = np.concatenate((np.zeros(1, np.int32), np.cumsum(keep, dtype=np.int32)))
    picked = np.repeat(offsets[:-1] - ends[:-1], keep) + np.arange(ends[-1], dtype=np.int32)
    cut = pa.StringArray.from_buffers(
        len(text), pa.py_buffer(ends), pa.py_buffer(np.ascontiguousarray(data[picked]))
    )
    digits = MONEY_INTEGER_DIGITS + MONEY_SCALE + 2
    exact = pc.cast(cut, pa.decimal128(digits, MONEY_SCALE + 1))
    rounded = pc.round(exact, ndigits=MONEY_SCALE, round_mode="half_towards_infinity")
    return pc.cast(rounded, pa.decimal128(digits, MONEY_SCALE))


def _parse_bool(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    lower = pc.utf8_lower(text)
    yes = pc.is_in(lower, value_set=strings(TRUE))
    no = pc.is_in(lower, value_set=strings(FALSE))
    parsed.flag(
        pc.and_(pc.is_valid(text), pc.invert(pc.or_(yes, no))),
        name,
        "not a yes/no value (true/false, yes/no, 1/0)",
    )
    return pc.if_else(pc.is_null(text), scalar(None, pa.bool_()), yes)


def _parse_json(text: pa.Array, name: str, parsed: Parsed) -> pa.Array:
    """A JSON object per row. Its numbers are kept as they are spelled, but read back as
    doubles wherever the field is shown (a profile, a timeline, an export): one a double cannot
    hold (``1e400``, read back as infinity and shown as null; ``1e-400``, read back as 0) is
    refused rather than stored to be lost. One nested more than
    :data:`~opencx.core.text.MAX_FIELD_DEPTH` deep is refused too: no answer could show it."""
    bad = np.zeros(len(text), dtype=bool)
    far = np.zeros(len(text), dtype=bool)
    deep = np.zeros(len(text), dtype=bool)
    for i, value in enumerate(text.to_pylist()):
        if value is None:
            continue
        if nested_too_deep(value, MAX_FIELD_DEPTH) is not None:  # before json recurses into it
            deep[i] = True
            continue
        try:
            ok = isinstance(json.loads(value, parse_float=_double), dict)
        except _OutOfRange:
            far[i] = True
            continue
        except json.JSONDecodeError:
            ok = False
        except ValueError:  # a whole number of more than 4,300 digits, which no int is made of
            far[i] = True
            continue
        except RecursionError:  # json's reader recurses once per array or object opened
            deep[i] = True
            continue
        bad[i] = not ok
    parsed.flag(bad, name, "not a JSON object")
    parsed.flag(deep, name, FIELD_TOO_DEEP)
    parsed.flag(
        far,
        name,
        "a number in it is out of range: read back as a double (within ±1.8e308, and not"
        " smaller than 5e-324 unless 0) wherever the field is shown",
    )
    return text


FIELD_TOO_DEEP = (
    f"arrays and objects nested more than {MAX_FIELD_DEPTH} levels deep"
    f" (at most {MAX_FIELD_DEPTH} are kept: an answer showing it could not be written)"
)


class _OutOfRange(ValueError):
    pass


def _double(spelled: str) -> float:
    """A JSON number as a double; _OutOfRange when the double is infinite, or 0 where the number
    is not (its digits before the exponent hold one that is not 0)."""
    number = float(spelled)
    significand = spelled.lower().partition("e")[0]
    if math.isinf(number) or (number == 0 and any(c in "123456789" for c in significand)):
        raise _OutOfRange(spelled)
    return number


def _quotient(
    chunk: pa.Table, expr: str, target: str, parsed: Parsed, mapping: Mapping
) -> pa.Array:
    """``left / right`` of two amount columns, the exact quotient rounded half away from zero
    to 4 decimals like every amount (:func:`_round_money`). Divided as doubles, and again as
    Decimals for the rows where a double cannot tell which way the quotient rounds."""
    left, _, right = (part.strip() for part in expr.partition("/"))
    texts = []
    for column in (left, right):
        text = as_text(chunk.column(column))
        parsed.raw.setdefault(target, text)
        texts.append(_parse_money(text, FieldSpec(target, "money"), parsed, mapping))
    values = [pc.cast(text, pa.float64()) for text in texts]
    zero = pc.equal(values[1], scalar(0.0, pa.float64()))
    parsed.flag(zero, target, f"{right} is zero, cannot divide {left} by it")
    quotient = pc.divide(values[0], pc.if_else(zero, scalar(None, pa.float64()), values[1]))
    rounded = pc.round(quotient, MONEY_SCALE, round_mode="half_towards_infinity")
    too_big = filled(
        pc.greater_equal(pc.abs(rounded), scalar(MONEY_LIMIT, pa.float64())), False
    ).copy()
    doubtful = _near_half(quotient)
    exact = _exact_quotients(*(text.take(from_numpy(doubtful)).to_pylist() for text in texts))
    too_big[doubtful] = [abs(q) >= MONEY_LIMIT for q in exact]
    parsed.flag(too_big, target, MONEY_RANGE)
    # as decimal text (a double's own text can be 1.2e+13), each the nearest of 4 decimals
    kept = pc.if_else(from_numpy(too_big), scalar(None, pa.float64()), rounded)
    text = pc.cast(pc.cast(kept, pa.decimal128(MONEY_INTEGER_DIGITS + 4, 4)), pa.string())
    if not doubtful.size:
        return text
    big = too_big[doubtful]
    exact_text = strings([None if b else str(q) for q, b in zip(exact, big, strict=True)])
    return pc.replace_with_mask(text, _mask(len(text), doubtful), exact_text)


def _near_half(quotient: pa.Array) -> np.ndarray:
    """Rows whose double quotient, scaled to 4 decimals, lies so near a half (within its
    possible error, a few units in its last place, with 20-fold room) that the exact quotient
    may round the other way; also every row too large for a double to hold 4 decimals."""
    values = filled(quotient, 0.0)
    scaled = np.abs(values) * 10.0**MONEY_SCALE
    with np.errstate(invalid="ignore"):
        gap = np.abs(scaled - np.floor(scaled) - 0.5)
        return np.flatnonzero(np.isfinite(scaled) & (gap <= 1e-9 + scaled * 1e-14))


def _exact_quotients(left: list[str], right: list[str]) -> list[Decimal]:
    """Each ``left / right`` rounded half away from zero to 4 decimals (one of 10^14 or more
    as it is: out of range either way)."""
    scale = Decimal(1).scaleb(-MONEY_SCALE)
    found = []
    with localcontext() as context:
        context.prec = 60  # 14 + 4 digits and far more: exact to past the 5th decimal
        for a, b in zip(left, right, strict=True):
            quotient = Decimal(a) / Decimal(b)
            if abs(quotient) < MONEY_LIMIT:
                quotient = quotient.quantize(scale, ROUND_HALF_UP)
            found.append(quotient if quotient else quotient.copy_abs())  # never -0.0000
    return found


def _mask(n: int, rows: np.ndarray) -> pa.Array:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return from_numpy(mask)
