"""Redacting a person's values (name, email, phone) from free text and JSON documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[erased]"
MIN_LENGTH = 3
"""Shorter values (initials, a two-letter name) would blank unrelated words; they are kept."""


def redactable(values: Iterable[str | None]) -> tuple[str, ...]:
    """The values worth redacting, longest first (so "Ann Smith" goes before "Ann")."""
    kept = {v.strip() for v in values if v and len(v.strip()) >= MIN_LENGTH}
    return tuple(sorted(kept, key=lambda v: (-len(v), v)))


def redact(text: str | None, personal: Iterable[str]) -> str | None:
    """``text`` with every case-insensitive occurrence of a ``personal`` value replaced.

    >>> redact("Mail ann@example.com or ask for Ann Smith", ("Ann Smith", "ann@example.com"))
    'Mail [erased] or ask for [erased]'
    """
    if text is None:
        return None
    for value in redactable(personal):
        text = re.sub(re.escape(value), REDACTED, text, flags=re.IGNORECASE)
    return text


def redact_json(document: Any, personal: Iterable[str]) -> Any:
    """A copy of a JSON document with ``personal`` values redacted from every string in it."""
    values = redactable(personal)
    if isinstance(document, str):
        return redact(document, values)
    if isinstance(document, dict):
        return {k: redact_json(v, values) for k, v in document.items()}
    if isinstance(document, list):
        return [redact_json(v, values) for v in document]
    return document
