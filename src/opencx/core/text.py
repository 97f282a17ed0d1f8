"""Text that every store, driver and Arrow array can hold."""

from __future__ import annotations

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: Any) -> str | None:
    """The first half of a UTF-16 pair held alone by a string of ``value`` (a string, or dicts
    and lists of them, keys included), or None. ``json`` reads ``"\\ud800"`` into such a string
    (a pair of escapes is read as one character), which no UTF-8 text holds: Arrow, the drivers
    and the stores refuse it ('surrogates not allowed'), so it is refused where it is read."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        items: Any = (x for pair in value.items() for x in pair)
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found_in = lone_surrogate(item)
        if found_in is not None:
            return found_in
    return None
