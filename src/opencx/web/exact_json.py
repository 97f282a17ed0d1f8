"""Request bodies read as exact JSON: every number with a fraction or an exponent is the Decimal
it spells, never a binary float, so an amount is checked (and kept) as it was sent.

FastAPI parses a body with ``json.loads`` into floats, and pydantic's own JSON parser reads a
Decimal through a float too (``12345678901234.56789`` becomes ``12345678901234.568``). A router
built with ``route_class=ExactJsonRoute`` reads its bodies with :func:`exact_json` instead: the
loyalty API and the event API (``POST /api/events``) do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any, NoReturn

from fastapi import Request, Response
from fastapi.routing import APIRoute

from opencx.core.text import json_path, nested_too_deep, surrogate_refused

__all__ = ["ExactJsonRoute", "exact_json"]


class _NotJson(ValueError):
    pass


def _constant(name: str) -> NoReturn:
    raise _NotJson(name, f"{name} is not a JSON number")


DIGITS = 1000
"""The most digits, and the largest exponent either way, of a JSON number read: past them it is
out of range, as a float made it inf (or 0) and an int field refused it at once. Read exactly,
``1e5000`` became a 5,001-digit int no message could print (Python's 4,300-digit limit), and
``1E+10000000``, ten bytes, an int pydantic spent 6 s of CPU making. A whole number is held
to it too: past 4,300 digits ``json`` could not make it an int at all (a ValueError, which
FastAPI answered with a 400 naming nothing)."""


def _decimal(text: str) -> Decimal:
    try:  # a text this long holds more digits (a sign, a point, an exponent's few characters)
        number = None if len(text) > 3 * DIGITS else Decimal(text)
    except ArithmeticError:  # an exponent past what a Decimal holds (10^18 either way)
        number = None
    if number is None or abs(number.adjusted()) > DIGITS or len(number.as_tuple().digits) > DIGITS:
        raise _out_of_range(text) from None
    return number


def _integer(text: str) -> int:
    if len(text) - text.startswith("-") > DIGITS:
        raise _out_of_range(text)
    return int(text)


def _out_of_range(text: str) -> _NotJson:
    shown = text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"
    return _NotJson(text, f"{shown} is out of range for a number")


class _Refused:
    """A number or constant the reader refuses, kept in its place to say where it is."""


def _kept(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def keep(text: str) -> Any:
        try:
            return parse(text)
        except _NotJson:
            return _Refused()

    return keep


def _field(body: bytes) -> str | None:
    """The path of the first number or constant of ``body`` that the reader refuses (from
    its top: ``data.lines[1].unit_price``), or None when it is the body itself or the body
    cannot be read so."""
    try:
        data = json.loads(
            body,
            parse_float=_kept(_decimal),
            parse_int=_kept(_integer),
            parse_constant=lambda _: _Refused(),
        )
    except ValueError:
        return None
    return json_path(data, lambda item: isinstance(item, _Refused)) or None


def exact_json(body: bytes) -> Any:
    """``body`` as JSON, every number with a fraction or an exponent read as the Decimal it
    spells (``12345678901234.56789`` stays itself; a binary float would make it
    ``12345678901234.568``); ``NaN`` and ``Infinity``, which JSON has not (RFC 8259), are a
    JSONDecodeError at their position, as any other malformed body, and so is a number of more
    than :data:`DIGITS` digits or an exponent past them (``1e5000``), a string or key holding a
    lone surrogate (``"\\ud800"``, which no UTF-8 text holds), or arrays and objects nested more
    than ``core.text.MAX_JSON_DEPTH`` deep. The message of a refused number or surrogate begins
    with its place (``data.lines[1].unit_price: 1e5000 is out of range for a number``).

    >>> exact_json(b'{"value": 0.1, "points": 5}')
    {'value': Decimal('0.1'), 'points': 5}
    """
    deep = nested_too_deep(body)  # before json recurses into it
    if deep is not None:
        raise deep
    try:
        data = json.loads(body, parse_float=_decimal, parse_int=_integer, parse_constant=_constant)
    except _NotJson as exc:
        spelled, message = exc.args
        text = body.decode("utf-8", "replace")
        found = re.search(rf"[\[:,]\s*({re.escape(spelled)})(?![0-9.eE+-])", text)
        where = found.start(1) if found else 0
        field = _field(body)
        raise json.JSONDecodeError(
            f"{field}: {message}" if field else message, text, where
        ) from None
    lone = surrogate_refused(body, data)  # 'data.properties.note: a lone surrogate ...'
    if lone is not None:
        raise lone
    return data


class _ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = exact_json(await self.body())
        return self._json


class ExactJsonRoute(APIRoute):
    """A route whose JSON body is read by :func:`exact_json`, so an amount is validated as
    sent (its digits and decimals), never after a trip through binary floating point."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handler(_ExactJsonRequest(request.scope, request.receive))

        return exact
