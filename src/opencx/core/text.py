"""Text that every store, driver and Arrow array can hold, and where in a JSON value an item
refused is."""

from __future__ import annotations

import re
from collections.abc import Callable
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


def json_path(value: Any, wanted: Callable[[Any], bool]) -> str | None:
    """Where the first item of ``value`` (dicts and lists of items, in their order) that is
    ``wanted`` is, as a path of keys and indexes (``data.lines[1].unit_price``; ``""`` for
    ``value`` itself), or None. Walked without recursion: a JSON value may nest thousands deep.

    >>> json_path({"data": {"lines": [{}, {"unit_price": None}]}}, lambda x: x is None)
    'data.lines[1].unit_price'
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if wanted(item):
            return path
        if isinstance(item, dict):
            inner = [(f"{path}.{k}" if path else str(k), v) for k, v in item.items()]
        elif isinstance(item, list):
            inner = [(f"{path}[{i}]", v) for i, v in enumerate(item)]
        else:
            continue
        stack.extend(reversed(inner))
    return None
