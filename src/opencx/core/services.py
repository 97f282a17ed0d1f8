"""Reaching a service that the composition root built, checked: :func:`service_of`.

Slices cannot import ``opencx.app`` (it sits above them), so they cannot name its ``Services``
container; each slice names what it needs instead (an attribute and the class it must be) and
gets a value of that class or an error at once, never an untyped attribute.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def service_of(container: object, name: str, kind: type[T]) -> T:
    """``container.<name>``, which must be an instance of ``kind``.

    >>> from types import SimpleNamespace
    >>> service_of(SimpleNamespace(answer=42), "answer", int)
    42
    """
    found = getattr(container, name, None)
    if not isinstance(found, kind):
        raise TypeError(
            f"services.{name} is {type(found).__name__}, not the {kind.__name__} asked for"
        )
    return found
