"""Shapes of text columns checked on their bytes with NumPy, for the usual column: no value
missing, every byte of an expected class. Each check says only "every value has this shape";
when it cannot say so, the caller runs its regular expression as before, so the rows flagged
and the values kept never depend on which way a column went."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _digits(data: np.ndarray) -> np.ndarray:
    """Per byte: an ASCII digit (one subtraction, wrapping below ``0``)."""
    return np.asarray((data - np.uint8(ord("0"))) <= 9)


def value_bytes(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The value boundaries (``n + 1`` offsets from 0) and bytes of a ``string`` column with no
    null and no empty value, as NumPy views of its buffers; None for any other column."""
    n = len(text)
    if n == 0 or text.null_count or not pa.types.is_string(text.type):
        return None
    buffers = text.buffers()
    offsets = np.frombuffer(buffers[1], np.int32, n + 1, offset=text.offset * 4)
    data = np.frombuffer(buffers[2], np.uint8)[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    if (np.diff(offsets) <= 0).any():
        return None
    return offsets, data


def all_digits(text: pa.Array) -> bool:
    """Every value is ``\\d+`` (no sign, no null, not empty)."""
    found = value_bytes(text)
    return found is not None and bool(_digits(found[1]).all())


def all_plain_amounts(text: pa.Array) -> bool:
    """Every value is ``\\d+\\.?\\d*`` or ``\\.\\d+``: digits with at most one point, and more
    than the point (no sign, no space, no null)."""
    found = value_bytes(text)
    if found is None:
        return False
    offsets, data = found
    point = data == ord(".")
    if not (_digits(data) | point).all():
        return False
    if not point.any():
        return True
    # a value fails only with two points, or as the point alone
    one_each = (pc.max(pc.count_substring(text, ".")).as_py() or 0) <= 1
    return one_each and not (point[offsets[:-1]] & (np.diff(offsets) == 1)).any()


ISO_SHAPES = {
    10: "0000-00-00",
    16: "0000-00-00T00:00",
    19: "0000-00-00T00:00:00",
}
"""ISO dates and times of one width, ``0`` a digit (``T`` may be a space), all matched by
``times.ISO_RE``."""


def all_iso_of_one_width(text: pa.Array) -> bool:
    """Every value has one shape of :data:`ISO_SHAPES`, all the same width."""
    found = value_bytes(text)
    if found is None:
        return False
    offsets, data = found
    width = int(offsets[1])
    shape = ISO_SHAPES.get(width)
    if shape is None or int(offsets[-1]) != width * (len(offsets) - 1):
        return False
    if not (np.diff(offsets) == width).all():
        return False
    rows = data.reshape(-1, width)
    low = np.frombuffer(shape.encode("ascii"), np.uint8)
    span = np.where(low == ord("0"), 9, 0).astype(np.uint8)
    ok = (rows - low) <= span  # a digit where the shape has 0, else the shape's own byte
    ok[:, 10:11] |= rows[:, 10:11] == ord(" ")  # the date and time apart by a space
    return bool(ok.all())
