"""Events of the event API (``POST /api/events``) as rows of an import kind."""

from __future__ import annotations

from typing import Any

from opencx.core import InvalidInput

EVENT_KINDS = {"customer": "customers", "order": "orders", "interaction": "interactions"}


def field_path(data: dict[str, Any], key: str, record: int | None = None) -> str:
    """Where the field ``key`` of an event is in its body: ``data.<key>``, or, when an order's
    line holds it, ``data.lines[<i>].<key>``: line ``record - 1`` (a row of the event is a
    line, from 1), or for ``record`` None the first line holding it. A field the event lacks
    is named where any of its fields may be given: ``data.<key>``; but ``line_no``, which
    numbers one line, at that line."""
    lines = data.get("lines")
    if isinstance(lines, list):
        indexes = range(len(lines)) if record is None else (record - 1,)
        for i in indexes:
            if 0 <= i < len(lines) and isinstance(lines[i], dict) and key in lines[i]:
                return f"data.lines[{i}].{key}"
        if key == "line_no" and record is not None and key not in data:
            return f"data.lines[{record - 1}].{key}"
    return f"data.{key}"


def event_records(event_type: str, data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The kind and rows of one API event; an order's ``lines`` become one row per line."""
    if event_type not in EVENT_KINDS:
        raise InvalidInput(f"event type {event_type!r}: use one of {', '.join(EVENT_KINDS)}")
    kind = EVENT_KINDS[event_type]
    if kind != "orders":
        if not data:
            raise InvalidInput("event: data holds no field ({})")
        return kind, [data]
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, dict) for x in lines):
        raise InvalidInput("event: an order needs 'lines', a non-empty list of objects")
    head = {k: v for k, v in data.items() if k != "lines"}
    if not head:  # then a line of no field is a record of none (formats.records_batch)
        empty = next((i for i, line in enumerate(lines) if not line), None)
        if empty is not None:
            raise InvalidInput(
                f"event: lines[{empty}] holds no field ({{}}), nor does the order besides 'lines'"
            )
    return kind, [{**head, **line} for line in lines]
