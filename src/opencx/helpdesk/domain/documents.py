"""Reading a JSON definition an admin typed (a catalog item, a QA scorecard): each value is
checked where it stands, and a wrong one is refused naming its path and the rule
('catalog item: fields[1].kind: 'date' is not one of text, email, choice'), never a Python
error's words."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from opencx.core.errors import InvalidInput

KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")  # as the desk's queues, rules and calendars
KEY_RULE = "1-100 lower-case letters, digits, '_', '.' or '-', starting with a letter or digit"
MOST_TEXT = 2000


class Document:
    """A JSON object of ``what`` (e.g. 'catalog item') at ``path`` ('' for the whole)."""

    def __init__(self, what: str, data: object, path: str = "") -> None:
        self.what, self.path = what, path
        if not isinstance(data, Mapping):
            self.refuse("", f"expected a JSON object, not {_kind(data)}")
        self.data: Mapping[str, Any] = data

    def refuse(self, key: str, problem: str) -> NoReturn:
        where = ".".join(p for p in (self.path, key) if p)
        raise InvalidInput(f"{self.what}: {where + ': ' if where else ''}{problem}")

    def only(self, known: Sequence[str]) -> None:
        """Refuse a key the definition does not have (a typo would be dropped silently)."""
        unknown = sorted(str(k) for k in self.data if k not in known)
        if unknown:
            self.refuse(
                "", f"unknown key(s) {', '.join(map(repr, unknown))} (the keys: {', '.join(known)})"
            )

    def key(self, name: str) -> str:
        value = self.text(name)
        if not KEY.match(value):
            self.refuse(name, f"{value[:60]!r}: {KEY_RULE}")
        return value

    def text(self, name: str, default: str | None = None) -> str:
        """The text at ``name``; without a default it must be given and not be blank."""
        return self._text(name, self.data.get(name, default), required=default is None)

    def _text(self, where: str, value: object, *, required: bool) -> str:
        if value is None:
            self.refuse(where, "missing")
        if not isinstance(value, str):
            self.refuse(where, f"expected text, not {_kind(value)}")
        text = value.strip()
        if not text and required:
            self.refuse(where, "must not be empty")
        if len(text) > MOST_TEXT:
            self.refuse(where, f"at most {MOST_TEXT} characters (it has {len(text)})")
        return text

    def optional_key(self, name: str) -> str | None:
        return None if self.data.get(name) is None else self.key(name)

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.refuse(name, f"expected true or false, not {_kind(value)}")
        return value

    def whole(self, name: str, default: int, low: int, high: int) -> int:
        value = self.data.get(name, default)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.refuse(name, f"expected a whole number, not {_kind(value)}")
        if not low <= value <= high:
            self.refuse(name, f"{value} is out of range ({low} to {high})")
        return value

    def positive(self, name: str, default: float, high: float) -> float:
        value = self.data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.refuse(name, f"expected a number, not {_kind(value)}")
        if not (math.isfinite(value) and 0 < value <= high):
            self.refuse(name, f"{value} is out of range (above 0, at most {high:g})")
        return float(value)

    def texts(self, name: str) -> list[str]:
        values = self.data.get(name, [])
        if not isinstance(values, list):
            self.refuse(name, f"expected a list of texts, not {_kind(values)}")
        return [self._text(f"{name}[{i}]", v, required=True) for i, v in enumerate(values)]

    def text_map(self, name: str) -> dict[str, str]:
        values = self.data.get(name, {})
        if not isinstance(values, Mapping):
            self.refuse(name, f"expected an object of texts, not {_kind(values)}")
        return {str(k): self._text(f"{name}.{k}", v, required=False) for k, v in values.items()}

    def objects(self, name: str) -> list[Document]:
        values = self.data.get(name)
        if values is None:
            self.refuse(name, "missing")
        if not isinstance(values, list):
            self.refuse(name, f"expected a list, not {_kind(values)}")
        return [Document(self.what, v, f"{self._at(name)}[{i}]") for i, v in enumerate(values)]

    def _at(self, name: str) -> str:
        return ".".join(p for p in (self.path, name) if p)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "an object"
