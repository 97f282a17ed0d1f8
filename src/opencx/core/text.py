"""Text that every store, driver and Arrow array can hold, where in a JSON value an item
refused is, and how deep a JSON text may nest."""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_JSON_DEPTH = 800
"""How deep the arrays and objects of a JSON body may nest. ``json`` and every walk of what it
reads recurse once per level, and Python stops them at its recursion limit (1,000 frames, less
those of the request being served): near 950 levels a body was a 400 'There was an error
parsing the body' naming nothing, or a 500 where an Idempotency-Key's digest read it first,
at a depth that moved with the call stack. Past this bound, some 150 frames below that, a body
is refused whoever reads it; a JSON field kept in the store nests less (:data:`MAX_FIELD_DEPTH`)."""

MAX_FIELD_DEPTH = 200
"""How deep a JSON field the store keeps (an event's or a file's ``properties``, ``attributes``)
may nest. Every answer showing one is written by pydantic, whose serializer stops at 254 levels
of the whole answer ('Maximum serialization depth exceeded'): a person's profile or GDPR export
holding a field nested some 250 deep was a 500, and on PostgreSQL the driver's read of one some
940 deep a RecursionError. An export encloses a field in a few levels; this leaves 50."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # signed: +1 opens, -1 closes
_CLOSING = {"[": "]", "{": "}"}


def nested_too_deep(body: bytes | str, limit: int = MAX_JSON_DEPTH) -> json.JSONDecodeError | None:
    """Why ``body``, a JSON text, is refused when its arrays and objects nest more than
    ``limit`` deep: a JSONDecodeError at the ``[`` or ``{`` opening level ``limit + 1`` (its
    position in the text ``json`` reads), its message naming the path to it when the text
    before it reads; else None, found without recursion.

    Costs a count of brackets when they are fewer than ``limit`` (2 us for a 2 KB event);
    else a pass over the text outside its strings, about as long as ``json`` takes to read it
    (14 ms for a MB of small objects).

    >>> nested_too_deep(b'{"a": [[1]]}', limit=2).msg
    'a[0]: arrays and objects nested more than 2 levels deep (at most 2 are read)'
    """
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return None
    encoding = "utf-8" if isinstance(body, str) else json.detect_encoding(body)
    try:  # the text json reads (UTF-8, or the UTF-16 or 32 it detects)
        text = body if isinstance(body, str) else body.decode(encoding, "surrogatepass")
    except UnicodeDecodeError:  # json reads no text from it, and says so itself
        return None
    if not encoding.startswith("utf-8"):
        raw = text.encode("utf-8", "surrogatepass")
    outside = (  # without escaped quotes, every other piece between quotes is a string
        _STRING.sub(b"", raw) if b'\\"' in raw else b"".join(raw.split(b'"')[0::2])
    )
    brackets = outside.translate(None, _NOT_BRACKETS)
    if max(accumulate(array("b", brackets.translate(_STEPS))), default=0) <= limit:
        return None
    opened: list[str] = []
    for token in _TOKEN.finditer(text):
        char = text[token.start()]
        if char in "[{":
            if len(opened) == limit:
                return json.JSONDecodeError(
                    _too_deep(text, token.start(), opened, limit), text, token.start()
                )
            opened.append(char)
        elif char in "]}" and opened:
            opened.pop()
    return None  # not reached: the same brackets outside the same strings


def _too_deep(text: str, at: int, opened: list[str], limit: int) -> str:
    rule = f"arrays and objects nested more than {limit} levels deep (at most {limit} are read)"
    marks: list[object] = []

    def mark(_: str) -> object:
        marks.append(object())
        return marks[-1]

    closed = text[:at] + "NaN" + "".join(_CLOSING[c] for c in reversed(opened))
    try:  # the text before the place, the place a constant of its own, each level closed
        data = json.loads(closed, parse_constant=mark)
    except ValueError:  # the text before it is no JSON: its position alone says where
        return rule
    path = json_path(data, lambda item: item is marks[-1]) if marks else None
    if not path:
        return rule
    if len(path) > 60:  # a path as deep as the limit: its first steps, cut between two
        path = path[: max(path.rfind("[", 1, 57), path.rfind(".", 1, 57), 1)] + "..."
    return f"{path}: {rule}"


def lone_surrogate(value: Any) -> str | None:
    """The first half of a UTF-16 pair held alone by a string of ``value`` (a string, or dicts
    and lists of them, keys included), or None. ``json`` reads ``"\\ud800"`` into such a string
    (a pair of escapes is read as one character), which no UTF-8 text holds: Arrow, the drivers
    and the stores refuse it ('surrogates not allowed'), so it is refused where it is read."""
    found = lone_surrogate_path(value)
    return None if found is None else found[1]


def lone_surrogate_path(value: Any) -> tuple[str, str] | None:
    """Where the first lone surrogate of ``value`` is, in document order, and which it is:
    ``(path, surrogate)``, the path of the string holding it (``data.properties.note``; ``""``
    for ``value`` itself) or of the key (its surrogates written ``\\ud800``), or None. Walked
    without recursion, as :func:`json_path`.

    >>> lone_surrogate_path({"data": {"a": "ok", "b": ["x", "y\\ud800"]}})
    ('data.b[1]', '\\ud800')
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                return path, found.group()
            continue
        if isinstance(item, dict):
            inner: list[tuple[str, Any]] = []
            for key, child in item.items():
                named = str(key).encode("utf-8", "backslashreplace").decode("utf-8")
                where = f"{path}.{named}" if path else named
                inner += [(where, str(key)), (where, child)]  # the key, then its value
        elif isinstance(item, list):
            inner = [(f"{path}[{i}]", child) for i, child in enumerate(item)]
        else:
            continue
        stack.extend(reversed(inner))
    return None


_MAY_BE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""An escape of a surrogate, or one written in the bytes (json decodes them 'surrogatepass')."""
_MAY_BE_SURROGATE_TEXT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_UNREAD = object()


def surrogate_refused(body: bytes | str, data: Any = _UNREAD) -> json.JSONDecodeError | None:
    """Why ``body``, a JSON text (``data``: what it reads as, when read already), is refused
    when a string or key of it holds a lone surrogate: a JSONDecodeError naming its path
    (``data.properties.note: a lone surrogate (\\ud800, half a UTF-16 pair) is no
    character``) at its place in the text; else None. A body with no surrogate escape (nor
    bytes) is not read again: a search of its bytes says so (about 1 us for an event).

    >>> surrogate_refused(b'{"a": ["ok", "x\\\\ud800"]}').msg
    'a[1]: a lone surrogate (\\\\ud800, half a UTF-16 pair) is no character'
    """
    if isinstance(body, bytes):
        utf8 = b"\x00" not in body[:4] and not body.startswith((b"\xff\xfe", b"\xfe\xff"))
        if utf8 and (  # json would read it as UTF-8
            (b"\\u" not in body and b"\xed" not in body) or not _MAY_BE_SURROGATE.search(body)
        ):
            return None
        encoding = json.detect_encoding(body)
        try:  # the text json reads (UTF-8, or the UTF-16 or 32 it detects)
            text = body.decode(encoding, "surrogatepass")
        except UnicodeDecodeError:  # json reads no text from it, and says so itself
            return None
    else:
        text = body
    if not _MAY_BE_SURROGATE_TEXT.search(text):
        return None
    if data is _UNREAD:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # not JSON: the reader of the body says so
            return None
    found = lone_surrogate_path(data)
    if found is None:
        return None
    path, char = found
    rule = f"a lone surrogate (\\u{ord(char):04x}, half a UTF-16 pair) is no character"
    return json.JSONDecodeError(f"{path}: {rule}" if path else rule, text, _spelled_at(text, char))


def _spelled_at(text: str, char: str) -> int:
    """Where ``char``, a surrogate, is written alone in ``text``: its escape not one half of a
    pair's (a high surrogate with no low one after it, a low one with no high one before it),
    or the character itself; 0 if not found."""
    code = f"{ord(char):04x}"
    if char < "\udc00":
        escape = rf"\\u{code}(?!\\u[dD][c-fC-F][0-9a-fA-F]{{2}})"
    else:
        escape = rf"(?<!\\u[dD][89abAB][0-9a-fA-F]{{2}})\\u{code}"
    found = re.compile(f"{escape}|{char}", re.IGNORECASE).search(text)
    return found.start() if found else 0


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


class JsonRefused(ValueError):
    """Why a JSON document given as a file or an option is refused: one line naming the place
    (line, column and path in the document) and what is wrong, as :func:`json_document` says
    it; the caller names the file or option."""


def json_document(raw: bytes) -> Any:
    """The JSON document in ``raw``, read as the API reads a body: UTF-8 (a byte order mark
    allowed), nested at most :data:`MAX_JSON_DEPTH` deep (found before ``json`` recurses), no
    lone surrogate; else :class:`JsonRefused`. What the commands that read a JSON file or
    option (``opencx loyalty configure``, ``feedback create --file``, ``models fit --config``)
    read it with.

    >>> json_document(b'{"a": [1]}')
    {'a': [1]}
    >>> try:
    ...     json_document(b"[1] [2]")
    ... except JsonRefused as exc:
    ...     print(exc)
    not JSON: line 1, column 5: Extra data
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise JsonRefused(
            f"not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}): save it as UTF-8"
        ) from None
    refused = nested_too_deep(text)
    if refused is None:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise JsonRefused(
                f"not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        refused = surrogate_refused(text, document)
        if refused is None:
            return document
    raise JsonRefused(f"line {refused.lineno}, column {refused.colno}: {refused.msg}")


def json_kind(value: Any) -> str:
    """What a JSON value is, as a refusal says it: 'an object', 'an array', 'a string',
    'a number', 'true or false', 'null'.

    >>> json_kind([1])
    'an array'
    """
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
